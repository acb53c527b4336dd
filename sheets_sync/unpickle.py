"""Load pickles that came from a file without letting the file run code.

``pickle.load`` calls whatever callable the bytes name, and the read cache, the spill
file and shard results sit in folders (the workspace's state folder, a CI artifact) that
others may be able to write. So every pickle read back from a file goes through
``loads``/``load`` here: a name outside ``ALLOWED`` (what sheets-sync itself pickles,
traced over real runs and the test suite) is refused before anything is called.

Each allowed name is safe to call with any arguments (dataclass and enum constructors,
``datetime`` types, plain containers: no I/O, no attribute lookups by name, no code).
What remains is the BUILD opcode, which can set attributes on whatever is on the stack,
including an allowed class itself or a shared enum member: a file could make every
``Outcome.status`` say "ok" for the rest of the run. Most allowed names are immune: C
types, the frozen slotted dataclasses, and the enums (``pickling.SharedStrEnum``: BUILD
on the class or a member is refused before anything is set). What else a load names is
fingerprinted before and checked after; a load that changed one is undone and refused.
"""

from __future__ import annotations

import importlib
import inspect
import io
import operator
import pickle
import threading
import types
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import IO, Any

from sheets_sync.pickling import RefuseBuild, RefusedPickle

__all__ = ["ALLOWED", "SPILL", "RefusedPickle", "load", "loads"]

_MODELS = "sheets_sync.domain.models"
# What the tool's own file pickles name (read cache, spill, shard results, and the cell
# changes inside the latter), as traced over real runs and the test suite; and every kind
# of value a cell can hold (``grid.CellValue``: a cell the sync owns keeps its old value in
# the read and the night's changes; a time or an error value typed there was refused,
# a traceback after the team's file was written, until 2026-12-06).
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    [("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")]
    + [
        (_MODELS, n)
        for n in [
            "Band",
            "Category",
            "CompanyObjective",
            "Direction",
            "Finding",
            "Frequency",
            "KPI",
            "KPIResult",
            "KPIStatus",
            "KRResult",
            "KRType",
            "KeyResult",
            "Objective",
            "ObjectiveResult",
            "ObjectiveType",
            "Origin",
            "Period",
            "Severity",
            "Status",
            "TeamInput",
            "TeamResult",
            "Trend",
        ]
    ]
    + [
        ("sheets_sync.grid", n)
        for n in ("CellError", "CellStyle", "CellWrite", "RowCells", "WorkbookData")
    ]
    + [
        ("sheets_sync.mapping.extract", n)
        for n in ("Extract", "RowRecord", "TabExtract", "TabLayout")
    ]
    + [
        ("sheets_sync.domain.rules", "ScoringRules"),
        ("sheets_sync.ops.shard", "ShardResults"),
        ("sheets_sync.sync.readcache", "CachedRead"),
        ("sheets_sync.sync.team_rows", "TeamRows"),
    ]
    + [
        ("sheets_sync.sync.outcome", n)
        for n in ("CellChange", "Outcome", "RunContext", "TeamError", "TeamRun")
    ]
    + [("sheets_sync.sync.outcome", "_unpickle_changes")]  # sets a CellChanges' two slots
)
# A spill file also holds the read's backend, to write it (a path and plain settings; its
# constructor is not called: BUILD fills its __dict__). Never allowed from other files.
SPILL: frozenset[tuple[str, str]] = ALLOWED | {
    # as pickle names it: ``pathlib`` in 3.11, ``pathlib._local`` from 3.13
    (type(Path()).__module__, type(Path()).__qualname__),
    ("sheets_sync.backends.excel.backend", "ExcelBackend"),
}


class _Snapshot:
    """What a class, enum or function holds that BUILD could change, and how to undo it.
    Taken as a load first names it, compared (one tuple ``==``) when the load ends."""

    __slots__ = ("kind", "saved")

    def __init__(self, kind: _Kind) -> None:
        self.kind = kind
        self.saved = kind.take()

    def changed(self) -> bool:
        return self.kind.take() != self.saved

    def restore(self) -> None:
        """Undo what a refused load changed: the run goes on with these objects."""
        obj, (keys, values, outside, *members) = self.kind.obj, self.saved
        own = dict(zip(keys, values, strict=True))
        for name, value in zip(self.kind.names, outside, strict=True):
            if getattr(obj, name) is not value:
                setattr(obj, name, value)
        if isinstance(obj, types.FunctionType):
            obj.__dict__.clear()
            obj.__dict__.update(own)
        else:
            for name in set(vars(obj)) - own.keys():
                delattr(obj, name)
            for name, value in own.items():
                if vars(obj).get(name) is not value:
                    setattr(obj, name, value)
        for member, (kind, attrs) in zip(self.kind.members, members, strict=True):
            if type(member) is not kind:
                member.__class__ = kind
            vars(member).clear()
            vars(member).update(attrs)


class _Kind:
    """An allowed object and where BUILD's setattr could reach on it (resolved once)."""

    __slots__ = ("get", "members", "names", "obj")

    def __init__(self, obj: Any) -> None:
        self.obj = obj
        self.names = _FUNCTION if isinstance(obj, types.FunctionType) else _CLASS
        self.get = operator.attrgetter(*self.names)
        self.members = tuple(obj.__members__.values()) if _is_enum(obj) else ()

    def take(self) -> tuple[Any, ...]:
        own = vars(self.obj)
        state = (tuple(own), tuple(own.values()), self.get(self.obj))
        if not self.members:
            return state
        ms = self.members  # (type, items) of each: all at C speed, a load names ~6 enums
        items: Iterator[Any] = map(dict.items, map(vars, ms))  # type: ignore[arg-type]
        return (*state, *zip(map(type, ms), map(tuple, items), strict=True))


_IMMUTABLE_TYPE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE
# Where BUILD's setattr reaches outside the object's own __dict__.
_FUNCTION = ("__code__", "__defaults__", "__kwdefaults__", "__name__", "__qualname__")
_CLASS = ("__class__", "__bases__", "__name__", "__qualname__")


def _immune(obj: Any) -> bool:
    """BUILD cannot change ``obj``: a C type (any setattr is refused), a class whose
    ``__setstate__`` is a plain ``(self, state)`` method (the frozen slotted dataclasses):
    BUILD on the class calls it with the state alone, a TypeError before anything is set,
    or one whose ``__setstate__`` refuses any BUILD, on the class or an instance (the
    enums, whose members are shared). (``object`` has no ``__setstate__`` in 3.11.)"""
    if not isinstance(obj, type):
        return False
    if obj.__flags__ & _IMMUTABLE_TYPE:
        return True
    setstate = inspect.getattr_static(obj, "__setstate__", None)
    return isinstance(setstate, RefuseBuild) or (
        isinstance(setstate, types.FunctionType)
        and setstate.__code__.co_argcount == 2
        and not setstate.__defaults__
    )


def _is_enum(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, Enum)


_resolved: dict[tuple[str, str], tuple[Any, _Kind | None]] = {}  # imported once
_lock = threading.RLock()  # one load at a time: another's snapshot never sees this one's BUILD


def _resolve(
    module: str, name: str, allowed: frozenset[tuple[str, str]]
) -> tuple[Any, _Kind | None]:
    """The object, and its ``_Kind`` (None for C types: they refuse any setattr)."""
    if (module, name) not in allowed:
        raise RefusedPickle(f"it names {module}.{name}, which sheets-sync never writes")
    obj = getattr(importlib.import_module(module), name)
    found = _resolved[(module, name)] = (obj, None if _immune(obj) else _Kind(obj))
    return found


class _Unpickler(pickle.Unpickler):
    """``find_class`` over an allowlist: two lookups per name, and a snapshot of what the
    name is now (a load names each class once), to check it is the same after the load."""

    def __init__(self, file: IO[bytes], allowed: frozenset[tuple[str, str]]) -> None:
        super().__init__(file)
        self.allowed = allowed
        self.named: list[_Snapshot] = []

    def find_class(self, module: str, name: str) -> Any:
        key = (module, name)
        found = _resolved.get(key) if key in self.allowed else None
        obj, kind = found or _resolve(module, name, self.allowed)
        if kind is not None:
            self.named.append(_Snapshot(kind))
        return obj

    def load(self) -> Any:
        with _lock:
            try:
                return super().load()
            finally:
                _check(self.named)


def _check(named: list[_Snapshot]) -> None:
    changed = [s for s in named if s.changed()]
    for snap in changed:
        snap.restore()
    if changed:
        what = changed[0].kind.obj
        raise RefusedPickle(
            f"it changes {what.__module__}.{what.__qualname__}, which no sheets-sync pickle does"
        )


def loads(data: bytes, allowed: frozenset[tuple[str, str]] = ALLOWED) -> Any:
    """``pickle.loads`` for bytes that came from a file; raises ``RefusedPickle``."""
    return _Unpickler(io.BytesIO(data), allowed).load()


def load(file: IO[bytes], allowed: frozenset[tuple[str, str]] = ALLOWED) -> Any:
    """``pickle.load`` for an open file; raises ``RefusedPickle``."""
    return _Unpickler(file, allowed).load()
