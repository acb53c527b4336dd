"""A team that cannot be read keeps its last good rows in a Google rollup too, flagged
``Stale data`` with its original Last successful read, as the Excel rollup's: read back
from the rollup itself in one ``values:batchGet``, only on a night some team failed.
Two real nights through the emulator (real gspread and google-auth)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
import pytest

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.previous import load_previous_gsheet
from sheets_sync.backends.gsheets.rollup import write_rollup_gsheet
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.rollup import write_rollup_xlsx
from sheets_sync.rollup.previous import load_previous
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from tests.rollup.fixtures import PERIOD
from tests.rollup.test_previous_split import ODD, odd_rollup

if TYPE_CHECKING:
    from sheets_sync.workspace_spec import Workspace

pytestmark = pytest.mark.emulator

HEAD = ["Objective ID", "Objective", "KR ID", "Key result", "Start", "Target", "Current"]
AS_OF = dt.date(2026, 2, 15)


def _okrs(n: int) -> list[list[Any]]:
    rows: list[list[Any]] = [HEAD]
    for i in range(4):
        rows.append([f"O{i // 2 + 1}", f"Objective {i // 2} of team {n}", f"KR{i + 1}",
                     f"Key result {i} of team {n}", 0, 100, 10 * i + n])  # fmt: skip
    return rows


def _sync(tmp_path: Path, info: dict[str, Any], teams: list[str], out: str) -> SyncResult:
    (tmp_path / "sa.json").write_text(json.dumps(info))
    listed = "\n".join(f"  - {{name: T{i}, source: 'gsheet:{k}'}}" for i, k in enumerate(teams))
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n{listed}\n"
        f"rollup: {{output: 'gsheet:{out}'}}\n"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000, "timeout_seconds": 30}\n'
    )
    clear_clients()
    try:
        return Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, write_back=False))
    finally:
        clear_clients()


def _table(emu: Emulator, key: str, tab: str) -> list[dict[str, Any]]:
    rows = emu.values(key, f"'{tab}'!A1:AZ500")
    return [dict(zip(rows[0], r + [""] * (len(rows[0]) - len(r)), strict=True)) for r in rows[1:]]


def _summary(emu: Emulator, key: str) -> dict[str, dict[str, Any]]:
    rows = emu.values(key, "Summary!A1:AZ100")
    top = next(i for i, r in enumerate(rows) if r and r[0] == "Team")
    out = {}
    for r in rows[top + 1 :]:
        if not r or r[0] in ("", "Company total"):
            break
        out[r[0]] = dict(zip(rows[top], r, strict=False))
    return out


def _reads(emu: Emulator, key: str) -> list[Any]:
    return [
        r for r in emu.log.requests if r.spreadsheet_id == key and r.endpoint.startswith("values.")
    ]


@pytest.fixture
def teams(emulator: Emulator) -> list[str]:
    return [
        emulator.create_spreadsheet(f"team {n}", {"OKRs": _okrs(n)}, value_input="RAW")
        for n in range(3)
    ]


def test_a_failed_teams_rows_come_back_flagged_stale(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str]
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    emulator.log.clear()
    assert _sync(tmp_path, sa_info, teams, out).rollup_error is None
    assert _reads(emulator, out) == []  # no team failed: nothing read back
    night_1 = {tab: _table(emulator, out, tab) for tab in ("Objectives", "Key results")}
    read_1 = _summary(emulator, out)["T1"]["Last successful read"]
    assert [r["Stale data"] for r in night_1["Key results"]] == ["FALSE"] * 12

    del emulator.state.spreadsheets[teams[1]]  # T1's sheet is gone: 404 tonight
    emulator.log.clear()
    result = _sync(tmp_path, sa_info, teams, out)
    assert result.rollup_error is None
    assert [r.team for r in result.runs if not r.scored] == ["T1"]
    reads = _reads(emulator, out)
    assert [r.endpoint for r in reads] == ["values.batchGet"]  # one request, four tabs
    for tab, before in night_1.items():
        after = _table(emulator, out, tab)
        old = [r for r in before if r["Team"] == "T1"]
        new = [r for r in after if r["Team"] == "T1"]
        assert len(new) == len(old) > 0, tab
        for was, now in zip(old, new, strict=True):
            assert now["Stale data"] == "TRUE" and now["Last successful read"] == read_1
            same = {k: v for k, v in now.items() if k not in ("Stale data", "Last successful read")}
            assert same == {k: v for k, v in was.items() if k in same}, tab
        assert all(r["Stale data"] == "FALSE" for r in after if r["Team"] != "T1")
    summary = _summary(emulator, out)
    assert summary["T1"]["Stale data"] == "TRUE"
    assert summary["T1"]["Last successful read"] == read_1
    assert summary["T0"]["Stale data"] == "FALSE"

    emulator.log.clear()  # a third night, T1 still down: still the first night's rows
    result = _sync(tmp_path, sa_info, teams, out)
    summary = _summary(emulator, out)
    assert summary["T1"]["Stale data"] == "TRUE"
    assert summary["T1"]["Last successful read"] == read_1
    kr = [r for r in _table(emulator, out, "Key results") if r["Team"] == "T1"]
    assert len(kr) == 4 and {r["Last successful read"] for r in kr} == {read_1}


def test_a_previous_rollup_that_cannot_be_read_is_logged_not_fatal(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A first night on a new sheet (a Summary tab only: no rows to carry): the night
    goes out, the failed team with its Summary row only and a warning naming it. A tab
    deleted or renamed by hand, a first night with none of the tabs, a read failing after
    its retries: ``test_gsheets_rollup_previous_faults.py``."""
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    del emulator.state.spreadsheets[teams[2]]
    with caplog.at_level(logging.WARNING, logger="sheets_sync.gsheets"):
        result = _sync(tmp_path, sa_info, teams, out)
    assert result.rollup_error is None
    assert "previous rollup gsheet:" in caplog.text and "no last good data" in caplog.text
    assert _summary(emulator, out)["T2"]["Stale data"] == "FALSE"
    assert not [r for r in _table(emulator, out, "Key results") if r["Team"] == "T2"]


def test_a_google_rollup_reads_back_as_the_workbook_does(
    emulator: Emulator, make_client: Any, tmp_path: Path
) -> None:
    """The same rollup (odd team and period names, a team with KPIs only, rows stale for a
    week) published both ways: each failed team gets the same frames, dtypes and moments
    from the Google rollup as from the workbook, and the same teams are left out."""
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    workspace = cast("Workspace", SimpleNamespace(rollup_output=f"gsheet:{out}"))
    rollup = odd_rollup()
    write_rollup_xlsx(rollup, tmp_path / "company.xlsx")
    client = make_client()
    write_rollup_gsheet(rollup, workspace, client)
    failed = [*ODD, "Nobody", "sales "]
    for period in (PERIOD.name, None):
        want = load_previous(tmp_path / "company.xlsx", failed, period)
        emulator.log.clear()
        got = load_previous_gsheet(workspace, failed, period, client)
        assert [r.endpoint for r in emulator.log.requests] == [
            "spreadsheets.get",  # its tabs' titles: only tabs there are asked for
            "values.batchGet",
        ]
        assert list(got) == list(want) and len(want) >= 7
        for team, old in want.items():
            assert got[team].last_successful_read == old.last_successful_read, team
            for table in ("objectives", "key_results", "kpis"):
                pd.testing.assert_frame_equal(getattr(got[team], table), getattr(old, table))


def test_hand_edits_and_old_text_flags_are_read_as_the_schema_says() -> None:
    """A rollup written before 2026-12-07 (flags as the text False), a moment typed as
    text, a repeated header, rows shorter than the header: read, not refused."""
    head = ["Team", "Period", "As of", "Source", "Stale data", "Last successful read", "KR ID"]
    reply = {
        "valueRanges": [
            {"values": [head, ["NA", "2026.10", 46068, "x", "False", 46068.25, 7]]},
            {"values": [[*head, "Team"], ["NA", "2026.10", "", "", "True", "2026-02-15 06:00"]]},
            {"values": [head, ["Ops", "2026.10"]]},
            {
                "values": [
                    ["Company", "Acme"],
                    [],
                    ["Team", "Last successful read"],
                    ["NA", 46068.5],
                ]
            },
        ]
    }

    class Client:
        def get_spreadsheet(self, key: str, params: dict[str, Any], **kw: Any) -> Any:
            assert params == {"fields": "sheets.properties.title"}
            titles = ["Summary", "Key results", "Objectives", "KPIs"]
            return {"sheets": [{"properties": {"title": t}} for t in titles]}

        def batch_get_values(self, key: str, params: dict[str, Any], **kw: Any) -> Any:
            assert params["valueRenderOption"] == "UNFORMATTED_VALUE"
            assert params["dateTimeRenderOption"] == "SERIAL_NUMBER"
            assert params["ranges"] == ["Objectives", "'Key results'", "KPIs", "Summary"]
            return reply

    workspace = cast("Workspace", SimpleNamespace(rollup_output="gsheet:KEY"))
    got = load_previous_gsheet(workspace, ["NA", "Ops"], "2026.10", cast("Any", Client()))
    assert got["NA"].last_successful_read == dt.datetime(2026, 2, 15, 12, 0)
    objective = got["NA"].objectives.iloc[0]
    assert objective["As of"] == pd.Timestamp("2026-02-15")
    assert objective["Last successful read"] == pd.Timestamp("2026-02-15 06:00")
    assert bool(objective["Stale data"]) is True
    kr = got["NA"].key_results.iloc[0]
    assert kr["Last successful read"] == pd.Timestamp("2026-02-15 06:00")
    assert got["Ops"].kpis["Team"].tolist() == ["Ops"]
    assert got["Ops"].last_successful_read is None
