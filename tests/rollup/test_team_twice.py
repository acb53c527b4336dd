"""A team listed twice in a rollup's runs (a library caller's runs, or two names that
``storable_runs`` makes one): its first listing is the team, in every table, as the
Summary's one row for it is; a later listing is left out, with a warning in Findings
naming its source. Until 2026-12-07 a team read fine twice had its rows twice in the
long tables (twice in the company totals, objective scores and Alignment) under one
Summary row, which showed its last listing's outcome."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from sheets_sync import rollup
from sheets_sync.domain.values import CELL_CHARS
from sheets_sync.rollup import Rollup, StaleData, build_rollup, previous
from sheets_sync.rollup.tables import build_tables
from sheets_sync.sync.outcome import Outcome, TeamRun
from tests.rollup.fixtures import context, runs

#: every table but findings, whose only extra row is the note, and the Summary and
#: totals, whose only change is that note in the Warnings count
SAME = ("objectives", "key_results", "kpis", "company_objectives", "alignment")


def _note(first: str, this: str) -> str:
    """The note a later listing leaves: the first listing (its source, outcome), then
    this one's outcome and error, last (until 2026-12-07 it ended "the team's first
    listing is", naming none)."""
    return (
        "listed more than once: not in the rollup, which has the team's first listing "
        f"({first}); this listing: {this}"
    )


def _same_but_the_note(twice: Rollup, once: Rollup, team: str, source: str, message: str) -> None:
    for table in SAME:
        pd.testing.assert_frame_equal(twice.tables[table], once.tables[table], obj=table)
    for table in ("summary", "totals"):
        got, want = getattr(twice, table), getattr(once, table).copy()
        at = want["Team"].isin([team, "Company total"])
        want.loc[at, "Warnings"] = want.loc[at, "Warnings"] + 1
        pd.testing.assert_frame_equal(got, want, obj=table)
    notes = twice.findings["Message"].str.startswith("listed more than once").fillna(False)
    note = twice.findings[notes]
    assert note[["Team", "Source", "Severity"]].values.tolist() == [[team, source, "warning"]]
    assert note["Message"].tolist() == [message]
    # the note right after the team's own findings, in the team's place
    kept = twice.findings[~notes].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, once.findings, obj="findings")
    teams = twice.findings["Team"].tolist()
    at = int(notes.to_numpy().nonzero()[0][0])
    assert teams[: at + 1].count(team) == teams.count(team), teams


def test_a_team_read_fine_twice_is_counted_once() -> None:
    night = runs(finance_fails=False)
    again = replace(night[0], source="sales-copy.xlsx")
    once = build_rollup(night, context())
    twice = build_rollup([*night, again], context())
    _same_but_the_note(twice, once, "Sales", "sales-copy.xlsx", _note("sales.xlsx, ok", "ok"))
    assert twice.summary["Team"].tolist() == ["Sales", "Ops", "Finance"]


def test_the_same_run_twice_is_counted_once() -> None:
    night = runs(finance_fails=False)
    once = build_rollup(night, context())
    twice = build_rollup([night[0], night[1], night[1], night[2]], context())
    _same_but_the_note(twice, once, "Ops", "ops.xlsx", _note("ops.xlsx, ok", "ok"))


def test_read_fine_then_failed_the_read_stands(previous_xlsx: Path) -> None:
    """Finance read first, then failed: the read is the team, no stale rows beside it
    and no failed outcome over them (until 2026-12-07 its fresh rows and last night's
    both went in, under a Summary row saying failed)."""
    fine, failing = runs(finance_fails=False), runs(finance_fails=True)
    once = build_rollup(fine, context(), previous=previous_xlsx)
    twice = build_rollup([*fine, failing[2]], context(), previous=previous_xlsx)
    said = _note("finance.xlsx, ok", "failed: file is encrypted")
    _same_but_the_note(twice, once, "Finance", "finance.xlsx", said)
    assert not twice.summary["Stale data"].fillna(False).any()
    assert "file is encrypted" not in twice.findings["Message"].tolist()


def test_failed_then_read_fine_the_failure_stands(previous_xlsx: Path) -> None:
    """Finance failed first, then read: the first listing is the team, as the Summary
    row shows it, so its rows are last night's, flagged stale."""
    fine, failing = runs(finance_fails=False), runs(finance_fails=True)
    once = build_rollup(failing, context(), previous=previous_xlsx)
    twice = build_rollup([*failing, fine[2]], context(), previous=previous_xlsx)
    _same_but_the_note(twice, once, "Finance", "finance.xlsx", _note("finance.xlsx, failed", "ok"))
    finance = twice.summary.set_index("Team").loc["Finance"]
    assert finance["Outcome"] == "failed" and finance["Stale data"]


def test_failed_twice_carries_the_stale_rows_and_the_error_once(previous_xlsx: Path) -> None:
    failing = runs(finance_fails=True)
    other = replace(failing[2], source="finance-old.xlsx", error="file is gone")
    ordered = [failing[2], failing[0], failing[1]]  # Finance first
    once = build_rollup(failing, context(), previous=previous_xlsx)
    twice = build_rollup([*ordered, other], context(), previous=previous_xlsx)
    reordered = build_rollup(ordered, context(), previous=previous_xlsx)
    said = _note("finance.xlsx, failed", "failed: file is gone")
    _same_but_the_note(twice, reordered, "Finance", "finance-old.xlsx", said)
    assert twice.findings["Message"].tolist().count("file is encrypted") == 1
    assert "file is gone" not in twice.findings["Message"].tolist()
    stale = twice.objectives[twice.objectives["Team"] == "Finance"]
    assert len(stale) == len(once.objectives[once.objectives["Team"] == "Finance"]) > 0


@pytest.mark.parametrize("first_fails", [True, False])
def test_build_tables_keeps_the_first_listing(first_fails: bool, previous_xlsx: Path) -> None:
    """``build_tables`` as a caller with its own stale rows calls it: the same rule."""
    good = build_rollup(runs(finance_fails=False), context())
    obj, krs, kpi = (
        good.tables[t][good.tables[t]["Team"] == "Finance"].reset_index(drop=True)
        for t in ("objectives", "key_results", "kpis")
    )
    stale = {"Finance": StaleData(obj, krs, kpi)}
    failed: TeamRun = runs(finance_fails=True)[2]
    read: TeamRun = runs(finance_fails=False)[2]
    first, later = (failed, read) if first_fails else (read, failed)
    base = runs(finance_fails=False)[:2]
    once = build_tables([*base, first], context(), stale)
    twice = build_tables([*base, first, later], context(), stale)
    said = (
        _note("finance.xlsx, failed", "ok")
        if first_fails
        else _note("finance.xlsx, ok", "failed: file is encrypted")
    )
    _same_but_the_note(twice, once, "Finance", "finance.xlsx", said)
    outcome = twice.summary.set_index("Team").loc["Finance", "Outcome"]
    assert outcome == ("failed" if first_fails else "ok")


def test_a_later_failed_listing_reads_no_stale_rows(
    previous_xlsx: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finance read fine, then listed failed: no last good rows are looked up for it
    (until 2026-12-07 they were, and went into the tables beside its fresh rows)."""
    asked: list[list[str]] = []
    real = previous.load_previous

    def load(path: Path | None, teams: list[str], period: str | None = None) -> object:
        asked.append(list(teams))
        return real(path, teams, period)

    monkeypatch.setattr(rollup, "load_previous", load)
    fine, failing = runs(finance_fails=False), runs(finance_fails=True)
    build_rollup([*fine, failing[2]], context(), previous=previous_xlsx)
    build_rollup([*failing, fine[2]], context(), previous=previous_xlsx)
    assert asked == [[], ["Finance"]]


def test_two_names_storable_runs_makes_one_are_one_team() -> None:
    """``\\udcc9quipe`` and ``\\udce9quipe`` (file names that are no UTF-8) are both
    ``\\ufffdquipe`` in the rollup: the first is the team, the second said left out."""
    night = runs(finance_fails=False)
    a = replace(night[1], team="\udcc9quipe", source="\udcc9quipe.xlsx")
    b = replace(night[2], team="\udce9quipe", source="\udce9quipe.xlsx")
    once = build_rollup([night[0], a], context())
    twice = build_rollup([night[0], a, b], context())
    said = _note("\ufffdquipe.xlsx, ok", "ok")
    _same_but_the_note(twice, once, "\ufffdquipe", "\ufffdquipe.xlsx", said)
    assert twice.summary["Team"].tolist() == ["Sales", "\ufffdquipe"]


def test_a_long_error_cut_to_a_cell_keeps_what_the_note_says() -> None:
    """The later listing's error comes last: one of 40,000 characters, cut to what a cell
    holds, loses only its own end (until 2026-12-07 it stood mid-note, and the cut took
    the rest of the note with it)."""
    night = runs(finance_fails=False)
    later = replace(night[2], source="finance-old.xlsx", held=None, error="x" * 40_000)
    later = replace(later, outcome=Outcome.FAILED)
    twice = build_rollup([*night, later], context())
    [message] = twice.findings.loc[twice.findings["Source"] == "finance-old.xlsx", "Message"]
    assert message.startswith(_note("finance.xlsx, ok", "failed: xxx"))
    assert message.endswith("x...") and len(message) == CELL_CHARS
