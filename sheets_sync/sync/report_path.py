"""Which paths ``sync --report`` may name: the report is a new file renamed into its
place, so a path that is one of the run's own files, no regular file, or a name in
``/proc`` or ``/dev`` is refused before any work (exit 2)."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from sheets_sync.config import Workspace
from sheets_sync.errors import ConfigError
from sheets_sync.ops.history import HISTORY_FILE
from sheets_sync.sync import rollup_step
from sheets_sync.sync.linked import LINKS_FILE
from sheets_sync.sync.lock import SHARD_LOCK_PREFIX, WORKSPACE_LOCK

#: the kernel's folders: a name there (``/dev/stdout``, ``/proc/self/fd/1``) is a handle
#: on something else, never a file the report can be renamed over
_SYSTEM = (PurePosixPath("/proc"), PurePosixPath("/dev"))
#: as the kernel's limit on links followed in one name (ELOOP beyond)
_MAX_LINKS = 40

_RENAMED = "the report is a new file renamed into its place: give it a file's path"


def check_report_path(workspace: Workspace, path: Path) -> None:
    """Refuse a report path that is a file the run reads or writes: a report written over
    a team's workbook replaced it with JSON (exit 0), and the next night failed the team."""
    target = path.resolve()
    owned = {t.path: f"the workbook of team {t.name!r}" for t in workspace.teams if t.path}
    if not workspace.rollup_is_google:
        owned[workspace.rollup_path.resolve()] = "the company rollup"
    owned[workspace.config_path.resolve()] = "the workspace configuration"
    what = owned.get(target) or _state_file(workspace.state_dir.resolve(), target)
    if what:
        raise ConfigError(f"--report {path}: is {what}; give the report a path of its own")
    kind = _not_a_file(path)
    if kind:  # a pipe, or /dev/stdout: the rename would put a regular file in its place
        raise ConfigError(f"--report {path}: is {kind}, not a file; {_RENAMED}")
    system = through_system(path)
    if system is not None:
        root, hop = system
        where = f"is in {root}" if hop == Path(os.path.abspath(path)) else f"leads into {hop}"
        raise ConfigError(f"--report {path}: {where}, not a file; {_RENAMED}")
    folder = Path(os.path.abspath(path)).parent
    made = folder.resolve() == workspace.state_dir.resolve()  # the run makes it first
    if not made and not folder.is_dir():  # the night ran whole, then ended exit 1 on it
        what = "is not a folder" if folder.exists() else "does not exist; make it first"
        raise ConfigError(f"--report {path}: the folder {folder} {what}")


def _not_a_file(path: Path) -> str | None:
    """What is at ``path`` (a link followed) when it is there and no regular file: the
    report's atomic write replaces it, and a reader of a pipe, or a device as root (as
    ``/dev/full`` was), lost it. A folder is click's to refuse."""
    try:
        mode = path.stat().st_mode
    except OSError:  # nothing there (or unreachable: the write says so)
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def through_system(path: Path) -> tuple[PurePosixPath, Path] | None:
    """The kernel folder (``/proc``, ``/dev``) and the first name in it that ``path``
    reaches, each link on the way followed one hop at a time, or None.

    ``/dev/stdout`` of a cron job run ``>>sync.log`` is a link to ``/proc/self/fd/1``, a
    link the kernel resolves to ``sync.log``: a regular file, so ``_not_a_file`` let it
    by, and the rename replaced the link itself (as root, ``/dev/stdout``). ``resolve``
    hides the hop through ``/proc``; this walk sees it."""
    pending = list(reversed(PurePosixPath(os.path.abspath(path)).parts[1:]))
    here = Path("/")
    links = 0
    while pending:
        name = pending.pop()
        if name == "..":
            here = here.parent
            continue
        step = here / name
        root = next((r for r in _SYSTEM if step.is_relative_to(r)), None)
        if root is not None:  # the name as it goes on from there: /proc/self/fd/1
            return root, step.joinpath(*reversed(pending))
        try:
            target = os.readlink(step)
        except OSError:  # no link (or nothing there): a plain name
            here = step
            continue
        links += 1
        if links > _MAX_LINKS:  # a loop: the write says so
            return None
        hops = PurePosixPath(target)
        if hops.is_absolute():
            here = Path("/")
        pending.extend(reversed([p for p in hops.parts if p not in ("/", ".")]))
    return None


#: the files and folders of ``.sheets-sync/`` that runs keep their state in
_STATE_FILES = {
    HISTORY_FILE: "the run history",
    WORKSPACE_LOCK: "the workspace lock",
    SHARD_LOCK_PREFIX: "a shard's lock",
    rollup_step.STATE_FILE: "the company rollup's state",
    LINKS_FILE: "the Google teams' KPI links",
}
_STATE_FOLDERS = ("backups", "cache", "spill")


def _state_file(state: Path, target: Path) -> str | None:
    """What of the run's own state ``target`` is: a report written over the history
    (``history.sqlite``) replaced it with JSON, and the next run set it aside as damaged,
    every night lost; over ``run.lock`` a second run could take a new lock beside it."""
    if target.parent == state:
        for name, what in _STATE_FILES.items():
            if target.name.startswith(name):  # history.sqlite-wal, -shm too
                return what
    folder = next((f for f in _STATE_FOLDERS if target.is_relative_to(state / f)), None)
    return f"in sheets-sync's {folder} folder" if folder else None
