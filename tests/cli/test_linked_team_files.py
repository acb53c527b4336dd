"""A team file made a symbolic link to another team's workbook (``teams/b.xlsx ->
a.xlsx``) fails that team alone: it stopped the whole night as a configuration error
(exit 2, nothing synced), a clash of two teams reading one tab."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.cli.test_ops_cli import AS_OF, run

DAY = dt.date(2026, 11, 23)


def _engineering_linked_to_sales(demo: Path, tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(demo.parent, ws)
    (ws / "teams" / "Engineering.xlsx").unlink()
    (ws / "teams" / "Engineering.xlsx").symlink_to("Sales.xlsx")
    return ws


def _linked_line(ws: Path) -> str:
    return (
        f"Engineering.xlsx: is a symbolic link to {ws.resolve() / 'teams' / 'Sales.xlsx'}, "
        "the workbook of team 'Sales'; not read or written (it would read the same tab, "
        "OKRs, and the rollup would count its goals twice)"
    )


def test_the_linked_team_fails_alone_and_the_others_sync(demo: Path, tmp_path: Path) -> None:
    ws = _engineering_linked_to_sales(demo, tmp_path)
    before = hashlib.sha256((ws / "teams" / "Sales.xlsx").read_bytes()).hexdigest()
    workspace = load_workspace(ws / "sheets-sync.yaml", files_must_exist=False)
    result = Sync(workspace).run(SyncOptions(as_of=DAY, workers=1))
    runs = {r.team: r for r in result.runs}
    assert (runs["Engineering"].outcome, runs["Engineering"].error) == (
        Outcome.FAILED,
        _linked_line(ws),
    )
    assert {t: r.outcome for t, r in runs.items() if t != "Engineering"} == {
        "Sales": Outcome.OK,
        "Marketing": Outcome.OK,
        "Customer Success": Outcome.OK,
        "Finance": Outcome.OK,
        "People": Outcome.OK,
    }
    assert hashlib.sha256((ws / "teams" / "Sales.xlsx").read_bytes()).hexdigest() != before
    assert (ws / "teams" / "Engineering.xlsx").is_symlink()


def test_the_cli_night_goes_on_and_config_check_names_the_link(demo: Path, tmp_path: Path) -> None:
    ws = _engineering_linked_to_sales(demo, tmp_path)
    code, out, err = run("sync", "--config", str(ws / "sheets-sync.yaml"), *AS_OF)
    assert code == 1, out + err
    assert f"Engineering: failed: {_linked_line(ws)}" in out.splitlines()
    assert "Sales: ok, 20 cells changed (1 error in the sheet)" in out.splitlines()
    assert "Traceback" not in out + err
    code, out, err = run("config", "check", "--config", str(ws / "sheets-sync.yaml"))
    assert code == 2, out + err
    assert err.splitlines()[1:] == [
        "  sheets-sync.yaml: line 36: teams[2].source: "
        + _linked_line(ws).removeprefix("Engineering.xlsx: ")
        + " (teams/Engineering.xlsx)"
    ]


def test_the_team_named_by_the_link_fails_whichever_comes_first(demo: Path, tmp_path: Path) -> None:
    """Sales (listed first) is the link, Engineering the real file: Sales fails."""
    ws = tmp_path / "ws"
    shutil.copytree(demo.parent, ws)
    (ws / "teams" / "Sales.xlsx").unlink()
    (ws / "teams" / "Sales.xlsx").symlink_to("Engineering.xlsx")
    code, out, err = run("sync", "--config", str(ws / "sheets-sync.yaml"), *AS_OF)
    assert code == 1, out + err
    lines = out.splitlines()
    assert (
        f"Sales: failed: Sales.xlsx: is a symbolic link to "
        f"{ws.resolve() / 'teams' / 'Engineering.xlsx'}, the workbook of team 'Engineering'; "
        "not read or written (it would read the same tab, OKRs, and the rollup would "
        "count its goals twice)"
    ) in lines
    assert any(line.startswith("Engineering: ok, ") for line in lines), out
