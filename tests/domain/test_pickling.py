"""fast_pickle: slotted domain objects round-trip by value, and refuse what they cannot."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass, field

import pytest

from sheets_sync.domain.models import KeyResult, Origin
from sheets_sync.grid import CellStyle, RowCells
from sheets_sync.pickling import fast_pickle


def test_domain_objects_round_trip() -> None:
    origin = Origin("sales.xlsx", "OKRs", 7, RowCells({"target": 6}, 7))
    kr = KeyResult("O1", "KR1", "Grow", target=10.0, due=dt.date(2026, 12, 31), origin=origin)
    back = pickle.loads(pickle.dumps(kr))
    assert back == kr and back.origin.cells == {"target": "F7"}
    assert pickle.loads(pickle.dumps(CellStyle())) == CellStyle()


def test_one_field_class() -> None:
    @fast_pickle
    @dataclass(frozen=True, slots=True)
    class One:
        value: int

    globals()["One"] = One  # pickle finds classes by module-level name
    One.__qualname__ = "One"
    assert pickle.loads(pickle.dumps(One(3))) == One(3)


def test_fields_outside_init_are_refused() -> None:
    with pytest.raises(TypeError, match="every field in __init__"):

        @fast_pickle
        @dataclass(frozen=True, slots=True)
        class Derived:
            a: int
            b: int = field(init=False, default=0)
