"""The teams of one Google sheet (a tab each) go one after another, in the order the
night reads them (``linked.read_order``: a team after the teams whose KPIs it read the
night before), each begun once the one before it ended; other sheets' teams in parallel
(``google_threads.sheet_turns``). A stop begins none of the waiting ones. Stand-in
specs and a stand-in ``one``: no Google here."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import pytest

from sheets_sync.sync import google_threads


@dataclass(frozen=True)
class Spec:
    name: str
    google_key: str
    is_google: bool = True


#: a hang guard only: every wait below is for something that does happen, at once, when
#: the code is right; the asserts never depend on how long anything took
HANG = 30.0


class FirstWaits(ThreadPoolExecutor):
    """The first task's thread begins it only once the second task has begun: a thread
    late to begin (descheduled on a busy box) while the next one reaches the sheet."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submitted = 0
        self.second = threading.Event()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.submitted += 1
        if self.submitted == 1:

            def late(*a: Any, **k: Any) -> Any:
                assert self.second.wait(HANG), "the second task never began"
                return fn(*a, **k)

            return super().submit(late, *args, **kwargs)
        if self.submitted == 2:

            def second(*a: Any, **k: Any) -> Any:
                self.second.set()
                return fn(*a, **k)

            return super().submit(second, *args, **kwargs)
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize("late", [False, True], ids=["prompt", "first-thread-late"])
def test_the_teams_of_one_sheet_go_one_at_a_time_in_the_reads_order(
    late: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Late: a lock taken by whichever thread came first read T3 before T5, the team
    the night reads first (one whose KPIs another team of the sheet reads, say). The
    other sheet's team X begins while the first of the shared sheet's runs (T5 waits
    for it): it does not wait for the shared sheet's turns. Events, no sleeps: until
    2026-12-07 a thread's late start was a 0.2 s sleep and "X did not wait" a guess
    at how soon threads start."""
    if late:
        monkeypatch.setattr(google_threads, "ThreadPoolExecutor", FirstWaits)
    specs: list[Any] = [Spec(f"T{i}", "shared") for i in range(6)] + [Spec("X", "own")]
    order = [5, 3, 1, 0, 2, 4, 6]
    lock, running, begun = threading.Lock(), [0], []
    x_begun = threading.Event()

    def one(spec: Any) -> Any:
        if spec.google_key != "shared":
            x_begun.set()
            return spec.name
        with lock:
            running[0] += 1
            begun.append(spec.name)
            assert running[0] == 1, "two teams of one sheet at once"
        if spec.name == "T5":  # the read and write: the other sheet goes on meanwhile
            assert x_begun.wait(HANG), "the other sheet's team waited for this sheet's turns"
        with lock:
            running[0] -= 1
        return spec.name

    stopping = threading.Event()
    reads = google_threads.read_in_threads(one, specs, order, 7, stopping)
    assert reads == [s.name for s in specs]  # in the specs' order, as before
    assert begun == [f"T{i}" for i in order if i < 6]


def test_a_sheets_waiting_teams_hold_no_thread() -> None:
    """Two sheets of two teams, two threads, the teams in ``teams:``'s order (sheet A's,
    then B's): B0 begins while A0 runs (A0 waits for it). Until 2026-12-07 each team was
    a task of its own, A1 held the second thread waiting for A0, and B0 began only once
    A0 ended (2 sheets of 20 teams, 4 threads: 1.9 s where 1.0 s would do): here A0
    waited out the hang guard and failed."""
    specs: list[Any] = [Spec("A0", "a"), Spec("A1", "a"), Spec("B0", "b"), Spec("B1", "b")]
    b_begun = threading.Event()

    def one(spec: Any) -> Any:
        if spec.name == "B0":
            b_begun.set()
        if spec.name == "A0":
            assert b_begun.wait(HANG), "sheet B waited for a thread sheet A's turns held"
        return spec.name

    reads = google_threads.read_in_threads(one, specs, range(4), 2, threading.Event())
    assert [cast(object, r) for r in reads] == ["A0", "A1", "B0", "B1"]


def test_a_stop_begins_no_team_waiting_for_its_turn() -> None:
    specs: list[Any] = [Spec(f"T{i}", "shared") for i in range(3)]
    stopping = threading.Event()
    begun: list[str] = []

    def one(spec: Any) -> Any:
        if stopping.is_set():  # as the engine's: no team is begun once stopping
            return None
        begun.append(spec.name)
        stopping.set()  # a stop lands while the first team runs
        return spec.name

    reads = google_threads.read_in_threads(one, specs, range(3), 3, stopping)
    assert begun == ["T0"]
    assert [cast(object, r) for r in reads] == ["T0", None, None]
