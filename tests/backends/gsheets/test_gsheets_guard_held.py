"""A team of a shared Google sheet written out of its sheet's turn: one whose KRs read a
sheet-mate's KPIs (both read before either is written), or one whose KR links a team
outside the run (planned once every read ended). Its sheet-mates' writes moved the
sheet's Drive version since its read; until 2026-12-07 its check took that for an edit
and it was CONFLICTED every night, never written. Now its own tabs are read again under
the sheet's lock (``GoogleSheetsBackend._moved``): as read, the move was a sheet-mate's
and it is written; changed, it is CONFLICTED, nothing written over. Live emulator."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions
from tests.backends.gsheets.test_gsheets_guard import _endpoints, _lead
from tests.e2e.test_google_sync import linked_to, team_sheets

pytestmark = pytest.mark.emulator

AS_OF = dt.date(2026, 2, 15)


def _workspace(
    tmp_path: Path, sa_info: dict[str, Any], emulator: Emulator, a: Any, b: Any
) -> tuple[Path, str]:
    """Team0 on tabs OKRs/KPIs, Team1 on B OKRs/B KPIs, of one sheet; 2 threads."""
    tabs = {"OKRs": a["OKRs"], "KPIs": a["KPIs"], "B OKRs": b["OKRs"], "B KPIs": b["KPIs"]}
    key = emulator.create_spreadsheet("Shared", tabs, value_input="RAW")
    std = (Path(__file__).parents[3] / "mappings" / "standard.yaml").read_text()
    bmap = (
        std.replace("name: standard", "name: bmap")
        .replace("sheet: [OKRs, OKR, Key results]", "sheet: [B OKRs]")
        .replace("sheet: [KPIs, KPI, Metrics]", "sheet: [B KPIs]")
    )
    assert "B OKRs" in bmap and "B KPIs" in bmap
    (tmp_path / "b.yaml").write_text(bmap, encoding="utf-8")
    (tmp_path / "sa.json").write_text(json.dumps(sa_info))
    google = {"credentials": "sa.json", "requests_per_minute": 6000, "concurrency": 2}
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n  - {{name: Team0, source: 'gsheet:{key}'}}\n"
        f"  - {{name: Team1, source: 'gsheet:{key}', mapping: b.yaml}}\n"
        f"google: {json.dumps(google)}\n",
        encoding="utf-8",
    )
    return cfg, key


def _night(cfg: Path, night: int) -> list[Any]:
    clear_clients()
    try:
        options = SyncOptions(as_of=AS_OF + dt.timedelta(days=night), rollup=False)
        return list(Sync(load_workspace(cfg)).run(options).runs)
    finally:
        clear_clients()


@pytest.mark.parametrize(
    "a, b",
    [
        (linked_to("Team1/KPI-1"), linked_to("Team0/KPI-1")),  # each reads the other's
        (linked_to("Nobody/KPI-1"), team_sheets(1)),  # a link to no team of the run
    ],
    ids=["mutual", "outside"],
)
def test_a_team_written_after_its_sheet_mates_is_written_every_night(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, a: Any, b: Any
) -> None:
    cfg, key = _workspace(tmp_path, sa_info, emulator, a, b)
    for night in range(3):
        emulator.log.clear()
        runs = _night(cfg, night)
        assert [(r.team, r.outcome.value) for r in runs] == [("Team0", "ok"), ("Team1", "ok")], (
            night,
            [r.error for r in runs],
        )
        assert _endpoints(emulator, key).count("spreadsheets.batchUpdate") == 2


def test_an_edit_of_the_held_teams_tab_during_its_sheet_mates_write_is_not_written_over(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    """Both teams read before either writes (each reads the other's KPIs); the lead edits
    both teams' tabs as the first ``batchUpdate`` is answered: the team written second
    finds its tabs changed when it reads them again, and is CONFLICTED, not written."""
    a, b = linked_to("Team1/KPI-1"), linked_to("Team0/KPI-1")
    cfg, key = _workspace(tmp_path, sa_info, emulator, a, b)
    book = _lead(emulator, sa_info).open_by_key(key)
    tabs = [book.worksheet("OKRs"), book.worksheet("B OKRs")]

    def after(endpoint: str, sid: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate" and sid == key:
            emulator.faults.after_request = None  # the lead's own requests: not again
            for tab in tabs:
                tab.update_acell("Z40", "the lead's")

    emulator.faults.after_request = after
    emulator.log.clear()
    try:
        runs = _night(cfg, 0)
    finally:
        emulator.faults.after_request = None
    assert sorted(r.outcome.value for r in runs) == ["conflicted", "ok"], [r.error for r in runs]
    assert _endpoints(emulator, key).count("spreadsheets.batchUpdate") == 1
    for tab in ("OKRs", "B OKRs"):
        assert emulator.values(key, f"{tab}!Z40", "UNFORMATTED_VALUE") == [["the lead's"]]


@pytest.mark.parametrize(
    "a, b",
    [
        (linked_to("Team1/KPI-1"), linked_to("Team0/KPI-1")),
        (linked_to("Nobody/KPI-1"), team_sheets(1)),
    ],
    ids=["mutual", "outside"],
)
def test_a_formula_google_recalculates_on_a_sheet_mates_write_is_no_edit(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, a: Any, b: Any
) -> None:
    """Google recalculates ``NOW()``, ``RAND()``, ``IMPORTRANGE`` or a formula reading a
    sheet-mate's tab on every edit of the sheet, the sync's own write to a sheet-mate too;
    the team written after it found its formula's value changed and was CONFLICTED every
    night (until 2026-12-07). The emulator evaluates no volatile or cross-tab formula: its
    state is given the recalculated value after each of the sync's writes, as Google would."""
    cfg, key = _workspace(tmp_path, sa_info, emulator, a, b)
    book = _lead(emulator, sa_info).open_by_key(key)
    for title in ("OKRs", "B OKRs"):
        book.worksheet(title).update_acell("Z40", "=NOW()")
    sheets = emulator.state.spreadsheets[key]
    formulas = [
        cell
        for tab in sheets.sheets
        for cell in tab.cells.values()
        if cell.get("userEnteredValue", {}).get("formulaValue") == "=NOW()"
    ]
    assert len(formulas) == 2
    recalculated: list[float] = []

    def after(endpoint: str, sid: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate" and sid == key:
            recalculated.append(46068.5 + len(recalculated) / 1000)
            with emulator.state.lock:
                for cell in formulas:
                    cell["effectiveValue"] = {"numberValue": recalculated[-1]}

    emulator.faults.after_request = after
    try:
        for night in range(2):
            runs = _night(cfg, night)
            assert [(r.team, r.outcome.value) for r in runs] == [
                ("Team0", "ok"),
                ("Team1", "ok"),
            ], (night, [r.error for r in runs])
    finally:
        emulator.faults.after_request = None
    assert len(recalculated) == 4
