"""Stopping the emulator leaves no thread of it behind."""

from __future__ import annotations

import threading

import requests

from sheets_sync.emulator import run_emulator


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
