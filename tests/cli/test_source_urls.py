"""A web address that is no Google Sheet's URL, given as a team's source or the rollup's
output, is a configuration error that says what to give instead. Until 2026-12-06 it was
read as a path: `file not found (https://drive.google.com/...)`, and `sync` failed the
team as if its workbook had been renamed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_ops_cli import run
from tests.conftest import write_team

PROBLEM = (
    "a web address that is no Google Sheet's URL: give a sheet's URL (docs.google.com/"
    "spreadsheets/d/<key>/edit) or a workbook's path; an .xlsx kept in Google Drive is "
    "opened in Google Sheets and saved as a Google Sheet first (File > Save as Google Sheets)"
)


@pytest.mark.parametrize(
    "url",
    [
        "https://drive.google.com/file/d/1AbCdefghijklmnopqrstuvwxyz0123456789ABCD/view",
        "https://docs.google.com/document/d/1AbCdefghijklmnopqrstuvwxyz0123456789ABCD/edit",
        "HTTP://intranet/okrs/sales.xlsx",
    ],
)
def test_a_web_address_is_no_path(tmp_path: Path, url: str) -> None:
    write_team(tmp_path / "ops.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        f'teams:\n  - {{name: Sales, source: "{url}"}}\n'
        "  - {name: Ops, source: ops.xlsx}\n"
        'rollup: {output: "https://intranet.example/company.xlsx"}\n',
        encoding="utf-8",
    )
    expected = (
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: teams[0].source: {PROBLEM}\n"
        f"  sheets-sync.yaml: rollup.output: {PROBLEM}\n"
    )
    for command in (["config", "check"], ["sync", "--as-of", "2026-11-23"]):
        assert run(*command, "--config", str(cfg)) == (2, "", expected)
