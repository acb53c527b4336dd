"""Stopping the emulator leaves no thread of it behind."""

from __future__ import annotations

import signal
import threading
from typing import Any

import pytest
import requests

from sheets_sync.emulator import run_emulator
from sheets_sync.emulator.httpd import Server
from sheets_sync.emulator.server import Emulator
from sheets_sync.errors import Interrupted
from sheets_sync.sync import stops
from tests.support.scripts import HANG


def test_stopping_ends_the_threads_of_kept_alive_connections() -> None:
    """A client's keep-alive connection held a handler thread waiting for its next
    request after the emulator stopped; a test that then forked sync workers did so
    beside it (and the sync now declines to fork beside a thread)."""
    before = set(threading.enumerate())
    with requests.Session() as client:
        with run_emulator() as emu:
            reply = client.get(f"{emu.url}/v4/spreadsheets/nothing", timeout=5)
            assert reply.status_code == 401 and reply.headers.get("Connection") != "close"
        left = set(threading.enumerate()) - before
    assert not left, left


def test_stopping_waits_for_the_server_thread_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """``stop`` returned once ``serve_forever`` had, its thread still running its last
    lines: under load ``threading.enumerate()`` listed it, to the test above or to the
    next test of the xdist worker that counts threads or forks sync workers (a flake).
    Here the thread's last lines last until someone joins it."""
    joined = threading.Event()
    serve = Server.serve_forever

    def serve_then_linger(self: Server, poll_interval: float = 0.5) -> None:
        serve(self, poll_interval)
        joined.wait(30)  # only a stop that never joins waits this out

    monkeypatch.setattr(Server, "serve_forever", serve_then_linger)
    with run_emulator() as emu:
        thread = emu._thread
        assert thread is not None
        join = thread.join

        def noted_join(timeout: Any = None) -> None:
            joined.set()
            join(timeout)

        monkeypatch.setattr(thread, "join", noted_join)
    try:
        assert not thread.is_alive()
    finally:
        joined.set()


def test_a_stop_dropped_in_a_finalizer_ends_the_emulator_served_in_the_main_thread() -> None:
    """``sheets-sync emulator`` makes no check of a stop of its own: one whose exception
    was dropped in a finalizer (a ``systemctl stop``) was lost, and it served on until
    killed. Its server's poll raises it now, as the command's Ctrl-C is."""
    emu = Emulator(0)
    watchdog = threading.Timer(30.0, emu.stop)  # ends it only where the stop is lost
    stops.note(signal.SIGTERM)  # the handler's note; its ``Interrupted`` was dropped
    try:
        watchdog.start()
        with pytest.raises(Interrupted) as raised:
            emu.serve_forever()
        assert raised.value.signum == signal.SIGTERM
    finally:
        watchdog.cancel()
        stops.arrived()
        emu.stop()


def test_an_emulator_in_a_background_thread_leaves_stops_to_the_main_thread() -> None:
    """Raised in its thread, the stop would end the server and reach no run."""
    stops.note(signal.SIGTERM)
    try:
        with run_emulator() as emu:
            reply = requests.get(f"{emu.url}/v4/spreadsheets/nothing", timeout=HANG)
            assert reply.status_code == 401
            assert emu._thread is not None and emu._thread.is_alive()
        assert stops.noted(signal.SIGTERM)
    finally:
        stops.arrived()
