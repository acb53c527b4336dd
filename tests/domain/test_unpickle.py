"""unpickle: a file's pickle names only the tool's own data classes, and changes none."""

from __future__ import annotations

import datetime as dt
import importlib
import pickle
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from sheets_sync import unpickle
from sheets_sync.domain.models import KeyResult, Origin
from sheets_sync.grid import RowCells
from sheets_sync.sync.outcome import CellChange, CellChanges, Outcome, TeamRun, _unpickle_changes
from tests.support.hostile import _Reduce, assert_untouched, payloads

ENUMS: list[type[Enum]] = sorted(
    (o for o in (getattr(importlib.import_module(m), n) for m, n in unpickle.SPILL)
     if isinstance(o, type) and issubclass(o, Enum)),
    key=lambda e: e.__qualname__,
)  # fmt: skip


@pytest.mark.parametrize("name", list(payloads(Path("x"))))
def test_hostile_pickles_are_refused_before_anything_runs(tmp_path: Path, name: str) -> None:
    marker = tmp_path / "marker"
    with pytest.raises(unpickle.RefusedPickle) as err:
        unpickle.loads(payloads(marker)[name])
    if name.startswith("changes "):
        assert err.value.why == f"it {name.strip()}, which no sheets-sync pickle does"
    else:
        assert err.value.why == f"it names {name}, which sheets-sync never writes"
    assert_untouched(marker)


def test_a_function_s_defaults_are_restored() -> None:
    data = (
        b"\x80\x04\x8c\x18sheets_sync.sync.outcome\x94\x8c\x11_unpickle_changes\x94\x93\x94"
        b"N}\x94\x8c\x0c__defaults__\x94\x8c\x01x\x94\x85\x94s\x86\x94b."
    )
    with pytest.raises(unpickle.RefusedPickle, match=r"changes .*_unpickle_changes"):
        unpickle.loads(data)
    assert _unpickle_changes.__defaults__ is None


def test_the_tool_s_own_pickles_round_trip() -> None:
    origin = Origin("sales.xlsx", "OKRs", 7, RowCells({"target": 6}, 7))
    kr = KeyResult("O1", "KR1", "Grow", target=10.0, due=dt.date(2026, 12, 31), origin=origin)
    changes = CellChanges([CellChange("OKRs", "J7", 1, dt.datetime(2026, 1, 2, 3))])
    run = TeamRun("Sales", "sales.xlsx", Outcome.OK, changes=changes)
    for obj in (kr, run, (kr, [run], {"a": {1, 2}})):
        assert unpickle.loads(pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)) == obj


def test_the_spill_allows_the_excel_backend_other_files_do_not() -> None:
    from sheets_sync.backends.excel.backend import ExcelBackend

    data = pickle.dumps(ExcelBackend(Path("teams/a.xlsx")), pickle.HIGHEST_PROTOCOL)
    assert unpickle.loads(data, unpickle.SPILL).path == Path("teams/a.xlsx")
    with pytest.raises(unpickle.RefusedPickle, match=r"names (pathlib\.PosixPath|.*ExcelBackend),"):
        unpickle.loads(data)


def test_build_on_a_frozen_slotted_class_fails_before_setting_anything() -> None:
    """Why those classes need no snapshot: BUILD calls their ``__setstate__`` unbound."""
    data = (
        b"\x80\x04\x8c\x19sheets_sync.domain.models\x94\x8c\tKeyResult\x94\x93\x94"
        b"N}\x94\x8c\x06__eq__\x94\x8c\x01x\x94s\x86\x94b."
    )
    eq = KeyResult.__eq__
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        unpickle.loads(data)
    assert KeyResult.__eq__ is eq


def test_a_spilled_excel_backend_round_trips(tmp_path: Path) -> None:
    """The spill holds each read's backend, its path a ``PosixPath`` (``pathlib._local``
    from Python 3.13): named as this Python pickles it, or every spilled read is refused."""
    from sheets_sync.backends.excel.backend import ExcelBackend

    backend = ExcelBackend(tmp_path / "sales.xlsx", display_name="sales.xlsx")
    back = unpickle.loads(pickle.dumps(backend, pickle.HIGHEST_PROTOCOL), unpickle.SPILL)
    assert back.path == backend.path and back.display_name == "sales.xlsx"


def test_every_allowed_enum_needs_no_snapshot() -> None:
    """What keeps a cache load cheap: a load names ~6 enums, each was fingerprinted."""
    assert len(ENUMS) == 11
    assert all(unpickle._immune(e) for e in ENUMS)


def _enum_state(enum: type[Enum]) -> tuple[Any, ...]:
    return dict(vars(enum)), [(type(m), dict(vars(m))) for m in enum]


def _build_on(enum: type[Enum], target: str, state: Any) -> bytes:
    """BUILD with ``state`` on the enum class itself, or on its first member."""
    if target == "member":
        return pickle.dumps(_Reduce(enum, (next(iter(enum)).value,), state), 2)
    module, name = enum.__module__.encode(), enum.__qualname__.encode()
    named = b"\x8c%c%s\x8c%c%s\x93" % (len(module), module, len(name), name)
    return b"\x80\x04" + named + pickle.dumps(state, 2)[2:-1] + b"b."


@pytest.mark.parametrize("state", ["dict", "slots"])
@pytest.mark.parametrize("target", ["class", "member"])
@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__qualname__)
def test_build_on_an_enum_or_its_member_is_refused_before_anything_is_set(
    enum: type[Enum], target: str, state: str
) -> None:
    """Even by plain ``pickle``: the enum itself refuses, so nothing needs undoing."""
    changes = {"_value_": "hacked", "__str__": "x", "__setstate__": None, "status": "ok"}
    data = _build_on(enum, target, changes if state == "dict" else (None, changes))
    before = _enum_state(enum)
    why = f"it changes {enum.__module__}.{enum.__qualname__}, which no sheets-sync pickle does"
    for load in (unpickle.loads, pickle.loads):
        with pytest.raises(unpickle.RefusedPickle) as err:
            load(data)
        assert err.value.why == why
        assert _enum_state(enum) == before
    with pytest.raises(AttributeError):
        next(iter(enum)).__setstate__ = None  # type: ignore[attr-defined]


@pytest.mark.parametrize("state", ["dict", "slots"])
@pytest.mark.parametrize("target", ["class", "instance"])
def test_build_on_the_cache_s_own_classes_is_refused(target: str, state: str) -> None:
    """``RowCells`` and ``CachedRead`` pickle as their arguments: BUILD on the class or on
    one is refused before anything is set, so a load need not fingerprint them."""
    from sheets_sync.sync.readcache import CachedRead

    changes = {"__eq__": "x", "row": 9, "data": None}
    built = changes if state == "dict" else (None, changes)
    for cls, args in ((RowCells, ({}, 1)), (CachedRead, (None, None, None))):
        if target == "instance":
            data = pickle.dumps(_Reduce(cls, args, built), 2)
        else:
            module, name = cls.__module__.encode(), cls.__qualname__.encode()
            named = b"\x8c%c%s\x8c%c%s\x93" % (len(module), module, len(name), name)
            data = b"\x80\x04" + named + pickle.dumps(built, 2)[2:-1] + b"b."
        before = dict(vars(cls))
        why = f"it changes {cls.__module__}.{cls.__qualname__}, which no sheets-sync pickle does"
        for load in (unpickle.loads, pickle.loads):
            with pytest.raises(unpickle.RefusedPickle) as err:
                load(data)
            assert err.value.why == why and dict(vars(cls)) == before
        assert unpickle._immune(cls)
