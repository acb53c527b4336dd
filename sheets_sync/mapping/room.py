"""Where the owned columns a tab lacks are added (right of the team's cells, of merges on
the rows the sync writes, and of columns hidden by hand), whether there is room, and the
warning on owned columns no one sees. Pure, as ``extract``, which calls it."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sheets_sync.domain.models import Finding, Severity
from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellRange, SheetGrid, a1, column_letter, column_spans
from sheets_sync.mapping.fields import normalise_header
from sheets_sync.mapping.header import BRACKETS, HEADER_CHARS, header_text, loose_keys
from sheets_sync.mapping.spec import TabSpec

if TYPE_CHECKING:
    from sheets_sync.mapping.extract import TabLayout

#: a note's brackets once ``header.BRACKETS`` folded the full-width and CJK ones to these
_OPENING = ("(", "[")
_CLOSING = (")", "]")
#: columns of the smaller sheet grid (Excel's, to XFD; Google Sheets allows 18,278)
MAX_COLUMNS = 16_384


def check_room(layout: TabLayout, spec: TabSpec, source: str, merge: CellRange | None) -> None:
    """Owned columns a layout lacks go right of the last used column: a stray cell far
    right (a note in XFD1) left them no room, and the write failed as an internal error
    with a traceback (``XFE1: outside the worksheet grid``) every night. A merge on a row
    the sync writes that reaches the last column leaves none either: the error names it."""
    if layout.missing_owned and layout.first_free_col + len(layout.missing_owned) - 1 > MAX_COLUMNS:
        names = ", ".join(spec.columns[o][0] for o in layout.missing_owned)
        last = a1(layout.header_row, layout.first_free_col - 1).rstrip("0123456789")
        if merge is not None:
            message = (
                f"no room for the columns {names}: the merged cells {merge} reach the last "
                f"column {last} on a row the sync writes; unmerge them, or add the columns by hand"
            )
        else:
            message = (
                f"no room for the columns {names} right of the last used column {last}; add "
                "them by hand, or delete the stray cells far right of the data"
            )
        raise LayoutError(message, source=source, tab=layout.tab)


def first_free_col(
    grid: SheetGrid, columns: Mapping[str, int], written: Sequence[int], count: int
) -> tuple[int, CellRange | None]:
    """Where ``count`` added owned columns start, and the merge that pushed them past the
    last column if one did: right of every cell the team filled, and of every merge that
    crosses a row the sync writes (``written``, sorted: the header row and the records')
    where the added cells would be. A merge's other cells hold no value, so the grid ends
    at its first column: a comment merged across Q3:T3 put Score, Expected and Status in
    R3:T3, under the merge, where no one saw them (before 2026-12-06). A section row or a
    footer merged across the sheet (A5:XFD5) on a row the sync never writes moves nothing:
    it pushed the columns past XFD, an error every night, or a footer A9:Z9 to AA."""
    start = max(grid.max_col, grid.used_cols, max(columns.values(), default=0)) + 1
    crossing = [m for m in grid.merged if _crosses(m, written)]
    start, blocker = _right_of(start, count, crossing)
    if blocker is None:
        start = _visible_place(grid, start, count, crossing)
    return start, blocker


def _right_of(start: int, count: int, boxes: Sequence[CellRange]) -> tuple[int, CellRange | None]:
    """The first of ``count`` columns from ``start`` on that none of ``boxes`` reaches
    into, and the box that pushed them past the last column if one did."""
    while count:
        hit = [m for m in boxes if m.max_col >= start and m.min_col < start + count]
        if not hit:
            break
        blocker = max(hit, key=lambda m: m.max_col)
        start = blocker.max_col + 1
        if start + count - 1 > MAX_COLUMNS:
            return start, blocker
    return start, None


def _visible_place(grid: SheetGrid, start: int, count: int, merges: Sequence[CellRange]) -> int:
    """``start``, or right of the columns hidden by hand it would put added columns in
    (``<col hidden="1">``, a width of 0): there no one saw Score, Expected and Status, and
    no warning said so (before 2026-12-06). Where hidden columns reach the last column
    there is no room right of them: ``start`` it stays (``hidden_warning`` says so)."""
    if not grid.hidden_cols or not count:
        return start
    hidden = [CellRange(1, a, 1, b) for a, b in grid.hidden_cols]
    moved, blocker = _right_of(start, count, [*merges, *hidden])
    return start if blocker is not None else moved


def hidden_warning(layout: TabLayout, grid: SheetGrid, source: str) -> Finding | None:
    """One warning for the tab naming its owned columns, present or added tonight, that
    sit in hidden columns: no one sees the results there. Every run and ``validate`` say
    it (until 2026-12-06 only the night the columns were added, into hidden columns that
    reach XFD, did; a sheet synced before then kept them hidden without a word)."""
    at = sorted((layout.column_of(name), name) for name in layout.owned)
    unseen = [(c, n) for c, n in at if any(a <= c <= b for a, b in grid.hidden_cols)]
    if not unseen:
        return None
    kept = [layout.owned_headers[n] for c, n in unseen if n in layout.columns]
    added = [layout.owned_headers[n] for c, n in unseen if n not in layout.columns]
    said = [f"the owned columns {', '.join(kept)}"] if kept else []
    said += [f"the added columns {', '.join(added)}"] if added else []
    room = " (no room right of them)" if added else ""
    return Finding(
        Severity.WARNING,
        f"{' and '.join(said)} {'is' if len(unseen) == 1 else 'are'} in hidden "
        f"{'column' if len(unseen) == 1 else 'columns'} {_spans([c for c, _ in unseen])}"
        f"{room}; unhide the columns to see the results",
        source,
        layout.tab,
        a1(layout.header_row, unseen[0][0]),
    )


def _like(text: str, key: str) -> bool:
    """Whether a header ``text`` is an owned header (normalised ``key``) with more after
    it: a note ("Score (auto)", "Score\n(by sync)") or a sign ("Score %"), not another
    word ("Status comment", "Scorecard")."""
    if key in loose_keys(text):
        return True
    typed = normalise_header(text)
    if typed != key and typed.startswith(key) and not typed[len(key)].isalnum():
        return True
    return _nested_note(text, key)


def _nested_note(text: str, key: str) -> bool:
    """Whether ``text`` is the header ``key`` with a note holding brackets of its own
    ("Score (auto (by sync))", "Score [(auto)]"): the text before its first bracket, when
    it ends in one. ``loose_keys`` drops only a note with no brackets inside, so such a
    renamed Score got a new one at the end without a word (until 2026-12-07). The note
    is one: its first bracket closes at the last character, depth counted from it, not
    before ("Score (H1) vs target (H2)", "Score [old] / Score [new]" are a team's own
    columns, warned of every night until a review on 2026-12-07)."""
    text = text.translate(BRACKETS)  # one bracket table: header's (【】 〖〗 〔〕 too)
    if len(text) > HEADER_CHARS or not text.endswith(_CLOSING):
        return False
    at = min((i for i in map(text.find, _OPENING) if i >= 0), default=-1)
    if at <= 0 or normalise_header(text[:at]) != key:
        return False
    depth = 0
    for i in range(at, len(text)):
        depth += (text[i] in _OPENING) - (text[i] in _CLOSING)
        if depth <= 0:
            return depth == 0 and i == len(text) - 1
    return False


def renamed_warnings(layout: TabLayout, grid: SheetGrid, source: str) -> list[Finding]:
    """A warning for each owned column added tonight beside a header that is its header
    with more after it: the sync takes only a column headed exactly so (a team's own
    "Score (manual)" is never written), so a Score renamed "Score (auto)" by hand got a
    new Score column at the end without a word, and kept its old scores, no longer
    written, for whatever formula read them (until 2026-12-07). A night that writes
    nothing says the column "would be added" (``unwritten``)."""
    row = grid.rows[layout.header_row - 1] if layout.header_row <= len(grid.rows) else ()
    found: list[Finding] = []
    for name in layout.missing_owned:
        header = layout.owned_headers[name]
        key = normalise_header(header)
        for col, value in enumerate(row, start=1):
            if value is None or col in layout.columns.values():
                continue
            typed = header_text(value).strip()
            if not typed or not _like(typed, key):
                continue
            added = a1(layout.header_row, layout.column_of(name))
            found.append(
                Finding(
                    Severity.WARNING,
                    f"{typed!r} is not written by the sync (only {header!r} is); {header} "
                    f"is added at {added}. If {typed!r} was the sync's column, rename it "
                    f"{header!r} and delete {added}; if it is yours, nothing to do.",
                    source,
                    layout.tab,
                    a1(layout.header_row, col),
                )
            )
            break
    return found


#: a renamed-header warning as a night that writes says it (``renamed_warnings``), in its
#: three parts: the header typed and the sync's, each quoted as ``repr`` quotes it, are
#: read to their closing quote, so a note in the typed header holding the warning's words
#: ("Score (x is added at J1. If y)") is quoted as typed (until a review on 2026-12-07
#: its words were rewritten). Read, not matched by a regex: ``(.*) is not written ...
#: (?P=typed)`` backtracked over a header repeating the warning's words at Excel's
#: 32,767-character cell limit for 37 s on each dry run and ``validate`` (until 2026-12-07).
_NOT_WRITTEN = " is not written by the sync (only "
_IS = " is); "
_TAIL = "; if it is yours, nothing to do."


def _quoted_end(text: str, start: int) -> int | None:
    """The end of the ``repr`` of a string at ``start`` of ``text`` (past its closing
    quote; a backslash escapes the character after it), None if there is none."""
    quote = text[start : start + 1]
    if quote not in ("'", '"'):
        return None
    at = start + 1
    while at < len(text):
        char = text[at]
        if char == "\\":
            at += 2
        elif char == quote:
            return at + 1
        else:
            at += 1
    return None


def _added_parts(message: str) -> tuple[str, str, str, str] | None:
    """(typed, ours, name, at) of a renamed-header warning as a night that writes says
    it, None for any other message. Linear: each part is read once, then the whole
    message checked against the one the parts make."""
    typed_end = _quoted_end(message, 0)
    if typed_end is None or not message.startswith(_NOT_WRITTEN, typed_end):
        return None
    ours_start = typed_end + len(_NOT_WRITTEN)
    ours_end = _quoted_end(message, ours_start)
    if ours_end is None or not message.startswith(_IS, ours_end) or not message.endswith(_TAIL):
        return None
    body = message[: -len(_TAIL)]
    digits = len(body.rstrip("0123456789"))
    letters = len(body[:digits].rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if not letters < digits < len(body):
        return None
    typed, ours, at = message[:typed_end], message[ours_start:ours_end], body[letters:]
    tail = (
        f" is added at {at}. If {typed} was the sync's column, rename it {ours} "
        f"and delete {at}{_TAIL}"
    )
    name_start = ours_end + len(_IS)
    if len(message) - len(tail) < name_start or not message.endswith(tail):
        return None
    return typed, ours, message[name_start : len(message) - len(tail)], at


def unwritten(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """``findings`` as a night that writes nothing says them (a dry run, write-back off):
    a renamed-header warning's column "would be added", and renaming the old one back
    adds none (the finding is made, and cached, as a writing night says it)."""
    out = []
    for f in findings:
        said = "is not written by the sync (only" in f.message
        if said and f.severity is Severity.WARNING and (parts := _added_parts(f.message)):
            typed, ours, name, at = parts
            message = (
                f"{typed} is not written by the sync (only {ours} is); {name} would be "
                f"added at {at}. If {typed} was the sync's column, rename it {ours} and "
                "none is added; if it is yours, nothing to do."
            )
            out.append(replace(f, message=message))
        else:
            out.append(f)
    return tuple(out)


def _spans(cols: Sequence[int]) -> str:
    """``J:M`` for 10..13, ``J, L`` for 10 and 12."""
    return ", ".join(
        column_letter(a) if a == b else f"{column_letter(a)}:{column_letter(b)}"
        for a, b in column_spans(cols)
    )


def _crosses(merge: CellRange, rows: Sequence[int]) -> bool:
    """Whether ``merge`` spans one of ``rows`` (sorted)."""
    at = bisect_left(rows, merge.min_row)
    return at < len(rows) and rows[at] <= merge.max_row
