"""unpickle: a file's pickle names only the tool's own data classes, and changes none."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from sheets_sync import unpickle
from sheets_sync.domain.models import KeyResult, Origin
from sheets_sync.grid import RowCells
from sheets_sync.sync.outcome import CellChange, CellChanges, Outcome, TeamRun, _unpickle_changes
from tests.support.hostile import assert_untouched, payloads


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
