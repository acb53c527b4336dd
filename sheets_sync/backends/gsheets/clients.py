"""The run's one Google client per workspace, and the emulator switch of the demo and bench.

Kept apart from ``client.py`` (the client itself): this is the process-wide cache, keyed
by what makes two clients differ, and the stop event each run hands its clients
(``factory.start_run``): a thread waiting for a quota slot when the run is stopped sends
nothing (``RequestStopped``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sheets_sync.backends.factory import _runs_lock, run_stop
from sheets_sync.backends.gsheets.auth import credentials_file, load_credentials
from sheets_sync.backends.gsheets.client import SheetsClient, log
from sheets_sync.backends.gsheets.transport import EMULATOR_ENV, emulator_host
from sheets_sync.errors import CredentialsError

if TYPE_CHECKING:
    from pathlib import Path

    from sheets_sync.workspace_spec import Workspace

#: A client, or why there is none (the run's credentials cannot be used)
_clients: dict[tuple[object, ...], SheetsClient | CredentialsError] = {}
#: ``factory``'s lock of the runs going on: a run's start or end and its clients'
#: forgetting are one step (``factory._runs_lock``)
_clients_lock = _runs_lock


def client_for(workspace: Workspace) -> SheetsClient:
    """The run's one client for this workspace: every team's thread shares its rate limit.

    Cached per (workspace file, credentials, settings, quota window, emulator host), so
    the engine may call this once per team.
    """
    try:
        key_file: object = credentials_file(workspace)
    except CredentialsError as exc:  # ``~nosuchuser/key.json``: load_credentials says so below
        key_file = exc.short
    cache_key = (
        workspace.config_path,
        key_file,
        workspace.google,
        workspace.google_quota_window,
        emulator_host(),
    )
    with _clients_lock:
        client = _clients.get(cache_key)
        if client is None:
            try:
                creds = load_credentials(workspace)
            except CredentialsError as exc:
                # one error for the run, logged here; each Google team says it in short
                log.error("%s: no Google team is synced in this run", exc.message)
                client = _clients[cache_key] = exc
            else:
                origin = str(credentials_file(workspace) or "")
                window = workspace.google_quota_window
                client = SheetsClient.from_credentials(
                    creds, workspace.google, origin=origin, quota_window=window
                )
                client.stopping = run_stop(workspace)
                _clients[cache_key] = client
        if isinstance(client, CredentialsError):
            raise CredentialsError(client.short)
        return client


def clear_clients(config_path: Path | None = None) -> None:
    """Forget cached clients, closing their connections (a run's start and end, tests
    that restart the emulator; long-lived processes): every one, or those of the
    workspace whose file is ``config_path``. A client still in use elsewhere keeps
    working (``SheetsClient.close``): it connects again."""
    for client in forget_clients(config_path):
        client.close()


def forget_clients(config_path: Path | None = None) -> list[SheetsClient]:
    """``clear_clients`` without the closing: the caller closes the clients returned
    (``factory.end_run``, which forgets them under its lock and closes them after)."""
    with _clients_lock:
        keys = [k for k in _clients if config_path is None or k[0] == config_path]
        return [c for c in (_clients.pop(k) for k in keys) if isinstance(c, SheetsClient)]


def watch_stop(config_path: object, stopping: threading.Event | None) -> list[SheetsClient]:
    """Point the cached clients of the workspace whose file is ``config_path`` at
    ``stopping`` (``factory.end_run``: the run that made them ended, another run of the
    workspace goes on with them); they are returned."""
    with _clients_lock:
        kept = [c for k, c in _clients.items() if k[0] == config_path]
        ours = [c for c in kept if isinstance(c, SheetsClient)]
        for client in ours:
            client.stopping = stopping
    return ours


@contextmanager
def use_emulator(host: str) -> Iterator[None]:
    """Point every client made inside the block at the emulator on ``host`` (demo, bench);
    the environment and the client cache are put back afterwards."""
    before = os.environ.get(EMULATOR_ENV)
    os.environ[EMULATOR_ENV] = host
    clear_clients()
    try:
        yield
    finally:
        clear_clients()
        if before is None:
            os.environ.pop(EMULATOR_ENV, None)
        else:
            os.environ[EMULATOR_ENV] = before
