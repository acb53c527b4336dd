"""One cell of a read, checked against the shape the Sheets API documents (``CellData``).

A proxy, an API change or a hand-made canned reply can put a list, a string or null where
``effectiveValue`` or ``userEnteredValue`` is an object, an unknown key in one, or a
number as a string. Unchecked, the read failed deep inside with an AttributeError or a
KeyError naming no cell, or worse read on: ``{"stringValue": null}`` became the text
"None", ``{"boolValue": "no"}`` a ticked checkbox, an unknown key a blank cell (before
2026-12-06). Each such part is a ``ShapeError`` naming the tab and the cell
(``gridjson.read_grid``), which ``reply_shape`` turns into the team's one ``RemoteError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sheets_sync.backends.gsheets.shape import ShapeError, describe, obj
from sheets_sync.grid import READ_FILLS

#: ``ExtendedValue``'s one-of: each kind and the JSON type its value has
_KINDS: dict[str, tuple[type, ...]] = {
    "numberValue": (int, float),
    "stringValue": (str,),
    "boolValue": (bool,),
    "formulaValue": (str,),
    "errorValue": (dict,),
}
_TYPE_NAMES = {"numberValue": "a number", "stringValue": "a string", "boolValue": "a boolean"}
_TYPE_NAMES |= {"formulaValue": "a string", "errorValue": "an object"}


#: the usual shapes, judged by exact type at once: a read checks every cell (``_value``)
_PLAIN = {
    "numberValue": frozenset({int, float}),
    "stringValue": frozenset({str}),
    "boolValue": frozenset({bool}),
    "formulaValue": frozenset({str}),
}
_ABSENT = object()
#: a whole number this large may be too large for a float (JSON allows any size; the
#: read makes each number a float): ``_value`` tells
_HUGE = 2**1023


def _plain(value: dict[str, Any]) -> bool:
    """``{}`` or one usual kind of the right exact type: most cells, judged at once."""
    if not value:
        return True
    if len(value) != 1:
        return False
    ((name, got),) = value.items()
    return type(got) in _PLAIN.get(name, ()) and not (type(got) is int and abs(got) > _HUGE)


def _fits(number: Any) -> bool:
    """Whether the read can make ``number`` a float: ``1e400`` written out is valid JSON."""
    try:
        float(number)
    except OverflowError:
        return False
    return True


def _value(value: Any, where: str) -> None:
    """An ``ExtendedValue``: an object of at most one known kind (``{}``: a typed value's,
    its fields masked out), that kind's value of its JSON type (a bool is no number)."""
    fields = obj(value, where)
    for name, got in fields.items():
        if name not in _KINDS:
            raise ShapeError(f"{where} has an unknown field {name!r}")
        kinds = _KINDS[name]
        if not isinstance(got, kinds) or (bool not in kinds and isinstance(got, bool)):
            raise ShapeError(f"{where}.{name} is {describe(got)}, not {_TYPE_NAMES[name]}")
        if name == "numberValue" and not _fits(got):  # float() raised OverflowError:
            # "internal error" and a traceback (until 2026-12-06)
            raise ShapeError(f"{where}.{name} is a number too large for a float")
    if len(fields) > 1:
        raise ShapeError(f"{where} has {len(fields)} kinds of value ({', '.join(fields)})")
    if "errorValue" in fields:
        for name in ("type", "message"):
            got = fields["errorValue"].get(name)
            if name in fields["errorValue"] and not isinstance(got, str):
                raise ShapeError(f"{where}.errorValue.{name} is {describe(got)}, not a string")


def _format(value: Any, where: str) -> None:
    fmt = obj(value, where)
    if "numberFormat" in fmt:
        number = obj(fmt["numberFormat"], f"{where}.numberFormat")
        if "type" in number and not isinstance(number["type"], str):
            raise ShapeError(f"{where}.numberFormat.type is {describe(number['type'])}")


def _runs(value: Any, where: str) -> None:
    if not isinstance(value, list):
        raise ShapeError(f"{where} is {describe(value)}, not a list")
    for i, run in enumerate(value):
        fields = obj(run, f"{where}[{i}]")
        start = fields.get("startIndex", 0)
        if not isinstance(start, int) or isinstance(start, bool):
            raise ShapeError(f"{where}[{i}].startIndex is {describe(start)}, not a number")
        if fields.get("chip") is not None:
            obj(fields["chip"], f"{where}[{i}].chip")


def checked_cell(cell: Any) -> Mapping[str, Any]:
    """``cell`` as read, or a ``ShapeError`` naming the part of it that is not the
    documented shape; the caller puts the tab and cell (``OKRs!B3``) before it, and only
    then: formatting every cell's name up front cost a large read more than the checks."""
    if type(cell) is not dict:
        raise ShapeError(f"is {describe(cell)}, not an object")
    for name in ("effectiveValue", "userEnteredValue"):
        value = cell.get(name, _ABSENT)
        if value is not _ABSENT and not (type(value) is dict and _plain(value)):
            _value(value, name)
    if (fmt := cell.get("effectiveFormat", _ABSENT)) is not _ABSENT:
        number = fmt.get("numberFormat", _ABSENT) if type(fmt) is dict else None
        if number is not _ABSENT and not (
            type(number) is dict and type(number.get("type", "")) is str
        ):
            _format(fmt, "effectiveFormat")
    if (runs := cell.get("chipRuns", _ABSENT)) is not _ABSENT:
        _runs(runs, "chipRuns")
    return cell


def owned_fill(cell: Mapping[str, Any]) -> str | None:
    """The cell's background as RGB hex ("C6EFCE") when it is one of the fills the sync
    writes or an owned header's (``grid.READ_FILLS``), else None: another colour, none, or
    a shape that is no colour (a fill is never worth failing a read for; the sync writes
    the cell again). Google leaves out a channel of 0 and sends each as a float
    (``round(198 / 255, 6)``)."""
    colour = cell.get("userEnteredFormat", {})
    colour = colour.get("backgroundColor") if type(colour) is dict else None
    if type(colour) is not dict:
        return None
    try:
        channels = [float(colour.get(name, 0) or 0) for name in ("red", "green", "blue")]
    except (TypeError, ValueError):
        return None
    if not all(0 <= c <= 1 for c in channels):
        return None
    text = "".join(f"{round(c * 255):02X}" for c in channels)
    return text if text in READ_FILLS else None
