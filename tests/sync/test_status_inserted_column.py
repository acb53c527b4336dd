"""A team's own Status column inserted between the sync's on a fresh template, as Excel,
LibreOffice and Google insert one: it takes the format of the column left of it, the
owned header's grey-blue too, and the team's words typed in it carry no fill of the
sync's. Until 2026-12-07 the header fill or the owned neighbours picked the team's
column (or tied, and the first won), and the sync wrote over the team's statuses. Two
columns headed in the grey-blue: the sync cannot tell which is its own, and writes
nothing on the tab until the team renames its own (for a few hours on 2026-12-07 the
template's, still blank, was written: but a blank column inserted by the team looks the
same, and the team's statuses typed in it next were then written over)."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import LayoutError
from sheets_sync.grid import SheetGrid
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import OKR_OWNED
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.conftest import CONFIG

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "team.xlsx"
OKR = {"Objective ID": "O1", "Objective": "Grow", "Objective type": "committed"}
KR = ({"KR ID": "KR1", "Key result": "Win deals", "Current": 5}, {"KR ID": "KR2", "Current": 2})
KR_COMMON = {"Owner": "Ann", "KR type": "number", "Start": 0, "Target": 10}
KPI = (
    {"KPI ID": "K1", "KPI": "Bookings", "Actual": 90},
    {"KPI ID": "K2", "KPI": "Churn", "Actual": 10},
)
KPI_COMMON = {
    "Owner": "Ann",
    "Frequency": "monthly",
    "Unit": "count",
    "Direction": "higher_is_better",
    "Target": 100,
    "As of": dt.datetime(2026, 11, 20),
}


def _team(tmp_path: Path, tab: str, at: int, words: tuple[str, str]) -> tuple[Path, Path]:
    """The template with a column inserted at ``at`` in ``tab``, styled as the one left of
    it (LibreOffice's and Excel's insert), headed Status and holding ``words`` typed by
    hand; two goals filled in."""
    team = tmp_path / "teams" / "sales.xlsx"
    team.parent.mkdir(parents=True)
    shutil.copy(TEMPLATE, team)
    wb = openpyxl.load_workbook(team)
    ws = wb[tab]
    ws.insert_cols(at)
    for r in range(1, ws.max_row + 1):
        ws.cell(r, at)._style = copy.copy(ws.cell(r, at - 1)._style)
    ws.cell(1, at, "Status")
    heads: dict[object, int] = {}
    for i, cell in enumerate(ws[1], start=1):
        heads.setdefault(cell.value, i)
    lines = (
        [{**OKR, **KR_COMMON, **KR[0]}, {**OKR, **KR_COMMON, **KR[1]}]
        if tab == "OKRs"
        else [{**KPI_COMMON, **KPI[0]}, {**KPI_COMMON, **KPI[1]}]
    )
    for r, (values, word) in enumerate(zip(lines, words, strict=True), start=3):
        for head, value in values.items():
            ws.cell(r, heads[head], value)
        ws.cell(r, at, word)
    wb.save(team)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    return cfg, team


def _night(cfg: Path) -> tuple[Outcome, list[str]]:
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    run = next(iter(Sync(load_workspace(cfg)).run(options).runs))
    said = [str(f) for f in run.findings if "twice" in str(f)]
    return run.outcome, [run.error] if run.error else said


def _column(team: Path, tab: str, col: int) -> list[object]:
    ws = openpyxl.load_workbook(team)[tab]
    return [ws.cell(r, col).value for r in (3, 4)]


@pytest.mark.parametrize(
    ("tab", "at", "words", "sync"),
    [
        ("OKRs", 20, ("Achieved", "Off track"), 21),  # between Expected (S) and Status
        ("KPIs", 17, ("Green", "Red"), 16),  # between Status (P) and Variance
    ],
)
def test_a_team_status_inserted_between_the_syncs_columns_is_never_written(
    tmp_path: Path, tab: str, at: int, words: tuple[str, str], sync: int
) -> None:
    cfg, team = _team(tmp_path, tab, at, words)
    ours, theirs = (
        f"{c}1"
        for c in (openpyxl.utils.get_column_letter(sync), openpyxl.utils.get_column_letter(at))
    )
    both = " and ".join(sorted((ours, theirs)))
    for night in (1, 2):
        outcome, said = _night(cfg)
        assert outcome is Outcome.FAILED, (night, outcome)
        assert _column(team, tab, at) == list(words), night  # the team's, as typed
        assert _column(team, tab, sync) == [None, None], night  # nothing on the tab written
        assert said == [
            f"sales.xlsx!{tab}: column header 'Status' appears twice ({both}) and the sync "
            "cannot tell which is its own (both are headed in its grey-blue, which a column "
            "inserted beside its own copies), so nothing in this file is written; rename your "
            "own column"
        ], said
    wb = openpyxl.load_workbook(team)  # renamed as the error asks: the sync writes its own
    wb[tab].cell(1, at, "My status")
    wb.save(team)
    outcome, said = _night(cfg)
    assert outcome is Outcome.OK and not said, said
    assert _column(team, tab, at) == list(words) and all(_column(team, tab, sync))


def test_both_status_columns_holding_a_teams_words_are_neither_written(tmp_path: Path) -> None:
    """The template's Status (U) holds words typed by hand too: no column the sync may
    write; the tab is an error naming both cells, and neither column is touched."""
    cfg, team = _team(tmp_path, "OKRs", 20, ("Achieved", "Off track"))
    wb = openpyxl.load_workbook(team)
    wb["OKRs"]["U3"] = "fine"
    wb.save(team)
    outcome, said = _night(cfg)
    assert outcome is Outcome.FAILED
    assert said == [
        "sales.xlsx!OKRs: column header 'Status' appears twice (T1 and U1) and the sync "
        "cannot tell which is its own (both are headed in its grey-blue, which a column "
        "inserted beside its own copies), so nothing in this file is written; rename your "
        "own column"
    ]
    assert _column(team, "OKRs", 20) == ["Achieved", "Off track"]
    assert _column(team, "OKRs", 21) == ["fine", None]


def test_an_ods_writes_no_status_column_typed_twice() -> None:
    """No fills read (.ods): nothing shows which column is the sync's. Until 2026-12-07
    the blank one (the template's U, or a blank one the team inserted) was written, and
    once it held statuses, neither: the tab is refused from the first night."""
    spec = load_mapping("standard").okrs
    assert spec is not None
    head = ("Objective ID", "KR ID", "Start", "Target", "Current", "Expected", "Status")
    rows = (
        (*head, "Status", "Score", "Sync notes"),
        ("O1", "KR1", 0, 10, 5, None, "Achieved", None, None, None),
    )
    night2 = (rows[0], ("O1", "KR1", 0, 10, 5, 0.4, "Achieved", "On track", 0.5, None))
    for got in (rows, night2):
        with pytest.raises(
            LayoutError, match=r"\(G1 and H1\) and the sync cannot tell .* not read"
        ):
            extract_tab(SheetGrid("OKRs", got), spec, source="d.ods", owned=OKR_OWNED, kind="okrs")


def test_a_team_status_beside_the_syncs_both_marked_is_never_written() -> None:
    """A Status header copied from the sync's (both grey-blue): the neighbours tied
    (Expected left of the team's H, Sync notes right of the template's I), the first won
    and the team's "Achieved" was written over (until 2026-12-07); for a few hours after,
    the template's I, blank, was written, which a blank column the team inserted looks
    like: the tab is refused."""
    spec = load_mapping("standard").okrs
    assert spec is not None
    head = ("Objective ID", "KR ID", "Start", "Target", "Current", "Score", "Expected")
    rows = (
        (*head, "Status", "Status", "Sync notes"),
        ("O1", "KR1", 0, 10, 5, None, None, "Achieved", None, None),
    )
    fills = {(1, 8): "D9E1F2", (1, 9): "D9E1F2"}
    with pytest.raises(LayoutError, match=r"\(H1 and I1\) and the sync cannot tell"):
        extract_tab(
            SheetGrid("OKRs", rows, fills=fills),
            spec,
            source="d.xlsx",
            owned=OKR_OWNED,
            kind="okrs",
        )
