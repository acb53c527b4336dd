"""Two numbers a text compares never read the same while they differ (``shown.show_pair``)."""

from __future__ import annotations

from sheets_sync.domain.models import KPI, Direction, Origin
from sheets_sync.domain.shown import show_pair
from sheets_sync.domain.team import evaluate_team
from sheets_sync.domain.values import show_number
from tests.domain.test_team import AS_OF, PERIOD, kr, origin, team


def test_two_numbers_show_the_digits_excel_shows_unless_those_read_the_same() -> None:
    assert show_pair(0.2 + 0.4, 0.7) == ("0.6", "0.7")
    assert show_pair(0.6, 0.2 + 0.4) == ("0.6", "0.6000000000000001")
    assert show_pair(123456789.1, 123456789.10000001) == ("123456789.1", "123456789.10000001")
    assert show_pair(0.6, 0.6) == ("0.6", "0.6")
    assert show_pair(0.0, -0.0) == ("0.0", "0.0")  # equal values; -0.0 reads 0.0
    # what the caller counts as no difference: a cell rewritten for its style (its row's
    # Status changed) read 0.6 -> 0.6000000000000001 in a dry run
    assert show_pair(0.6, 0.2 + 0.4, apart=1e-9) == ("0.6", "0.6")
    assert show_pair(123456789.1, 123456789.10000001, apart=1e-9) == (
        "123456789.1",
        "123456789.10000001",
    )
    assert show_pair(12.0, 1e12 + 0.0001, whole=True) == ("12", "1000000000000")
    assert show_pair(1e12, 1e12 + 0.0001, whole=True) == ("1000000000000", "1000000000000.0001")
    assert show_pair(0.30000000000000004, 0.3, whole=True) == ("0.30000000000000004", "0.3")
    assert show_number(0.30000000000000004) == "0.3"  # alone, as Excel shows it


def test_messages_say_two_different_numbers_differ() -> None:
    """Until 2026-12-06 these read ``upper bound (0.3) is below the lower bound (0.3)``,
    ``amber threshold (0.7) is above the target (0.7)`` and ``current value
    (1000000000000) differs from KPI Sales/KPI-3 actual (1000000000000)``."""
    kpis = [
        KPI(
            "KPI-1",
            direction=Direction.RANGE,
            lower=0.1 + 0.2,
            upper=0.3,
            actual=0.3,
            owner="a",
            origin=origin(2, "KPIs"),
        ),
        KPI(
            "KPI-2",
            target=0.7,
            amber_threshold=0.1 * 7,
            actual=0.5,
            owner="a",
            origin=origin(3, "KPIs"),
        ),
        KPI("KPI-3", target=2e12, actual=1e12, owner="a", origin=origin(4, "KPIs")),
    ]
    krs = [kr(3, "KR1"), kr(4, "KR2", current=1e12 + 0.001, kpi_link="KPI-3", target=2e12)]
    found = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF).findings
    messages = [f.message for f in found]
    assert "upper bound (0.3) is below the lower bound (0.30000000000000004)" in messages
    assert (
        "amber threshold (0.7000000000000001) is above the target (0.7) of a higher-is-better KPI"
    ) in messages
    assert (
        "current value (1000000000000.001) differs from KPI Sales/KPI-3 actual (1000000000000); "
        "the sheet's value is used"
    ) in messages


def test_a_range_in_a_hint_says_its_two_bounds_differ() -> None:
    """A range of 40 to 40.00000000000001 (40 + 1e-14) read ``of 40 to 40`` until
    2026-12-06."""
    origin_cells = {"id": "A", "unit": "F", "lower": "I", "upper": "J", "amber_threshold": "K"}
    cells = {k: f"{c}2" for k, c in origin_cells.items()}
    kpis = [
        KPI(
            "K3",
            unit="ms",
            direction=Direction.RANGE,
            lower=40.0,
            upper=40.00000000000001,
            amber_threshold=0.1,
            actual=40.0,
            owner="a",
            as_of=AS_OF,
            shown_as_percent=frozenset({"amber_threshold"}),
            origin=Origin("sales.xlsx", "KPIs", 2, cells),
        )
    ]
    result = evaluate_team(team([kr(3, "KR1")], kpis), period=PERIOD, as_of=AS_OF)
    hints = [f.message for f in result.findings if "Amber threshold" in f.message]
    assert len(hints) == 1 and "of 40 to 40.00000000000001)" in hints[0], hints
