"""Fill-down in the rows layout: a blank cell of a ``fill_down`` field takes the value of
the row above, an objective's cells within that objective only (docs/mappings.md)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.values import CellValueError, parse_text
from sheets_sync.grid import CellValue

#: the objective's cells a row of another objective does not fill down from the one above
_OBJECTIVE_CELLS = ("objective", "objective_type", "aligns_to")


def fill_down(
    values: dict[str, CellValue],
    carry: dict[str, CellValue],
    fields: Sequence[str],
    merged: Collection[str] = (),
) -> None:
    """Fill ``values``' blank ``fields`` from ``carry`` (the rows above), then carry this
    row's filled ones on. ``merged``: the fields whose cell a merge from a row above
    covers, which take its value whatever objective the row is of."""
    _new_objective(values, carry, merged)
    for name in fields:
        if name in values and values[name] is None and name in carry:
            values[name] = carry[name]
    carry.update({n: v for n, v in values.items() if n in fields and v is not None})


def _objective_key(value: CellValue) -> str | None:
    try:
        text = parse_text(value)
    except CellValueError:  # an error cell: the row's own finding, nothing to compare
        return None
    return None if text is None else id_key(text)


def _new_objective(
    values: dict[str, CellValue], carry: dict[str, CellValue], merged: Collection[str]
) -> None:
    """A row naming another objective ID than the rows above starts that objective: its
    blank title, type and Aligns to are its own (untitled, committed, aligned to
    nothing), not the objective above's. Until 2026-12-07 they filled down across the
    new ID: an O2 below an aspirational O1 aligned to C1 was O1's title, aspirational and
    under C1. A cell merged down over both objectives' rows is typed for both."""
    typed = _objective_key(values.get("objective_id"))
    carried = _objective_key(carry.get("objective_id"))
    if typed is not None and carried is not None and typed != carried:
        for name in _OBJECTIVE_CELLS:
            if name not in merged:
                carry.pop(name, None)
