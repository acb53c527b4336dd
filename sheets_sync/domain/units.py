"""What a team's Unit cell means, where the tool acts on it.

Teams type the unit in their own words; the ones below all mean "a percentage" and get
what ``%`` gets (the lint's percent checks, the rollup's ``0.0%`` format). Percentage
points (``pp``) and basis points (``bps``) are not: a change of 2 pp is stored as 2, not
0.02, so treating them as % would flag every value and show 200.0 % in the rollup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

#: Spellings of "percent", compared case-folded with whitespace and hyphens dropped.
PERCENT_UNITS = frozenset({"%", "percent", "percentage", "pct", "%age"})

#: A value of a "%" row above this (1,000 %) is a percentage typed as a whole number:
#: 60 in a plain cell is 6,000 %, while Excel keeps a typed 60 % as 0.6. Scores are
#: ratios and do not change; the rollup's % columns would show 6000.0 %. Below it, 1.15
#: may be 115 % (a net revenue retention, an attainment above 100 %).
WHOLE_PERCENT = 10

_IGNORED = re.compile(r"[\s\-]+")


def is_percent_unit(unit: object) -> bool:
    """Whether a Unit cell means % (``Percent``, ``per cent``, ``per-cent``, `` PCT ``)."""
    if not isinstance(unit, str):
        return False
    return _IGNORED.sub("", unit).casefold() in PERCENT_UNITS


#: Units teams type in a row of units under the header (``| % | EUR | days |``), compared
#: as ``is_percent_unit`` compares, NFKC-folded (``％``), brackets and a leading "in"
#: dropped. Signs, currency codes and measures only: no domain noun a team may use as an
#: ID or name (``NPS``, ``users``, ``FTE``, ``score``, ``x``: until 2026-12-07 a first KPI
#: row ``NPS | NPS | score`` was skipped as units), nor a milestone's words (``no``, ``done``).
UNIT_WORDS = PERCENT_UNITS | frozenset(
    {
        "#", "pts", "points", "pp", "bps",
        "eur", "usd", "gbp", "chf", "jpy", "cny", "sek", "nok", "dkk", "pln", "inr",
        "aud", "cad", "€", "$", "£", "¥", "k€", "€k", "m€", "€m", "$k", "k$", "$m",
        "keur", "meur", "kusd", "musd", "ms", "sec", "seconds", "mins",
        "minutes", "hrs", "hours", "days", "weeks", "months", "years",
        "kg", "km", "gb", "tb", "mb",
    }
)  # fmt: skip

#: What a date column (As of, Due date) may say in a units row, beside ``UNIT_WORDS``
DATE_WORDS = frozenset({"date", "yyyy-mm-dd", "dd/mm/yyyy", "mm/dd/yyyy"})

#: The columns a units row may fill: values and their unit. An ID, name, owner, type or
#: comment filled makes the row a data row, whatever it says.
UNIT_COLUMNS = frozenset(
    {
        "start", "target", "current", "unit", "weight", "confidence", "lower", "upper",
        "amber_threshold", "actual", "previous",
    }
)  # fmt: skip
DATE_COLUMNS = frozenset({"due", "as_of"})

_BRACKETED = re.compile(r"^[(\[{](.*)[)\]}]$")


def _unit_key(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    word = unicodedata.normalize("NFKC", value).strip()
    if (bracketed := _BRACKETED.match(word)) is not None:
        word = bracketed.group(1).strip()
    if word.casefold().startswith("in "):
        word = word[3:]
    return _IGNORED.sub("", word).casefold()


def is_unit_word(value: object) -> bool:
    """Whether a cell holds a unit alone (``%``, ``％``, ``EUR``, ``(days)``, ``in EUR``)."""
    return _unit_key(value) in UNIT_WORDS


def is_units_row(values: Mapping[str, object]) -> bool:
    """Whether a row's cells (by field) are a row of units: at least one filled, every
    filled one in a value, unit or date column (``UNIT_COLUMNS``, ``DATE_COLUMNS``) and a
    unit word there (``date`` in a date column)."""
    typed = [(n, v) for n, v in values.items() if not _blank(v)]
    for name, value in typed:
        if name in DATE_COLUMNS:
            if _unit_key(value) not in DATE_WORDS and not is_unit_word(value):
                return False
        elif name not in UNIT_COLUMNS or not is_unit_word(value):
            return False
    return bool(typed)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
