"""A quiet night (nothing changed since the last): every team is a cache hit, scored and
planned from its last parse, with none of a parse's own work, and its per-object and
per-write costs stay off the hit path (bench/notes.md: the no-op night's read phase)."""

from __future__ import annotations

import builtins
import datetime as dt
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from sheets_sync.config import load_workspace
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
    built-in one, made inside ``changed_writes``."""
    seen: list[tuple[str, str]] = []
    planner = plan.changed_writes.__code__

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


def quiet_night(demo: Path, tmp_path: Path) -> tuple[SyncResult, list[tuple[str, str]]]:
    shutil.copytree(demo.parent, tmp_path / "a")
    cfg = tmp_path / "a" / demo.name
    night(cfg)  # the first night writes the sheets and fills the cache
    night(cfg)  # (a file whose written state the cache cannot tell is parsed once more)
    sync = Sync(load_workspace(cfg))  # the mapping's checks run here, not in the night
    with calls() as seen:
        result = sync.run(SyncOptions(as_of=NIGHT, workers=1))
    assert {r.outcome for r in result.runs} == {Outcome.UNCHANGED}
    return result, seen


def test_a_quiet_nights_hits_do_no_parse_work(demo: Path, tmp_path: Path) -> None:
    _, seen = quiet_night(demo, tmp_path)
    ran = {f"{Path(f).as_posix().rsplit('/sheets_sync/', 1)[-1]}:{name}" for f, name in seen}
    parse_work = sorted(r for r in ran if r.startswith(PARSE_ONLY))
    assert parse_work == []
    assert any(r.startswith("sync/plan.py:changed_writes") for r in ran)  # it was watched


def test_a_quiet_nights_plans_sort_nothing(demo: Path, tmp_path: Path) -> None:
    """No changes, nothing to put in sheet order: ``changed_writes`` sorted every write
    (some 140 a team, a Python key each) to list the changes in sheet order, on a night
    with none."""
    _, seen = quiet_night(demo, tmp_path)
    assert ("builtins", builtins.sorted.__name__) not in seen
