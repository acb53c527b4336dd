"""Objective-blocks layout: which rows are objective header rows, and what KR rows inherit.

A row is an objective row when every field of ``blocks.objective_when_blank`` is blank.
An unchecked checkbox (FALSE, from Insert > Checkbox over the Current column) counts as
blank there: until 2026-12-06 it made every objective row a key result, so the tab failed
"objective ID is missing" on each row. On a row whose KR type says milestone a FALSE is
its answer, not done, and the row stays a key result; so it is on a row whose own KR
cells (KR ID, key result: columns the objective rows do not rename) are filled, as a
milestone with no KR type read as an objective header until 2026-12-06 (its KR gone,
the KRs below put under it). So it is too, when nothing says objective (an objective
type, an Aligns to, an objective ID or title in a column of its own, or in the shared
``#`` one an ID not extending the current objective's: O2 under O1), on a row with a
cell no objective row has (Start, Unit, KPI link, its own KR type); and on one with a
Due, Confidence or Weight, which objective rows have too, when its ID extends the
current objective's ("O1.2 Publish the brand book" under O1, read as objective O1.2
until 2026-12-06; its FALSE's error says how to make it either) or, in columns of their
own, both objective cells are blank. A blank ``#`` with a Due alone is an objective
whose ID was forgotten, as it was before 2026-12-06. An owner says nothing. An ID
numbered as a key result's (``KR3``, ``K1``, ``KR-7`` under O1) says key result whatever
else the row has, unless it says objective: until 2026-12-06 such a row with an owner or
a Due and no Type was an objective header, the KRs below put under it; so it is with
its Start, Target and Current still blank.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Literal

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import KRType, ObjectiveType
from sheets_sync.domain.values import CellValueError, parse_choice, parse_text
from sheets_sync.grid import CellValue, RowCells
from sheets_sync.mapping.fields import FILL_DOWN_DEFAULT, KR_TYPE_ALIASES, OBJECTIVE_TYPE_ALIASES
from sheets_sync.mapping.spec import BlocksSpec, TabSpec

#: a key result's own cells: filled (in a column of their own), the row is a key result
_KR_ONLY = ("kr_id", "key_result")
#: cells only a key result has: filled, an unticked row is one, unless it says it is an
#: objective (``_says_objective``, ``_id_reading``); with its ID blank too (an objective
#: header whose ID was forgotten has a Due and an unticked box, not these)
_KR_DETAILS = ("kr_type", "start", "unit", "kpi_link")
#: cells objective rows have as often as key results: filled, an unticked row numbered
#: under the objective above (O1.2 under O1) is a key result, read so with a doubt
#: (``objective_too``); not the owner or a comment, which say nothing
_SHARED_DETAILS = ("weight", "confidence", "due")


#: in ``block_row``'s carry: a key result was read above, with no objective row above it
#: (``KR3`` below it is a key result; the tab's first row is an objective: ``KR1``)
_ROWS_ABOVE = "_rows_above"
#: in ``block_row``'s carry: the row of the objective header row the key results are under
_HEADER_ROW = "_header_row"
#: in ``block_row``'s carry: the row of the header of formulas with no value the key
#: results below are under (``unknown_header``), until the next objective row
_UNKNOWN_ROW = "_unknown_row"


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
    """An ID as compared (``id_key``: ``Ｏ１`` is ``o1``), or "" for none."""
    try:
        text = parse_text(value) or ""
    except CellValueError:  # an error cell (#N/A) is no ID
        return ""
    return id_key(text)


#: a key result's own numbering: ``KR3``, ``KR-7``, ``KR 1.2``, ``K1``, ``KR#2``, ``Key
#: result 4``; one never names an objective, whatever the objective above is called. Each
#: run of spaces is read by one ``\s*``: ``\s*[#.\-_:]?\s*`` split a run with no sign
#: in it each way (quadratic: 17 s a cell of ``KR``, 32,762 spaces and ``x``, until a
#: review on 2026-12-07)
_KR_NUMBER = re.compile(
    r"(?:kr|k|key\s*(?:-\s*)?results?)\s*(?:[#.\-_:]\s*)?\d+[a-z]?(?:[.\-]\d+[a-z]?)*"
)
#: numbering with no letters (``2``, ``2.``, ``1.3``) or letters alone (``a``, ``b)``,
#: ``(c)``, ``iv``): under an objective with letters (``O1``) a key result's, or an
#: objective whose ``O`` was left out (``_bare_under``)
_BARE = re.compile(r"\(?(\d+(?:[.\-]\d+)*|[a-z]+)[.)]?")
#: a roman numeral as a numbering uses one (``i`` to ``xxxix``), as ``id_key`` leaves it:
#: words of other roman letters (``ci``, ``cd``, ``mix``, ``mi``) were numerals too, and
#: under ``O1`` key results, until 2026-12-06
_ROMAN = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})")
_ROMAN_DIGITS = {"i": 1, "v": 5, "x": 10}


def _roman(text: str) -> int | None:
    """``text``'s value as a roman numeral (``iv``: 4), or None."""
    if not text or _ROMAN.fullmatch(text) is None:
        return None
    values = [_ROMAN_DIGITS[c] for c in text]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def _kr_numbered(kr_id: str, objective_id: str, first: bool) -> bool:
    """``KR3`` under ``O1``: a key result whatever its cells, unless the objectives are
    numbered so too (``K1``, ``K2``). On the tab's first row (``first``) it is an
    objective numbered so (``K1``, ``KR1`` then ``KR1.1``): ``KR1`` there was a key result
    above the first objective, and every row of such a tab failed, until 2026-12-06.
    Below a key result with no objective above, ``KR3`` is one too, ``K1`` is not."""
    if first or (not objective_id and not kr_id.startswith(("kr", "key"))):
        return False
    return _KR_NUMBER.fullmatch(kr_id) is not None and not _KR_NUMBER.fullmatch(objective_id)


def _bare_under(kr_id: str, objective_id: str) -> bool:
    """``2`` or ``b)`` under ``O1``: a key result or an objective, as ``O1.2`` under ``O1``;
    ``2`` under ``1`` is the next objective. Letters are the level down under an objective
    whose ID has a digit (``a``, ``i``, ``iv`` under ``O1`` or ``Obj 1``, not a word such
    as ``CI``); under one of letters only, a single letter is so under a roman numeral
    (``a`` under ``II``) unless it is the next one (``V`` under ``IV``, ``X`` under ``IX``:
    key results until 2026-12-06) or the next letter (``J`` under ``I``, ``W`` under ``V``:
    objectives ``A`` to ``E`` lost ``D`` and ``E`` to ``C`` and ``D``, until 2026-12-06),
    and ``B`` under ``Obj A`` is the next objective."""
    bare = _BARE.fullmatch(kr_id)
    if bare is None or not objective_id[:1].isalpha():
        return False
    number = bare.group(1)
    if number[0].isdigit():  # not under 1 nor under a: the objectives are numbered so
        above_bare = _BARE.fullmatch(objective_id)
        return above_bare is None or len(above_bare.group(1)) > 1
    if any(c.isdigit() for c in objective_id):
        return len(number) == 1 or _roman(number) is not None
    above = _roman(objective_id)
    if above is None or len(number) != 1 or _roman(number) == above + 1:
        return False
    return not (len(objective_id) == 1 and ord(number) == ord(objective_id) + 1)


def _extends(kr_id: str, objective_id: str) -> bool:
    """``O1.2``, ``O1-2``, ``O1 KR2``, ``O1a`` extend ``O1``; ``O10`` and ``O2`` do not."""
    if not objective_id or len(kr_id) <= len(objective_id) or not kr_id.startswith(objective_id):
        return False
    last, rest = objective_id[-1], kr_id[len(objective_id)]
    return not (last.isdigit() and rest.isdigit()) and not (last.isalpha() and rest.isalpha())


def _id_reading(
    values: Mapping[str, CellValue], blocks: BlocksSpec, carry: Mapping[str, CellValue]
) -> Literal["objective", "kr", "extends", "blank"]:
    """What the row's objective cells say: an objective ID or title filled in a column of
    its own says objective; in the ``#`` column shared with the KR ID an ID that extends
    the current objective's (O1.2 under O1), or bare numbering under one with letters (2
    or b under O1), is ``extends``; a key result's own numbering (KR3, K1, KR-7 under O1:
    objective headers until 2026-12-06) is ``kr``; another (O2) says objective (a Due or a
    Confidence on an objective header made it a key result of the objective above until
    2026-12-06); none is ``blank``."""
    found: Literal["objective", "kr", "extends", "blank"] = "blank"
    for key, value in values.items():
        field = blocks.objective_fields.get(key, key)
        if field not in ("objective_id", "objective") or blank(value):
            continue
        if key == field:  # a column of its own
            return "objective"
        if field == "objective_id":
            kr_id, objective_id = _text(value), _text(carry.get("objective_id"))
            if _kr_numbered(kr_id, objective_id, not carry):
                found = "kr"
            elif _extends(kr_id, objective_id) or _bare_under(kr_id, objective_id):
                found = "extends"
            else:
                return "objective"
    return found


def _unticked_kr(
    values: Mapping[str, CellValue], blocks: BlocksSpec, carry: Mapping[str, CellValue]
) -> Literal["kr", "either"] | None:
    """A row with a FALSE where a blank says objective, read as a key result (``either``:
    one an objective reads the same as, ``objective_too``), or None: an objective row."""
    if _names_kr_type(values.get("kr_type")) or not _kr_cells_blank(values, blocks):
        return "kr"
    if _says_objective(values, blocks):
        return None
    reading = _id_reading(values, blocks, carry)
    if reading in ("objective", "kr"):
        return None if reading == "objective" else "kr"
    if not _kr_cells_blank(values, blocks, _KR_DETAILS):
        return "kr"
    if _kr_cells_blank(values, blocks, _SHARED_DETAILS):
        return None
    if reading == "extends":
        return "either"
    # no ID: in a "#" column shared with the KR ID, an objective header whose ID was
    # forgotten (its title beside it) has a Due too, so only the cells above tell (it was a
    # key result of the objective above, its own key results scored under that one, until
    # 2026-12-06); with the objective's ID and title in columns of their own, both blank,
    # it is no objective header
    shared = "objective_id" in blocks.objective_fields.values()
    return None if shared else "kr"


def _unticked(values: Mapping[str, CellValue], blocks: BlocksSpec) -> bool:
    """A FALSE among ``objective_when_blank``, and nothing else in them."""
    checked = [values.get(f) for f in blocks.objective_when_blank]
    return any(v is False for v in checked) and all(blank(v) or v is False for v in checked)


def objective_too(
    values: Mapping[str, CellValue], spec: TabSpec, carry: Mapping[str, CellValue]
) -> bool:
    """``block_row`` read this row (its cells as read, before it) as a key result that an
    objective header reads the same as: ``O1.2`` under ``O1`` with a Due, a Confidence or a
    Weight and an unticked box, no Type nor Aligns to. Its FALSE's error names both."""
    blocks = spec.blocks or BlocksSpec()
    return _unticked(values, blocks) and _unticked_kr(values, blocks, carry) == "either"


def unknown_header(
    unknown: Collection[str], spec: TabSpec, carry: dict[str, CellValue], row: int
) -> None:
    """A row skipped as empty whose objective ID is a formula with no value (``unknown``,
    its fields as read) was an objective header: the key results below are that unknown
    objective's (their objective ID missing, as the rows layout reads one), not the
    objective above's (until 2026-12-07 O2.1 under such an O2 header was scored under O1,
    with nothing said on its row); each says why, naming row ``row``
    (``unknown_objective_row``). A row with such a formula among
    ``objective_when_blank`` was a key result, and changes nothing."""
    blocks = spec.blocks or BlocksSpec()
    renamed = blocks.objective_fields
    if any(f in unknown for f in blocks.objective_when_blank):
        return  # a formula there makes a key result (``block_row``), not a header
    if any(renamed.get(n, n) == "objective_id" for n in unknown):
        carry.clear()
        carry.update(dict.fromkeys(FILL_DOWN_DEFAULT))
        carry[_ROWS_ABOVE] = True  # the next row is not the tab's first
        carry[_UNKNOWN_ROW] = row


def unknown_objective_row(carry: Mapping[str, CellValue]) -> int:
    """The row of the header of formulas with no value a key result ``block_row`` just
    read is under (``unknown_header``), or 0: its "objective ID is missing" says why
    (until 2026-12-07 ``5:5: objective ID is missing`` alone)."""
    row = carry.get(_UNKNOWN_ROW)
    return row if isinstance(row, int) else 0


def _named_objective(
    values: Mapping[str, CellValue], blocks: BlocksSpec, carry: Mapping[str, CellValue]
) -> bool:
    """The row says objective whatever formulas with no value its ``objective_when_blank``
    cells hold: its Type or Aligns to (``_says_objective``), or, with no KR type named,
    its ID, as read for an unticked box (``O2`` under ``O1.1``, ``O1`` on the first row;
    not ``O1.1`` under ``O1``: ``_id_reading``). Not a row whose KR ID or key result is
    filled in a column of its own, as ``_unticked_kr`` reads one first (an Objective ID
    repeated on each key result's row made it a header until 2026-12-07, its key result
    dropped). Nor, under a header of formulas with no value (``unknown_header``), its ID
    alone: that objective's ID is unknown, so nothing says ``O2.1`` is not under it (until
    2026-12-07 it became objective ``O2.1``, the key results below scored under it)."""
    if not _kr_cells_blank(values, blocks):
        return False
    if _says_objective(values, blocks):
        return True
    if _names_kr_type(values.get("kr_type")) or unknown_objective_row(carry):
        return False
    return _id_reading(values, blocks, carry) == "objective"


def block_row(
    values: dict[str, CellValue],
    row: int,
    spec: TabSpec,
    carry: dict[str, CellValue],
    block_cols: Mapping[bool, Mapping[str, int]],
    unknown: Collection[str] = (),
    filled: dict[str, tuple[int, int]] | None = None,
) -> tuple[Literal["kr", "objective"], dict[str, CellValue], RowCells]:
    """Objective header row or KR row; KR rows inherit their objective's fields.

    ``unknown``: the fields whose cell is a formula with no value (``SheetGrid.
    uncalculated``), read as blank but no blank the team left: one among
    ``objective_when_blank`` makes the row a key result, as it is once calculated (until
    2026-12-07 a key result whose Baseline, Goal and Actual were such formulas was an
    objective header, the key results below put under it), unless the row says objective
    (``_named_objective``: its Type, its Aligns to or its ID; a lookup dragged down the
    whole Actual column made every header a key result until 2026-12-07), and a key
    result's is not filled from its objective's header (as the rows layout's fill-down
    leaves it). ``filled``: given, the fields a key result takes from its header, each
    with the (row, column) of the header's cell (``RowRecord.filled``)."""
    blocks = spec.blocks or BlocksSpec()
    checked = [values.get(f) for f in blocks.objective_when_blank]
    unticked = _unticked(values, blocks) and _unticked_kr(values, blocks, carry) is None
    formula_kr = any(f in unknown for f in blocks.objective_when_blank)
    is_objective = all(blank(v) or (unticked and v is False) for v in checked) and not (
        formula_kr and not _named_objective(values, blocks, carry)
    )
    if is_objective and not unticked and _id_reading(values, blocks, carry) == "kr":
        # KR3 with its Baseline, Goal and Actual not filled yet: an objective header named
        # KR3 until 2026-12-06, the key results below put under it
        is_objective = _says_objective(values, blocks)
    rename = blocks.objective_fields if is_objective else blocks.kr_fields
    values = {rename.get(k, k): v for k, v in values.items()}
    cells = RowCells(block_cols[is_objective], row)
    if is_objective:
        carry.clear()
        carry.update({k: values.get(k) for k in FILL_DOWN_DEFAULT})
        carry[_HEADER_ROW] = row
        return "objective", values, cells
    own = {blocks.kr_fields.get(k, k) for k in unknown}
    header_row, header_cols = carry.get(_HEADER_ROW), block_cols[True]
    for key in FILL_DOWN_DEFAULT:
        if blank(values.get(key)) and key in carry and key not in own:
            values[key] = carry[key]
            if filled is None or blank(carry[key]) or key not in header_cols:
                continue
            if isinstance(header_row, int):
                filled[key] = (header_row, header_cols[key])
    carry.setdefault(_ROWS_ABOVE, True)  # the next row is not the tab's first
    return "kr", values, cells
