"""The night's last step: the company workbook, prepared and then published.

Two halves so the engine can start the first while worker processes still write team
files: ``prepare`` decides whether the workbook changes and builds (and, when asked,
writes to a temp file) the new one from runs whose outcomes it assumes; ``publish``
renames it into place and records what was written. If the writes end other than assumed
(a conflict, a locked file), the engine throws the preparation away and prepares again.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_sync.atomic import prove_writable, remove_stale, staging, temp_files_of, why_not_written
from sheets_sync.config import Workspace
from sheets_sync.errors import ConfigError, HistoryError, SheetsSyncError
from sheets_sync.loggers import get_logger
from sheets_sync.ops.history import HistoryStore
from sheets_sync.regular_file import not_replaceable
from sheets_sync.sync import stops
from sheets_sync.sync.outcome import RunContext, TeamRun
from sheets_sync.sync.rollup_state import RollupState, inputs_fingerprint

if TYPE_CHECKING:  # pandas: imported only when a rollup is built
    from sheets_sync.rollup import Rollup
    from sheets_sync.rollup.previous import PreviousReader
    from sheets_sync.rollup.tables import StaleData

log = get_logger("sheets_sync.sync")
STATE_FILE = "rollup-state.json"  # in .sheets-sync/: what the published rollup was built from
Assumed = tuple[tuple[str, str, str | None, int], ...]


def import_libraries() -> None:
    """What building the workbook imports (pandas, pyarrow, xlsxwriter: ~1 s), imported
    ahead while worker processes parse: the rollup is the night's critical path. With
    stop signals held (a stop meanwhile is raised once it is done): a stop in the middle
    left pandas or numpy half-imported in the process, and a library caller's next run
    failed on an ImportError ("numpy._core.multiarray failed to import"). Not blocked
    (``held(block=False)``): a stop's handler runs at once, so the workers stop after
    their team in hand as it comes, and a second stop meanwhile kills them."""
    with stops.held(block=False):
        import sheets_sync.rollup.fingerprint
        import sheets_sync.rollup.workbook  # noqa: F401


def check_output(ws: Workspace) -> None:
    """Refuse an Excel ``rollup.output`` the publishing rename would replace
    (``regular_file.not_replaceable``): a named pipe, a socket, a device, a folder, a name
    in ``/proc``, ``/dev`` or ``/sys`` or one whose links lead there. Until 2026-12-06 the
    night replaced a pipe or (as root) a device with the workbook, exit 0. Called before a
    run that publishes does any work (exit 2), and again as the workbook is published."""
    if ws.rollup_is_google:
        return
    problem = not_replaceable(ws.rollup_path)
    if problem:
        raise ConfigError(
            f"rollup.output {ws.rollup_output}: {problem}, not a file; the company workbook "
            "is a new file renamed into its place: give it a file's path"
        )


def output_not_writable(ws: Workspace) -> str | None:
    """Why an Excel workbook could not be published in its folder, if a look says so: a
    file created and dropped there (where the new workbook is staged) proves the folder
    writable; and a workbook already there, in a sticky folder (mode 1777, as ``/tmp``),
    that belongs neither to us nor to the folder's owner cannot be replaced (the rename
    is refused). Root is stopped by neither (uid 0 taken as exempt, no other:
    ``_not_replaceable_there``). What no look sees: a workbook made
    immutable (``chattr +i``), or one a program makes there later; the rollup step says
    those at the end (``the company rollup was not published``)."""
    if ws.rollup_is_google:
        return None
    folder = Path(os.path.abspath(ws.rollup_path)).parent  # ``..`` as text, as staged
    try:
        prove_writable(folder)
    except OSError as exc:
        why = why_not_written(folder, exc, is_folder=True)
        return f"cannot write in its folder {folder} ({why})"
    return _not_replaceable_there(ws.rollup_path, folder)


def _not_replaceable_there(path: Path, folder: Path) -> str | None:
    """A sticky folder's rule (``unlink(2)``, ``rename(2)``): a file in it is replaced only
    by its owner, the folder's, or root. Assumed: uid 0 is exempt and no other is. A
    process with ``CAP_FOWNER`` but another uid is exempt too and is told it cannot
    (``rollup`` refuses, a night warns needlessly); root on an NFS mount that squashes
    root is not exempt and is not told (the rollup step says it at the end)."""
    uid = os.geteuid()
    try:
        held, here = os.stat(folder), os.lstat(path)
    except OSError:  # no workbook yet (or it went): nothing to replace
        return None
    if uid == 0 or not held.st_mode & stat.S_ISVTX or uid in (here.st_uid, held.st_uid):
        return None
    return (
        f"cannot replace {path.name} in its folder {folder} (a sticky folder, mode "
        f"{stat.S_IMODE(held.st_mode):o}, and the workbook belongs to another user, uid "
        f"{here.st_uid})"
    )


def check_output_writable(ws: Workspace, command: str) -> None:
    """``output_not_writable`` as an error (exit 2), for the commands whose whole job is
    the workbook: ``rollup`` and ``rollup --from-results`` (``command``) check it once
    they hold the lock (its folder's problem, the state folder's, said first), before
    any team or shard result is read. A night only warns (``warn_output_not_writable``).
    Refused even when the rollup would come out unchanged (not yet known: the teams are
    not read), which before 2026-12-07 was exit 0 "unchanged": the command's job is the
    workbook, and one it may not replace is a setup to fix (docs/configuration.md).
    Not ``validate``'s nor ``config check``'s: a user who may only read runs them."""
    problem = output_not_writable(ws)
    if problem is not None:
        raise ConfigError(
            f"rollup.output {ws.rollup_output}: {problem}; `sheets-sync {command}` writes "
            "the company workbook there"
        )


def warn_output_not_writable(ws: Workspace) -> None:
    """A night that publishes says ``output_not_writable`` once it holds the lock, before
    any team is read, and goes on: the teams are synced, and the rollup step at the end
    fails (or finds the workbook unchanged) as it always did: so the warning says the
    workbook cannot be replaced if it changes, true either way (for a few hours on
    2026-12-07 it said "will not be written", and the night then said "rollup
    unchanged"). For a few hours on 2026-12-07 the night refused to start (exit 2, no
    team synced); until then the folder was found only at the end, every team read and
    written back."""
    problem = output_not_writable(ws)
    if problem is not None:
        log.warning(
            "rollup.output %s: %s; the teams are synced, the company workbook cannot be "
            "replaced if it changes",
            ws.rollup_output,
            problem,
        )


def _state(ws: Workspace) -> RollupState:
    return RollupState(ws.state_dir / STATE_FILE)


def assumed(runs: Sequence[TeamRun]) -> Assumed:
    """What of the runs a rollup is built from, besides the results themselves."""
    return tuple((r.team, r.outcome.value, r.error, id(r.held)) for r in runs)


@dataclass
class RollupPrep:
    """What ``publish`` does: leave the workbook (``write`` False), only remember the
    tables' fingerprint, or write ``rollup`` (or rename the temp file it was ``staged`` in,
    and then ``rollup`` is None)."""

    runs: Assumed
    rollup: Rollup | None = None
    fingerprint: str | None = None
    inputs: str | None = None
    write: bool = False
    staged: Path | None = None

    def drop(self) -> None:
        """Throw away a preparation that will not be published."""
        if self.staged is not None:
            self.staged.unlink(missing_ok=True)


class CarriedOnce:
    """The last good rows a night read from its previous workbook, for the night's next
    preparation: a night whose writes end otherwise than assumed prepares its rollup
    twice (``engine.py``), and each read the workbook again (some 2 s at 500 teams with
    250 failed, until 2026-12-07). Given again while the file is the same one, unchanged
    (device, inode, size, modification and change times), for the same period and teams
    or some of them. Only a read that happened is kept: ``load`` gives None when the
    workbook could not be read (``read_previous``: logged), and the next preparation
    reads it again (for a few hours on 2026-12-07 a one-off failure's ``{}`` was kept, and
    the failed teams' rows were lost tonight and so for good)."""

    def __init__(self) -> None:
        self.key: tuple[tuple[int, ...], str | None] | None = None
        self.teams: frozenset[str] = frozenset()
        self.rows: dict[str, StaleData] = {}

    def read(
        self,
        path: Path,
        teams: Collection[str],
        period: str | None,
        load: Callable[[], dict[str, StaleData] | None],
    ) -> dict[str, StaleData]:
        try:
            st = path.stat()
        except OSError:  # gone: ``load`` says what it says of that
            return load() or {}
        file = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        key = (file, period)
        wanted = frozenset(teams)
        if key != self.key or not wanted <= self.teams:
            self.key, self.teams, self.rows = None, frozenset(), {}  # not kept if it raises
            rows = load()
            if rows is None:  # not read: nothing kept, the next preparation reads it
                return {}
            self.key, self.teams, self.rows = key, wanted, rows
        return {team: stale for team, stale in self.rows.items() if team in wanted}


def previous_workbook(
    ws: Workspace, *, export: bool = False, carried: CarriedOnce | None = None
) -> PreviousReader | None:
    """What reads last night's rows back from last night's company workbook, whose rows a
    team that cannot be read keeps (Stale data); for a Google rollup, one
    ``values:batchGet`` (``backends.gsheets.previous``). Called only when a team failed.
    ``export``: for ``sheets-sync export``, a reader whose failure says so (nothing
    exported, not "not published": until 2026-12-07 an Excel rollup's said the latter of
    an export). An Excel workbook is named as the workspace names it (``company.xlsx``),
    as sync names it (until 2026-12-07 export and ``rollup --from-results`` named it by
    its absolute path). ``carried``: what an earlier preparation of the night read, given
    again (``CarriedOnce``)."""
    if ws.rollup_is_google:
        from sheets_sync.backends.gsheets.previous import previous_reader

        return previous_reader(ws, export=export)
    if not ws.rollup_path.is_file():
        return None
    path, name = ws.rollup_path, ws.rollup_output

    def read(teams: Collection[str], period: str | None) -> dict[str, StaleData]:
        from sheets_sync.rollup.previous import read_previous

        def load() -> dict[str, StaleData] | None:
            return read_previous(path, teams, period, export=export, name=name)

        return (load() or {}) if carried is None else carried.read(path, teams, period, load)

    return read


def prepare(
    ws: Workspace,
    history: HistoryStore | None,
    runs: Sequence[TeamRun],
    context: RunContext,
    *,
    stage: bool = False,
    carried: CarriedOnce | None = None,
) -> RollupPrep:
    """Everything up to replacing the workbook (``stage``: write the temp file too).
    ``runs`` may hold packed results (``TeamRun.packed``); ``carried``: the night's last
    good rows read so far (``CarriedOnce``)."""
    prep = RollupPrep(assumed(runs))
    state = _state(ws)
    marks: bytes | None = None
    if not ws.rollup_is_google:
        if history is not None:
            scored = [r.team for r in runs if r.scored]
            try:
                marks = history.marks(ws.keep_snapshots, context.as_of, scored)
            except HistoryError as exc:  # the nights are trends: the tables still go out
                log.error("%s; the company workbook goes out without History and Trends", exc)
                history = None
        prep.inputs = inputs_fingerprint(runs, context, (ws.keep_snapshots, marks))
        if state.unchanged(prep.inputs, ws.rollup_path, key="inputs"):
            log.info("rollup inputs unchanged; %s left as it is", ws.rollup_output)
            return prep

    import_libraries()  # here first when no worker process parsed (``engine.read_all``)
    from sheets_sync.rollup import build_rollup, load_history
    from sheets_sync.rollup.fingerprint import rollup_fingerprint

    shown = None
    if history is not None:  # the marks identify the rows shown (see ``HistoryStore.marks``)
        # a Google rollup is rewritten every night, never fingerprinted: no marks
        identity = b"" if ws.rollup_is_google else marks
        assert identity is not None
        try:
            shown = load_history(
                history, ws.keep_snapshots, identity, through=context.as_of,
                since=context.period.start,
            )  # fmt: skip
        except HistoryError as exc:  # a value edited by hand in it, say: as for the marks
            without = (
                "the Google rollup's History and Trends tabs stay as they were"
                if ws.rollup_is_google
                else "the company workbook goes out without History and Trends"
            )
            log.error("%s; %s", exc, without)
            prep.inputs = inputs_fingerprint(runs, context, (ws.keep_snapshots, None))
    rollup = build_rollup(
        runs, context, previous=previous_workbook(ws, carried=carried), history=shown
    )
    if ws.rollup_is_google:
        prep.rollup, prep.write = rollup, True
        return prep
    prep.fingerprint = rollup_fingerprint(rollup)
    if state.unchanged(prep.fingerprint, ws.rollup_path):
        log.info("rollup unchanged; %s left as it is", ws.rollup_output)
        return prep  # publish saves the inputs: the next such night skips sooner
    prep.write, prep.rollup = True, rollup
    if stage:  # written now: the tables need not stay in memory till it is published
        del rollup, shown  # ``prep`` alone holds it, for ``_stage_workbook`` to take
        prep.staged = _stage_workbook(ws, prep)
    return prep


def _stage_workbook(ws: Workspace, prep: RollupPrep) -> Path:
    """The workbook of ``prep.rollup`` in a temp file beside its place, fsynced, taking
    the rollup from ``prep``: once it is laid out nothing holds it, and each table goes
    once its tab is written (``lay_out_rollup``)."""
    from sheets_sync.rollup.workbook import lay_out_rollup

    rollup, prep.rollup = prep.rollup, None
    assert rollup is not None
    _sweep_stale_temps(ws.rollup_path)
    with staging(ws.rollup_path) as tmp:
        rows = lay_out_rollup(rollup, tmp)
        del rollup
        rows.splice(tmp, consume=True)
    return tmp


def _sweep_stale_temps(path: Path) -> None:
    """Temp workbooks a killed run staged and never renamed (``atomic.staging`` names),
    and the ``.bulk`` file of one killed while it spliced in the rows."""
    remove_stale(temp_files_of(path, ("", ".bulk")))


def publish(ws: Workspace, prep: RollupPrep) -> tuple[str, bool]:
    """Carry out a preparation; returns the output and whether it was rewritten."""
    if ws.rollup_is_google:
        from sheets_sync.backends.gsheets.rollup import write_rollup_gsheet

        assert prep.rollup is not None
        write_rollup_gsheet(prep.rollup, ws)
        return ws.rollup_output, True
    state = _state(ws)
    if not prep.write:
        if prep.fingerprint is not None:  # the workbook in place is tonight's all the same
            _save_state(state, ws, prep.fingerprint, prep.inputs)
        return ws.rollup_output, False
    from sheets_sync.atomic import commit

    assert prep.fingerprint is not None
    state.forget()  # a crash between the write and the save must not look unchanged
    check_output(ws)  # a pipe made there since the run began
    if prep.staged is None:
        prep.staged = _stage_workbook(ws, prep)
    open_by = _open_by(ws.rollup_path)
    commit(prep.staged, ws.rollup_path)
    _save_state(state, ws, prep.fingerprint, prep.inputs)
    if open_by is not None:
        log.warning(
            "%s is %s: tonight's rollup replaced it all the same; close it and open it "
            "again to see tonight's numbers (saving the open copy would put back the old "
            "ones until the next run)",
            ws.rollup_output,
            open_by,
        )
    return ws.rollup_output, True


def _save_state(state: RollupState, ws: Workspace, fingerprint: str, inputs: str | None) -> None:
    """Save what the workbook in place was built from: a failed save is a warning, since
    that workbook is tonight's whether just published or left as it was (``the company
    rollup was not published`` said of it sent people to a workbook that was right)."""
    try:
        state.save(fingerprint, ws.rollup_path, inputs)
    except SheetsSyncError as exc:
        if state.path.is_dir():  # made since ``forget``: the next night's ``forget`` fails
            then = "but none is again until that folder is removed"
        else:
            then = "and built again next night"
        log.warning("%s; the company workbook is published, %s", exc, then)


def _open_by(path: Path) -> str | None:
    """Who has the company workbook open in Excel or LibreOffice (their lock file
    beside it, as a team file's write reads it), said as that write says it (``open in
    Excel by Ana Ruiz (~$company.xlsx)``; until 2026-12-06 ``open by Ana Ruiz``); None
    when nobody. A team file open is left alone, since it holds the team's edits; the rollup
    holds nobody's (the tool's own output, rewritten the next night if saved over), and
    skipping it left finance without the night's numbers: it is replaced, atomically as
    always, and the warning says the open copy is the old one. Only the lock files beside
    ``path`` count, as the rename happens there: a symbolic link is replaced, never written
    through, so a file it led to, open or not, keeps its bytes. With no workbook there yet
    a lock file (a stale one) has nothing open to speak of."""
    from sheets_sync.backends.excel.lockfiles import find_lock

    if not path.exists():
        return None
    lock = find_lock(path)
    return None if lock is None else lock.describe()
