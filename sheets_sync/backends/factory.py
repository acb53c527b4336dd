"""Pick the backend for a team source: a local workbook or a Google spreadsheet."""

from __future__ import annotations

import functools
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_sync.backends.base import Backend

if TYPE_CHECKING:
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


#: Each workspace's current run's stop event (by config path), for its Google clients
_run_stops: dict[object, threading.Event] = {}


def start_run(workspace: Workspace, stopping: threading.Event | None = None) -> None:
    """Forget the Google clients of earlier runs of ``workspace`` in this process: a run's
    verdict on its credentials (refused, the token endpoint down: ``gsheets/verdict.py``)
    must not outlive it, and a key file replaced since is read again. Costs one token
    exchange. Another workspace's clients are left alone: a program syncing two
    workspaces at once took the other run's client away mid-run (its later teams made a
    second one, with a rate limit of its own beside the first's). ``stopping``: the
    run's stop event, which its Google clients watch (``SheetsClient.stopping``): a
    request still waiting for its quota slot when it is set is not sent."""
    if stopping is None:
        _run_stops.pop(workspace.config_path, None)
    else:
        _run_stops[workspace.config_path] = stopping
    client = sys.modules.get("sheets_sync.backends.gsheets.clients")
    if client is not None:
        client.clear_clients(workspace.config_path)


def end_run(workspace: Workspace) -> None:
    """Close and forget the Google clients of ``workspace``'s run, as it ends (``Sync.run``,
    ``merge_shards``): the next run makes its own (``start_run``), so a process that
    syncs every hour keeps no connection of the last run open (until 2026-12-07 it kept
    every run's). Its stop event is forgotten too."""
    _run_stops.pop(workspace.config_path, None)
    client = sys.modules.get("sheets_sync.backends.gsheets.clients")
    if client is not None:
        client.clear_clients(workspace.config_path)


def run_stop(workspace: Workspace) -> threading.Event | None:
    """The stop event ``start_run`` was given for ``workspace``'s current run, if any."""
    return _run_stops.get(workspace.config_path)
