"""What a sync hands back: every team's run, the company objectives, and how the rollup
and history went; ``report.py`` and the console render it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_sync.domain.models import CompanyObjectiveResult
from sheets_sync.errors import SheetsSyncError
from sheets_sync.sync.outcome import RunContext, TeamRun

if TYPE_CHECKING:
    from sheets_sync.backends.gsheets.ratelimit import QuotaUse


@dataclass(frozen=True)
class SyncResult:
    context: RunContext
    runs: tuple[TeamRun, ...]
    company: tuple[CompanyObjectiveResult, ...]
    rollup_output: str | None = None
    seconds: float = 0.0
    rollup_rewritten: bool = True  # False: same content as the workbook already there
    rollup_error: str | None = None  # the rollup could not be published; the old one stays
    rollup_skipped: str | None = None  # why a run that could have published did not
    history_skipped: str | None = None  # why the night was not recorded (a back-dated run)
    # the teams of the night before no longer in the workspace (``night_end._say_gone``);
    # None when they were not looked for (a dry run, --team, a night not recorded) or the
    # look failed, () when none is gone
    teams_gone: tuple[str, ...] | None = None
    # the night is recorded, but its clean-up (``history.prune_after``) failed: why
    # (``night_end._prune``); None when it ran, or there was none to run
    history_not_pruned: str | None = None
    report_error: str | None = None  # the run report could not be written (``run.py``)
    results_error: str | None = None  # a shard's results could not be saved (``run.py``)
    # the notification could not be delivered: not a failure (the exit code stays the
    # teams'), but not a clean night either: ``-qq`` prints its summary line
    notify_error: str | None = None
    # the counts of the run's Google clients' rate limiters (none: no Google team was
    # read), copied as the run ended: their waits for quota (``waited_by_kind``) and
    # slots. The clients are closed and forgotten then (``factory.end_run``), so
    # ``client_for`` gives a new one. A run of the same workspace going on beside it in
    # the process shares them: its waits until this run ended are counted here too.
    # Copies (``QuotaUse``), not the live limiters: a result pickles and ``asdict``s
    google_limiters: tuple[QuotaUse, ...] = ()

    @property
    def failed(self) -> bool:
        errors = (self.rollup_error, self.report_error, self.results_error)
        broken = any(e is not None for e in errors)
        return broken or any(r.failed for r in self.runs)


PARTIAL_RUN = "a run of some teams; `sheets-sync rollup` rebuilds it from every team"


def rollup_failed(output: str, exc: SheetsSyncError | OSError, path: Path | None = None) -> str:
    """The message for a rollup that could not be published (the old one is unchanged).
    ``path``: the workbook's path as read, which names the same place as ``output`` (last
    night's rows read back from it: until 2026-12-07 ``company.xlsx: ... not published:
    /srv/okr/company.xlsx: last night's rows ...``); None when ``output`` alone names it
    (a Google rollup: no path)."""
    if isinstance(exc, OSError):
        why = exc.strerror or str(exc)
        return f"{output}: cannot write the company rollup ({why}); the last one stays"
    # not "gsheet:K: ...: gsheet:K: ..."
    here = exc.source == output or (path is not None and exc.source == str(path))
    same_place = here and not exc.tab
    return f"{output}: the company rollup was not published: {exc.message if same_place else exc}"
