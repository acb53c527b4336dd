"""A re-run that would write the same company workbook leaves it alone; anything else rewrites."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from sheets_sync import code_version
from sheets_sync.config import load_workspace
from sheets_sync.ops.history import HistoryStore
from sheets_sync.sync import rollup_state, rollup_step
from sheets_sync.sync.engine import PARTIAL_RUN, Sync, SyncOptions, SyncResult
from sheets_sync.sync.rollup_state import RollupState
from sheets_sync.workspace.demo import create_demo

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return create_demo(tmp_path / "ws")


def sync(cfg: Path, as_of: dt.date = AS_OF) -> SyncResult:
    return Sync(load_workspace(cfg)).run(SyncOptions(as_of=as_of))


def rollup_bytes(cfg: Path) -> bytes:
    return (cfg.parent / "company.xlsx").read_bytes()


def test_second_run_with_nothing_changed_keeps_the_workbook(cfg: Path) -> None:
    first = sync(cfg)
    assert first.rollup_rewritten
    second = sync(cfg)  # teams now "unchanged" instead of "ok": same content all the same
    written = rollup_bytes(cfg)
    assert {r.outcome.value for r in second.runs} == {"unchanged"}
    assert not second.rollup_rewritten
    assert second.rollup_output == "company.xlsx"
    assert not sync(cfg).rollup_rewritten
    assert rollup_bytes(cfg) == written


def test_a_quiet_night_does_not_even_build_the_tables(
    cfg: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The night after a write reads the files the tool wrote (new bytes, same inputs):
    what the tables are built from is unchanged, so they are not built at all."""
    sync(cfg)
    with caplog.at_level(logging.INFO, logger="sheets_sync.sync"):
        assert not sync(cfg).rollup_rewritten
    assert "rollup inputs unchanged; company.xlsx left as it is" in caplog.messages


def test_new_code_builds_the_tables_again(
    cfg: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade that builds the workbook differently (``__version__`` unchanged, as it
    is for most fixes) left last night's workbook in place on a quiet night: first the
    tables were not built, then, built, their fingerprint (which had no code stamp)
    matched and the old-looking workbook stayed. New code rewrites it, once."""
    sync(cfg)
    monkeypatch.setattr(code_version, "code_digest", lambda: "the next release")
    with caplog.at_level(logging.INFO, logger="sheets_sync.sync"):
        assert sync(cfg).rollup_rewritten
    assert "rollup inputs unchanged; company.xlsx left as it is" not in caplog.messages
    assert not sync(cfg).rollup_rewritten  # the same new code the next night: skipped


def test_history_changed_by_hand_rebuilds(cfg: Path) -> None:
    """The History tab shows the store's last nights: pruned behind the tool's back, the
    inputs differ and the workbook is rebuilt without the pruned night."""
    store = HistoryStore(cfg.parent / ".sheets-sync" / "history.sqlite")

    def night(as_of: dt.date) -> SyncResult:
        return Sync(load_workspace(cfg), history=store).run(SyncOptions(as_of=as_of))

    night(AS_OF - dt.timedelta(days=1))
    night(AS_OF)
    assert not night(AS_OF).rollup_rewritten
    assert len(store.dates()) == 2
    store.prune(1)
    assert night(AS_OF).rollup_rewritten
    book = openpyxl.load_workbook(cfg.parent / "company.xlsx", read_only=True)
    seen = {v for row in book["History"].iter_rows(values_only=True) for v in row}
    book.close()  # read-only: it holds the file open
    assert dt.datetime.combine(AS_OF - dt.timedelta(days=1), dt.time()) not in seen


def test_a_team_edit_rewrites_the_rollup(cfg: Path) -> None:
    sync(cfg)
    team = sorted((cfg.parent / "teams").glob("*.xlsx"))[0]
    book = openpyxl.load_workbook(team)
    sheet = book["KPIs"]
    actual = next(c for c in sheet[1] if c.value == "Actual").column
    sheet.cell(2, actual).value = 123456.0
    book.save(team)
    result = sync(cfg)
    assert result.rollup_rewritten
    book = openpyxl.load_workbook(cfg.parent / "company.xlsx", read_only=True)
    seen = [v for row in book["KPIs"].iter_rows(values_only=True) for v in row]
    book.close()  # read-only: it holds the file open
    assert 123456 in seen


def test_a_new_date_rewrites_the_rollup(cfg: Path) -> None:
    sync(cfg)
    assert sync(cfg, AS_OF + dt.timedelta(days=1)).rollup_rewritten


def test_a_replaced_or_deleted_workbook_is_written_again(cfg: Path) -> None:
    sync(cfg)
    out = cfg.parent / "company.xlsx"
    book = openpyxl.load_workbook(out)
    book["Summary"]["A1"] = "edited by hand"
    book.save(out)
    assert sync(cfg).rollup_rewritten
    assert openpyxl.load_workbook(out)["Summary"]["A1"].value != "edited by hand"
    out.unlink()
    assert sync(cfg).rollup_rewritten and out.exists()


def test_a_torn_state_file_means_rewrite(cfg: Path) -> None:
    sync(cfg)
    state = cfg.parent / ".sheets-sync" / "rollup-state.json"
    assert json.loads(state.read_text())["output"].endswith("company.xlsx")
    state.write_text("{not json", encoding="utf-8")
    assert sync(cfg).rollup_rewritten
    RollupState(state).forget()
    assert sync(cfg).rollup_rewritten


def test_a_killed_runs_state_temp_file_is_swept_but_a_users_look_alike_kept(
    tmp_path: Path,
) -> None:
    """A run SIGKILLed between staging ``rollup-state.json`` and renaming it left
    ``.rollup-state.json.<mkstemp's 8>.tmp``: swept by the next save once an hour old.
    A user's ``.rollup-state.json.before upgrade.tmp`` is not a name of ours: kept (the
    sweep took any ``.rollup-state.json.*.tmp`` until 2026-12-06)."""
    state = tmp_path / "rollup-state.json"
    book = tmp_path / "company.xlsx"
    book.write_bytes(b"workbook")
    killed = tmp_path / ".rollup-state.json.k1ll3d0l.tmp"
    users = [tmp_path / f".rollup-state.json.{n}.tmp" for n in ("before upgrade", "K1LL3D0L")]
    hours_ago = time.time() - 3 * 3600
    for temp in (killed, *users):
        temp.write_text("{}", encoding="utf-8")
        os.utime(temp, (hours_ago, hours_ago))
    RollupState(state).save("fp", book)
    assert not killed.exists()
    assert [u for u in users if not u.exists()] == []
    assert RollupState(state).unchanged("fp", book)


def test_a_google_rollup_reads_the_nights_the_workbook_shows(cfg: Path, tmp_path: Path) -> None:
    """The Google rollup has the workbook's History and Trends tabs (since 2026-12-07):
    it reads the same nights, as the workbook does. Until then it had neither, and this
    test held that it read no night (12 nights read into frames cost about 3 s and 140 MB
    at 2,000 teams for nothing)."""
    ws = load_workspace(cfg)
    store = HistoryStore(tmp_path / "history.sqlite")
    result = Sync(ws).run(SyncOptions(as_of=AS_OF, rollup=False))
    store.record(result)
    local = rollup_step.prepare(ws, store, result.runs, result.context)
    assert local.rollup is not None and local.rollup.history is not None
    google = replace(ws, rollup_output="gsheet:1AbCdEf")
    prep = rollup_step.prepare(google, store, result.runs, result.context)
    assert prep.write and prep.rollup is not None and prep.rollup.history is not None
    assert prep.rollup.history.nights == local.rollup.history.nights
    assert set(prep.rollup.tables) == set(local.rollup.tables)


def test_a_team_named_as_often_as_there_are_teams_is_still_a_run_of_some(cfg: Path) -> None:
    """`sync --team Sales` six times over a six-team workspace passed for a run of every
    team: Sales was synced six times and the company workbook published with Sales alone,
    the five other teams gone from what finance reads."""
    sync(cfg)
    before = rollup_bytes(cfg)
    ws = load_workspace(cfg)
    names = ["Sales", "sales", *["SALES"] * (len(ws.teams) - 2)]
    result = Sync(ws).run(SyncOptions(as_of=AS_OF, teams=names))
    assert [r.team for r in result.runs] == ["Sales"]
    assert result.rollup_skipped == PARTIAL_RUN and result.rollup_output is None
    assert rollup_bytes(cfg) == before


def test_a_folder_in_the_state_files_place_is_named_with_its_fix(cfg: Path) -> None:
    """``.sheets-sync/rollup-state.json`` a folder: every night said ``company.xlsx: cannot
    write the company rollup (Is a directory)``, which sent people to the workbook."""
    state = cfg.parent / ".sheets-sync" / rollup_step.STATE_FILE
    state.mkdir(parents=True)
    result = sync(cfg)
    assert result.rollup_error == (
        f"company.xlsx: the company rollup was not published: {state}: is a folder, not the "
        "company rollup's state file; remove it (the next run writes the file again)"
    )
    assert not (cfg.parent / "company.xlsx").exists()
    state.rmdir()  # the fix the message gives
    assert sync(cfg).rollup_rewritten and state.is_file()


def _full_disk(path: Path, text: str) -> None:
    """``atomic_write_text`` on a full disk."""
    raise OSError(28, "No space left on device")


def test_a_state_file_not_saved_after_the_publish_is_a_warning(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The workbook is in place when its state is saved: a full disk then said the rollup
    could not be written and ``the last one stays``, of a workbook already replaced."""

    monkeypatch.setattr(rollup_state, "atomic_write_text", _full_disk)
    with caplog.at_level(logging.WARNING, logger="sheets_sync.sync"):
        result = sync(cfg)
    assert (result.rollup_error, result.rollup_rewritten) == (None, True)
    state = cfg.parent / ".sheets-sync" / rollup_step.STATE_FILE
    assert caplog.messages[-1] == (
        f"{state}: the company rollup's state file cannot be written (No space left on "
        "device); the company workbook is published, and built again next night"
    )
    monkeypatch.undo()
    assert sync(cfg).rollup_rewritten  # no state to say it is unchanged: written again
    assert not sync(cfg).rollup_rewritten


def test_a_state_file_not_saved_on_an_unchanged_night_is_a_warning(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Inputs changed, tables the same: the workbook is left as it is, right, and only its
    state is saved. A full disk then failed the rollup as ``the company rollup was not
    published`` (found by review); it is the warning a save after a publish gives."""
    sync(cfg)
    written = rollup_bytes(cfg)

    # other inputs, the same tables (the code stamp is in both fingerprints, so a new code
    # digest would rebuild and publish, not take the unchanged path this is about)
    monkeypatch.setattr(rollup_step, "inputs_fingerprint", lambda *a: "other inputs")
    monkeypatch.setattr(rollup_state, "atomic_write_text", _full_disk)
    with caplog.at_level(logging.WARNING, logger="sheets_sync.sync"):
        result = sync(cfg)
    assert (result.rollup_error, result.rollup_rewritten) == (None, False)
    state = cfg.parent / ".sheets-sync" / rollup_step.STATE_FILE
    assert caplog.messages[-1] == (
        f"{state}: the company rollup's state file cannot be written (No space left on "
        "device); the company workbook is published, and built again next night"
    )
    assert rollup_bytes(cfg) == written


def test_a_folder_made_in_the_state_files_place_during_the_publish_is_said_truly(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A folder made there between the state's ``forget`` and its ``save``: the warning
    said the workbook would be ``built again next night``, but that night's ``forget``
    fails on the folder and publishes nothing until it is removed (found by review)."""
    state = cfg.parent / ".sheets-sync" / rollup_step.STATE_FILE
    forget = RollupState.forget

    def forget_then_a_folder(self: RollupState) -> None:
        forget(self)
        self.path.mkdir()

    monkeypatch.setattr(RollupState, "forget", forget_then_a_folder)
    with caplog.at_level(logging.WARNING, logger="sheets_sync.sync"):
        result = sync(cfg)
    assert (result.rollup_error, result.rollup_rewritten) == (None, True)
    assert caplog.messages[-1] == (
        f"{state}: is a folder, not the company rollup's state file; remove it (the next run "
        "writes the file again); the company workbook is published, but none is again until "
        "that folder is removed"
    )
    monkeypatch.undo()
    assert sync(cfg, AS_OF + dt.timedelta(days=1)).rollup_error == (
        f"company.xlsx: the company rollup was not published: {state}: is a folder, not the "
        "company rollup's state file; remove it (the next run writes the file again)"
    )
