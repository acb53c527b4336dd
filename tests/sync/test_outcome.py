"""CellChanges: a team's changes held as one pickle, and still a plain sequence."""

from __future__ import annotations

import datetime as dt
import operator
import pickle

from sheets_sync.grid import CellError
from sheets_sync.sync.outcome import CellChange, CellChanges, Outcome, TeamRun

CHANGES = (CellChange("OKRs", "R2", None, 0.665), CellChange("KPIs", "K7", "Amber", "Green"))


def test_reads_like_the_tuple_it_was_made_from() -> None:
    held = CellChanges(CHANGES)
    assert len(held) == 2 and list(held) == list(CHANGES)
    assert held[1] == CHANGES[1] and held[:1] == CHANGES[:1]
    assert held == CHANGES and operator.eq(CHANGES, held) and held == list(CHANGES)
    assert held != CHANGES[:1] and hash(held) == hash(CHANGES)
    assert CellChanges() == () and len(CellChanges()) == 0 and not CellChanges()


def test_pickles_without_unpacking_and_compares_in_a_run() -> None:
    run = TeamRun("Sales", "sales.xlsx", Outcome.OK, changes=CellChanges(CHANGES))
    again = pickle.loads(pickle.dumps(run))
    assert again == run and again.changes == CHANGES
    assert again == TeamRun("Sales", "sales.xlsx", Outcome.OK, changes=CHANGES)


def test_a_dry_run_says_an_empty_cell_and_a_formula_never_computed_in_words() -> None:
    """openpyxl writes a formula without its value: the dry run showed ``=0.5+0.5 (None)``
    and an empty cell ``None``, Python's word (until 2026-12-06)."""
    assert CellChange("OKRs", "R5", None, 1.0, "=0.5+0.5").shown_old() == (
        "=0.5+0.5 (no cached value)"
    )
    assert CellChange("OKRs", "R5", None, 1.0, "").shown_old() == "a formula (no cached value)"
    assert CellChange("OKRs", "R5", 1.0, 1.0, "=0.5+0.5").shown_old() == "=0.5+0.5 (1.0)"
    empty = CellChange("KPIs", "S2", None, "update Actual")
    assert (empty.shown_old(), empty.shown_new()) == ("(empty)", "'update Actual'")
    cleared = CellChange("KPIs", "S2", "update Actual", None)
    assert (cleared.shown_old(), cleared.shown_new()) == ("'update Actual'", "(empty)")
    assert CellChange("OKRs", "T2", "On track", "At risk").shown_old() == "'On track'"


def test_a_dry_run_shows_dates_times_checkboxes_and_errors_as_the_project_prints_them() -> None:
    """A date showed ``datetime.date(2026, 1, 5)``, a checkbox ``True``, an error value
    ``CellError(code='#N/A', detail='')``: Python's words (until 2026-12-06)."""
    shown = {
        dt.date(2026, 1, 5): "2026-01-05",
        dt.datetime(2026, 1, 5, 9, 15): "2026-01-05 09:15:00",
        dt.time(10, 30): "10:30:00",
        dt.timedelta(hours=30): "1 day, 6:00:00",
        True: "TRUE",
        False: "FALSE",
        CellError("#N/A", "Did not find value"): "#N/A",
        0.5: "0.5",
        "On track": "'On track'",
    }
    for value, want in shown.items():
        assert CellChange("OKRs", "R2", value, 0.5).shown_old() == want
        assert CellChange("OKRs", "R2", 0.5, value).shown_new() == want
        assert CellChange("OKRs", "R2", value, 0.5, "=A1").shown_old() == f"=A1 ({want})"


def test_a_dry_run_shows_a_computed_score_with_the_digits_excel_shows() -> None:
    """``OKRs!R5: (empty) -> 0.6000000000000001``: a score's float noise, shown until
    2026-12-06; the cell keeps the exact value (``new``), only the line is rounded."""
    noisy = 0.2 + 0.4
    change = CellChange("OKRs", "R5", None, noisy)
    assert (change.shown_old(), change.shown_new()) == ("(empty)", "0.6")
    assert change.new == noisy != 0.6
    assert CellChange("OKRs", "S2", 53 / 91, 0.65).shown_old() == "0.582417582417582"
    assert CellChange("OKRs", "R5", 0.1 + 0.2, 1.0, "=0.1+0.2").shown_old() == "=0.1+0.2 (0.3)"


def test_a_dry_run_never_shows_a_real_change_as_the_same_number_both_sides() -> None:
    """``OKRs!C4: 123456789.1 -> 123456789.1`` until 2026-12-06: both sides rounded to the
    15 digits Excel shows read the same, so they show every digit (``shown.show_pair``)."""
    change = CellChange("OKRs", "C4", 123456789.1, 123456789.10000001)
    assert (change.shown_old(), change.shown_new()) == ("123456789.1", "123456789.10000001")
    # within what the sync counts as the same number (``plan.same_value``): a formula or
    # a cell rewritten for its style, not for its value, reads the same both sides (read
    # ``0.6 -> 0.6000000000000001`` for a moment on 2026-12-06, found by review)
    formula = CellChange("OKRs", "C4", 0.6, 0.2 + 0.4, "=0.6")
    assert (formula.shown_old(), formula.shown_new()) == ("=0.6 (0.6)", "0.6")
    restyled = CellChange("OKRs", "S5", 0.6, 0.2 + 0.4)
    assert (restyled.shown_old(), restyled.shown_new()) == ("0.6", "0.6")
    assert CellChange("OKRs", "C4", 0.6, 0.7).shown_new() == "0.7"
    assert CellChange("OKRs", "C4", 1, 1.5).shown_old() == "1"  # an int as it is


def test_a_change_that_cleans_a_cells_noise_shows_the_old_value_in_full() -> None:
    """The first night after scores are written with the 15 digits Excel shows, a dry run
    listed ``OKRs!R3: 0.6 -> 0.6`` (until 2026-12-07): the cell held an earlier sync's
    0.6000000000000001. A cell that keeps a computed value's noise reads as before."""
    cleaned = CellChange("OKRs", "R3", 0.2 + 0.4, 0.6)
    assert (cleaned.shown_old(), cleaned.shown_new()) == ("0.6000000000000001", "0.6")
    assert cleaned.cleaned()
    formula = CellChange("OKRs", "R3", 0.2 + 0.4, 0.6, "=0.2+0.4")
    assert formula.shown_old() == "=0.2+0.4 (0.6000000000000001)"
    restyled = CellChange("OKRs", "S5", 0.6, 0.2 + 0.4)
    assert (restyled.shown_old(), restyled.shown_new()) == ("0.6", "0.6")
    assert not restyled.cleaned() and not CellChange("OKRs", "R3", 0.6, 0.6).cleaned()
    assert CellChange("OKRs", "R3", 0.5, 0.6).shown_old() == "0.5"
