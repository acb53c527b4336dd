"""Which paths ``sync --report`` may name: the report is a new file renamed into its
place, so a path that is one of the run's own files, no regular file, or a name in
``/proc``, ``/dev`` or ``/sys`` (``regular_file.not_replaceable``) is refused before any
work (exit 2)."""

from __future__ import annotations

import os
from pathlib import Path

from sheets_sync.config import Workspace
from sheets_sync.errors import ConfigError
from sheets_sync.ops.history import HISTORY_FILE
from sheets_sync.regular_file import in_the_way, not_replaceable
from sheets_sync.sync import rollup_step
from sheets_sync.sync.linked import LINKS_FILE
from sheets_sync.sync.lock import SHARD_LOCK_PREFIX, WORKSPACE_LOCK

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
    problem = not_replaceable(path)  # a pipe, /dev/stdout: the rename would replace it
    if problem:
        raise ConfigError(f"--report {path}: {problem}, not a file; {_RENAMED}")
    folder = Path(os.path.abspath(path)).parent
    made = folder.resolve() == workspace.state_dir.resolve()  # the run makes it first
    if made:
        return
    if not folder.is_dir():  # the night ran whole, then ended exit 1 on it
        blocked = in_the_way(folder)
        what = f"the folder {folder} does not exist; make it first"
        if blocked is not None:
            what = f"{blocked[0]} {blocked[1]}"
        raise ConfigError(f"--report {path}: {what}")
    if (blocked := in_the_way(folder, write=True)) is not None:  # read-only: the same
        raise ConfigError(f"--report {path}: {blocked[0]} {blocked[1]}")


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
