"""Last night's Google rollup read back under faults and hand edits: a tab renamed or
deleted, a moment typed with a time zone, a read that fails after its retries, a sheet
refused; and ``sheets-sync export`` of a Google rollup."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sheets_sync.backends.gsheets.client import SHEETS_URL
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.errors import RetryExhaustedError
from sheets_sync.sync.run import export_workspace
from tests.backends.gsheets.test_gsheets_rollup_stale import _summary, _sync, _table, teams

__all__ = ["teams"]  # the fixture, used by name
pytestmark = pytest.mark.emulator


def _night_1(emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, keys: list[str]) -> str:
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    assert _sync(tmp_path, sa_info, keys, out).rollup_error is None
    return out


def _t1_rows(emulator: Emulator, out: str, tab: str) -> list[dict[str, Any]]:
    return [r for r in _table(emulator, out, tab) if r["Team"] == "T1"]


def _sheet_id(emulator: Emulator, key: str, title: str) -> int:
    return next(s.sheet_id for s in emulator.state.spreadsheets[key].sheets if s.title == title)


def _error(status: int, reason: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": f"test {status}", "status": reason}}


@pytest.mark.parametrize("edit", ["deleted", "renamed"])
def test_a_tab_deleted_or_renamed_loses_only_its_own_rows(
    emulator: Emulator,
    sa_info: dict[str, Any],
    make_client: Any,
    tmp_path: Path,
    teams: list[str],
    caplog: pytest.LogCaptureFixture,
    edit: str,
) -> None:
    """Until 2026-12-07 one missing tab failed the whole ``values:batchGet`` (``Unable to
    parse range: KPIs``): the failed team lost its objectives and key results too."""
    out = _night_1(emulator, sa_info, tmp_path, teams)
    kpis = _sheet_id(emulator, out, "KPIs")
    request = (
        {"deleteSheet": {"sheetId": kpis}}
        if edit == "deleted"
        else {
            "updateSheetProperties": {
                "properties": {"sheetId": kpis, "title": "KPIs old"},
                "fields": "title",
            }
        }
    )
    make_client().batch_update(out, {"requests": [request]}, source="test")
    before = _t1_rows(emulator, out, "Key results")
    del emulator.state.spreadsheets[teams[1]]
    emulator.log.clear()
    with caplog.at_level(logging.WARNING):
        result = _sync(tmp_path, sa_info, teams, out)
    assert result.rollup_error is None
    on_rollup = [r.endpoint for r in emulator.log.requests if r.spreadsheet_id == out]
    assert on_rollup[:2] == ["spreadsheets.get", "values.batchGet"]
    after = _t1_rows(emulator, out, "Key results")
    assert len(after) == len(before) == 4 and all(r["Stale data"] == "TRUE" for r in after)
    assert len(_t1_rows(emulator, out, "Objectives")) == 2
    assert "unreadable" not in caplog.text


def test_a_first_night_on_a_new_sheet_reads_nothing_back_quietly(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A sheet with none of the tabs: no ``values:batchGet``, and no warning of the
    rollup as unreadable (the workbook's first night says nothing either)."""
    out = emulator.create_spreadsheet("rollup", {"Sheet1": [[""]]})
    del emulator.state.spreadsheets[teams[2]]
    emulator.log.clear()
    with caplog.at_level(logging.WARNING):
        result = _sync(tmp_path, sa_info, teams, out)
    assert result.rollup_error is None
    reads = [r.endpoint for r in emulator.log.requests if r.spreadsheet_id == out]
    assert "values.batchGet" not in reads
    assert "unreadable" not in caplog.text
    assert _summary(emulator, out)["T2"]["Stale data"] == "FALSE"


@pytest.mark.parametrize("typed", ["2026-03-31T00:00:00Z", "2026-03-31 01:00 +01:00"])
def test_a_due_date_typed_with_a_time_zone_is_no_crash(
    emulator: Emulator, sa_info: dict[str, Any], make_client: Any, tmp_path: Path,
    teams: list[str], typed: str,
) -> None:  # fmt: skip
    """Until 2026-12-07: TypeError (aware to naive ``astype``) out of the night."""
    out = _night_1(emulator, sa_info, tmp_path, teams)
    head = emulator.values(out, "'Key results'!1:1")[0]
    col = chr(ord("A") + head.index("Due date"))
    rows = emulator.values(out, "'Key results'!A1:A100")
    at = next(i for i, r in enumerate(rows) if r and r[0] == "T1") + 1
    make_client().request(
        "POST", f"{SHEETS_URL}/{out}/values:batchUpdate", key=out, source="test",
        json={"valueInputOption": "RAW", "data": [
            {"range": f"'Key results'!{col}{at}", "values": [[typed]]}]},
    )  # fmt: skip
    del emulator.state.spreadsheets[teams[1]]
    result = _sync(tmp_path, sa_info, teams, out)
    assert result.rollup_error is None
    after = _t1_rows(emulator, out, "Key results")
    assert len(after) == 4 and all(r["Stale data"] == "TRUE" for r in after)
    assert after[0]["Due date"].startswith("2026-03-31")


@pytest.mark.parametrize(("status", "reason"), [(429, "RESOURCE_EXHAUSTED"), (500, "INTERNAL")])
def test_a_read_back_failing_after_its_retries_publishes_nothing(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str],
    status: int, reason: str,
) -> None:  # fmt: skip
    """Until 2026-12-07 the rollup went out without the failed team's rows ("will retry
    next run"), and the next night read that: its rows were lost for good. Now the night
    is a rollup failure, last night's rollup stays whole, and the next night carries."""
    out = _night_1(emulator, sa_info, tmp_path, teams)
    night_1 = _t1_rows(emulator, out, "Key results")
    del emulator.state.spreadsheets[teams[1]]
    emulator.faults.answer_endpoint("values.batchGet", status, _error(status, reason))
    try:
        result = _sync(tmp_path, sa_info, teams, out)
    finally:
        emulator.faults.answers.clear()
    assert result.rollup_error is not None
    assert result.rollup_error.startswith(f"gsheet:{out}: the company rollup was not published")
    assert "last night's rows of the teams that failed (T1) could not be read back" in (
        result.rollup_error
    )
    assert "will retry next run" not in result.rollup_error
    assert _t1_rows(emulator, out, "Key results") == night_1  # last night's, whole
    result = _sync(tmp_path, sa_info, teams, out)  # Google answers again
    assert result.rollup_error is None
    after = _t1_rows(emulator, out, "Key results")
    assert len(after) == 4 and all(r["Stale data"] == "TRUE" for r in after)


def test_a_refused_read_back_is_logged_once_named(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """A 403 on the read (the write that follows is refused the same way and reports the
    rollup as not published): the warning names the rollup once, not ``gsheet:K ...:
    gsheet:K: ...`` as until 2026-12-07."""
    out = _night_1(emulator, sa_info, tmp_path, teams)
    del emulator.state.spreadsheets[teams[1]]
    emulator.faults.answer_endpoint("values.batchGet", 403, _error(403, "PERMISSION_DENIED"))
    try:
        with caplog.at_level(logging.WARNING, logger="sheets_sync.gsheets"):
            _sync(tmp_path, sa_info, teams, out)
    finally:
        emulator.faults.answers.clear()
    said = [r.getMessage() for r in caplog.records if "unreadable" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith(f"previous rollup gsheet:{out} unreadable")
    assert said[0].count(out) == 1, said[0]


def test_export_of_a_google_rollup_carries_a_failed_teams_rows(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str]
) -> None:
    _night_1(emulator, sa_info, tmp_path, teams)
    del emulator.state.spreadsheets[teams[1]]
    clear_clients()
    try:
        export_workspace(
            load_workspace(tmp_path / "sheets-sync.yaml"), tmp_path / "exp", "csv",
            as_of=dt.date(2026, 2, 15),
        )  # fmt: skip
    finally:
        clear_clients()
    kr = pd.read_csv(tmp_path / "exp" / "key_results.csv")
    t1 = kr[kr["Team"] == "T1"]
    assert len(t1) == 4 and t1["Stale data"].all()


def test_export_whose_read_back_fails_says_it_exported_nothing(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str]
) -> None:
    """Until 2026-12-07 it said ``not published ... the last rollup stays as it is``, of
    an export, which publishes nothing."""
    _night_1(emulator, sa_info, tmp_path, teams)
    del emulator.state.spreadsheets[teams[1]]
    emulator.faults.answer_endpoint("values.batchGet", 500, _error(500, "INTERNAL"))
    clear_clients()
    try:
        with pytest.raises(RetryExhaustedError) as caught:
            export_workspace(
                load_workspace(tmp_path / "sheets-sync.yaml"), tmp_path / "exp", "csv",
                as_of=dt.date(2026, 2, 15),
            )  # fmt: skip
    finally:
        emulator.faults.answers.clear()
        clear_clients()
    said = caught.value.message
    assert "last night's rows of the teams that failed (T1) could not be read back" in said
    assert said.endswith("; nothing exported without them: export again once it reads")
    assert "published" not in said
    assert not list((tmp_path / "exp").glob("*.csv"))


def test_any_other_failure_of_the_read_back_is_logged_never_fatal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Until 2026-12-07 only a refusal and a broken reply were caught: anything else the
    read or the making of its frames raised stopped the night."""
    from types import SimpleNamespace
    from typing import cast

    from sheets_sync.backends.gsheets.previous import load_previous_gsheet

    class Client:
        def get_spreadsheet(self, key: str, params: dict[str, Any], **kw: Any) -> Any:
            return {"sheets": [{"properties": {"title": "Summary"}}]}

        def batch_get_values(self, key: str, params: dict[str, Any], **kw: Any) -> Any:
            raise RuntimeError("nobody foresaw this")

    workspace = cast("Any", SimpleNamespace(rollup_output="gsheet:KEY"))
    with caplog.at_level(logging.WARNING, logger="sheets_sync.gsheets"):
        assert load_previous_gsheet(workspace, ["T1"], None, cast("Any", Client())) == {}
    assert [r.getMessage() for r in caplog.records] == [
        "previous rollup gsheet:KEY unreadable, no last good data: nobody foresaw this"
    ]
