"""What a team's Unit cell means, where the tool acts on it.

Teams type the unit in their own words; the ones below all mean "a percentage" and get
what ``%`` gets (the lint's percent checks, the rollup's ``0.0%`` format). Percentage
points (``pp``) and basis points (``bps``) are not: a change of 2 pp is stored as 2, not
0.02, so treating them as % would flag every value and show 200.0 % in the rollup.
"""

from __future__ import annotations

import re

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
#: as ``is_percent_unit`` compares, brackets and a leading "in" dropped. Not a milestone's
#: words (``no``, ``done``), which a data row holds.
UNIT_WORDS = PERCENT_UNITS | frozenset(
    {
        "#", "count", "number", "num", "qty", "ratio", "score", "pts", "points", "pp",
        "bps", "x", "nps", "fte", "people", "users", "customers", "tickets",
        "eur", "usd", "gbp", "chf", "jpy", "cny", "sek", "nok", "dkk", "pln", "inr",
        "aud", "cad", "€", "$", "£", "¥", "k€", "€k", "m€", "€m", "$k", "k$", "$m",
        "keur", "meur", "kusd", "musd", "ms", "s", "sec", "seconds", "min", "mins",
        "minutes", "h", "hrs", "hours", "d", "days", "weeks", "months", "years",
        "date", "yes/no", "kg", "km", "gb", "tb", "mb",
    }
)  # fmt: skip

_BRACKETED = re.compile(r"^[(\[{](.*)[)\]}]$")


def is_unit_word(value: object) -> bool:
    """Whether a cell holds a unit alone (``%``, ``EUR``, ``(days)``, ``in EUR``)."""
    if not isinstance(value, str):
        return False
    word = value.strip()
    if (bracketed := _BRACKETED.match(word)) is not None:
        word = bracketed.group(1).strip()
    if word.casefold().startswith("in "):
        word = word[3:]
    return _IGNORED.sub("", word).casefold() in UNIT_WORDS
