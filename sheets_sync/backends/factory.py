"""Pick the backend for a team source: a local workbook or a Google spreadsheet."""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from sheets_sync.backends.base import Backend

if TYPE_CHECKING:
    from sheets_sync.backends.gsheets.client import SheetsClient
    from sheets_sync.workspace_spec import TeamSpec, Workspace

A = TypeVar("A")
R = TypeVar("R")


def open_backend(team: TeamSpec, workspace: Workspace, writes: bool = True) -> Backend:
    """``writes``: whether the run may write the team's source (``Sync`` passes False for
    a run that writes nothing: a Google sheet's version is then not asked of Drive)."""
    if team.is_google:
        from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
        from sheets_sync.backends.gsheets.clients import client_for

        return GoogleSheetsBackend(
            client_for(workspace),
            team.google_key,
            display_name=team.display_name,
            checks=writes,
            once=True,  # a team is written once a night: no version asked after its write
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
        source=team.source,
        globbed=team.globbed,
    )


def for_run(factory: Callable[[TeamSpec, Workspace], Backend], writes: bool) -> Any:
    """The factory a run opens its teams with: ``open_backend`` told the run writes
    nothing (``--no-write-back``, ``--dry-run``, validate, export), so no Google sheet's
    version is asked of Drive; another factory as given."""
    return (
        factory
        if writes or factory is not open_backend
        else functools.partial(open_backend, writes=False)
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


#: The stop events of the runs the calling thread works for, innermost last
#: (``start_run`` pushes one in the run's thread, ``working_for`` in its Google
#: threads): a shared client's request watches its caller's run's event, not the
#: oldest run's (``calling_run_stop``)
_calling = threading.local()


def _calling_stack() -> list[threading.Event | None]:
    stack: list[threading.Event | None] | None = getattr(_calling, "stops", None)
    if stack is None:
        stack = _calling.stops = []
    return stack


def calling_run_stop(default: threading.Event | None) -> threading.Event | None:
    """The stop event of the run the calling thread works for (None: a run given none);
    ``default`` in a thread that works for no run (a client used by hand: its own
    ``stopping``). Two runs of one workspace share its client: until 2026-12-07 the
    client watched one event, the oldest run's, and that run's stop (or crash: its
    threads' cancel) stopped the other run's requests too."""
    stack = _calling_stack()
    return stack[-1] if stack else default


def working_for(stopping: threading.Event | None, fn: Callable[[A], R], arg: A) -> R:
    """``fn(arg)`` in a thread working for the run whose stop event is ``stopping`` (a
    run's Google threads, ``google_threads.read_in_threads``)."""
    stack = _calling_stack()
    stack.append(stopping)
    try:
        return fn(arg)
    finally:
        stack.pop()


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
    stop event, which the requests made for the run watch (in the calling thread, and
    in the run's Google threads: ``working_for``; ``SheetsClient.run_stop``): a request
    still waiting for its quota slot when it is set is not sent. Runs sharing a client:
    a thread that works for no run watches the oldest one's event (the client's
    ``stopping``), then the next's as that one ends. ``end_run`` is called in the same
    thread (``Sync.run``, ``merge_shards`` do): it takes the run off the thread."""
    _calling_stack().append(stopping)  # this thread works for the run (``end_run``)
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
    stack = _calling_stack()  # called in the run's thread, as ``Sync.run`` does
    mine = [i for i, e in enumerate(stack) if e is stopping]
    if mine:  # the latest: two runs begun in one thread may end in either order
        del stack[mine[-1]]
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
