"""Objective-blocks layout: which rows are objective header rows, and what KR rows inherit.

A row is an objective row when every field of ``blocks.objective_when_blank`` is blank.
An unchecked checkbox (FALSE, from Insert > Checkbox over the Current column) counts as
blank there: until 2026-12-06 it made every objective row a key result, so the tab failed
"objective ID is missing" on each row. On a row whose KR type says milestone a FALSE is
its answer, not done, and the row stays a key result; so it is on a row whose own KR
cells (KR ID, key result: columns the objective rows do not rename) are filled, as a
milestone with no KR type read as an objective header until 2026-12-06 (its KR gone,
the KRs below put under it). So it is too on a row with a cell a key result has (Start,
Unit, Weight, Confidence, Due date, KPI link, its own KR type) when nothing says it is an
objective: an objective type, an Aligns to, or its objective ID (filled in a column of
its own, or in the shared ``#`` one not extending the current objective's: O2 under O1).
Objective rows have due dates and confidences too, and an owner says nothing: the ID
tells "O1.2 Publish the brand book" under O1 (a key result, read as objective O1.2 until
2026-12-06) from "O2" (an objective).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from sheets_sync.domain.models import KRType, ObjectiveType
from sheets_sync.domain.values import CellValueError, parse_choice, parse_text
from sheets_sync.grid import CellValue, RowCells
from sheets_sync.mapping.fields import FILL_DOWN_DEFAULT, KR_TYPE_ALIASES, OBJECTIVE_TYPE_ALIASES
from sheets_sync.mapping.spec import BlocksSpec, TabSpec

#: a key result's own cells: filled (in a column of their own), the row is a key result
_KR_ONLY = ("kr_id", "key_result")
#: cells a key result has: filled, an unticked row is one, unless it says it is an
#: objective (``_says_objective``, ``_id_allows_kr``: objective rows may have them too);
#: not the owner or a comment, which objective rows have as often
_KR_DETAILS = ("kr_type", "start", "unit", "weight", "confidence", "due", "kpi_link")


def blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def block_columns(columns: Mapping[str, int], spec: TabSpec) -> dict[bool, dict[str, int]]:
    """Objective rows (True) and KR rows (False) of a block layout name columns their own
    way; each map is made once a tab and shared by its rows' ``RowCells``."""
    blocks = spec.blocks or BlocksSpec()
    return {
        is_objective: {rename.get(k, k): c for k, c in columns.items()}
        for is_objective, rename in ((True, blocks.objective_fields), (False, blocks.kr_fields))
    }


def _names_kr_type(value: CellValue) -> bool:
    """The KR type cell names a key result's type (any of its words): ``milestone``, whose
    FALSE is its answer, or another (``number`` with a FALSE, in the built-in layout's
    shared Type column, read as an objective until 2026-12-06), whose FALSE is then an
    error that says to make it a milestone. An unknown word is not one here (the key
    result's parse says what is wrong with it)."""
    try:
        return parse_choice(value, KRType, KR_TYPE_ALIASES) is not None
    except CellValueError:
        return False


def _kr_cells_blank(
    values: Mapping[str, CellValue], blocks: BlocksSpec, fields: tuple[str, ...] = _KR_ONLY
) -> bool:
    """The row's ``fields`` (its KR ID and key result) are blank, when in columns of their
    own: one the objective rows rename (``#``: O1 there, O1.1 on a KR) is filled on both
    kinds."""
    return all(
        blank(value)
        for key, value in values.items()
        if blocks.kr_fields.get(key, key) in fields and key not in blocks.objective_fields
    )


def _says_objective(values: Mapping[str, CellValue], blocks: BlocksSpec) -> bool:
    """The row names an objective type (``committed``, ``stretch``) or an Aligns to, as
    read on an objective row: a key result has neither of its own."""
    for key, value in values.items():
        field = blocks.objective_fields.get(key, key)
        if field == "aligns_to" and not blank(value):
            return True
        if field == "objective_type" and not blank(value):
            try:
                parse_choice(value, ObjectiveType, OBJECTIVE_TYPE_ALIASES)
            except CellValueError:
                continue
            return True
    return False


def _text(value: CellValue) -> str:
    try:
        return (parse_text(value) or "").casefold()
    except CellValueError:  # an error cell (#N/A) is no ID
        return ""


def _extends(kr_id: str, objective_id: str) -> bool:
    """``O1.2``, ``O1-2``, ``O1 KR2``, ``O1a`` extend ``O1``; ``O10`` and ``O2`` do not."""
    if not objective_id or len(kr_id) <= len(objective_id) or not kr_id.startswith(objective_id):
        return False
    last, rest = objective_id[-1], kr_id[len(objective_id)]
    return not (last.isdigit() and rest.isdigit()) and not (last.isalpha() and rest.isalpha())


def _id_allows_kr(
    values: Mapping[str, CellValue], blocks: BlocksSpec, carry: Mapping[str, CellValue]
) -> bool:
    """The row's objective ID lets a key result's cells make it a key result: an objective
    ID in a column of its own says objective when filled; in a column shared with the KR
    ID (``#``) an ID that extends the current objective's (O1.2 under O1) or none lets it,
    another (O2) says objective (a Due or a Confidence on an objective header made it a
    key result of the objective above until 2026-12-06)."""
    for key, value in values.items():
        if blocks.objective_fields.get(key, key) != "objective_id" or blank(value):
            continue
        if key == "objective_id" or not _extends(_text(value), _text(carry.get("objective_id"))):
            return False
    return True


def block_row(
    values: dict[str, CellValue],
    row: int,
    spec: TabSpec,
    carry: dict[str, CellValue],
    block_cols: Mapping[bool, Mapping[str, int]],
) -> tuple[Literal["kr", "objective"], dict[str, CellValue], RowCells]:
    """Objective header row or KR row; KR rows inherit their objective's fields."""
    blocks = spec.blocks or BlocksSpec()
    checked = [values.get(f) for f in blocks.objective_when_blank]
    unticked = (
        any(v is False for v in checked)
        and not _names_kr_type(values.get("kr_type"))
        and _kr_cells_blank(values, blocks)
        and (
            _says_objective(values, blocks)
            or _kr_cells_blank(values, blocks, _KR_DETAILS)
            or not _id_allows_kr(values, blocks, carry)
        )
    )
    is_objective = all(blank(v) or (unticked and v is False) for v in checked)
    rename = blocks.objective_fields if is_objective else blocks.kr_fields
    values = {rename.get(k, k): v for k, v in values.items()}
    cells = RowCells(block_cols[is_objective], row)
    if is_objective:
        carry.clear()
        carry.update({k: values.get(k) for k in FILL_DOWN_DEFAULT})
        return "objective", values, cells
    for key in FILL_DOWN_DEFAULT:
        if blank(values.get(key)) and key in carry:
            values[key] = carry[key]
    return "kr", values, cells
