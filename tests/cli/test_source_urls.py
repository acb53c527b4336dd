"""A web address that is no Google Sheet's URL, given as a team's source, is that team's
failure under ``sync`` (as a missing file is: one team's slip must not stop the whole
company's night) and an error in ``config check``, each saying what to give instead. As
the rollup's output it stops the night: there is no company workbook to write. Until
2026-12-06 it was read as a path, `file not found (https://drive.google.com/...)`; then,
briefly, any such team stopped the whole night (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.sources import GSHEET_PREFIX, sheet_source
from tests.cli.test_ops_cli import run
from tests.conftest import write_team

KEY = "1AbCdefghijklmnopqrstuvwxyz0123456789ABCD"
DRIVE_FILE = (
    "a Google Drive link to an uploaded file, not a Google Sheet: open it in Google Sheets, "
    "save it as one (File > Save as Google Sheets) and give that sheet's URL, "
    "docs.google.com/spreadsheets/d/<key>/edit"
)
DOCUMENT = (
    "the URL of a Google Docs document, not of a spreadsheet: give a Google Sheet's URL, "
    "docs.google.com/spreadsheets/d/<key>/edit"
)
ELSEWHERE = (
    "a web address that is no Google Sheet's URL: give the workbook's local path (a "
    "SharePoint or OneDrive file synced to this machine first), or a Google Sheet's URL, "
    "docs.google.com/spreadsheets/d/<key>/edit"
)


def _workspace(tmp_path: Path, url: str, output: str = "company.xlsx") -> Path:
    write_team(tmp_path / "ops.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        f'teams:\n  - {{name: Sales, source: "{url}"}}\n'
        "  - {name: Ops, source: ops.xlsx}\n"
        f'rollup: {{output: "{output}"}}\n',
        encoding="utf-8",
    )
    return cfg


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (f"https://drive.google.com/file/d/{KEY}/view", DRIVE_FILE),
        (f"https://docs.google.com/document/d/{KEY}/edit", DOCUMENT),
        ("https://acme.sharepoint.com/sites/okr/Shared%20Documents/sales.xlsx", ELSEWHERE),
        ("HTTP://intranet/okrs/sales.xlsx", ELSEWHERE),
    ],
)
def test_a_web_address_fails_its_team_alone(tmp_path: Path, url: str, problem: str) -> None:
    cfg = _workspace(tmp_path, url)
    expected = (
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: line 4: teams[0].source: {problem} ({url})\n"
    )
    assert run("config", "check", "--config", str(cfg)) == (2, "", expected)
    code, out, _ = run("sync", "--as-of", "2026-11-23", "--config", str(cfg))
    assert code == 1
    assert f"Sales: failed: {url}: {problem}\n" in out
    assert "Ops: ok" in out
    assert (tmp_path / "company.xlsx").is_file()


def test_a_web_address_as_the_rollup_output_stops_the_night(tmp_path: Path) -> None:
    write_team(tmp_path / "sales.xlsx")
    cfg = _workspace(tmp_path, "sales.xlsx", output="https://intranet.example/company.xlsx")
    expected = (
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: line 6: rollup.output: {ELSEWHERE}\n"
    )
    for command in (["config", "check"], ["sync", "--as-of", "2026-11-23"]):
        assert run(*command, "--config", str(cfg)) == (2, "", expected)


@pytest.mark.parametrize(
    "url",
    [
        f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/u/1/d/{KEY}/edit",
        f"https://docs.google.com/u/1/spreadsheets/d/{KEY}/edit",
        f"https://docs.google.com/a/acme.com/spreadsheets/d/{KEY}/edit",
        f"docs.google.com/spreadsheets/d/{KEY}/edit",
        f"https://docs.google.com/spreadsheet/ccc?key={KEY}",
        f"https://docs.google.com/spreadsheet/ccc?usp=sharing&key={KEY}#gid=0",
        f"https://drive.google.com/open?id={KEY}",
        f"gsheet:https://drive.google.com/open?id={KEY}",
    ],
)
def test_a_sheets_url_forms_give_its_key(url: str) -> None:
    assert sheet_source(url) == GSHEET_PREFIX + KEY


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (f"gsheet:https://drive.google.com/file/d/{KEY}/view?usp=sharing", DRIVE_FILE),
        (f"gsheet:drive.google.com/u/0/file/d/{KEY}/view", DRIVE_FILE),
        (f"gsheet:https://docs.google.com/document/d/{KEY}/edit", DOCUMENT),
        (
            f"gsheet: https://docs.google.com/presentation/d/{KEY}/edit",
            "the URL of a Google Slides presentation, not of a spreadsheet: give a Google "
            "Sheet's URL, docs.google.com/spreadsheets/d/<key>/edit",
        ),
        ("gsheet:https://forms.gle/abcDEF", ELSEWHERE),
        (f"gsheet:https://docs.google.com/drawings/d/{KEY}/edit", ELSEWHERE),
        ("gsheet:https://acme.sharepoint.com/sites/okr/Shared%20Documents/s.xlsx", ELSEWHERE),
    ],
)
def test_gsheet_with_a_web_address_not_a_sheets_says_what_it_is(
    tmp_path: Path, url: str, problem: str
) -> None:
    """As a bare link says; it was "'https://drive...' is not a spreadsheet key" (until
    2026-12-06; for a forms.gle, Drawings or SharePoint link, after the others). A Drive
    file link is what Drive gives an uploaded .xlsx (a Sheet's own link is on
    docs.google.com), so its key is not taken: a bad ``gsheet:`` value, as any other."""
    with pytest.raises(ValueError) as raised:
        sheet_source(url)
    assert str(raised.value) == problem and type(raised.value) is ValueError
    cfg = _workspace(tmp_path, url)
    expected = (
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: line 4: teams[0].source: {problem}\n"
    )
    assert run("config", "check", "--config", str(cfg)) == (2, "", expected)


def test_a_bare_slides_or_forms_link_says_what_it_is() -> None:
    with pytest.raises(ValueError, match=r"^the URL of a Google Slides presentation, not"):
        sheet_source(f"https://docs.google.com/u/1/presentation/d/{KEY}/edit")
    with pytest.raises(ValueError, match=r"^the URL of a Google Forms form \(its answers go"):
        sheet_source(f"https://docs.google.com/forms/d/{KEY}/viewform")


@pytest.mark.parametrize("prefix", ["", "gsheet:"])
def test_a_forms_link_as_the_rollup_output_asks_for_a_sheet(tmp_path: Path, prefix: str) -> None:
    """A form's answers sheet is a hint for a team's source; the output is written to,
    and "give that one" (the form's answers sheet) made no sense there."""
    url = f"https://docs.google.com/forms/d/{KEY}/viewform"
    write_team(tmp_path / "sales.xlsx")
    cfg = _workspace(tmp_path, "sales.xlsx", output=prefix + url)
    expected = (
        "error: sheets-sync.yaml: invalid configuration\n"
        "  sheets-sync.yaml: line 6: rollup.output: the URL of a Google Forms form, not of a "
        "spreadsheet: give a Google Sheet's URL, docs.google.com/spreadsheets/d/<key>/edit\n"
    )
    assert run("config", "check", "--config", str(cfg)) == (2, "", expected)
