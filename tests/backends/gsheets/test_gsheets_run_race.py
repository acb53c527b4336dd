"""A run of a workspace starting while another run of it ends (two threads of a library
caller): the ending run's count change and its clients' closing are one step
(``factory._runs_lock``). Until 2026-12-07 ``end_run`` decided "the last run" under its
lock and closed the clients after releasing it; a run starting in between lost its
client (a second one, with a rate limit of its own), or took the ending run's away (its
result: no limiters)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest

from sheets_sync.backends import factory
from sheets_sync.backends.factory import end_run, start_run, working_for
from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.backends.gsheets.clients import clear_clients, client_for
from sheets_sync.backends.gsheets.ratelimit import RequestStopped
from sheets_sync.config import Workspace
from sheets_sync.emulator import Emulator
from sheets_sync.errors import SheetsSyncError
from tests.backends.gsheets.test_gsheets_clients import _workspace

#: hang guards only: a fixed lock makes the starting run wait for the end, and the test
#: goes on after this long; an unfixed one lets it through at once
GAP_SECONDS = 1.0


def _end_with_a_start_in_its_gap(
    monkeypatch: pytest.MonkeyPatch,
    ws: Workspace,
    one: threading.Event,
    start: Callable[[], object],
) -> tuple[SheetsClient, object, object]:
    """A run begun in thread "A" (``start_run``, its client made) ends there, held where
    ``end_run`` looks for the clients module (between its count change and its
    clients' fate, before 2026-12-07); ``start()`` runs meanwhile in thread "C". Each
    run begins and ends in its own thread, as ``Sync.run`` does."""
    armed, in_gap, go_on = threading.Event(), threading.Event(), threading.Event()
    real = factory._clients_module

    def held() -> ModuleType | None:
        if threading.current_thread().name == "A" and armed.is_set():
            in_gap.set()
            go_on.wait(30)
        return real()

    monkeypatch.setattr(factory, "_clients_module", held)
    out: dict[str, object] = {}

    def run_a() -> None:
        start_run(ws, one)
        out["first"] = client_for(ws)
        armed.set()
        out["a"] = end_run(ws, one)

    a = threading.Thread(target=run_a, name="A")
    a.start()
    assert in_gap.wait(30)
    c = threading.Thread(target=lambda: out.update(c=start()), name="C")
    c.start()
    c.join(GAP_SECONDS)  # fixed: C waits for A's end (the join times out); else it is done
    go_on.set()
    a.join(30)
    c.join(30)
    assert not a.is_alive() and not c.is_alive()
    first = out["first"]
    assert isinstance(first, SheetsClient)
    return first, out["a"], out["c"]


def test_a_run_starting_as_another_ends_keeps_the_client_it_made(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path / "a", emulator)
    one, two = threading.Event(), threading.Event()
    try:

        def start() -> SheetsClient:  # thread C's: gone with it, its run ended below
            start_run(ws, two)
            return client_for(ws)

        first, ended, made = _end_with_a_start_in_its_gap(monkeypatch, ws, one, start)
        assert ended == (first,)  # the ending run's own client, closed
        assert made is not first
        assert client_for(ws) is made  # the second run's later teams: the same client
        assert isinstance(made, SheetsClient) and made.stopping is two
        assert end_run(ws, two) == (made,)
    finally:
        clear_clients()


def test_a_run_starting_as_another_ends_leaves_it_its_limiters(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path / "a", emulator)
    one, two = threading.Event(), threading.Event()
    try:
        first, ended, _ = _end_with_a_start_in_its_gap(
            monkeypatch, ws, one, lambda: start_run(ws, two)
        )
        assert ended == (first,)  # not (): the starting run did not take it away
        assert client_for(ws) is not first
        end_run(ws, two)
    finally:
        clear_clients()


def test_one_runs_stop_stops_its_own_requests_not_another_runs(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Two runs of a workspace share its client (and rate limit); each request watches
    the stop event of the run its thread works for: the run's own thread (``start_run``)
    and its Google threads (``working_for``). Until 2026-12-07 the client watched the
    oldest run's alone, and its stop (or crash: its threads' cancel) stopped the other
    run's requests (``RequestStopped``, unsent)."""
    key = emulator.create_spreadsheet("Sales", {"OKRs": [["Objective"]]})
    ws = _workspace(tmp_path / "a", emulator)
    one, two = threading.Event(), threading.Event()
    seen: dict[str, str] = {}

    def ask(who: str) -> None:
        try:
            client_for(ws).get_spreadsheet(key, {}, source="Sales")
            seen[who] = "sent"
        except RequestStopped:
            seen[who] = "stopped"
        except SheetsSyncError as exc:  # sent, and answered no
            seen[who] = f"sent: {exc}"

    def run_of(who: str, stopping: threading.Event, then: Callable[[], None]) -> None:
        start_run(ws, stopping)
        try:
            then()
        finally:
            end_run(ws, stopping)

    started, asked = threading.Event(), threading.Event()

    def first() -> None:  # the oldest run: its own stop stops its own requests
        started.set()
        asked.wait(30)
        ask("one")

    def second() -> None:
        assert started.wait(30)
        one.set()  # the first run stopped (its read pool's cancel)
        ask("two")  # in the run's own thread
        with ThreadPoolExecutor(1) as pool:  # and in one of its Google threads
            pool.submit(working_for, two, ask, "two's thread").result(30)
        asked.set()

    threads = [
        threading.Thread(target=run_of, args=("one", one, first)),
        threading.Thread(target=run_of, args=("two", two, second)),
    ]
    try:
        threads[0].start()
        assert started.wait(30)
        threads[1].start()
        for t in threads:
            t.join(60)
        assert seen == {"two": "sent", "two's thread": "sent", "one": "stopped"}
        with ThreadPoolExecutor(1) as pool:  # a thread working for no run: the client's own
            assert pool.submit(client_for(ws).run_stop).result(30) is None  # no run going on
    finally:
        clear_clients()
