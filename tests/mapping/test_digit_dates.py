"""Dates typed with day and month in digits: a column reads them in the order its
unambiguous ones show (``15/02/2026`` has no month 15: day first, so ``03/04/2026`` is
3 April); with no such date, or both orders in one column, each stays an error on its
cell saying what to type (docs/scoring.md, Dates). Each column on its own."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.date_order import Mixed, Order, digit_order
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

D = dt.date
OKR_HEAD = ("Objective ID", "Objective", "KR ID", "Key result", "Target", "Current", "Due date")
KPI_HEAD = ("KPI ID", "KPI", "Target", "Actual", "As of")


Dates = list[dt.date | None]


def _team(
    dues: list[CellValue], as_ofs: tuple[CellValue, ...] = ()
) -> tuple[Dates, Dates, list[str]]:
    okrs: list[tuple[CellValue, ...]] = [OKR_HEAD]
    okrs += [("O1", "Grow", f"KR{i}", "Goal", 100, 50, due) for i, due in enumerate(dues, 1)]
    kpis: list[tuple[CellValue, ...]] = [KPI_HEAD]
    kpis += [(f"KPI-{i}", "NPS", 40, 41, day) for i, day in enumerate(as_ofs, 1)]
    grids = {"OKRs": SheetGrid("OKRs", tuple(okrs)), "KPIs": SheetGrid("KPIs", tuple(kpis))}
    data = WorkbookData("sales.xlsx", ("OKRs", "KPIs"), grids)
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    errors = [str(f) for f in team.findings if f.is_error]
    return [k.due for k in team.key_results], [k.as_of for k in team.kpis], errors


def _warnings(dues: list[CellValue], as_ofs: tuple[CellValue, ...] = ()) -> list[str]:
    okrs: list[tuple[CellValue, ...]] = [OKR_HEAD]
    okrs += [("O1", "Grow", f"KR{i}", "Goal", 100, 50, due) for i, due in enumerate(dues, 1)]
    kpis: list[tuple[CellValue, ...]] = [KPI_HEAD]
    kpis += [(f"KPI-{i}", "NPS", 40, 41, day) for i, day in enumerate(as_ofs, 1)]
    grids = {"OKRs": SheetGrid("OKRs", tuple(okrs)), "KPIs": SheetGrid("KPIs", tuple(kpis))}
    data = WorkbookData("sales.xlsx", ("OKRs", "KPIs"), grids)
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    return [str(f) for f in team.findings if not f.is_error]


def test_one_day_first_date_reads_the_columns_ambiguous_ones_day_first() -> None:
    dues, _, errors = _team(["15/02/2026", "03/04/2026", "2026-05-01", " 1.6.2026 "])
    assert (dues, errors) == ([D(2026, 2, 15), D(2026, 4, 3), D(2026, 5, 1), D(2026, 6, 1)], [])


def test_one_month_first_date_reads_them_month_first() -> None:
    dues, _, errors = _team(["3/31/2026", "04/05/2026", dt.datetime(2026, 7, 1)])
    assert (dues, errors) == ([D(2026, 3, 31), D(2026, 4, 5), D(2026, 7, 1)], [])


def test_with_no_date_that_tells_the_order_an_ambiguous_one_is_an_error() -> None:
    dues, _, errors = _team(["03/04/2026", "2026-05-01"])
    assert dues == [
        None,
        D(2026, 5, 1),
    ]  # its key result scored, undated (left out until 2026-12-07)
    assert errors == [
        'sales.xlsx!OKRs!G2: expected a date like 2026-12-31, got "03/04/2026"; day and '
        "month could be either way round: type 2026-04-03 or 2026-03-04"
    ]


def test_a_column_in_both_orders_reads_its_one_way_dates() -> None:
    """Two people, two habits: which one typed 03/04/2026 is not known, but 15/02/2026 and
    02/16/2026 are each one day; the error names the cells of both habits (until
    2026-12-07 every digit date of the column was an error, and its KR left out)."""
    dues, _, errors = _team(["15/02/2026", "02/16/2026", "03/04/2026", "2026-05-01"])
    assert dues == [D(2026, 2, 15), D(2026, 2, 16), None, D(2026, 5, 1)]
    assert errors == [
        'sales.xlsx!OKRs!G4: expected a date like 2026-12-31, got "03/04/2026"; day and '
        "month could be either way round: type 2026-04-03 or 2026-03-04; in this column G2 "
        "is day first, G3 month first, so this one's order is not guessed"
    ]


@pytest.mark.parametrize("typo", ["2/30/2026", "31/02/2026", "31/04/2026", "0/5/2026"])
def test_no_such_day_is_its_own_error_and_tells_no_order(typo: str) -> None:
    """2/30/2026 is no day either way round: it neither makes a day-first column mixed
    (which left out every KR with a digit date, rows read the night before) nor is read."""
    dues, _, errors = _team(["15/02/2026", "03/04/2026", typo])
    assert dues == [D(2026, 2, 15), D(2026, 4, 3), None]
    assert errors == [
        f'sales.xlsx!OKRs!G4: expected a date like 2026-12-31, got "{typo}": no such day, '
        "day first or month first"
    ]


def test_a_cliff_no_more() -> None:
    """A day-first column of ten and one month-first 2/16/2026: the one-way dates and the
    ISO one are still read; only the ones that could be either are errors."""
    base = ["15/02/2026", *(f"0{i}/0{i + 1}/2026" for i in range(1, 9)), "2026-12-31"]
    dues, _, errors = _team([*base, "2/16/2026"])
    assert dues == [D(2026, 2, 15), *[None] * 8, D(2026, 12, 31), D(2026, 2, 16)]
    assert len(errors) == 8 and all("G2 is day first, G12 month first" in e for e in errors)


def test_each_column_tells_its_own_order() -> None:
    """The KPIs' As of is day first by its 13/11/2026; the OKRs' Due is told nothing."""
    dues, as_ofs, errors = _team(["03/04/2026"], ("13/11/2026", "05/11/2026"))
    assert (dues, as_ofs) == ([None], [D(2026, 11, 13), D(2026, 11, 5)])
    assert [e.split(":")[0] for e in errors] == ["sales.xlsx!OKRs!G2"]


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["15/02/2026"], True),
        (["2/15/2026", "1/1/2026"], False),
        (["03/04/2026", "2026-02-15", 46000, None], None),
        (["15/02/2026", "2/15/2026"], Mixed("one", "one")),
        (["13/13/2026", "15-02-26", "15/02/026", "on 15/02/2026"], None),  # no day, no year
        (["15/02/26", "03/04/26"], True),  # a two-digit year after "/" is 20yy (2026-12-07)
        (["31/02/2026", "2/30/2026", "31/04/2026"], None),  # no day either way round
    ],
)
def test_digit_order(values: list[CellValue], order: Order) -> None:
    assert digit_order(values) == order and type(digit_order(values)) is type(order)


def test_a_date_whose_day_is_its_month_reads_in_any_column() -> None:
    """05/05/2026 is 5 May either way round: nothing to guess (2026-12-07)."""
    dues, _, errors = _team(["05/05/2026", "3/3/2026"])
    assert (dues, errors) == ([D(2026, 5, 5), D(2026, 3, 3)], [])


def test_zero_width_characters_are_dropped() -> None:
    """Pasted from a chat: "15/02/2026\u200b" is 15/02/2026 and tells the order; a cell of
    only a zero-width space is blank, and "n/a\u200b" no data, as "n/a" is."""
    dues, _, errors = _team(["15/02/2026\u200b", "\ufeff03/04/2026", "\u200b", "n/a\u200b"])
    assert (dues, errors) == ([D(2026, 2, 15), D(2026, 4, 3), None, None], [])


def test_a_two_digit_year_is_this_century() -> None:
    """15/02/26 is 15 February 2026 and shows the column's order, so 03/04/26 beside it
    is 3 April; a two-digit year is 20yy (with "-" it stays an error: 26-02-15 may be
    year first). Both were errors until 2026-12-07."""
    dues, _, errors = _team(["15/02/26", "03/04/26", "1.5.26"])
    assert (dues, errors) == ([D(2026, 2, 15), D(2026, 4, 3), D(2026, 5, 1)], [])
    assert _team(["15-02-26"])[2] == [
        'sales.xlsx!OKRs!G2: expected a date like 2026-12-31, got "15-02-26"'
    ]
    warning = _warnings([D(2026, 3, 4), "15/02/26"])[0]
    assert "if 03/04/26 was typed here" in warning  # as the team writes its years
    assert "retype G3 (15/02/26) as 2026-02-15" in warning


def test_a_digit_date_with_a_time_or_a_dot_says_what_to_type() -> None:
    """15/02/2026 10:00 and 15.02.2026. are errors (a time of day in a date cell's place,
    a typo), now with the date to type, as the column's order reads it."""
    dues, _, errors = _team(
        ["15/02/2026 10:00", "15.02.2026.", "03/04/2026 9:30", "2/30/2026 10:00"]
    )
    assert dues == [None] * 4 and errors == [
        'sales.xlsx!OKRs!G2: expected a date like 2026-12-31, got "15/02/2026 10:00"; '
        "type it as 2026-02-15",
        'sales.xlsx!OKRs!G3: expected a date like 2026-12-31, got "15.02.2026."; '
        "type it as 2026-02-15",
        'sales.xlsx!OKRs!G4: expected a date like 2026-12-31, got "03/04/2026 9:30"; '
        "day and month could be either way round: type 2026-04-03 or 2026-03-04",
        'sales.xlsx!OKRs!G5: expected a date like 2026-12-31, got "2/30/2026 10:00"'
        ": no such day, day first or month first",
    ]
    assert _team(["15/02/2026", "03/04/2026 9:30"])[2] == [
        'sales.xlsx!OKRs!G3: expected a date like 2026-12-31, got "03/04/2026 9:30"; '
        "type it as 2026-04-03"
    ]


def test_direction_marks_are_dropped() -> None:
    """Pasted from Outlook: a date wrapped in left-to-right marks (U+200E) or isolates
    (U+2066..U+2069) is the date; it was an error until 2026-12-07."""
    dues, _, errors = _team(
        ["\u200e15/02/2026\u200e", "\u206603/04/2026\u2069", "\u200f2026-05-06"]
    )
    assert (dues, errors) == ([D(2026, 2, 15), D(2026, 4, 3), D(2026, 5, 6)], [])


def test_date_cells_beside_day_first_text_are_warned_of() -> None:
    """A month-first spreadsheet (US) turned a typed 04/03/2026 into 3 April and left
    15/02/2026 as text: the text shows the team types day first, so the date cell may be
    the wrong way round. Read as it is, and warned of once for the column, naming the
    cell that set the order (it was read with no word, 2026-12-07)."""
    assert _warnings([dt.datetime(2026, 4, 3), "15/02/2026", D(2026, 6, 7), D(2026, 5, 1)]) == [
        "sales.xlsx!OKRs!G2: this date cell is 2026-04-03, but this column's dates typed as "
        "text are day first (G3: 15/02/2026): if 04/03/2026 was typed here, a month-first "
        "spreadsheet made it 2026-04-03, not 2026-03-04 (2 more date cells of this column "
        "could be so: G4, G5); if 4 March was meant, type 2026-03-04; if it is right, retype "
        "G3 (15/02/2026) as 2026-02-15 and this warning goes"
    ]


def test_a_date_cell_with_a_day_past_12_disproves_the_swap() -> None:
    """A month-first spreadsheet leaves a typed 20/03/2026 as text: a date cell 2026-03-20
    shows the column's date cells were typed in the spreadsheet's own order, so its one
    text date (formatted as text) says nothing of them. It warned every night on such
    correct data (until 2026-12-07); 13 May in the column was taken as no counter-proof."""
    day_first: list[CellValue] = [
        D(2026, 3, 4),
        D(2026, 3, 20),
        D(2026, 4, 15),
        D(2026, 5, 7),
        "15/02/2026",
    ]
    assert _warnings(day_first) == []
    assert _warnings([D(2026, 3, 4), D(2026, 7, 20), D(2026, 4, 5), "3/31/2026"]) == []
    assert _warnings([dt.datetime(2026, 4, 3), "15/02/2026", D(2026, 6, 7), D(2026, 5, 13)]) == []
    assert _warnings([], ("3/31/2026", D(2026, 3, 4), D(2026, 5, 13), D(2026, 5, 5))) == []


def test_a_date_cell_with_a_time_of_day_is_no_typed_date() -> None:
    """A formula or a date picker gives 2026-03-04 09:30: nobody typed it, so it may not
    be a swapped one, nor disprove one (a time past 12 days into the month tells nothing)."""
    assert _warnings([dt.datetime(2026, 3, 4, 9, 30), "15/02/2026"]) == []
    assert _warnings([dt.datetime(2026, 3, 20, 9, 30), "15/02/2026", D(2026, 3, 4)]) != []


def test_date_cells_beside_month_first_text_likewise() -> None:
    """A day-first spreadsheet (UK) left 3/31/2026 as text and turned 04/03/2026 into
    4 March; the same day both ways (5 May) could not be swapped."""
    assert _warnings([], ("3/31/2026", D(2026, 3, 4), D(2026, 5, 5))) == [
        "sales.xlsx!KPIs!E3: this date cell is 2026-03-04, but this column's dates typed as "
        "text are month first (E2: 3/31/2026): if 04/03/2026 was typed here, a day-first "
        "spreadsheet made it 2026-03-04, not 2026-04-03; if 3 April was meant, type "
        "2026-04-03; if it is right, retype E2 (3/31/2026) as 2026-03-31 and this warning goes"
    ]


def test_the_advice_names_every_text_date_to_retype() -> None:
    """Retyping the date cell as 2026-03-04 gives the same date cell: what clears the
    warning is retyping the text that set the order (the advice said to type the date
    cell again until 2026-12-07), and the column's other text dates with it."""
    assert _warnings(["15/02/2026", D(2026, 3, 4), "16/02/2026"]) == [
        "sales.xlsx!OKRs!G3: this date cell is 2026-03-04, but this column's dates typed as "
        "text are day first (G2: 15/02/2026): if 03/04/2026 was typed here, a month-first "
        "spreadsheet made it 2026-03-04, not 2026-04-03; if 3 April was meant, type "
        "2026-04-03; if it is right, retype G2 (15/02/2026) as 2026-02-15, and this column's "
        "other text dates likewise (G4), and this warning goes"
    ]


def test_the_warning_writes_the_date_as_the_text_dates_are_written() -> None:
    """A team that types 15.02.2026 typed 03.04.2026, not 03/04/2026 (2026-12-07)."""
    assert _warnings([D(2026, 3, 4), "15.02.2026"]) == [
        "sales.xlsx!OKRs!G2: this date cell is 2026-03-04, but this column's dates typed as "
        "text are day first (G3: 15.02.2026): if 03.04.2026 was typed here, a month-first "
        "spreadsheet made it 2026-03-04, not 2026-04-03; if 3 April was meant, type "
        "2026-04-03; if it is right, retype G3 (15.02.2026) as 2026-02-15 and this warning goes"
    ]
    assert "if 04-03-2026 was typed" in _warnings([D(2026, 3, 4), "3-31-2026"])[0]


def test_no_warning_without_text_that_sets_the_order() -> None:
    assert _warnings([D(2026, 4, 3), "2026-02-15", "15/02/2026", "2/16/2026"]) == []
    assert _warnings([D(2026, 4, 3), "03/04/2026"]) == []
