"""A key result or KPI with an error in a cell its score does without (Due date, Owner,
Confidence, Frequency, As of...) is scored with that field blank, the error said as
before; an error in a cell the score needs (Start, Target, Current, Weight, KR type; a
KPI's Direction, Target, bounds, Amber threshold, Actual) leaves the row out, as any
error did until 2026-12-07 (docs/scoring.md, "A cell in error")."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.models import KPIStatus, Period, Severity, Status, TeamInput, Trend
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import CellError, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import KPI_SCORED, KR_SCORED, build_team_input
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.sync.team_rows import kpi_values

OKR_HEAD = (
    "Objective ID", "Objective", "KR ID", "Key result", "Owner", "KR type", "Start",
    "Target", "Current", "Unit", "Weight", "Confidence", "Due date", "Comment",
)  # fmt: skip
KR_ROW: dict[str, CellValue] = {
    "Objective ID": "O1", "Objective": "Grow", "KR ID": "KR1", "Key result": "Sign ups",
    "Owner": "Ann", "KR type": "number", "Start": 0, "Target": 100, "Current": 50,
    "Unit": "deals", "Weight": 1, "Confidence": 7, "Due date": "2026-12-31", "Comment": "ok",
}  # fmt: skip
#: a second key result, its Due date day first, a third month first: the column shows both
OTHERS = (
    ("O1", "Grow", "KR2", "Calls", "Bob", "number", 0, 10, 10, "calls", 1, 8, "15/02/2026", ""),
    ("O1", "Grow", "KR3", "Demos", "Cy", "number", 0, 10, 0, "demos", 1, 8, "3/31/2026", ""),
)
KPI_HEAD = (
    "KPI ID", "KPI", "Owner", "Category", "Frequency", "Unit", "Direction", "Target",
    "Amber threshold", "Actual", "Previous", "As of", "Comment",
)  # fmt: skip
KPI_ROW: dict[str, CellValue] = {
    "KPI ID": "KPI-1", "KPI": "NPS", "Owner": "Ann", "Category": "lagging",
    "Frequency": "weekly", "Unit": "points", "Direction": "higher", "Target": 40,
    "Amber threshold": 35, "Actual": 41, "Previous": 39, "As of": "2026-01-02",
    "Comment": "ok",
}  # fmt: skip
PERIOD = Period("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
AS_OF = dt.date(2026, 2, 15)


def _team(
    kr: dict[str, CellValue] | None = None, kpi: dict[str, CellValue] | None = None
) -> TeamInput:
    okrs = [OKR_HEAD, tuple({**KR_ROW, **(kr or {})}[h] for h in OKR_HEAD), *OTHERS]
    kpis = [KPI_HEAD, tuple({**KPI_ROW, **(kpi or {})}[h] for h in KPI_HEAD)]
    grids = {"OKRs": SheetGrid("OKRs", tuple(okrs)), "KPIs": SheetGrid("KPIs", tuple(kpis))}
    data = WorkbookData("sales.xlsx", ("OKRs", "KPIs"), grids)
    return build_team_input("Sales", extract(data, load_mapping("standard")))


def _errors(team: TeamInput) -> list[str]:
    return [str(f) for f in team.findings if f.severity is Severity.ERROR]


AMBIGUOUS = (
    'sales.xlsx!OKRs!M2: expected a date like 2026-12-31, got "03/04/2026"; day and month '
    "could be either way round: type 2026-04-03 or 2026-03-04; in this column M3 is day "
    "first, M4 month first, so this one's order is not guessed"
)


@pytest.mark.parametrize(
    ("header", "typed", "field", "error"),
    [
        ("Due date", "03/04/2026", "due", AMBIGUOUS),
        ("Due date", "2026-13-01", "due", None),
        ("Due date", "1850-01-01", "due", None),
        ("Owner", CellError("#REF!"), "owner", None),
        ("Confidence", "hoch", "confidence", None),
        ("Key result", CellError("#N/A"), "key_result", None),
        ("Unit", CellError("#VALUE!"), "unit", None),
        ("Comment", CellError("#NAME?"), "comment", None),
    ],
)
def test_a_key_result_is_kept_for_an_error_in_a_cell_its_score_does_without(
    header: str, typed: CellValue, field: str, error: str | None
) -> None:
    team = _team({header: typed})
    assert [kr.id for kr in team.key_results] == ["KR1", "KR2", "KR3"]
    kr = team.key_results[0]
    attribute = "description" if field == "key_result" else field
    assert getattr(kr, attribute) in (None, "") and kr.unread == {field}
    cell = f"{'ABCDEFGHIJKLMN'[OKR_HEAD.index(header)]}2"
    errors = _errors(team)
    assert len(errors) == 1 and errors[0].startswith(f"sales.xlsx!OKRs!{cell}: ")
    if error is not None:
        assert errors == [error]  # said word for word as before
    assert team.failed_kr_objectives == ()


@pytest.mark.parametrize(
    ("header", "typed"),
    [
        ("Start", "lots"),
        ("Target", CellError("#REF!")),
        ("Current", "1,5"),
        ("Weight", "heavy"),
        ("KR type", "sometimes"),
    ],
)
def test_an_error_in_a_cell_the_score_needs_leaves_the_key_result_out(
    header: str, typed: CellValue
) -> None:
    team = _team({header: typed})
    assert [kr.id for kr in team.key_results] == ["KR2", "KR3"]
    assert len(_errors(team)) == 1 and team.failed_kr_objectives == ("O1",)


def test_the_scored_fields_are_the_ones_docs_scoring_names() -> None:
    assert {"objective_id", "kr_id", "kr_type", "start", "target", "current", "weight"} == KR_SCORED
    assert {
        "id",
        "direction",
        "target",
        "lower",
        "upper",
        "amber_threshold",
        "actual",
    } == KPI_SCORED


def test_a_key_result_with_a_due_date_in_error_is_paced_to_the_periods_end() -> None:
    """Half the period gone (45 of 89 days), 50 of 100 done: On track against the period;
    its objective scores it too, with its weight."""
    team = _team({"Due date": "03/04/2026", "Owner": CellError("#REF!"), "Confidence": "hoch"})
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    (objective,) = result.objectives
    scored = {r.kr.id: r for r in objective.key_results}
    assert set(scored) == {"KR1", "KR2", "KR3"}
    assert scored["KR1"].score == 0.5 and scored["KR1"].expected == pytest.approx(45 / 89)
    assert scored["KR1"].status is Status.ON_TRACK
    assert objective.score == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    said = [str(f) for f in result.findings if f.row_id == "KR1"]
    assert [s.split(":")[0] for s in said] == [
        "sales.xlsx!OKRs!E2",
        "sales.xlsx!OKRs!L2",
        "sales.xlsx!OKRs!M2",
    ]  # the three errors, and no "has no owner" beside the Owner's own
    assert all(f.is_error for f in result.findings if f.row_id == "KR1")


def test_a_kpi_with_a_frequency_in_error_gets_its_status_not_stale_for_weeks() -> None:
    """As of 2026-01-02 is six weeks old on 2026-02-15: Stale for a weekly KPI, but its
    Frequency is in error, so how often it is due is not known; monthly, what a blank
    cell reads, would be a guess (it is judged against a year: the test below). Its
    rollup row's Frequency is blank."""
    assert evaluate_team(_team(), period=PERIOD, as_of=AS_OF).kpis[0].status is KPIStatus.STALE
    team = _team(kpi={"Frequency": "bimonthly"})
    assert _errors(team) == [
        'sales.xlsx!KPIs!E2: "bimonthly" is ambiguous (every two months, or twice a month?): '
        "type biweekly for twice a month, monthly or quarterly for every two months"
    ]
    (kpi,) = evaluate_team(team, period=PERIOD, as_of=AS_OF).kpis
    assert kpi.status is KPIStatus.GREEN and kpi.kpi.unread == {"frequency"}
    assert kpi_values((), kpi)[4] is None  # the Frequency column


@pytest.mark.parametrize(("as_of", "stale"), [("2025-02-11", False), ("2025-02-10", True)])
def test_a_kpi_with_a_frequency_in_error_is_judged_against_a_year(as_of: str, stale: bool) -> None:
    """Its Frequency unread, a KPI not updated for years stayed Green, forever, and fed a
    key result to Achieved without a word (until 2026-12-07): it is judged against the
    longest window, a year (366 days and the grace), so it turns Stale when it would under
    any frequency typed: 369 days before 2026-02-15 is fresh, 370 Stale, as for yearly."""
    team = _team(kpi={"Frequency": "bimonthly", "As of": as_of})
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    (kpi,) = result.kpis
    assert kpi.status is (KPIStatus.STALE if stale else KPIStatus.GREEN)
    assert kpi.kpi.unread == {"frequency"} and kpi_values((), kpi)[4] is None


@pytest.mark.parametrize(
    ("header", "typed", "field"),
    [
        ("As of", "03/04/2026", "as_of"),
        ("Owner", CellError("#REF!"), "owner"),
        ("Previous", "lots", "previous"),
        ("KPI", CellError("#N/A"), "name"),
        ("Category", "sometimes", "category"),
        ("Unit", CellError("#REF!"), "unit"),
    ],
)
def test_a_kpi_is_kept_for_an_error_in_a_cell_its_status_does_without(
    header: str, typed: CellValue, field: str
) -> None:
    team = _team(kpi={header: typed})
    (kpi,) = team.kpis
    assert kpi.unread == {field} and getattr(kpi, field) in (None, "")
    (error,) = _errors(team)
    assert error.startswith(f"sales.xlsx!KPIs!{'ABCDEFGHIJKLM'[KPI_HEAD.index(header)]}2: ")
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    (judged,) = result.kpis
    assert judged.status is (KPIStatus.STALE if field != "as_of" else KPIStatus.GREEN)
    assert judged.trend is (None if field == "previous" else Trend.IMPROVING)
    # only its error: no "has no owner", no "has an actual but no As of date"
    assert [str(f) for f in result.findings if f.row_id == "KPI-1"] == [error]


@pytest.mark.parametrize(
    ("header", "typed"),
    [
        ("Target", "lots"),
        ("Actual", CellError("#REF!")),
        ("Direction", "sideways"),
        ("Amber threshold", "1,5"),
    ],
)
def test_an_error_in_a_cell_a_kpis_status_needs_leaves_it_out(
    header: str, typed: CellValue
) -> None:
    team = _team(kpi={header: typed})
    assert team.kpis == () and len(_errors(team)) == 1


def test_an_objective_title_in_error_leaves_it_untitled_and_its_key_results_scored() -> None:
    """Its only row's Objective showing #REF!: the objective was left out, and its key
    result with it (``points at unknown objective O1``); a later row's title is taken,
    not warned of as another."""
    team = _team({"Objective": CellError("#REF!")})
    assert [o.title for o in team.objectives] == ["Grow"]  # from KR2's row, no warning
    assert [f.cell for f in team.findings] == ["B2"]
    row = tuple({**KR_ROW, "Objective": CellError("#REF!")}[h] for h in OKR_HEAD)
    grids = {"OKRs": SheetGrid("OKRs", (OKR_HEAD, row))}
    data = WorkbookData("sales.xlsx", ("OKRs",), grids)
    alone = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [(o.id, o.title) for o in alone.objectives] == [("O1", "")]
    assert [kr.id for kr in alone.key_results] == ["KR1"]


def test_an_objective_type_in_error_leaves_the_objective_out() -> None:
    """Its type sets its key results' pace (committed or aspirational): not guessed."""
    okrs: list[tuple[CellValue, ...]] = [(*OKR_HEAD, "Objective type")]
    okrs += [(*(KR_ROW[h] for h in OKR_HEAD), "sometimes")]
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", tuple(okrs))})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert team.objectives == ()
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    assert [str(f) for f in result.findings if f.is_error] == [
        "sales.xlsx!OKRs!A2: key result KR1 points at unknown objective O1",
        'sales.xlsx!OKRs!O2: "sometimes" is not one of: committed, aspirational',
    ]


def test_an_aligns_to_an_objective_row_cannot_read_is_taken_from_a_row_below() -> None:
    """A date in its first row's Aligns to (1-2 typed, a spreadsheet's 2 January) is a
    warning and no link; the C1 a row below types is its link, not `already has Aligns
    to None (row 2); 'C1' is ignored` (until 2026-12-07)."""
    head: tuple[CellValue, ...] = (
        "Objective ID",
        "Aligns to",
        "KR ID",
        "Start",
        "Target",
        "Current",
    )
    rows: list[tuple[CellValue, ...]] = [
        head,
        ("O1", dt.date(2026, 1, 2), "KR1", 0, 100, 50),
        ("O1", "C1", "KR2", 0, 9, 5),
    ]
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", tuple(rows))})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [(o.id, o.aligns_to) for o in team.objectives] == [("O1", "C1")]
    assert [f.cell for f in team.findings if f.tab] == ["B2"]


@pytest.mark.parametrize(
    ("cells", "named"),
    [
        ({"Weight": "heavy"}, True),
        ({"Target": CellError("#REF!"), "Weight": 2}, True),
        ({"Target": CellError("#REF!"), "Weight": None}, True),  # a blank weighs 1
        ({"Target": CellError("#REF!"), "Weight": 0}, False),
    ],
)
def test_a_key_result_left_out_as_it_is_read_is_named_when_the_others_weigh_0(
    cells: dict[str, CellValue], named: bool
) -> None:
    """KR1's Weight (or Target) in error leaves it out as it is read, KR2 and KR3 weigh 0:
    the objective's error said "every key result of objective O1 has weight 0", untrue of
    KR1 (until 2026-12-07: the scoring never saw it). It names it, as it names a key result
    the scoring leaves out (KR4, target equal to start), in row order; a KR1 whose Weight
    reads 0 leaves the words as they were."""
    weigh_0 = [(*row[:10], 0, *row[11:]) for row in OTHERS]
    kr4 = ("O1", "Grow", "KR4", "Visits", "Di", "number", 5, 5, 5, "", 2, 8, "", "")
    rows = [OKR_HEAD, tuple({**KR_ROW, **cells}[h] for h in OKR_HEAD), *weigh_0, kr4]
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", tuple(rows))})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    (said,) = [str(f) for f in result.findings if f.cell == "A2" and f.is_error]
    left_out = "KR1, KR4" if named else "KR4"
    assert said == (
        "sales.xlsx!OKRs!A2: every key result of objective O1 that can be scored has weight "
        f"0 (left out for errors: {left_out}); give at least one a weight above 0"
    )
    assert result.objectives[0].score is None


def test_a_unit_in_error_beside_percent_cells_is_said_once() -> None:
    """A Unit showing #REF! on a row of percent cells: its error was said, and beside it
    "10% (stored 0.1) is a percentage, but key result KR1 has no unit", of a unit the
    sheet may well give (until 2026-12-07). The error alone is said."""
    head = ("Objective ID", "Objective", "KR ID", "Owner", "Start", "Target", "Current", "Unit")
    rows: tuple[tuple[CellValue, ...], ...] = (
        head,
        ("O1", "Grow", "KR1", "Ann", 0.1, 0.5, 0.3, CellError("#REF!")),
        ("O1", "Grow", "KR2", "Bob", 0, 10, 5, "deals"),
    )
    grid = SheetGrid("OKRs", rows, percent_cells=frozenset({(2, 5), (2, 6), (2, 7)}))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert team.key_results[0].shown_as_percent == {"start", "target", "current"}
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    said = [f"{f.severity.value} {f.cell}" for f in result.findings if f.row_id == "KR1"]
    assert said == ["error H2"]


def test_an_objective_headers_title_in_error_is_said_once_at_its_cell_in_blocks() -> None:
    """Objective blocks: a header whose title shows #REF! was said at the header's B2 and
    again at each key result row below, at the row (``3:3``, ``4:4``), as the key results
    hold their objective's fields: a clean key result's Sync notes read ``Error 4:4: the
    cell shows the error #REF!``, and validate counted 3 errors for one cell (until
    2026-12-07). It is said once, at B2, its key results scored."""
    head = ("#", "Goal / Key result", "Type", "Owner", "Baseline", "Goal", "Actual", "Weight")
    rows: tuple[tuple[CellValue, ...], ...] = (
        head,
        ("O1", CellError("#REF!"), "committed"),
        ("KR1", "Sign ups", "number", "Ann", 0, 100, 50, 1),
        ("KR2", "Calls", "number", "Bob", 0, 10, 5, 1),
    )
    data = WorkbookData("sales.xlsx", ("Goals",), {"Goals": SheetGrid("Goals", rows)})
    team = build_team_input("Sales", extract(data, load_mapping("objective-blocks")))
    assert [f.cell for f in team.findings if f.is_error] == ["B2"]
    assert [(o.id, o.title) for o in team.objectives] == [("O1", "")]
    assert [kr.id for kr in team.key_results] == ["KR1", "KR2"]


def test_an_aligns_to_taken_from_a_row_below_is_warned_of_at_that_row() -> None:
    """Row 2's Aligns to shows #REF! (its own warning, at B2), row 3 types C2, which is
    no company objective: the warning named B2, the cell in error, of a C2 it does not
    hold (until 2026-12-07); it names B3, the cell the value came from, on row 3."""
    head: tuple[CellValue, ...] = ("Objective ID", "Aligns to", "KR ID", "Start", "Target")
    rows: list[tuple[CellValue, ...]] = [
        (*head, "Current"),
        ("O1", CellError("#REF!"), "KR1", 0, 100, 50),
        ("O1", "C2", "KR2", 0, 9, 5),
    ]
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", tuple(rows))})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    companies = frozenset({"C1"})
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF, company_objective_ids=companies)
    (objective,) = result.objectives
    assert objective.objective.aligns_to == "C2" and objective.objective.origin.row == 2
    (warned,) = [f for f in result.findings if "not a company objective" in f.message]
    assert (str(warned), warned.row) == (
        "sales.xlsx!OKRs!B3: aligns to C2, which is not a company objective in the workspace",
        3,
    )
