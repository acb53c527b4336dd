"""The teams of one Google sheet (a tab each) go one after another, in the order the
night reads them (``linked.read_order``: a team after the teams whose KPIs it read the
night before), each begun once the one before it ended; other sheets' teams in parallel
(``google_threads.one_sheet_at_a_time``). A stop begins none of the waiting ones. Stand-in
specs and a stand-in ``one``: no Google here."""

from __future__ import annotations

import threading
import time
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


class SlowFirst(ThreadPoolExecutor):
    """The first task's thread is late to begin it (descheduled on a busy box): the next
    task's thread reaches the sheet first."""

    submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        SlowFirst.submitted += 1
        if SlowFirst.submitted == 1:

            def late(*a: Any, **k: Any) -> Any:
                time.sleep(0.2)
                return fn(*a, **k)

            return super().submit(late, *args, **kwargs)
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize("late", [False, True], ids=["prompt", "first-thread-late"])
def test_the_teams_of_one_sheet_go_one_at_a_time_in_the_reads_order(
    late: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Late: a lock taken by whichever thread came first read T3 before T5, the team
    the night reads first (one whose KPIs another team of the sheet reads, say)."""
    if late:
        SlowFirst.submitted = 0
        monkeypatch.setattr(google_threads, "ThreadPoolExecutor", SlowFirst)
    specs: list[Any] = [Spec(f"T{i}", "shared") for i in range(6)] + [Spec("X", "own")]
    order = [5, 3, 1, 0, 2, 4, 6]
    lock, running, begun, alone = threading.Lock(), [0], [], []

    def one(spec: Any) -> Any:
        with lock:
            if spec.google_key == "shared":
                running[0] += 1
                begun.append(spec.name)
                assert running[0] == 1, "two teams of one sheet at once"
            else:
                alone.append(list(begun))
        time.sleep(0.02)  # the read and write: long enough for a waiting thread to cut in
        with lock:
            if spec.google_key == "shared":
                running[0] -= 1
        return spec.name

    stopping = threading.Event()
    reads = google_threads.read_in_threads(one, specs, order, 7, stopping)
    assert reads == [s.name for s in specs]  # in the specs' order, as before
    assert begun == [f"T{i}" for i in order if i < 6]
    assert alone and len(alone[0]) < 6  # the other sheet's team did not wait its turn


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
