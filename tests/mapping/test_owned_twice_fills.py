"""A Status column typed twice goes to the sync only where it can show the column is its
own: the owned header's grey-blue (template, or a column the sync added), else statuses
each in the fill the sync gave them, else its other columns beside it, else the first.
For a day (2026-12-07) a team's own Status typed by hand in the sync's words ("Achieved",
"Green") counted as "the statuses it wrote": on a fresh template, or beside a synced
column holding one stray note, the sync took the team's column and wrote over it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import openpyxl
import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import OWNED_HEADER_FILL, CellValue, SheetGrid
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import KPI_OWNED, OKR_OWNED
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Start", "Target", "Current")
OWNED = ("Score", "Expected", "Status", "Sync notes")
GOOD, BAD = "C6EFCE", "FFC7CE"


def _status(
    rows: tuple[tuple[CellValue, ...], ...],
    fills: Mapping[tuple[int, int], str] | None,
    kind: Literal["okrs", "kpis"] = "okrs",
) -> tuple[int, list[str]]:
    mapping = load_mapping("standard")
    spec = mapping.okrs if kind == "okrs" else mapping.kpis
    assert spec is not None
    owned = OKR_OWNED if kind == "okrs" else KPI_OWNED
    name = "OKRs" if kind == "okrs" else "KPIs"
    tab, findings = extract_tab(
        SheetGrid(name, rows, fills=fills), spec, source="d.xlsx", owned=owned, kind=kind
    )
    return tab.layout.column_of("status"), [str(f) for f in findings if "twice" in f.message]


@pytest.mark.parametrize("fills", [{}, None], ids=["xlsx", "ods"])
def test_a_fresh_template_keeps_its_status_beside_a_team_status_typed_in_sync_words(
    fills: dict[tuple[int, int], str] | None,
) -> None:
    """Right of the template's (K) and left of it (C): the team's words, typed by hand,
    carry no fill of the sync's. The template's Status (H, I) is the sync's by its
    grey-blue header; with none (a file that lost its fills, an .ods) the sync cannot
    tell, and the tab is refused: until 2026-12-07 the first or the one among Score,
    Expected and Sync notes was written, which a column inserted there is too."""
    right = (
        (*HEAD, *OWNED, "Owner", "Status"),
        ("O1", "KR1", 0, 10, 5, None, None, None, None, "Ann", "Achieved"),
        ("O1", "KR2", 0, 10, 2, None, None, None, None, "Bob", "Green"),
    )
    left = (
        ("Objective ID", "KR ID", "Status", "Start", "Target", "Current", *OWNED),
        ("O1", "KR1", "On track", 0, 10, 5, None, None, None, None),
    )
    for rows, (ours, theirs) in ((right, (8, 11)), (left, (9, 3))):
        with pytest.raises(LayoutError, match="the sync cannot tell which is its own"):
            _status(rows, fills)
        if fills is None:
            continue
        marked = {(1, c): OWNED_HEADER_FILL for c in range(6, 10)}  # the template's
        column, said = _status(rows, {**fills, **marked})
        assert column == ours and len(said) == 1 and "grey-blue" in said[0], said
        assert f"leaves {chr(64 + theirs)}1 alone" in said[0], said


@pytest.mark.parametrize("fills", [{}, None], ids=["xlsx", "ods"])
def test_a_fresh_kpi_tab_keeps_its_status_too(fills: dict[tuple[int, int], str] | None) -> None:
    head = ("KPI ID", "KPI", "Target", "Actual", "Status", "Variance", "Trend", "Sync notes")
    right = ((*head, "Owner", "Status"), ("K1", "Bookings", 100, 90, *[None] * 4, "Ann", "Green"))
    left = (
        ("KPI ID", "KPI", "Status", "Target", "Actual", *head[4:]),
        ("K1", "Bookings", "Amber", 100, 90, None, None, None, None),
    )
    for rows, ours in ((right, 5), (left, 6)):
        with pytest.raises(LayoutError, match="the sync cannot tell which is its own"):
            _status(rows, fills, "kpis")
        if fills is not None:
            marked = {(1, c): OWNED_HEADER_FILL for c in range(ours, ours + 4)}
            assert _status(rows, marked, "kpis")[0] == ours


def test_statuses_in_the_sync_fills_are_the_column_it_wrote_hand_typed_words_are_not() -> None:
    """Both columns hold sync words; only the sync's (H) holds them in its fills. Read
    with no fills (.ods) the words tell nothing, and neither is written."""
    rows = (
        (*HEAD, "Status", "Score", "Expected", "Status", "Sync notes"),
        ("O1", "KR1", 0, 10, 5, "On track", 0.5, 0.4, "On track", None),
        ("O1", "KR2", 0, 10, 2, "Off track", 0.2, 0.4, "Off track", None),
    )
    painted = {(2, 9): GOOD, (3, 9): BAD, (2, 6): "D9D9D9"}  # F2 in a fill, not its own
    assert _status(rows, painted) == (
        9,
        [
            "d.xlsx!OKRs!F1: column header 'Status' appears twice (F1 and I1); the sync "
            "writes I1, which holds the statuses it wrote, and leaves F1 alone: rename F1 "
            "if it is your own"
        ],
    )
    with pytest.raises(LayoutError, match=r"\(F1 and I1\) and the sync cannot tell"):
        _status(rows, None)  # .ods: words alone; until 2026-12-07 I, by its neighbours


def test_a_synced_status_column_with_one_stray_note_stays_the_syncs() -> None:
    """The sync's column (H) holds its statuses in their fills and one note typed under
    them; the team's (K) holds words typed by hand: H, the only one holding what the sync
    wrote (until 2026-12-07 said "using H1", H being the first)."""
    rows = (
        (*HEAD, *OWNED, "Owner", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.5, 0.4, "On track", None, "Ann", "On track"),
        ("O1", "KR2", 0, 10, 2, 0.2, 0.4, "Off track", None, "Bob", "At risk"),
        (None, None, None, None, None, None, None, "see notes below", None, None, None),
    )
    column, said = _status(rows, {(2, 8): GOOD, (3, 8): BAD})
    assert column == 8
    assert said == [
        "d.xlsx!OKRs!K1: column header 'Status' appears twice (H1 and K1); the sync writes "
        "H1, which holds the statuses it wrote, and leaves K1 alone: rename K1 if it is "
        "your own"
    ]


def test_the_owned_header_fill_marks_the_syncs_column() -> None:
    """Neighbours tie (the team's F beside Score, the sync's I beside Expected, no Sync
    notes) and nothing is written yet: the template's grey-blue header (I1) tells."""
    rows = (
        (*HEAD, "Status", "Score", "Expected", "Status"),
        ("O1", "KR1", 0, 10, 5, "On track", None, None, None),
    )
    marked = {(1, 7): OWNED_HEADER_FILL, (1, 8): OWNED_HEADER_FILL, (1, 9): OWNED_HEADER_FILL}
    assert _status(rows, marked) == (
        9,
        [
            "d.xlsx!OKRs!F1: column header 'Status' appears twice (F1 and I1); the sync "
            "writes I1, whose header is styled as its own (grey-blue), and leaves F1 "
            "alone: rename F1 if it is your own; if F1 is the sync's, give it back its "
            "grey-blue header (Format Painter may have swapped them)"
        ],
    )
    # no mark, I blank (nothing of the sync's in it): until 2026-12-07 I, the only one
    # writing loses nothing in; a blank column inserted by a team's looks the same
    with pytest.raises(LayoutError, match=r"\(F1 and I1\) and the sync cannot tell"):
        _status(rows, {})


def test_the_fills_told_apart_are_those_the_sync_writes() -> None:
    from sheets_sync.domain.models import KPIStatus, Status
    from sheets_sync.mapping.owned_twice import SYNC_STATUS_FILLS
    from sheets_sync.sync.plan import NOT_SCORED
    from sheets_sync.sync.styles import GREY, KPI_STYLE, OWNED_HEADER, STATUS_STYLE
    from sheets_sync.template.spec import OWNED_FILL

    want = {s.value: STATUS_STYLE[s].fill for s in Status}
    want |= {s.value: KPI_STYLE[s].fill for s in KPIStatus}
    assert dict(SYNC_STATUS_FILLS) == {**want, NOT_SCORED: GREY.fill}
    assert OWNED_HEADER_FILL == OWNED_HEADER.fill == OWNED_FILL


@pytest.mark.parametrize("side", ["left", "right"])
def test_a_team_status_on_a_fresh_template_is_never_written(tmp_path: Path, side: str) -> None:
    """End to end on the template's .xlsx: the team's own Status, typed in the sync's
    words left of the template's columns or right of them, on OKRs and KPIs, keeps its
    cells; the sync writes the template's Status."""
    from sheets_sync.config import load_workspace
    from sheets_sync.sync.engine import Sync, SyncOptions
    from sheets_sync.template.xlsx import build_workbook
    from tests.conftest import CONFIG

    wb = build_workbook()
    okr: dict[str, CellValue] = {
        "Objective ID": "O1",
        "Objective": "Grow",
        "Objective type": "committed",
    }
    okr |= {"KR ID": "KR1", "Key result": "Win deals", "Owner": "Ann", "KR type": "number"}
    okr |= {"Start": 0, "Target": 10, "Current": 5}
    kpi: dict[str, CellValue] = {
        "KPI ID": "K1",
        "KPI": "Bookings",
        "Owner": "Ann",
        "Target": 100,
        "Actual": 90,
    }
    kpi |= {"As of": dt.date(2026, 11, 20)}
    where: dict[str, tuple[int, int]] = {}  # tab -> (team's column, template's Status)
    for name, values, mine in (("OKRs", okr, "Achieved"), ("KPIs", kpi, "Green")):
        sheet = wb[name]
        sheet.delete_rows(2)  # the example row
        if side == "left":
            sheet.insert_cols(3)
            col = 3
        else:
            col = sheet.max_column + 1
        sheet.cell(1, col, "Status")
        sheet.cell(2, col, mine)
        header = [c.value for c in sheet[1]]
        for key, value in values.items():
            sheet.cell(2, header.index(key) + 1, value)
        theirs = next(i + 1 for i, h in enumerate(header) if h == "Status" and i + 1 != col)
        where[name] = (col, theirs)
    team = tmp_path / "teams" / "sales.xlsx"
    team.parent.mkdir()
    wb.save(team)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    run = next(iter(Sync(load_workspace(cfg)).run(options).runs))
    said = [str(f) for f in run.findings if "twice" in f.message]
    got = openpyxl.load_workbook(team)
    for name, mine in (("OKRs", "Achieved"), ("KPIs", "Green")):
        team_col, sync_col = where[name]
        sheet = got[name]
        assert sheet.cell(2, team_col).value == mine, name
        assert sheet.cell(2, sync_col).value in {"On track", "Amber"}, name
        assert any(f"!{name}!" in s and "grey-blue" in s for s in said), said


def test_a_snapshot_of_the_syncs_statuses_does_not_win_over_its_column_typed_over() -> None:
    """The team inserted a column right of the sync's Status (G), pasted its statuses
    there with their fills as a snapshot (H), then typed "n/a" over one status in G: for
    a few hours on 2026-12-07 H, the only safe one, was taken for the sync's and written
    every night. G still holds the sync's statuses in their fills, so it may be the
    sync's: neither is written, and the error names G3."""
    rows = (
        (*HEAD, "Score", "Status", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.5, "On track", "On track"),
        ("O1", "KR2", 0, 10, 2, 0.2, "n/a", "Off track"),
    )
    statuses = {(2, 7): GOOD, (2, 8): GOOD, (3, 8): BAD}
    grey = {(1, 7): OWNED_HEADER_FILL, (1, 8): OWNED_HEADER_FILL}
    for fills, why in ((statuses | grey, "both are headed"), (statuses, "neither is headed")):
        with pytest.raises(LayoutError) as caught:
            _status(rows, fills)
        said = str(caught.value)
        assert f"(G1 and H1) and the sync cannot tell which is its own ({why}" in said, said
        assert said.endswith(
            "so nothing in this file is written; rename your own column, or clear G3 (it "
            "holds 'n/a' among the statuses the sync writes) if G1 is the sync's"
        ), said
    typed = (  # G the sync's statuses alone, H words of the team's: the exception, G
        rows[0],
        ("O1", "KR1", 0, 10, 5, 0.5, "On track", "fine"),
        ("O1", "KR2", 0, 10, 2, 0.2, "Off track", "late"),
    )
    assert _status(typed, {(2, 7): GOOD, (3, 7): BAD})[0] == 7
