"""A process's Google clients close their connections: a run's are closed at its end (the
CLI's and a library caller's alike), a client forgotten is closed, and a ``SheetsClient``
is a context manager. Until 2026-12-07 they were cached for the process and never
closed: a web app calling sync every hour kept each run's sessions and sockets open
(real gspread and google-auth against the emulator; sockets counted in /proc)."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheets_sync.backends.gsheets.clients import clear_clients, client_for
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.cli import cli
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.faults import Reply
from sheets_sync.errors import RetryExhaustedError
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.backends.gsheets.conftest import MakeClient
from tests.backends.gsheets.test_gsheets_added_columns import HEADERS, _workspace

pytestmark = [
    pytest.mark.emulator,
    pytest.mark.skipif(not Path("/proc/self/net/tcp").exists(), reason="sockets in /proc"),
]


def _port(emulator: Emulator) -> int:
    return int(emulator.host.rsplit(":", 1)[1])


def _sockets_to(port: int) -> set[str]:
    """This process's open sockets (their inodes) whose far end is ``port`` on this host:
    the clients' side of their connections to the emulator (its own side has the port
    near). Compared as sets: an earlier test's client the collector has not freed yet
    may hold one, and may let it go at any moment."""
    inodes = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:  # closed meanwhile (the listing's own fd)
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found: set[str] = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            far_port = int(fields[2].rsplit(":", 1)[1], 16)
            if far_port == port and fields[9] in inodes:
                found.add(fields[9])
    return found


def test_a_runs_google_clients_are_closed_at_its_end(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    rows: list[list[Any]] = [
        HEADERS,
        ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50, ""],
        ["", "", "E1.2", "Cut latency", "Lee", 800, 400, 560, ""],
    ]
    key = emulator.create_spreadsheet("Flat", {"Tracker": rows})
    clear_clients()
    port = _port(emulator)
    before = _sockets_to(port)
    cfg = _workspace(tmp_path, sa_info, key)
    for _ in range(2):  # a long-lived caller's second run leaves none open either
        options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
        (run,) = Sync(load_workspace(cfg)).run(options).runs
        assert run.error is None and run.outcome is not Outcome.FAILED
        assert _sockets_to(port) - before == set()


def test_a_client_is_a_context_manager_and_a_forgotten_one_is_closed(
    emulator: Emulator, sa_info: dict[str, Any], make_client: MakeClient, tmp_path: Path
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR"]]})
    port = _port(emulator)
    before = _sockets_to(port)
    with make_client() as client:
        client.get_spreadsheet(key, {}, source="t")
        assert _sockets_to(port) - before != set()
    assert _sockets_to(port) - before == set()
    client.get_spreadsheet(key, {}, source="t")  # a closed client still works: it connects again
    client.close()
    cfg = _workspace(tmp_path, sa_info, key)
    cached = client_for(load_workspace(cfg))
    cached.get_spreadsheet(key, {}, source="t")
    assert _sockets_to(port) - before != set()
    clear_clients()
    assert _sockets_to(port) - before == set()


def test_template_google_closes_its_client(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``template --google`` makes a client of its own, outside the run's cache."""
    (tmp_path / "sa.json").write_text(json.dumps(sa_info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "sa.json"))
    monkeypatch.chdir(tmp_path)
    port = _port(emulator)
    before = _sockets_to(port)
    result = CliRunner().invoke(cli, ["template", "--google", "--title", "OKRs 2027"])
    assert result.exit_code == 0, result.output
    assert _sockets_to(port) - before == set()


def test_a_failed_token_exchange_leaves_no_connection_open(
    emulator: Emulator, make_client: MakeClient
) -> None:
    """Each token exchange's session (``TokenRequest``) is closed as the exchange ends.
    Until 2026-12-07 it was left to the collector: a failed exchange's, which the error's
    traceback holds, kept its connection to the token endpoint open until a collection
    (one socket here, with no API call made). The collector is kept off meanwhile, so it
    cannot close one first."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR"]]})
    emulator.faults.token_reply = Reply.of(503, {"error": "temporarily_unavailable"})
    port = _port(emulator)
    before = _sockets_to(port)
    quick = RetryPolicy(max_attempts=3, max_seconds=30.0, base_delay=0.01, max_delay=0.02)
    client = make_client(quick)
    gc.disable()
    try:
        with pytest.raises(RetryExhaustedError, match="token endpoint"):
            client.get_spreadsheet(key, {}, source="t")
        assert sum(1 for r in emulator.log.requests if r.endpoint == "token") == 3
        assert _sockets_to(port) - before == set()
    finally:
        gc.enable()
        client.close()
