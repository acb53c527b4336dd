"""Old owned columns the sync no longer writes, said once a tab every run.

Someone types over the Score header ("Score Q3") or merges R1:T1 after a night: the
sync no longer finds those owned columns by their header, adds new ones at the right,
and the old ones keep that night's values, which look current. Until 2026-12-06 nothing
said so. The signal is the cells themselves: the sync writes the owned columns it adds in
one group, in their order, so an owned column that sits right of a later one of its group
(Score right of Expected) was added on a later night, and a column left of them whose
header reads like that owned header with more text ("Score (old)") or is hidden under a
merged owned header, and whose cells in the rows the sync writes all hold what that owned
column holds (a score or an expected pace from 0 to 1, a status word, a trend word, a
variance number, a note), is what it left behind. A team's own "Score (manual)" or
"Status (manager)" beside owned columns in their order is not said, nor is a column
renamed to anything else ("Notes"): neither can be told from a team's own
(docs/mappings.md).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence

from sheets_sync.domain.models import Finding, KPIStatus, Severity, Status, Trend
from sheets_sync.grid import CellRange, CellValue, SheetGrid, a1, column_letter, column_spans
from sheets_sync.mapping.fields import normalise_header
from sheets_sync.mapping.header import HEADER_CHARS
from sheets_sync.mapping.spec import TabSpec

_STATUSES = frozenset(normalise_header(s.value) for s in (*Status, *KPIStatus))
_TRENDS = frozenset(normalise_header(t.value) for t in Trend)


def stale_owned_warning(
    grid: SheetGrid,
    spec: TabSpec,
    header_row: int,
    last_input: int,
    owned_at: Mapping[str, int],
    rows: Sequence[int],
    source: str,
) -> Finding | None:
    """One warning naming the columns right of ``last_input`` that look like the sync's
    old owned columns; ``owned_at``: the column each owned field is written to tonight
    (found or added), ``rows``: the rows the sync writes."""
    taken = set(owned_at.values())
    moved = _moved(owned_at)
    if not moved:  # every owned column in its order: nothing was typed or merged over
        return None
    # merges over the header row only, by the columns they hide, made once: a tab may
    # hold thousands of merges, and a scan of them per column took 4 s for 16,000 columns
    over = _HeaderMerges(grid, header_row)
    old: list[tuple[int, str]] = []
    checked = 0
    for col in range(last_input + 1, grid.max_col + 1):
        if col in taken:
            continue
        fields, said = _header_evidence(grid, spec, header_row, col, owned_at, moved, over)
        if not fields:  # the cells are read only under a header that may be owned
            continue
        checked += 1
        if checked > _CHECKED:
            break
        if any(_holds(grid, col, rows, f) for f in fields):
            old.append((col, said))
    if not old:
        return None
    one = len(old) == 1
    names = ", ".join(said for _, said in old[:_SHOWN])
    if len(old) > _SHOWN:
        names += f" and {len(old) - _SHOWN:,} more"
    written = sorted((c, n) for n, c in owned_at.items())
    headers = ", ".join(spec.columns[n][0] for _, n in written)
    return Finding(
        Severity.WARNING,
        f"{'column' if one else 'columns'} {names} {'looks' if one else 'look'} like "
        f"{'an old owned column' if one else 'old owned columns'} the sync no longer "
        f"writes (it writes {headers} in {spans(c for c, _ in written)}), still holding "
        f"{'its' if one else 'their'} last values: delete {'it' if one else 'them'} if so, "
        f"or give {'it a header' if one else 'them headers'} of your own",
        source,
        grid.name,
        a1(header_row, old[0][0]),
    )


#: Columns whose cells are looked at, at most: a tab of 2,000 columns headed "Score 1",
#: "Score 2", ... each of 1,000 numbers took 18 s; an old owned group is 4 columns.
_CHECKED = 16
#: Old columns the warning names; more are counted.
_SHOWN = 4


def _holds(grid: SheetGrid, col: int, rows: Sequence[int], field: str) -> bool:
    """Whether ``col`` holds a value in one of ``rows``, and in each only what the sync
    writes in ``field``'s column."""
    found = False
    for r in rows:
        cells = grid.rows[r - 1]
        value = cells[col - 1] if col <= len(cells) else None
        if _blank(value):
            continue
        if not _fits(field, value):
            return False
        found = True
    return found


def _moved(owned_at: Mapping[str, int]) -> dict[str, int]:
    """Each owned field written right of an owned field that comes after it in
    ``owned_at``'s order (Score right of Expected: added on a later night than Expected,
    the sync writes a group in that order), with the leftmost such later field's column:
    a column left of it may be the field's old column."""
    order = list(owned_at)
    moved: dict[str, int] = {}
    for i, name in enumerate(order):
        before = [owned_at[g] for g in order[i + 1 :] if owned_at[g] < owned_at[name]]
        if before:
            moved[name] = min(before)
    return moved


def _header_evidence(
    grid: SheetGrid,
    spec: TabSpec,
    row: int,
    col: int,
    owned: Iterable[str],
    moved: Mapping[str, int],
    over: _HeaderMerges,
) -> tuple[tuple[str, ...], str]:
    """The owned fields the header of ``col`` may have been (of those ``moved`` right of
    it), and how the column is named in the warning: ``R ('Score Q3')``, ``S (under the
    merged header R1:T1)``."""
    letter = column_letter(col)
    head = grid.value(row, col)
    could = [name for name, left in moved.items() if col < left]
    if isinstance(head, str):
        field = _resembles(head, spec, could)
        return ((field,) if field else ()), f"{letter} ({head.strip()!r})"
    if head is not None or not could:
        return (), letter
    merge = over.hiding(col)
    if merge is None:
        return (), letter
    anchor = grid.value(merge.min_row, merge.min_col)
    if not isinstance(anchor, str) or not (
        _resembles(anchor, spec, owned) or _is_owned(anchor, spec, owned)
    ):
        return (), letter
    shown = f"{a1(merge.min_row, merge.min_col)}:{a1(merge.max_row, merge.max_col)}"
    return tuple(could), f"{letter} (under the merged header {shown})"


def _resembles(text: str, spec: TabSpec, owned: Iterable[str]) -> str | None:
    """The owned field whose header ``text`` is with more text after it ("Score Q3",
    "Status (old)"), if any; an exact header would have found the column."""
    if len(text) > HEADER_CHARS:
        return None
    text = text.strip()
    # the text before each word break: "Scorecard link" is not Score with more text
    starts: set[str] = set()
    key = ""
    for c in text:
        if key and not c.isalnum():
            starts.add(key)
        key += normalise_header(c)
    for name in owned:
        for alias in spec.columns[name]:
            start = normalise_header(alias)
            if start and start in starts and key != start:
                return name
    return None


def _is_owned(text: str, spec: TabSpec, owned: Iterable[str]) -> bool:
    key = normalise_header(text)
    return any(key == normalise_header(a) for name in owned for a in spec.columns[name])


class _HeaderMerges:
    """The merges over one row, sorted by their first column once: which hides a cell is
    a binary search, not a scan of every merge per column (16,000 columns and 8,000
    merges took 4 s)."""

    def __init__(self, grid: SheetGrid, row: int) -> None:
        self._merges = sorted(
            (m for m in grid.merged if m.min_row <= row <= m.max_row), key=lambda m: m.min_col
        )
        self._starts = [m.min_col for m in self._merges]

    def hiding(self, col: int) -> CellRange | None:
        """The merge that hides ``col``'s cell under another cell's value (merges do not
        overlap: the last to start left of ``col`` is the only one that can)."""
        at = bisect_left(self._starts, col) - 1
        if at >= 0 and col <= self._merges[at].max_col:
            return self._merges[at]
        return None


def _fits(field: str, value: CellValue) -> bool:
    """Whether the sync writes ``value`` in ``field``'s column."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return field == "variance" or (field in ("score", "expected") and 0 <= value <= 1)
    if field == "status":
        return isinstance(value, str) and normalise_header(value) in _STATUSES
    if field == "trend":
        return isinstance(value, str) and normalise_header(value) in _TRENDS
    # only a sync note is free text: "ship v2" under "Expected outcome" is no Expected
    return field == "sync_notes" and isinstance(value, str)


def _blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def spans(cols: Iterable[int]) -> str:
    """``J:M`` for 10..13, ``J, L`` for 10 and 12."""
    return ", ".join(
        column_letter(a) if a == b else f"{column_letter(a)}:{column_letter(b)}"
        for a, b in column_spans(sorted(cols))
    )
