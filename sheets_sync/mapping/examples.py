"""Example rows: the template's grey example row, and the rows the reader skips as one.

Pure: a row's values as ``extract`` cut them, and the mapping's ``example_prefix``.
"""

from __future__ import annotations

from collections.abc import Mapping

from sheets_sync.domain.celltext import INVISIBLE
from sheets_sync.domain.models import Finding, Severity
from sheets_sync.domain.values import QUOTED_CHARS, printable
from sheets_sync.grid import CellValue, a1
from sheets_sync.mapping.blocks import blank

#: the cells that make a row an example when they start with the prefix: its IDs and
#: descriptions (a key result's, a KPI's)
NAMED = ("kr_id", "id", "key_result", "name")


def starts(value: CellValue, prefix: str) -> bool:
    """``value`` is text that starts with the word ``prefix``: ``Example:``, ``Example
    row``, ``example-2``, ``Example1``, ``Example_1``, not ``Examples gallery`` or
    ``Exampled`` (a letter after a prefix that ends in one goes on the word; such rows
    were skipped as examples without a word until 2026-12-07; for a day after, a digit or
    ``_`` did too, and ``Example1`` rows, examples before, were read as key results). A
    prefix ending in no letter (``e.g.``) needs no boundary. Zero-width characters
    (``celltext.INVISIBLE``, pasted with the text: ``\\u200bExample:``) are dropped first."""
    if not isinstance(value, str):
        return False
    if not value.isascii():  # every row's IDs and names: ASCII ones need no translate
        value = value.translate(INVISIBLE)
    text, word = value.strip().lower(), prefix.lower()
    if not text.startswith(word):
        return False
    after = text[len(word) : len(word) + 1]
    return not (after.isalpha() and word[-1:].isalpha())


def is_example(values: Mapping[str, CellValue], prefix: str) -> bool:
    """An ID or description that starts with the prefix, or a Comment that does on a row
    with neither: a row the team typed its own key result over, leaving the template's
    Comment (`Example row: overwrite or delete it`), is theirs (until 2026-12-07 it was
    skipped without a word, and the rows filled down from it lost their objective). A
    cell of spaces is blank, as everywhere: cleared so, the row was read as a key result
    with no ID (until 2026-12-07)."""
    named = [values.get(key) for key in NAMED]
    # hot (every row): only a text can start with the prefix, and most cells are blank
    if any(starts(value, prefix) for value in named if isinstance(value, str)):
        return True
    comment = values.get("comment")
    return isinstance(comment, str) and starts(comment, prefix) and all(map(blank, named))


def quoted(value: str) -> str:
    """A cell's text as a message quotes it: whole when short, else its start."""
    text = value.strip()
    if len(text) > QUOTED_CHARS:
        return f'"{printable(text[:QUOTED_CHARS])}..."'
    return f'"{printable(text)}"'


def example_left(
    values: Mapping[str, CellValue],
    columns: Mapping[str, int],
    row: int,
    prefix: str,
    where: tuple[str, str],
) -> list[Finding]:
    """A warning on the objective cell of a row that is read while it still holds the
    template's example objective: a team that typed its key result over the example row
    and left the objective cells published ``Example: customers love our support`` (O0,
    aligned to C1) as its own goal without a word (until 2026-12-07)."""
    value = values.get("objective")
    if not isinstance(value, str) or not starts(value, prefix) or "objective" not in columns:
        return []
    source, tab = where
    return [
        Finding(
            Severity.WARNING,
            f"the objective is still the template's example ({quoted(value)}); type your "
            "own over it",
            source,
            tab,
            a1(row, columns["objective"]),
            row=row,
        )
    ]


#: the IDs of the template's example rows (``template.spec``), as ``casefold`` leaves them
TEMPLATE_IDS = frozenset({"o0", "o0.1", "kpi-0"})
#: the cells a team types its own over the example row: IDs and descriptions
OWN = ("objective_id", "objective", "kr_id", "key_result", "id", "name")


def _own(value: CellValue, prefix: str) -> bool:
    """A cell the team typed: not blank, not the example's (its prefix, a template ID)."""
    if blank(value) or isinstance(value, bool) or starts(value, prefix):
        return False
    return str(value).strip().casefold() not in TEMPLATE_IDS


def skipped_example(
    values: Mapping[str, CellValue],
    columns: Mapping[str, int],
    row: int,
    prefix: str,
    where: tuple[str, str],
    header: tuple[CellValue, ...],
) -> list[Finding]:
    """A warning on the cell that makes a row an example when the row holds cells of the
    team's own too (an ID, an objective): a team that typed its objective and KR ID over
    the example row and left the example's key result lost the row without a word, the
    rows below saying ``objective ID is missing``, and a KPI K1 under the example's name
    was gone silently (until 2026-12-07). The row stays skipped; the warning says why."""
    if not any(_own(values.get(key), prefix) for key in OWN if key in columns):
        return []
    key = next((k for k in NAMED if k in columns and starts(values.get(k), prefix)), "comment")
    value, col = values.get(key), columns.get(key)
    if not isinstance(value, str) or col is None:
        return []
    title = header[col - 1] if col <= len(header) else None
    name = " ".join(str(title).split()) if not blank(title) else key.replace("_", " ")
    todo = "clear it" if key == "comment" else "type your own over it"
    source, tab = where
    return [
        Finding(
            Severity.WARNING,
            f"this row is skipped as an example, as its {name} still says {quoted(value)}; "
            f"{todo} to have the row read",
            source,
            tab,
            a1(row, col),
            row=row,
        )
    ]
