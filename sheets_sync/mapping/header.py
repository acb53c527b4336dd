"""The header row of a tab, and the column of each field on it.

Headers are matched exactly (after ``normalise_header``) or, failing that, loosely: a
header that carries a note ("Target (end of Q)") is its text before the note.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sheets_sync.errors import LayoutError
from sheets_sync.grid import (
    CellError,
    CellValue,
    SheetGrid,
    a1,
    as_typed,
)
from sheets_sync.mapping.fields import (
    KPI_OWNED,
    OKR_OWNED,
    header_key_before_signs,
    normalise_header,
)
from sheets_sync.mapping.owned_twice import WrittenRows, owned_column, typed_times
from sheets_sync.mapping.spec import TabSpec


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """The fields found on a header row, and what its headers leave in doubt."""

    found: dict[str, int]
    #: (cell, message) of each duplicated header and each header read by its note
    warnings: list[tuple[str, str]]
    #: fields two noted headers could each be: "'Current (EUR)' (C1) and ..." by field
    ambiguous: dict[str, str]
    #: fields of ``found`` read by their header's note, not by an exact header
    by_note: frozenset[str] = frozenset()
    #: owned fields typed twice, no column of which the sync may write: why, by field
    refused: Mapping[str, str] = field(default_factory=dict)


def header_map(grid: SheetGrid, row: int, spec: TabSpec) -> HeaderMap:
    """Column of each field on ``row``, by its exact header or else by a header that
    carries a note ("Target (end of Q)"); the first column wins a duplicated header."""
    aliases = _aliases(tuple(spec.columns.items()))
    found: dict[str, int] = {}
    warnings: list[tuple[str, str]] = []
    ambiguous: dict[str, str] = {}
    loose: dict[str, list[int]] = {}
    owned_twice: dict[str, list[int]] = {}  # an owned field's columns, when it has two
    legacy: dict[str, tuple[int, str]] = {}  # found as read until 2026-12-07 (％ dropped)
    cells = grid.rows[row - 1] if row <= grid.max_row else ()
    for col, cell in enumerate(cells, start=1):
        if cell is None:
            continue
        value = header_text(cell)
        name = aliases.get(normalise_header(value))
        if name is None and (old := header_key_before_signs(value)) in aliases:
            if aliases[old] not in _OWNED_FIELDS:  # the sync's own match exactly, as loose
                said = _signs_dropped(value, aliases[old], spec.columns[aliases[old]], old)
                legacy.setdefault(aliases[old], (col, said))  # an exact header wins: below
            continue
        if name is None:
            for key in loose_keys(value):
                near = aliases.get(key)
                if near is not None and near not in _OWNED_FIELDS:
                    loose.setdefault(near, []).append(col)
                    break
            continue
        if name in found and name in _OWNED_FIELDS:
            owned_twice.setdefault(name, [found[name]]).append(col)
            continue
        if name in found:
            warnings.append(
                (
                    a1(row, col),  # the column passed over (until 2026-12-07 the row's A)
                    f"column header {str(value).strip()!r} appears twice "
                    f"({a1(row, found[name])} and {a1(row, col)}); "
                    f"using {a1(row, found[name])}",
                )
            )
            continue
        found[name] = col
    for name, (col, said) in legacy.items():
        if name not in found:
            found[name] = col
            warnings.append((a1(row, col), said))
        else:  # "appears twice" before the fold; the exact header is used
            typed = str(header_text(cells[col - 1])).strip()
            used = str(header_text(cells[found[name] - 1])).strip()
            warnings.append(
                (
                    a1(row, col),
                    f"column {typed!r} matches the mapping's {name}: {used!r} only with its "
                    f"full-width % or # dropped; {a1(row, found[name])} {used!r} is used",
                )
            )
    exact = frozenset(found)
    for name, cols in loose.items():
        if name in found:
            continue
        label = spec.columns[name][0]
        if len(cols) == 1:
            # Read, but said: "Weight (old)" beside no Weight column changed every
            # objective's score without a word (2026-12-05).
            found[name] = cols[0]
            header = header_text(cells[cols[0] - 1]).strip()
            warnings.append(
                (
                    a1(row, cols[0]),
                    f"reading column {header!r} as {label}; "
                    f"name it {label!r} to say so, or rename it if it is not",
                )
            )
            continue
        headers = " and ".join(
            f"{header_text(cells[c - 1]).strip()!r} ({a1(row, c)})" for c in cols
        )
        ambiguous[name] = f"columns {headers} could each be {label}; name one of them {label!r}"
        warnings.append((a1(row, cols[0]), f"{ambiguous[name]} to use it"))  # not A
    by_note = frozenset(found) - exact  # what the loop above added
    refused: dict[str, str] = {}
    # last: the rows the sync writes are told by every input column, those found by their
    # note or as read until 2026-12-07 too (a row of them alone was read and written, but
    # taken for unwritten: a team's cell under a marked Status there was written over)
    rows = WrittenRows(grid, found, spec.example_prefix, _repeats_header(spec, cells))
    for name, cols in owned_twice.items():
        typed = str(header_text(cells[cols[0] - 1])).strip()
        chosen = owned_column(grid, row, typed, name, cols, rows, warnings)
        if isinstance(chosen, int):
            found[name] = chosen
            continue
        del found[name]  # not written: and never added, the team's cells are there
        refused[name] = f"column header {typed!r} appears {typed_times(row, cols)}{chosen}"
    return HeaderMap(found, warnings, ambiguous, by_note, refused)


def _repeats_header(
    spec: TabSpec, head: Sequence[CellValue]
) -> Callable[[Mapping[str, CellValue], Sequence[CellValue]], bool]:
    """Whether a row (its values by field, its cells) repeats the header row ``head``, as
    ``extract`` skips it (``repeats_header``)."""
    return lambda values, line: repeats_header(values, spec, line, head)


def _signs_dropped(header: str, field: str, alternatives: Sequence[str], key: str) -> str:
    """The warning of a header found as read until 2026-12-07 (``％`` dropped)."""
    named, typed = next(a for a in alternatives if normalise_header(a) == key), header.strip()
    return (
        f"column {typed!r} matches the mapping's {field}: {named!r} only with its full-width "
        f"% or # dropped, as headers were read until 2026-12-07; write {typed!r} in the "
        f"mapping ({field}: [{typed}])"
    )


def header_text(value: CellValue) -> str:
    """A header cell as the sheet shows it: a 2026 typed in a header cell is the number
    2026.0, which read as "2026.0" and matched no mapping's "2026" (until 2026-12-07)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@functools.lru_cache(maxsize=64)
def _aliases(columns: tuple[tuple[str, tuple[str, ...]], ...]) -> Mapping[str, str]:
    """Each field's normalised headers -> the field, made once a spec: a tab's header is
    sought on several rows, in every team (3,000 maps at 500 teams, ~60 headers each)."""
    return {normalise_header(a): name for name, alts in columns for a in alts}


#: Owned columns are written by the sync, so only their exact header finds them: a team's
#: own "Score (manual)" column must not be taken for the sync's Score and overwritten.
_OWNED_FIELDS = frozenset(OKR_OWNED + KPI_OWNED)
#: A note after the header: "Target (end of Q)", "Weight [%]". Matched on text with its
#: trailing spaces stripped, with no leading ``\s*``: that made a search of a cell of
#: spaces quadratic (a 32,000-character cell took 10 s).
_HEADER_NOTE = re.compile(r"[(\[][^()\[\]]*[)\]]$")
#: Full-width brackets (a CJK input method's ``Target（EUR）``), folded as NFKC folds them
#: before a note is sought: until 2026-12-07 such a note was none, and the column missing;
#: lenticular ``【】`` (white ``〖〗`` too) and tortoise-shell ``〔〕`` brackets, which such a
#: method types for a note as often and NFKC leaves as they are (``Target【EUR】`` missing
#: until 2026-12-07)
BRACKETS = str.maketrans(
    "\uff08\uff09\uff3b\uff3d\u3010\u3011\u3016\u3017\u3014\u3015", "()[][][][]"
)
#: Longer text is not a header with a note but a paragraph: its loose keys are not tried.
HEADER_CHARS = 200


def _loose_keys(value: CellValue) -> tuple[str, ...]:
    """Keys of a header with its note dropped: its first line ("Target\n(end of Q)") and
    the text before a trailing bracket ("Weight (%)", full-width "Target（EUR）"). Tried
    only when the whole header matches no alias, so an exact "Target" column wins over
    "Target (last year)"."""
    text = str(value).strip()
    if len(text) > HEADER_CHARS:
        return ()
    text = text.translate(BRACKETS)  # "Target（EUR）" is "Target(EUR)"; "【EUR】" "[EUR]"
    first = text.splitlines()[0].rstrip() if text else ""
    keys = (first, _HEADER_NOTE.sub("", text), _HEADER_NOTE.sub("", first))
    return tuple(dict.fromkeys(k for k in map(normalise_header, keys) if k))


def find_header(grid: SheetGrid, spec: TabSpec, source: str) -> tuple[int, HeaderMap]:
    """The tab's header row (the mapping's, or the one found in its first rows), with its
    ``header_map`` (the one made choosing it: a tab's read mapped its header row a third
    time, to the same map, until 2026-12-07); none is a ``LayoutError`` saying why."""
    if spec.header.row is not None:
        return spec.header.row, header_map(grid, spec.header.row, spec)
    limit = min(spec.header.search or 20, grid.max_row)
    required = set(spec.required_columns)
    # Of the rows holding every required header (notes allowed), the one with the most
    # exact headers: a hint row above the header ("Objective ID (O1, O2)", "Score (by
    # sync)") matches loosely, and taken for the header it had the sync add its own owned
    # columns while the team's real ones went stale (2026-12-05), also when the real
    # header has a note of its own ("Target (EUR)"). Only rows next to each other compete:
    # the rows under a header are its data, and a table further down (last quarter's,
    # with a Status column) beat the real header above it on a first sync.
    chosen: tuple[tuple[int, int, int], int, HeaderMap] | None = None
    best, best_row = 1, 0  # the row with the most required headers, if two or more
    for row in range(1, limit + 1):
        header = header_map(grid, row, spec)
        found = header.found
        if required <= found.keys():
            weight = _header_evidence(header, required)
            if chosen is None or weight > chosen[0]:  # the first row wins a tie
                chosen = (weight, row, header)
        elif chosen is not None:
            break
        elif len(required & found.keys()) > best:
            best, best_row = len(required & found.keys()), row
    if chosen is not None:
        return chosen[1], chosen[2]
    if best_row:  # a header row with a renamed column: say which, not "no header row"
        header = header_map(grid, best_row, spec)
        missing = [c for c in spec.required_columns if c not in header.found]
        raise LayoutError(
            missing_columns(spec, missing, header, grid, best_row), source=source, tab=grid.name
        )
    need = ", ".join(spec.columns[r][0] for r in spec.required_columns)
    if grid.max_row == 0 and grid.kind:
        message = (
            f"the tab is {grid.kind}, not a tab of cells (no header row with {need}): "
            f"rename it, and keep the data in a plain tab named {as_typed(grid.name)}"
        )
    elif grid.max_row == 0:
        message = f"the tab is empty (no header row with {need})"
    elif grid.max_row == 1:
        message = f"no header row with {need} in its only row"
    elif limit < grid.max_row:
        message = f"no header row with {need} in the first {limit} rows"
    else:
        message = f"no header row with {need} in any of its {limit} rows"
    row = _header_with_errors(grid, spec, limit)
    errors = _error_cells(grid, row) if row else []
    raise LayoutError(_with_error_cells(message, errors), source=source, tab=grid.name)


def _header_with_errors(grid: SheetGrid, spec: TabSpec, limit: int) -> int:
    """The row of the first ``limit`` that may be a header whose cells show errors (a
    header row made by formulas whose source was deleted: "no header row" did not say why,
    until 2026-12-06), or 0: a row of text and error values only (a data row holds
    numbers or dates), with the most required headers and error cells, the first of a tie.
    A row no wider than one above it is not a header: the header is the first row as wide
    as the table, and "Obj, Key result, Goal, Now" above "O1, KR1, #REF!, #REF!" made the
    data row's errors "which may be headers" (2026-12-06)."""
    best, best_row, widest = 0, 0, 0
    for row in range(1, limit + 1):
        cells = [v for v in grid.rows[row - 1] if not _blank_cell(v)]
        wider, widest = len(cells) > widest, max(widest, len(cells))
        errors = sum(isinstance(v, CellError) for v in cells)
        if not wider or not errors or not all(isinstance(v, str | CellError) for v in cells):
            continue
        found = header_map(grid, row, spec).found.keys() & set(spec.required_columns)
        if len(found) + errors > best:
            best, best_row = len(found) + errors, row
    return best_row


def _blank_cell(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_evidence(header: HeaderMap, required: set[str]) -> tuple[int, int, int]:
    """How surely a row is the header, by its exact headers: owned ones first (only their
    exact header finds them, and the sync wrote them beside the header it used), then
    required ones, then any."""
    names = header.found.keys() - header.by_note
    return len(names & _OWNED_FIELDS), len(names & required), len(names)


def missing_columns(
    spec: TabSpec, missing: list[str], header: HeaderMap, grid: SheetGrid, row: int
) -> str:
    """The error of a header row that lacks ``missing``, with the cells of the row that
    show an error value: a header made by a formula whose source was deleted shows
    ``#REF!``, and "missing column KR ID" alone did not say why (2026-12-06)."""
    message = f"missing column {looked_for(spec, missing, header)} in header row {row}"
    return _with_error_cells(message, _error_cells(grid, row))


def _error_cells(grid: SheetGrid, row: int) -> list[str]:
    """Each cell of ``row`` that shows an error value, as "B1 shows #REF!"."""
    cells = grid.rows[row - 1] if row <= grid.max_row else ()
    return [
        f"{a1(row, col)} shows {value.code}"
        for col, value in enumerate(cells, start=1)
        if isinstance(value, CellError)
    ]


def _with_error_cells(message: str, errors: list[str]) -> str:
    """``message`` naming the header cells that show errors, as headers to type as text."""
    if len(errors) == 1:
        return f"{message}; {errors[0]}, which may be the header: type it as text"
    if errors:
        more = len(errors) - _ERRORS_SHOWN
        listed = (
            f"{', '.join(errors[:-1])} and {errors[-1]}"
            if more <= 0
            else f"{', '.join(errors[:_ERRORS_SHOWN])} and {more:,} more cells show errors"
        )
        return f"{message}; {listed}, which may be headers: type them as text"
    return message


#: Error cells a missing column's message names; a row of them is said in a count.
_ERRORS_SHOWN = 3


def looked_for(spec: TabSpec, missing: list[str], header: HeaderMap) -> str:
    """Each missing field with the headers it has, or with the columns that could each
    be it (then "looked for 'Current'" was wrong: two columns were near it)."""
    return "; ".join(
        f"{spec.columns[m][0]} ({header.ambiguous[m]})"
        if m in header.ambiguous
        else f"{spec.columns[m][0]} (looked for {', '.join(repr(a) for a in spec.columns[m])})"
        for m in missing
    )


def repeats_header(
    values: Mapping[str, CellValue],
    spec: TabSpec,
    line: Sequence[CellValue] = (),
    head: Sequence[CellValue] = (),
) -> bool:
    """A row whose required columns hold their own headers: a section pasted with its
    header row, or one kept to print. Read as a key result it was an error in every
    column, and its owned headers ("Status") were overwritten with "Not scored". A row
    whose matched cells hold numbers (2025, 2026 under columns so headed) is a header
    only if it repeats the header row ``head``: a KPI's numbers were skipped as one
    (until 2026-12-07)."""
    numbers = False
    for name in spec.required_columns:
        cell = values.get(name)
        if cell is None:
            return False
        numbers = numbers or not isinstance(cell, str)
        value = header_text(cell)  # a 2026 typed as a number too (until 2026-12-07: text only)
        aliases = _field_aliases(spec.columns[name])
        if normalise_header(value) in aliases:
            continue
        if not any(k in aliases for k in loose_keys(value)):
            return False
    return not numbers or _repeats(line, head)


def _repeats(line: Sequence[CellValue], head: Sequence[CellValue]) -> bool:
    """Whether ``line`` holds each non-blank cell of the header row ``head``."""
    return all(
        i < len(line) and line[i] is not None and _same(line[i], h)
        for i, h in enumerate(head)
        if h is not None and str(h).strip()
    )


def _same(cell: CellValue, header: CellValue) -> bool:
    return normalise_header(header_text(cell)) == normalise_header(header_text(header))


@functools.lru_cache(maxsize=256)
def _field_aliases(alts: tuple[str, ...]) -> frozenset[str]:
    """One field's normalised headers: ``repeats_header`` asks for them on every row."""
    return frozenset(map(normalise_header, alts))


#: ``_loose_keys`` of a text, cached: ``repeats_header`` asks it of every row's ID ("O1",
#: "KR1.2"), the same few hundred texts in every team, and ``header_map`` of each cell no
#: alias names, on each row it looks at (a tab's first rows, alike in every team)
_cached_loose_keys = functools.lru_cache(maxsize=8192)(_loose_keys)


def loose_keys(text: str) -> tuple[str, ...]:
    """A header's keys with its note dropped (``_loose_keys``), cached for a text no
    longer than a header: a paragraph is not kept in the cache (its stripped text may be
    a header all the same). For ``header_map``, ``repeats_header`` and the owned columns'
    renamed-header warning (``room.renamed_warnings``)."""
    return _cached_loose_keys(text) if len(text) <= HEADER_CHARS else _loose_keys(text)
