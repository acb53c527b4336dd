"""A quiet night (nothing changed since the last): every team is a cache hit, scored and
planned from its last parse, with none of a parse's own work, and its per-object and
per-write costs stay off the hit path (bench/notes.md: the no-op night's read phase)."""

from __future__ import annotations

import builtins
import datetime as dt
import pickle
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from sheets_sync import unpickle
from sheets_sync.config import load_workspace
from sheets_sync.domain import models
from sheets_sync.domain.models import (
    KPI,
    Category,
    Direction,
    Finding,
    Frequency,
    KeyResult,
    KRType,
    Objective,
    ObjectiveType,
    Severity,
)
from sheets_sync.sync import plan
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.outcome import Outcome
from sheets_sync.workspace.demo import create_demo

NIGHT = dt.date(2026, 11, 23)

#: what only a parse runs (module, or module:function prefix): the reader, header
#: detection, the mapping's rows -> objects (examples, blocks, fill-down, date order, the
#: cells' values) and the mapping's own checks; ``values.show_number`` is the messages'
PARSE_ONLY = (
    "backends/excel/reader.py:",
    "backends/excel/sheetscan.py:",
    "backends/excel/odsscan.py:",
    "backends/excel/cellscan.py:",
    "mapping/header.py:",
    "mapping/parse.py:",
    "mapping/examples.py:",
    "mapping/blocks.py:",
    "mapping/filldown.py:",
    "mapping/uncalculated.py:",
    "mapping/spec_checks.py:",
    "domain/date_order.py:",
    "domain/values.py:parse_",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws")


def night(cfg: Path) -> SyncResult:
    return Sync(load_workspace(cfg)).run(SyncOptions(as_of=NIGHT, workers=1))


@contextmanager
def calls() -> Iterator[list[tuple[str, str]]]:
    """(file, function) of each Python call in this thread, and ("builtins", name) of each
    built-in one, made inside ``plan_changes``."""
    seen: list[tuple[str, str]] = []
    planner = plan.plan_changes.__code__

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            seen.append((frame.f_code.co_filename, frame.f_code.co_name))
        elif event == "c_call" and frame.f_code is planner:
            seen.append(("builtins", getattr(arg, "__name__", "")))

    sys.setprofile(profile)
    try:
        yield seen
    finally:
        sys.setprofile(None)


#: a quiet night as watched: its result, each call made in this thread, and the calls as
#: ``module:function`` under ``sheets_sync/``
Watched = tuple[SyncResult, list[tuple[str, str]], set[str]]


@pytest.fixture(scope="module", params=[1, 2], ids=["one process", "two workers"])
def quiet(
    request: pytest.FixtureRequest, demo: Path, tmp_path_factory: pytest.TempPathFactory
) -> Watched:
    """The third night with nothing changed, watched: in one process (``read_team``
    finds each hit) and with workers, a normal night's path (``read_all`` loads the hits
    here with ``cached_read``, only misses go to the workers). Set up once for the tests."""
    copy = tmp_path_factory.mktemp("quiet")
    shutil.copytree(demo.parent, copy / "a")
    cfg = copy / "a" / demo.name
    night(cfg)  # the first night writes the sheets and fills the cache
    night(cfg)  # (a file whose written state the cache cannot tell is parsed once more)
    sync = Sync(load_workspace(cfg))  # the mapping's checks run here, not in the night
    with calls() as seen:
        result = sync.run(SyncOptions(as_of=NIGHT, workers=request.param))
    assert {r.outcome for r in result.runs} == {Outcome.UNCHANGED}
    ran = {f"{Path(f).as_posix().rsplit('/sheets_sync/', 1)[-1]}:{name}" for f, name in seen}
    found = "sync/reading.py:read_team" if request.param == 1 else "sync/reading.py:cached_read"
    assert found in ran  # the path this night takes was watched
    return result, seen, ran


def test_a_quiet_nights_hits_do_no_parse_work(quiet: Watched) -> None:
    _, _, ran = quiet
    parse_work = sorted(r for r in ran if r.startswith(PARSE_ONLY))
    assert parse_work == []
    assert any(r.startswith("sync/plan.py:plan_changes") for r in ran)  # it was watched


def test_a_quiet_nights_plans_sort_nothing(quiet: Watched) -> None:
    """No changes, nothing to put in sheet order: ``plan_changes`` (``changed_writes``
    then) sorted every write (some 140 a team, a Python key each) to list the changes in
    sheet order, on a night with none."""
    _, seen, _ = quiet
    assert ("builtins", builtins.sorted.__name__) not in seen
    assert ("builtins", list.sort.__name__) not in seen  # nor in place (the merge's form)


def _members() -> list[Any]:
    return [
        Finding(Severity.WARNING, "a note", "sales.xlsx"),
        Objective("O1", "Grow", type=ObjectiveType.ASPIRATIONAL),
        KeyResult("O1", "KR1", "Win", type=KRType.NUMBER, start=0.0, target=10.0, current=5.0),
        KPI(
            "K1",
            "Churn",
            category=Category.LEADING,
            frequency=Frequency.MONTHLY,
            direction=Direction.LOWER,
            target=2.0,
            actual=1.0,
        ),
        KPI("K2", "NPS", category=None, frequency=Frequency.WEEKLY, direction=Direction.HIGHER),
    ]


def test_objects_given_their_members_are_not_converted(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the mapping builds and a cache hit unpickles (some 35,000 objects a night at
    500 teams) holds members already: checked by one ``type`` test inline, not a call of
    ``_as_member`` for each enum field."""

    def refuse(*args: object, **kw: object) -> None:
        raise AssertionError("_as_member called for a member")

    monkeypatch.setattr(models, "_as_member", refuse)
    built = _members()
    again = unpickle.loads(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == built


def test_objects_given_texts_still_take_them_as_members() -> None:
    kpi = KPI("K1", "Churn", category="leading", frequency="monthly", direction="lower")  # type: ignore[arg-type]
    assert (kpi.category, kpi.frequency, kpi.direction) == (
        Category.LEADING,
        Frequency.MONTHLY,
        Direction.LOWER,
    )
    assert KPI("K1", "x", frequency=Frequency.WEEKLY, direction="lower").direction is (  # type: ignore[arg-type]
        Direction.LOWER
    )
    assert Finding("error", "x", "s.xlsx").severity is Severity.ERROR  # type: ignore[arg-type]
