"""A key result whose ID names another objective than the one it is read under (rows
layout; objective blocks: a key result in another's block, ``blocks``): ``O2.2`` filled
down under ``O1`` after a sort by owner, or after O2's first row
(the one with its objective ID) was deleted. The fill-down rule stands (the row is scored
under the objective it sits under, docs/mappings.md); until 2026-12-07 nothing said so,
and O2 dropped out of the rollup without a word.

An ID names an objective when it extends one of the tab's objective IDs as the template
numbers key results (``O2.2``, ``O2-KR1``, ``O2 KR 1``, ``O2a``; ``KR O2.1`` too), the
longest such ID: ``O10.1`` does not name ``O1``. Or, when the tab numbers its key results
so (some key result extends the objective it sits under) and no row names that objective
any more, an ID part before its last separator shaped as the tab's objective IDs are
and numbered among them (``O2`` of ``O2.2`` beside ``O1`` and ``O3``, or beside ``O1``
alone; not ``O10`` beside ``O1`` and ``O2``). ``KR1``, ``1.2`` beside ``O1``, and prefixes
that are no objective ID nor shaped and numbered as one say nothing."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping, Sequence

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import Finding, Severity
from sheets_sync.domain.values import CellValueError, parse_text
from sheets_sync.grid import CellValue, SheetGrid, a1

#: a key result's word before the objective's ID (``KR O2.1``, ``KR-O2.1``)
_KR_WORD = re.compile(r"^(?:kr|key result)[\s._#:-]*(?=\S)")
#: the separators a key result's number follows its objective's ID by, before its word
#: (``kr``, ``key result``) and after it (``#`` too), and the characters of that number
_BEFORE_WORD = frozenset("._-")
_AFTER_WORD = frozenset("._#-")
_NUMBER = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
_WORDS = ("kr", "key result")
#: an objective ID's shape: its letters (the stem) and its number, of up to 15 digits (an
#: ID of 5,000 digits, past int()'s 4,300, failed the team until 2026-12-07)
_SHAPE = re.compile(r"^([^\d\s]*)\s*(\d{1,15})$")


#: the longest ID (as a key) looked at: an objective's ID is a few characters, and the
#: lookups below take each prefix of a key result's (a KR ID of 30,000 characters took
#: 2.5 s a row in ``_shaped``'s regex until 2026-12-07, a file of such rows minutes)
_ID_CHARS = 100


_KEPT_CHARS = 4 * _ID_CHARS  # the longest typed ID ``_text_key`` keeps (spaces around it)


def _text(value: CellValue) -> str | None:
    """An ID cell's key (``id_key``), or None: blank, in error, or past ``_ID_CHARS``."""
    if isinstance(value, str) and len(value) <= _KEPT_CHARS:
        return _text_key(value)
    return _key(value)  # not kept: 4,096 cells of 32,767 characters would hold 268 MB


@functools.lru_cache(maxsize=4096)
def _text_key(value: str) -> str | None:
    """A typed ID's key, kept across tabs and teams: most number their key results as
    the template does (``O1.1``, ``O1.2``), the same IDs in every workbook (until
    2026-12-07 each read again, row by row, team by team: about a third of this check's
    time on a 500-team first night)."""
    return _key(value)


def _key(value: CellValue) -> str | None:
    try:
        text = parse_text(value)
    except CellValueError:  # an error cell: the row's own finding
        return None
    key = None if text is None else id_key(text)
    return key if key is None or len(key) <= _ID_CHARS else None


def _extends(kr_id: str, objective_id: str) -> bool:
    """``o2.2``, ``o2-kr1``, ``o2 kr 1``, ``o2a`` extend ``o2``; ``o20.1`` does not."""
    if len(kr_id) <= len(objective_id) or not kr_id.startswith(objective_id):
        return False
    last, rest = objective_id[-1], kr_id[len(objective_id)]
    return not (last.isdigit() and rest.isdigit()) and not (last.isalpha() and rest.isalpha())


def _named(kr_id: str, objectives: Collection[str]) -> str | None:
    """The longest of ``objectives`` (keys) that ``kr_id`` (a key) extends, if any: its
    prefixes looked up, not each objective tried (a tab of 1,000 objectives)."""
    for text in dict.fromkeys((kr_id, _KR_WORD.sub("", kr_id))):
        for end in range(len(text) - 1, 0, -1):
            if text[:end] in objectives and _extends(text, text[:end]):
                return text[:end]
    return None


def _shaped(kr_id: str, stems: Mapping[str, int]) -> str | None:
    """The part of ``kr_id`` before its key result's number when it is shaped as the
    tab's objective IDs and numbered among them, up to one past the last (``o2`` of
    ``o2.2`` where they are ``o1``, ``o3``; not ``o10`` of ``o10.1`` beside ``o1``)."""
    part = _last_part(_KR_WORD.sub("", kr_id))
    shape = _SHAPE.fullmatch(part) if part is not None else None
    if part is None or shape is None or shape.group(1) not in stems:
        return None
    return part if int(shape.group(2)) <= stems[shape.group(1)] + 1 else None


def _last_part(text: str) -> str | None:
    """What the regex ``(.+?)[\\s._-]*(?:kr|key result)?[\\s._#-]*[0-9a-z]+`` takes as its
    group, matching all of ``text``: the shortest start (no line break in it) whose rest is
    separators, a key result's word, separators and its number. Which rests match is read
    once from the end: that regex tried each start again, each split of the separators
    (cubic: 4,000 rows of a KR ID ``a``, 98 spaces and ``!`` took 23 s, until a review on
    2026-12-07)."""
    size = len(text)
    # rest[j]: text[j:] is a rest; tail[j]: text[j:] is separators (``#`` too) and a number
    tail = [False] * (size + 1)
    rest = [False] * (size + 1)
    number = True  # text[j:] is the number's characters alone (and j < size)
    for j in range(size - 1, -1, -1):
        char = text[j]
        number = number and char in _NUMBER
        tail[j] = number or ((char.isspace() or char in _AFTER_WORD) and tail[j + 1])
        worded = any(text.startswith(w, j) and tail[j + len(w)] for w in _WORDS)
        rest[j] = tail[j] or worded or ((char.isspace() or char in _BEFORE_WORD) and rest[j + 1])
    line = text.find("\n")
    last = size - 1 if line < 0 else min(line, size - 1)
    start = next((i for i in range(1, last + 1) if rest[i]), None)
    return None if start is None else text[:start]


def named_elsewhere(
    records: Sequence[tuple[int, Mapping[str, CellValue], Mapping[str, str]]],
    grid: SheetGrid,
    column: int,
    source: str,
    blocks: bool = False,
    headers: Collection[int] = (),
) -> list[Finding]:
    """A warning on each key result (row, filled values, cells) whose KR ID names another
    objective than its (filled) objective ID; ``column``: the Objective ID column, whose
    blank on the row says where its ID was filled down from. ``blocks``: objective blocks,
    ``records`` the objective rows too, ``headers`` their rows (a key result whose ``#``
    reads empty, blank or an error, is none: "its row" named it until 2026-12-07),
    ``column`` the ``#`` one; a key result names its objective's row (not looked at until
    2026-12-07)."""
    typed: dict[str, str] = {}  # key -> as typed, in the tab's order
    keys: dict[CellValue, str | None] = {}  # each Objective ID value's key (filled down)
    rows = []
    for row, values, cells in records:
        value = values.get("objective_id")
        objective = keys[value] if value in keys else keys.setdefault(value, _text(value))
        if objective and objective not in typed:
            typed[objective] = str(parse_text(value)).strip()
        rows.append((row, _text(values.get("kr_id")), objective, values.get("kr_id"), cells))
    objectives = typed.keys()
    #: no objective ID starts another's (O1 and O1a): a key result that extends its own
    #: objective's names no other, looked up no further (most rows)
    plain = not any(_named(o, objectives) for o in objectives)
    numbered = any(k and o and _named(k, {o}) for _, k, o, _, _ in rows)
    stems: dict[str, int] = {}  # each objective ID stem's highest number
    for m in (_SHAPE.fullmatch(o) for o in objectives):
        if m is not None:
            stems[m.group(1)] = max(stems.get(m.group(1), 0), int(m.group(2)))
    findings: list[Finding] = []
    above = 0  # the last row whose Objective ID was typed
    for row, kr_id, objective, shown, cells in rows:
        own = row in headers if blocks else grid.value(row, column) not in (None, "")
        above = row if own else above
        if not kr_id or not objective or (plain and _extends(kr_id, objective)):
            continue
        name, gone = _named(kr_id, objectives), ""
        if name is None and numbered and _named(kr_id, {objective}) is None:
            name = _shaped(kr_id, stems)
            gone = ", which no row of this tab names as its objective"
            gone += " (its first row deleted or hidden?)"
        if name is None or name == objective:
            continue
        named_as, under = typed.get(name, name.upper()), typed[objective]
        fix = f"type {named_as} in its Objective ID cell if it belongs to {named_as}"
        if blocks:
            said = (
                f"sits under objective {under} (its row {above}), but its ID names "
                f"{named_as}{gone}; it is scored under {under}, the objective row above it "
                "(a sort or a deleted row moves key results away from their objective's row)"
            )
            fix = f"move its row under {named_as}'s if it belongs to {named_as}"
            if gone:  # no row of O2's to move it under
                fix = f"add (or unhide) {named_as}'s objective row above it"
        elif own:
            said = f"has objective ID {under}, but its ID names {named_as}{gone}"
            said += f"; it is scored under {under}"
        else:
            said = (
                f"sits under objective {under}"
                + (f" (filled down from {a1(above, column)})" if above else "")
                + f", but its ID names {named_as}{gone}; it is scored under {under}, as a "
                "blank Objective ID takes the one above (a sort or a deleted row moves key "
                "results away from their objective's first row)"
            )
        findings.append(
            Finding(
                Severity.WARNING,
                f"key result {str(parse_text(shown)).strip()} {said}: {fix}, or renumber it",
                source,
                grid.name,
                (cells.get("kr_id") if blocks else cells.get("objective_id")) or a1(row, column),
                row=row,
            )
        )
    return findings
