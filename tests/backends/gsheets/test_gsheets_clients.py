"""The Google clients a process keeps, one a workspace: a run starts afresh with its own
workspace's, and leaves another workspace's run (in another thread) its client, and
another run of its own workspace going on beside it too (they share it until the last
ends)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from sheets_sync.backends.factory import end_run, run_stop, start_run
from sheets_sync.backends.gsheets.clients import clear_clients, client_for
from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.config import Workspace, load_workspace
from sheets_sync.emulator import Emulator


def _workspace(folder: Path, emu: Emulator) -> Workspace:
    folder.mkdir()
    (folder / "sa.json").write_text(json.dumps(fake_service_account_info(emu.host)))
    cfg = folder / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        "teams:\n  - {name: Sales, source: 'gsheet:k1'}\n"
        'google: {"credentials": "sa.json"}\n'
    )
    return load_workspace(cfg)


def test_a_run_starts_afresh_with_its_own_clients_only(emulator: Emulator, tmp_path: Path) -> None:
    """A run of workspace B forgot every client: A's run, going on in another thread,
    made a second client for its later teams, a second rate limit beside the first."""
    first, second = _workspace(tmp_path / "a", emulator), _workspace(tmp_path / "b", emulator)
    try:
        ours = client_for(first)
        start_run(second)
        assert client_for(first) is ours
        start_run(first)
        assert client_for(first) is not ours
    finally:
        end_run(second)
        end_run(first)
        clear_clients()


def test_a_runs_clients_watch_the_stop_event_it_started_with(
    emulator: Emulator, tmp_path: Path
) -> None:
    """``start_run(workspace, stopping)``: the hookup of ``Sync``'s ``stopping``."""
    first, second = _workspace(tmp_path / "a", emulator), _workspace(tmp_path / "b", emulator)
    stopping = threading.Event()
    try:
        start_run(first, stopping)
        start_run(second)
        assert client_for(first).stopping is stopping
        assert client_for(second).stopping is None
        end_run(first, stopping)
        start_run(first)  # a later run without one: the old event is not kept
        assert client_for(first).stopping is None
    finally:
        end_run(first)
        end_run(second)
        clear_clients()


def test_two_runs_of_one_workspace_share_its_client_until_the_last_ends(
    emulator: Emulator, tmp_path: Path
) -> None:
    """A library caller running the same workspace twice at once (two threads): the
    second run's start took the first's client and stop event away, and the first run
    to end closed the client and forgot the stop event the other still used (its later
    teams made a client of their own, watching no stop event, beside the first's rate
    limit). Counted per run now: the client is closed as the last run ends."""
    ws = _workspace(tmp_path / "a", emulator)
    one, two = threading.Event(), threading.Event()
    try:
        start_run(ws, one)
        ours = client_for(ws)
        start_run(ws, two)
        assert client_for(ws) is ours  # not taken from the first run
        assert ours.stopping is one and run_stop(ws) is one
        assert end_run(ws, one) == (ours,)  # the first ends: the second goes on with it
        assert client_for(ws) is ours
        assert ours.stopping is two and run_stop(ws) is two
        assert end_run(ws, two) == (ours,)  # the last: closed and forgotten
        assert run_stop(ws) is None
        assert client_for(ws) is not ours
    finally:
        clear_clients()
