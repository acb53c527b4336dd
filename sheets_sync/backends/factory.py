"""Pick the backend for a team source: a local workbook or a Google spreadsheet."""

from __future__ import annotations

import functools
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from sheets_sync.backends.base import Backend

if TYPE_CHECKING:
    from sheets_sync.backends.gsheets.client import SheetsClient
    from sheets_sync.workspace_spec import TeamSpec, Workspace


def open_backend(team: TeamSpec, workspace: Workspace) -> Backend:
    if team.is_google:
        from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
        from sheets_sync.backends.gsheets.clients import client_for

        return GoogleSheetsBackend(
            client_for(workspace), team.google_key, display_name=team.display_name
        )
    from sheets_sync.backends.excel.backend import ExcelBackend

    if team.outside is not None:  # found when the workspace loaded: the early message
        from sheets_sync.errors import SourceError
        from sheets_sync.sources import outside_message

        raise SourceError(outside_message(team.outside), source=Path(team.source).name)
    if team.linked is not None:  # another team's workbook, or a web address: fails alone
        from sheets_sync.errors import SourceError

        name = team.source if team.path is None else Path(team.source).name
        raise SourceError(team.linked, source=name)
    assert team.path is not None
    return ExcelBackend(
        team.path,
        display_name=team.display_name,
        keep_backups=workspace.keep_backups,
        max_uncompressed_bytes=workspace.max_workbook_bytes,
        confine=team.confine or None,  # checked again as the file is read and written
        # found as the file is written: a night that writes nothing resolves none
        backup_dirs=functools.partial(workspace.backup_dirs_for, team.path),
    )


#: The runs of each workspace going on in this process (by config path), oldest first:
#: each one's stop event (None: a run without one). Its Google clients are made for the
#: first and closed as the last ends.
_runs: dict[object, list[threading.Event | None]] = {}
#: Guards ``_runs`` and the Google client cache both (``clients._clients_lock`` is this
#: lock): a run's count change and its clients' forgetting or repointing are one step.
#: Until 2026-12-07 ``end_run`` decided "the last run" under a lock of its own and closed
#: the clients after releasing it: a run starting in between got a client the ending run
#: then closed and forgot (its later teams made a second one, a second rate limit), or,
#: the other way round, took the ending run's clients away (its result: no limiters).
#: Reentrant: ``client_for`` holds it while it asks ``run_stop``.
_runs_lock = threading.RLock()


def _clients_module() -> ModuleType | None:
    return sys.modules.get("sheets_sync.backends.gsheets.clients")


def start_run(workspace: Workspace, stopping: threading.Event | None = None) -> None:
    """Forget the Google clients of earlier runs of ``workspace`` in this process: a run's
    verdict on its credentials (refused, the token endpoint down: ``gsheets/verdict.py``)
    must not outlive it, and a key file replaced since is read again. Costs one token
    exchange. Another workspace's clients are left alone: a program syncing two
    workspaces at once took the other run's client away mid-run (its later teams made a
    second one, with a rate limit of its own beside the first's). So is the client of a
    run of the same workspace still going on (another thread: a library caller's):
    the runs share it, and its rate limit, until the last ends (``end_run``); until
    2026-12-07 the second run's start took it from the first. ``stopping``: the run's
    stop event, which its Google clients watch (``SheetsClient.stopping``): a request
    still waiting for its quota slot when it is set is not sent. Runs sharing a client:
    it watches the oldest one's event, then the next's as that one ends."""
    forgotten: list[SheetsClient] = []
    with _runs_lock:
        clients = _clients_module()
        going = _runs.setdefault(workspace.config_path, [])
        going.append(stopping)
        if clients is not None and len(going) == 1:
            forgotten = clients.forget_clients(workspace.config_path)
    for client in forgotten:  # outside the lock: nothing else waits for a close
        client.close()


def end_run(
    workspace: Workspace, stopping: threading.Event | None = None
) -> tuple[SheetsClient, ...]:
    """The end of a run of ``workspace`` that ``start_run`` began with ``stopping``
    (``Sync.run``, ``merge_shards``): its Google
    clients, returned (their limiters count the run's waits for quota: a
    ``SyncResult``'s ``google_limiters``). The last run of the workspace going on closes
    and forgets them: the next run makes its own (``start_run``), so a process that
    syncs every hour keeps no connection of the last run open (until 2026-12-07 it kept
    every run's). A run of the same workspace still going on keeps them, and they watch
    its stop event from now on."""
    with _runs_lock:  # the count and the clients' fate at once (``_runs_lock``)
        clients = _clients_module()
        going = _runs.get(workspace.config_path, [])
        ended = next((i for i, e in enumerate(going) if e is stopping), None)
        if ended is not None:
            del going[ended]
        if not going:
            _runs.pop(workspace.config_path, None)
        if clients is None:
            return ()
        if going:
            return tuple(clients.watch_stop(workspace.config_path, going[0]))
        forgotten: list[SheetsClient] = clients.forget_clients(workspace.config_path)
    for client in forgotten:  # outside the lock: nothing else waits for a close
        client.close()
    return tuple(forgotten)


def run_stop(workspace: Workspace) -> threading.Event | None:
    """The stop event the oldest run of ``workspace`` going on was given, if any."""
    with _runs_lock:
        going = _runs.get(workspace.config_path)
        return going[0] if going else None
