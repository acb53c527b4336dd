"""What a night does once its teams are run: score the company objectives, record the
history, publish the rollup. ``Sync`` (``engine.py``) inherits it; a shard merge
(``run.py``) calls it with runs from several processes."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Collection, Sequence

from sheets_sync.domain.company import score_aligned
from sheets_sync.domain.values import without_lone_surrogates
from sheets_sync.errors import HistoryError, SheetsSyncError
from sheets_sync.loggers import get_logger
from sheets_sync.ops.history import HistoryStore
from sheets_sync.ops.history_db import DAMAGED, damaged_advice
from sheets_sync.sync import rollup_step, stops
from sheets_sync.sync.outcome import RunContext, TeamRun, first_runs
from sheets_sync.sync.result import SyncResult, rollup_failed
from sheets_sync.sync.rollup_step import RollupPrep
from sheets_sync.workspace_spec import Workspace

log = get_logger("sheets_sync.sync")
#: ``history_not_pruned``'s word on the night, which a stopped night whose snapshot was
#: undone drops (``stopped.py``): it is not recorded
NIGHT_RECORDED = "the night is recorded; "


def unrecorded_warning(message: str) -> str:
    """A held clean-up warning said of a night that is not recorded: without
    ``NIGHT_RECORDED``."""
    return message.replace(NIGHT_RECORDED, "", 1)


class NightEnd:
    """The company score, history and rollup steps of ``Sync``."""

    workspace: Workspace
    history: HistoryStore | None
    history_skipped: str | None
    #: the caller confirms tonight's snapshot once the night is done (``run_sync``: after
    #: its notification); else ``Sync.run`` does, as it returns
    confirm_later: bool = False
    pending_teams: set[str]  # recorded pending by this run, not yet settled
    #: the last good rows a preparation read from the previous workbook, for the next one
    #: (a night whose writes end otherwise prepares twice); gone once a rollup is published
    carried: rollup_step.CarriedOnce | None = None
    #: rollups prepared and not yet published: ``Sync.run`` drops them if a stop comes first
    ahead: list[RollupPrep]
    gone_said: bool = False  # the teams gone from the workspace were named (_say_gone)
    #: those teams, for the run report's ``teams_gone``: None when not looked for (a dry
    #: run, a run of some teams, a night not recorded) or the look failed; () when none is
    teams_gone: tuple[str, ...] | None = None
    #: the run report's ``history_not_pruned``: the last clean-up's failure (``_prune``)
    history_not_pruned: str | None = None
    #: its log warning, held while the snapshot is pending: said once ``settle_history``
    #: knows whether the night is recorded (``_prune``)
    not_pruned_unsaid: str | None = None

    def new_night(self) -> None:
        """A run's history outcomes start afresh (a ``Sync`` may run again)."""
        self.history_skipped, self.gone_said, self.teams_gone = None, False, None
        self.history_not_pruned = self.not_pruned_unsaid = None

    def in_workspace_order(self, runs: Sequence[TeamRun]) -> list[TeamRun]:
        """Merged shard runs in the order the workspace lists its teams, as one run has."""
        order = {t.name: i for i, t in enumerate(self.workspace.teams)}
        return sorted(runs, key=lambda r: order.get(r.team, len(order)))

    def result_of(self, runs: Sequence[TeamRun], context: RunContext) -> SyncResult:
        """Runs plus the company objectives scored from them (also for merged shards)."""
        ws = self.workspace
        aligned = (a for r in runs for a in r.aligned)
        company = tuple(score_aligned(ws.company_objectives, aligned, ws.rules))
        return SyncResult(
            context,
            tuple(runs),
            company,
            teams_gone=self.teams_gone,
            history_not_pruned=self.history_not_pruned,
        )

    def record_history(self, result: SyncResult, *, pending: bool = False) -> None:
        """Snapshot the night; drop dates beyond ``history.prune_after`` when it is set
        (``_prune``: its failure leaves the night recorded).

        A back-dated run, or one dated well after today, records nothing
        (``HistoryStore.not_recorded``) and says so, in the log and ``history_skipped``.
        A history that cannot be written (locked by another process, a full disk) is
        logged, not raised: the teams are written by now, and the history feeds trends
        and alerts, never a team's sheet; ``history_skipped`` says so too, so a night
        whose exit code is 0 still tells a script its snapshot is missing (a history
        written by a newer sheets-sync, after a downgrade, refuses every night).
        ``pending`` (or ``confirm_later``): recorded undoable (``settle_history``) until
        the night's outcome is known."""
        if self.history is None:
            return
        try:
            skipped = self.history.not_recorded(result.context.as_of)
            if skipped is not None:
                if self.history_skipped is None:  # once, though a run may record twice
                    log.warning("%s", skipped)
                self.history_skipped = skipped
                return
            pending = pending or self.confirm_later
            self.history.record(result, pending=pending)
            # an earlier attempt of this night failed (the record made while workers
            # wrote): this one stands, so the night is recorded after all
            self.history_skipped = None
            if pending:
                self.pending_teams.update(r.team for r in first_runs(result.runs) if r.scored)
        except HistoryError as exc:
            log.error("%s; tonight's snapshot is not recorded", exc)
            if self.history_skipped is None:  # the run report says so, not only the log
                self.history_skipped = f"history not recorded: {exc}"
            return
        self._prune()
        try:  # a read after the snapshot is in: its failure loses no night
            self._say_gone(result)
        except HistoryError as exc:
            log.warning("%s; the teams gone since the night before are not named", exc)
        except Exception as exc:  # advisory and read-only: nothing in it fails the night
            # (a hand-edited history row ended a night in an AttributeError, 2026-12-07)
            log.warning(
                "history: the teams gone since the night before are not named (%s: %s)",
                type(exc).__name__,
                exc,
            )

    def _prune(self) -> None:
        """Drop the nights beyond ``history.prune_after``, after the night is recorded: a
        failure is that clean-up's, said as such, in the log and the run report's
        ``history_not_pruned``; the night stays recorded (until 2026-12-07 it was "history
        not recorded", in ``history_skipped`` too, and the teams gone were not named; then,
        for a day, a log warning alone, whose exit 0 and report said nothing)."""
        keep = self.workspace.prune_history_after
        if keep is None or self.history is None:
            return
        try:
            self.history.prune(keep)
        except HistoryError as exc:
            # SQLite's own reason ("database is locked"): the HistoryError's text says
            # the history "cannot be used", after "the night is recorded"
            cause = exc.__cause__
            why = cause if isinstance(cause, sqlite3.Error) else exc
            then = "the next run tries again"
            if getattr(cause, "sqlite_errorcode", None) in DAMAGED:
                # a page only the clean-up reads: the records go on and never set the file
                # aside, so "tries again" was said night after night (2026-12-07)
                then = damaged_advice(self.history.path)
            self.history_not_pruned = (
                f"history: {NIGHT_RECORDED}the nights before the newest {keep} "
                f"(history.prune_after) were not dropped: {why}; {then}"
            )
            if self.pending_teams:  # the night may yet be undone (a stop): said once it is
                self.not_pruned_unsaid = self.history_not_pruned  # settled, truthfully (it
            else:  # said "the night is recorded" before a stop undid it, until 2026-12-07)
                self.not_pruned_unsaid = None  # a guess's, held (``undo_guess``): said once
                log.warning("%s", self.history_not_pruned)
        else:  # a second record of the night (the rollup's) pruned after all
            self.history_not_pruned = self.not_pruned_unsaid = None

    def _say_gone(self, result: SyncResult) -> None:
        """A night of every team: the teams of the night before that are gone are named,
        once a run (``history_teams.py``). Nothing is deleted (2026-12-07)."""
        assert self.history is not None
        ran = {r.team for r in first_runs(result.runs)}
        if not ran.issuperset(without_lone_surrogates(t.name) for t in self.workspace.teams):
            return  # a run of some teams (--team)
        if self.gone_said:
            return
        self.gone_said = True
        gone = self.history.gone_since(result.context.as_of, ran)
        self.teams_gone = () if gone is None else tuple(gone[1])
        if gone is not None:
            log.warning(
                "%s: in the night of %s, no longer in the workspace (a team file renamed,"
                " moved or deleted, or its entry removed): not in tonight's rollup; its"
                " history is kept. If it was renamed, its trends start again under its"
                " new name",
                ", ".join(gone[1]),
                gone[0],
            )

    def settle_history(
        self, as_of: dt.date, *, undo: bool = False, alerted: Collection[str] = ()
    ) -> None:
        """Confirm the night's pending snapshot rows this run recorded, or ``undo`` them
        (``HistoryStore.settle_pending``; pending rows a killed run left for the date are
        undone either way): the history holds only what landed, and the night after one
        that did not finish compares with the last that did. The ``alerted`` teams (their
        alerts went out: ``run_sync``) become the next night's alert baseline; a rollup
        marks none. Logged, never raised; a history that could not be used when this run
        recorded nothing was logged then, and its rows cannot be wrong. A snapshot that
        could not be confirmed stays pending, so the next run undoes it:
        ``history_skipped`` says so, as for one that could not be recorded. A failed
        clean-up's warning held until now (``_prune``) is said: "the night is recorded"
        only when it is."""
        unsaid, self.not_pruned_unsaid = self.not_pruned_unsaid, None
        recorded = False  # a stop in ``_settle`` (a second one, in the undo): not said so
        try:
            recorded = self._settle(as_of, undo=undo, alerted=alerted)
        finally:  # said all the same: a stop there lost it (until 2026-12-07)
            if unsaid is not None:
                log.warning("%s", unsaid if recorded else unrecorded_warning(unsaid))

    def undo_guess(self, as_of: dt.date) -> None:
        """The rows ``record_guess`` recorded go (a write ended otherwise than guessed, or
        none was guessed: pending rows a killed run left go either way), for the night's
        own record. A failed clean-up's warning held stays held: that record's clean-up
        decides it (it fails again, and is said once, "the night is recorded" if it is; or
        it prunes, and nothing is said). Until 2026-12-07 the undo said it, early and
        without "the night is recorded", and the night's record said it again. Until
        that record, the run report's ``history_not_pruned`` does not say the night is
        recorded: it is not, if that record fails."""
        self._settle(as_of, undo=True, alerted=())
        if self.history_not_pruned is not None:
            self.history_not_pruned = unrecorded_warning(self.history_not_pruned)

    def _settle(self, as_of: dt.date, *, undo: bool, alerted: Collection[str]) -> bool:
        """``settle_history``'s work: whether tonight's rows stand."""
        landed: Collection[str] = () if undo else set(self.pending_teams)
        recorded = bool(self.pending_teams)
        self.pending_teams.clear()
        if self.history is None:
            return False
        try:
            undone = self.history.settle_pending(as_of, landed, alerted=alerted)
        except HistoryError as exc:
            if not landed:
                if recorded:
                    log.error("%s; tonight's snapshot may hold rows of teams not written", exc)
                return False
            log.error("%s; tonight's snapshot is not recorded (the next run undoes it)", exc)
            self.history_skipped = f"history not recorded: {exc}"
            return False
        if undone:
            log.info("history: %d team(s) of %s not recorded after all", len(undone), as_of)
        return bool(set(landed).difference(team for _, team in undone))

    def record_guess(self, guess: Sequence[TeamRun], context: RunContext) -> None:
        """While workers write (``Sync``'s ``meanwhile``): the night recorded pending, and
        its rollup prepared (staged), from the outcomes the writes should have: used only
        if they do (``publish_night``)."""
        self.record_history(SyncResult(context, tuple(guess), ()), pending=True)
        self.ahead.append(self.prepare_rollup(guess, context, stage=True))

    def publish_night(
        self, runs: Sequence[TeamRun], context: RunContext, as_of: dt.date
    ) -> tuple[str | None, bool, str | None]:
        """The night's rollup published: the one prepared ahead if its guess held, else
        the guessed rows undone (``undo_guess``) and the night recorded and its rollup
        prepared from ``runs``. Returns the output, whether it was rewritten, and the
        rollup's error: the teams are written, so a rollup that fails is reported, not
        raised. No rollup is published after a stop."""
        ws = self.workspace
        prep = self.ahead[-1] if self.ahead else None  # kept there until published
        output, rewritten, error = None, False, None
        try:
            if prep is None or prep.runs != rollup_step.assumed(runs):
                if prep is not None:
                    self.ahead.pop().drop()  # a write ended otherwise than assumed
                self.undo_guess(as_of)
                self.record_history(SyncResult(context, tuple(runs), ()))
                prep = self.prepare_rollup(runs, context)
                self.ahead.append(prep)
            stops.check()
            output, rewritten = self.publish_rollup(prep)
        except (SheetsSyncError, OSError) as exc:
            workbook = None if ws.rollup_is_google else ws.rollup_path
            error = rollup_failed(ws.rollup_output, exc, workbook)
            log.error("%s", error, exc_info=log.isEnabledFor(logging.DEBUG))
            if prep is not None:
                prep.drop()
        self.ahead.clear()
        return output, rewritten, error

    def write_rollup(self, runs: Sequence[TeamRun], context: RunContext) -> tuple[str, bool]:
        """Build and publish the company rollup (also used to merge shard results).

        Returns the output and whether it was rewritten: an Excel rollup whose tables
        would only differ in this run's timestamp is left as it is (``fingerprint.py``),
        and when what they are built from is unchanged they are not built at all
        (``rollup_state.py``).
        """
        return self.publish_rollup(self.prepare_rollup(runs, context))

    def prepare_rollup(
        self, runs: Sequence[TeamRun], context: RunContext, *, stage: bool = False
    ) -> RollupPrep:
        if self.carried is None:
            self.carried = rollup_step.CarriedOnce()
        return rollup_step.prepare(
            self.workspace, self.history, runs, context, stage=stage, carried=self.carried
        )

    def publish_rollup(self, prep: RollupPrep) -> tuple[str, bool]:
        self.carried = None
        return rollup_step.publish(self.workspace, prep)
