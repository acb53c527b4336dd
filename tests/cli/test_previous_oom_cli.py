"""A previous company workbook read back out of memory, through the CLI: `export` and
`rollup --from-results` name it as the workspace does (`company.xlsx`), as `sync` says it,
not by its absolute path (until 2026-12-07 `error: /srv/okr/company.xlsx: last night's
rows ...`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_ops_cli import AS_OF, copy_ws, run
from tests.rollup.test_previous_memory import NOT_PUBLISHED, _run_out_inflating

NOT_READ_BACK = (
    "company.xlsx: last night's rows of the teams that failed (Sales) could not be read back "
    "(out of memory: other reads at once, or a rollup larger than this machine holds); "
)


def _night_with_sales_broken(demo: Path, tmp_path: Path) -> Path:
    """The demo synced on AS_OF (its company workbook written), then Sales's file broken."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), *AS_OF, "--workers", "1")[0] == 0
    (ws.parent / "teams" / "Sales.xlsx").write_bytes(b"PK\x03\x04 cut short")
    return ws


def test_export_names_the_workbook_as_the_workspace_does(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _night_with_sales_broken(demo, tmp_path)
    _run_out_inflating(monkeypatch, str(ws.parent / "company.xlsx"))
    code, out, err = run("export", "--config", str(ws), "--out", str(tmp_path / "exp"), *AS_OF)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"error: {NOT_READ_BACK}nothing exported without them: export again once it reads"
    ]


def test_a_merge_names_the_workbook_as_the_workspace_does(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _night_with_sales_broken(demo, tmp_path)
    night_1 = (ws.parent / "company.xlsx").read_bytes()
    shard = ["--shard", "1/1", "--results-dir", str(tmp_path / "results")]
    assert run("sync", "--config", str(ws), *AS_OF, "--workers", "1", *shard)[0] == 1
    _run_out_inflating(monkeypatch, str(ws.parent / "company.xlsx"))
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(tmp_path / "results"))
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"error: {NOT_READ_BACK}{NOT_PUBLISHED}"]
    assert (ws.parent / "company.xlsx").read_bytes() == night_1
