"""Number format codes as both backends read them: whether a code shows a percentage, or
a date. Pure (no I/O): an .xlsx's ``formatCode`` (``backends/excel/percent.py``) and a
Google cell's ``numberFormat.pattern`` (``backends/gsheets/gridjson.py``) are read by the
same rules, so a code is a percentage the same way in both (until 2026-12-07 the Google
backend imported the rule from the Excel one)."""

from __future__ import annotations

import re

#: a format code's literal text (quoted, ``[colour]``/``[condition]``, ``\x``, ``_x``,
#: ``*x``), by the openers (``"``, ``[``) known to have no end left in the code, which
#: start none; with none, the regex the code was read by before 2026-12-07
_LITERAL_TEXTS = {
    "": r'"[^"]*"|\[[^\]]*\]|[\\_*][^\n]',
    '"': r"\[[^\]]*\]|[\\_*][^\n]",
    "[": r'"[^"]*"|[\\_*][^\n]',
    '"[': r"[\\_*][^\n]",
}
_LITERALS = {left: re.compile(text) for left, text in _LITERAL_TEXTS.items()}
#: the code up to its first opener with no end: literals and other text, possessively
#: (an escape or spacer last or before a line break is other text, as the regex's ``.``)
_TO_UNENDED = {
    left: re.compile(
        "(?:[^"
        + re.escape('"[\\_*'.translate({ord(c): None for c in left}))
        + "]+|"
        + text
        + r"|[\\_*])*+"
    )
    for left, text in _LITERAL_TEXTS.items()
}


#: the letters of a date or time element (year, month or minute, day, hour, second), in
#: either case, as Google's date-time tokens and Excel's date codes spell them, or a
#: ``a/p`` 12-hour marker (``AM/PM`` has its ``M``): a time of day to calamine and the
#: emulator, and none here until 2026-12-07
_DATE_OR_TIME = re.compile(r"[ymdhs]|a/p", re.IGNORECASE)
#: an elapsed time (``[h]``, ``[mm]``, ``[ss]``, either case) outside quoted text and
#: escapes: a time element in brackets, which ``outside_literals`` removes as it removes a
#: ``[colour]``. Each alternative is bounded or stops at the next quote: linear scans.
_ELAPSED = re.compile(r'"[^"]*"|[\\_*].|(\[(?:h+|m+|s+)\])', re.IGNORECASE | re.DOTALL)


#: a format code's tokens, to find its sections' ``;``: quoted text, an escape or spacer
#: and its character, a bracket (none nested: each scan stops at the next ``[``, linear),
#: a run of other text, or one character (an opener with no end)
_SECTION_TOKEN = re.compile(r'"[^"]*"|[\\_*].|\[[^\]\[]*\]|[^"\\_*\[;]+|.', re.DOTALL)
#: a ``[condition]``: ``[>=1]``, ``[<0.5]``, ``[>.5]``, ``[>1.]``, ``[>1e3]``, ``[<>0]``. Its
#: number is read one way only: ``\d+\.?\d*`` split a digit run between its two runs
#: every way it could, when the rest did not match (a 16,000-digit condition took 5 s,
#: until 2026-12-07)
_CONDITION = re.compile(
    r"\[\s*(<=|>=|<>|<|>|=)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*\]"
)
_HOLDS = {
    "<": float.__lt__,
    ">": float.__gt__,
    "=": float.__eq__,
    "<=": float.__le__,
    ">=": float.__ge__,
    "<>": float.__ne__,
}


def is_percent_code(code: str) -> bool:
    """A number format code that shows a percentage: a ``%`` that is not quoted text,
    an escaped character or a ``[colour]``/``[condition]``, in the section a positive
    value (1, a typed 100%) is shown by (``positive_section``): ``0;0%`` shows 1 as 1 and
    is none, though until 2026-12-07 a ``%`` in any section made it one, its typed 1 a
    confidence of 100%. Judged once a code, for the value 1, not for each value: an
    approximation where a ``[condition]`` shows other values by another section
    (``[<=1]0%;0`` is a percent code, its 40 shown 40 but warned as 4000%; ``[>1]0%;0``
    none, its 40 shown 4000% but read 40); docs/reading.md."""
    return "%" in code and "%" in _bare(code, _section_tokens(code))


def positive_section(code: str, value: float = 1.0) -> str:
    """The section of ``code`` (its parts between ``;`` outside literals) that shows the
    positive ``value``: the first, unless ``[condition]`` s say otherwise: the first
    section whose condition ``value`` meets, or else the first with none after those
    (``[>=1]0;0%`` shows 1 by ``0``, ``[<1]0%;0`` by ``0``). A lone section's condition
    counts too: ``[<1]0%`` shows 1 as ``General`` does, as LibreOffice shows it (1; 0.5
    as 50%), returned as ``"General"``; until 2026-12-07 a code with no ``;`` was its own
    section whatever its condition, a percent cell. Both backends' readers and the
    emulator choose so."""
    tokens = _section_tokens(code, value)
    return "General" if tokens is None else "".join(tokens)


def _section_tokens(code: str, value: float = 1.0) -> list[str] | None:
    """``positive_section``'s tokens (``_SECTION_TOKEN``), None for ``"General"``."""
    if ";" not in code and "[" not in code:
        return [code]
    parts: list[list[str]] = [[]]
    for token in _SECTION_TOKEN.findall(code):
        if token == ";":
            parts.append([])
        else:
            parts[-1].append(token)
    for part in parts:
        condition = next((m for t in part if (m := _CONDITION.fullmatch(t))), None)
        if condition is None or _HOLDS[condition[1]](float(value), float(condition[2])):
            return part
    return None if len(parts) == 1 else parts[0]


def _bare(code: str, tokens: list[str] | None) -> str:
    """A section's text outside its literals, by the tokens it was chosen by: a ``[``
    with another ``[`` before its ``]`` is one character there, as in the emulator,
    where ``outside_literals`` reads a bracket from it to the next ``]`` (until
    2026-12-07 ``[%[>=1]`` was no percent code, its ``%`` taken inside the bracket,
    though its section was chosen by ``[>=1]``). A code with no ``[`` has no such
    ``[``: read by ``outside_literals`` (a few regex calls, however long)."""
    if tokens is None:
        return ""
    if "[" not in code:
        return outside_literals("".join(tokens))
    literal = ('"', "\\", "_", "*", "[")
    return "".join(t for t in tokens if len(t) == 1 or not t.startswith(literal))


def shows_date_or_time(code: str) -> bool:
    """A format code with a date or time element (``yyyy-mm-dd``, ``h:mm``, ``[h]:mm``'s
    ``mm``) outside its literal text: what can show a number as a day or a time. A code
    with none (``0.00``, ``0 "days"``, ``\\d0``) shows the number as a number whichever
    way it is read: as a number pattern, or as a date pattern whose other characters are
    literals. An elapsed time (``[h]``, ``[mm]:ss``, ``[h] "hours"``) is a time element:
    Google shows 1.5 under ``[h]`` as 36 (hours), and it read as the number 1.5 (until
    2026-12-07), where the Excel reader (openpyxl) reads such a cell as a time. Judged in
    the section a positive value is shown by (``positive_section``), as a percentage is
    and as calamine judges an .xlsx's: ``0;yyyy`` shows a number, ``yyyy;0`` a date
    (until 2026-12-07 a date element in any section made a date code)."""
    tokens = _section_tokens(code)
    if _DATE_OR_TIME.search(_bare(code, tokens)) is not None:
        return True
    return any(m[1] for m in _ELAPSED.finditer("".join(tokens or ())))


def outside_literals(code: str) -> str:
    r"""``code`` without its quoted text, ``[colour]``/``[condition]`` sections, escaped
    characters (``\x``) and spacers (``_x``, ``*x``): what the regex
    ``"[^"]*"|\[[^\]]*\]|\\.|_.|\*.`` removed, and by it when every ``[`` has a ``]``
    after it. Otherwise the regex looked for a ``]`` from each ``[`` past the last ``]``
    to the end of the code: 32,767 of them took 0.5 s and a 1 MB code in ``styles.xml``
    minutes (until 2026-12-07). Then the code is read up to its first ``"`` or ``[``
    with no end (kept, as the regex kept it: no later one of its kind has an end
    either), and on without that opener: one regex call per run, a handful per code
    (one per literal, from 2026-12-07, read a code of 40 MB of ``_`` in 50 s, not 10)."""
    kept: list[str] = []
    unended = ""
    pos = 0
    while "[" not in unended and code.rfind("[", pos) > code.rfind("]", pos):
        end = _TO_UNENDED[unended].match(code, pos)
        assert end is not None  # it matches the empty text
        kept.append(_LITERALS[unended].sub("", code[pos : end.end()]))
        if end.end() == len(code):
            return "".join(kept)
        opener = code[end.end()]
        kept.append(opener)
        unended = "".join(sorted(unended + opener))
        pos = end.end() + 1
    kept.append(_LITERALS[unended].sub("", code[pos:]))
    return "".join(kept)


__all__ = ["is_percent_code", "outside_literals", "positive_section", "shows_date_or_time"]
