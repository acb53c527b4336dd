"""A team's failure as fields (``TeamRun.error_detail``): a program tells which file, tab
and cell failed, and what kind of error it was, without parsing ``TeamRun.error``, which
stays the line the CLI and the reports print."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import openpyxl
import pytest

from sheets_sync import unpickle
from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import TeamSpec, Workspace, load_workspace
from sheets_sync.errors import (
    ConfigError,
    ConflictError,
    LayoutError,
    SheetsSyncError,
    SourceError,
    WorkbookError,
)
from sheets_sync.ops.shard import load_results, save_results
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import INTERNAL, Outcome, TeamError, TeamRun
from tests.conftest import CONFIG, write_team
from tests.support.meddling import edited_before_the_write

AS_OF = dt.date(2026, 11, 23)


def _teams(tmp_path: Path, count: int) -> Path:
    """``count`` teams: the first lacks its Current column, the second is no workbook."""
    lines = []
    for i in range(count):
        write_team(tmp_path / "teams" / f"t{i}.xlsx")
        lines.append(f"  - {{name: T{i}, source: teams/t{i}.xlsx}}\n")
    wb = openpyxl.load_workbook(tmp_path / "teams" / "t0.xlsx")
    wb["OKRs"].delete_cols(11)  # Current
    wb.save(tmp_path / "teams" / "t0.xlsx")
    (tmp_path / "teams" / "t1.xlsx").write_bytes(b"not a zip")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG.split("teams:")[0] + "teams:\n" + "".join(lines), encoding="utf-8")
    return cfg


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failed_read_names_its_file_tab_and_kind(tmp_path: Path, workers: int) -> None:
    ws = load_workspace(_teams(tmp_path, 16), files_must_exist=False)
    options = SyncOptions(as_of=AS_OF, rollup=False, write_back=False, workers=workers)
    runs = Sync(ws).run(options).runs
    layout, broken = runs[0], runs[1]
    assert layout.error is not None and layout.error.startswith("t0.xlsx!OKRs: missing column")
    detail = layout.error_detail
    assert detail is not None
    assert (detail.kind, detail.source, detail.tab, detail.cell, detail.team_source) == (
        "LayoutError",
        "t0.xlsx",
        "OKRs",
        None,
        "teams/t0.xlsx",
    )
    assert detail.message.startswith("missing column")
    assert detail.error_class is LayoutError and str(detail) == layout.error
    assert broken.error_detail == TeamError(
        "WorkbookError",
        "not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx",
        "t1.xlsx",
        team_source="teams/t1.xlsx",
    )
    assert broken.error_detail.error_class is not None
    assert issubclass(broken.error_detail.error_class, WorkbookError)
    assert all(r.error_detail is None for r in runs[2:])


def test_a_write_left_alone_says_why_as_fields(workspace: Path) -> None:
    factory = edited_before_the_write(workspace.parent / "teams" / "sales.xlsx")
    ws = load_workspace(workspace)
    (run,) = Sync(ws, factory=factory).run(SyncOptions(as_of=AS_OF, rollup=False)).runs
    assert run.outcome is Outcome.CONFLICTED
    assert run.error_detail is not None
    assert run.error_detail.kind == "ConflictError"
    assert run.error_detail.error_class is ConflictError
    assert run.error_detail.source == "sales.xlsx"
    assert run.error_detail.team_source == ws.teams[0].source


def test_a_bug_is_an_internal_error_with_its_file(workspace: Path) -> None:
    def factory(spec: TeamSpec, ws: Workspace) -> ExcelBackend:
        raise KeyError("boom")

    ws = load_workspace(workspace)
    (run,) = Sync(ws, factory=factory).run(SyncOptions(as_of=AS_OF, rollup=False)).runs
    assert run.error == "sales.xlsx: internal error (KeyError: 'boom'); please report it"
    assert run.error_detail == TeamError(
        INTERNAL,
        "internal error (KeyError: 'boom'); please report it",
        "sales.xlsx",
        team_source=ws.teams[0].source,
    )
    assert run.error_detail.error_class is None
    assert str(run.error_detail) == run.error


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ConfigError("not set", problems=["a: bad", "b: worse"]), "ConfigError: a: bad\nb: worse"),
        (SheetsSyncError("odd", tab="OKRs"), "SheetsSyncError: OKRs: odd"),
    ],
)
def test_an_error_of_ours_that_escapes_a_read_is_internal(
    workspace: Path, error: SheetsSyncError, shown: str
) -> None:
    """Only a ``SourceError`` is a team's problem; any other error of ours reaching the
    read's catch-all is a bug, reported as one, the whole error in the line."""

    def factory(spec: TeamSpec, ws: Workspace) -> ExcelBackend:
        raise error

    ws = load_workspace(workspace)
    (run,) = Sync(ws, factory=factory).run(SyncOptions(as_of=AS_OF, rollup=False)).runs
    message = f"internal error ({shown}); please report it"
    assert run.error == f"sales.xlsx: {message}"
    assert run.error_detail == TeamError(
        INTERNAL, message, "sales.xlsx", team_source=ws.teams[0].source
    )
    assert run.error_detail.error_class is None


def test_the_detail_survives_pickles_and_shard_results(tmp_path: Path) -> None:
    """Worker processes and shard results carry it; the shard loader accepts it."""
    ws = load_workspace(_teams(tmp_path, 2), files_must_exist=False)
    result = Sync(ws).run(SyncOptions(as_of=AS_OF, rollup=False, write_back=False))
    run = result.runs[0]
    assert unpickle.loads(pickle.dumps(run)) == run
    assert unpickle.loads(pickle.dumps(run)).error_detail == run.error_detail
    save_results(tmp_path / "results", 1, 1, result)
    _, runs = load_results(tmp_path / "results")
    assert [r.error_detail for r in runs] == [r.error_detail for r in result.runs]


def test_a_run_from_before_the_field_loads_without_it() -> None:
    """A ``TeamRun`` pickled with the eight fields it had (its pickle calls the class with
    them) loads with no detail."""
    old = TeamRun("Sales", "teams/s.xlsx", Outcome.FAILED, None, "s.xlsx: gone", (), 0.5, 0)
    assert old.error_detail is None


def test_a_detail_from_before_team_source_loads_without_it() -> None:
    """A format-3 shard results file written before ``team_source``: the detail pickled
    with its five fields still loads."""
    assert TeamError("LayoutError", "gone", "s.xlsx", "OKRs", None).team_source is None


def test_of_an_error_without_a_source_names_the_team_file() -> None:
    detail = TeamError.of(SourceError("gone", tab="OKRs", cell="B2"), "s.xlsx")
    assert (detail.location, str(detail)) == ("s.xlsx!OKRs!B2", "s.xlsx!OKRs!B2: gone")
