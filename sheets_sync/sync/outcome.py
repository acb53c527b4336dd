"""What happened to each team in a run; the rollup and the run report read these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sheets_sync.domain.models import CompanyObjective, Finding, Period, TeamResult
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.pickling import fast_pickle


class Outcome(StrEnum):
    OK = "ok"  # read, scored and written back
    UNCHANGED = "unchanged"  # read and scored; nothing to write
    CONFLICTED = "conflicted"  # changed while we worked; not overwritten, retried next run
    SKIPPED_LOCKED = "skipped-locked"  # open in Excel; read but not written
    FAILED = "failed"  # could not be read; see error


@fast_pickle
@dataclass(frozen=True, slots=True)
class CellChange:
    tab: str
    cell: str
    old: object
    new: object


@fast_pickle
@dataclass(frozen=True, slots=True)
class TeamRun:
    team: str
    source: str
    outcome: Outcome
    result: TeamResult | None = None  # None when the team could not be read
    error: str | None = None
    changes: tuple[CellChange, ...] = ()
    seconds: float = 0.0
    api_calls: int = 0

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.result.findings if self.result else ()

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.FAILED


@fast_pickle
@dataclass(frozen=True, slots=True)
class RunContext:
    """Workspace facts every consumer of a run needs (rollup, report, history)."""

    company: str
    period: Period
    as_of: dt.date
    generated_at: dt.datetime
    company_objectives: Sequence[CompanyObjective] = ()
    rules: ScoringRules = field(default_factory=ScoringRules)
