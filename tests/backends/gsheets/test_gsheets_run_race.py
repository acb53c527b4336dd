"""A run of a workspace starting while another run of it ends (two threads of a library
caller): the ending run's count change and its clients' closing are one step
(``factory._runs_lock``). Until 2026-12-07 ``end_run`` decided "the last run" under its
lock and closed the clients after releasing it; a run starting in between lost its
client (a second one, with a rate limit of its own), or took the ending run's away (its
result: no limiters)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from sheets_sync.backends import factory
from sheets_sync.backends.factory import end_run, start_run
from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.backends.gsheets.clients import clear_clients, client_for
from sheets_sync.emulator import Emulator
from tests.backends.gsheets.test_gsheets_clients import _workspace

#: hang guards only: a fixed lock makes the starting run wait for the end, and the test
#: goes on after this long; an unfixed one lets it through at once
GAP_SECONDS = 1.0


def _end_with_a_start_in_its_gap(
    monkeypatch: pytest.MonkeyPatch, end: Callable[[], object], start: Callable[[], object]
) -> tuple[object, object]:
    """``end()`` in thread "A", held where it looks for the clients module (between its
    count change and its clients' fate, before 2026-12-07); ``start()`` runs meanwhile."""
    in_gap, go_on = threading.Event(), threading.Event()
    real = factory._clients_module

    def held() -> ModuleType | None:
        if threading.current_thread().name == "A":
            in_gap.set()
            go_on.wait(30)
        return real()

    monkeypatch.setattr(factory, "_clients_module", held)
    out: dict[str, object] = {}
    a = threading.Thread(target=lambda: out.update(a=end()), name="A")
    a.start()
    assert in_gap.wait(30)
    c = threading.Thread(target=lambda: out.update(c=start()), name="C")
    c.start()
    c.join(GAP_SECONDS)  # fixed: C waits for A's end (the join times out); else it is done
    go_on.set()
    a.join(30)
    c.join(30)
    assert not a.is_alive() and not c.is_alive()
    return out["a"], out["c"]


def test_a_run_starting_as_another_ends_keeps_the_client_it_made(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path / "a", emulator)
    one, two = threading.Event(), threading.Event()
    try:
        start_run(ws, one)
        first = client_for(ws)

        def start() -> SheetsClient:
            start_run(ws, two)
            return client_for(ws)

        ended, made = _end_with_a_start_in_its_gap(monkeypatch, lambda: end_run(ws, one), start)
        assert ended == (first,)  # the ending run's own client, closed
        assert made is not first
        assert client_for(ws) is made  # the second run's later teams: the same client
        assert made.stopping is two
        assert end_run(ws, two) == (made,)
    finally:
        clear_clients()


def test_a_run_starting_as_another_ends_leaves_it_its_limiters(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path / "a", emulator)
    one, two = threading.Event(), threading.Event()
    try:
        start_run(ws, one)
        first = client_for(ws)
        ended, _ = _end_with_a_start_in_its_gap(
            monkeypatch, lambda: end_run(ws, one), lambda: start_run(ws, two)
        )
        assert ended == (first,)  # not (): the starting run did not take it away
        assert client_for(ws) is not first
        end_run(ws, two)
    finally:
        clear_clients()
