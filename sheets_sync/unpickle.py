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
``Outcome.status`` say "ok" for the rest of the run. So what a load names is
fingerprinted before and checked after; a load that changed one is undone and refused.
"""

from __future__ import annotations

import importlib
import io
import operator
import pickle
import types
from enum import Enum
from typing import IO, Any

_MODELS = "sheets_sync.domain.models"
# What the tool's own file pickles name (read cache, spill, shard results, and the cell
# changes inside the latter), as traced over real runs and the test suite.
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    [("datetime", n) for n in ("date", "datetime", "timedelta", "timezone")]
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
    + [("sheets_sync.grid", n) for n in ("CellStyle", "CellWrite", "RowCells", "WorkbookData")]
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
    + [("sheets_sync.sync.outcome", n) for n in ("CellChange", "Outcome", "RunContext", "TeamRun")]
    + [("sheets_sync.sync.outcome", "_unpickle_changes")]  # sets a CellChanges' two slots
)
# A spill file also holds the read's backend, to write it (a path and plain settings; its
# constructor is not called: BUILD fills its __dict__). Never allowed from other files.
SPILL: frozenset[tuple[str, str]] = ALLOWED | {
    ("pathlib", "PosixPath"),
    ("sheets_sync.backends.excel.backend", "ExcelBackend"),
}


class RefusedPickle(pickle.UnpicklingError):
    """A pickle sheets-sync would never have written; ``why`` is for the user's message."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class _Snapshot:
    """What a class, enum or function holds that BUILD could change, and how to undo it."""

    __slots__ = ("extra", "ids", "keys", "members", "obj", "outside", "values")

    def __init__(self, obj: Any) -> None:
        self.obj = obj
        function = isinstance(obj, types.FunctionType)
        self.extra = operator.attrgetter(*(_FUNCTION if function else _CLASS))
        own = vars(obj)
        self.keys, self.values = tuple(own), tuple(own.values())
        self.ids = tuple(map(id, self.values))
        self.outside = self.extra(obj)
        members = list(obj.__members__.values()) if _is_enum(obj) else []
        self.members = [(m, type(m), dict(vars(m))) for m in members]

    def changed(self) -> bool:
        obj, own = self.obj, vars(self.obj)
        if tuple(map(id, own.values())) != self.ids or tuple(own) != self.keys:
            return True
        if any(a is not b for a, b in zip(self.extra(obj), self.outside, strict=True)):
            return True
        return any(type(m) is not t or vars(m) != saved for m, t, saved in self.members)

    def restore(self) -> None:
        """Undo what a refused load changed: the run goes on with these objects."""
        obj, own = self.obj, dict(zip(self.keys, self.values, strict=True))
        names = _FUNCTION if isinstance(obj, types.FunctionType) else _CLASS
        for name, value in zip(names, self.outside, strict=True):
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
        for member, kind, attrs in self.members:
            if type(member) is not kind:
                member.__class__ = kind
            vars(member).clear()
            vars(member).update(attrs)


_IMMUTABLE_TYPE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE
# Where BUILD's setattr reaches outside the object's own __dict__.
_FUNCTION = ("__code__", "__defaults__", "__kwdefaults__", "__name__", "__qualname__")
_CLASS = ("__class__", "__bases__", "__name__", "__qualname__")


def _is_enum(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, Enum)


_resolved: dict[tuple[str, str], Any] = {}  # allowed names, imported once


def _resolve(module: str, name: str, allowed: frozenset[tuple[str, str]]) -> Any:
    if (module, name) not in allowed:
        raise RefusedPickle(f"it names {module}.{name}, which sheets-sync never writes")
    obj = _resolved[(module, name)] = getattr(importlib.import_module(module), name)
    return obj


class _Unpickler(pickle.Unpickler):
    """``find_class`` over an allowlist: two lookups per name, and a snapshot of what the
    name is now (a load names each class once), to check it is the same after the load."""

    def __init__(self, file: IO[bytes], allowed: frozenset[tuple[str, str]]) -> None:
        super().__init__(file)
        self.allowed = allowed
        self.named: list[_Snapshot] = []

    def find_class(self, module: str, name: str) -> Any:
        key = (module, name)
        obj = _resolved.get(key) if key in self.allowed else None
        if obj is None:
            obj = _resolve(module, name, self.allowed)
        if not (isinstance(obj, type) and obj.__flags__ & _IMMUTABLE_TYPE):
            self.named.append(_Snapshot(obj))  # datetime's C types refuse any setattr
        return obj

    def load(self) -> Any:
        try:
            return super().load()
        finally:
            _check(self.named)


def _check(named: list[_Snapshot]) -> None:
    changed = [s for s in named if s.changed()]
    for snap in changed:
        snap.restore()
    if changed:
        what = changed[0].obj
        raise RefusedPickle(
            f"it changes {what.__module__}.{what.__qualname__}, which no sheets-sync pickle does"
        )


def loads(data: bytes, allowed: frozenset[tuple[str, str]] = ALLOWED) -> Any:
    """``pickle.loads`` for bytes that came from a file; raises ``RefusedPickle``."""
    return _Unpickler(io.BytesIO(data), allowed).load()


def load(file: IO[bytes], allowed: frozenset[tuple[str, str]] = ALLOWED) -> Any:
    """``pickle.load`` for an open file; raises ``RefusedPickle``."""
    return _Unpickler(file, allowed).load()
