"""``sources.caseless_end``: a pattern's end (after its last dot) in any case, its
brackets kept what they were. Until 2026-12-07 a range was widened letter by letter,
``[a-z]`` to ``[aA-zZ]``, whose ``A-z`` runs in ASCII order through ``[ \\ ] ^ _ `` ``
and every letter: ``*.[p-z]ds`` found ``Tax.ods``."""

from __future__ import annotations

import fnmatch

import pytest

from sheets_sync.sources import caseless_end

NAMES = [f"x.{a}{b}s" for a in "oOxXpP[_`^\\]!-0" for b in "dDlLzZ[_!]-"] + [
    "x.ods",
    "x.ODS",
    "x.xls",
    "x.XLS",
    "x.xlsx",
    "x.XLSX",
    "x.xlsm",
]


def _caseless(name: str, pattern: str) -> bool:
    """What the pattern's end in any case means: the name, its letters folded, matches
    the pattern, its letters folded (ASCII names and patterns here, no range such as
    ``A-z`` that folding would change)."""
    return fnmatch.fnmatchcase(name.lower(), pattern.rpartition("/")[2].lower())


@pytest.mark.parametrize(
    "pattern",
    [
        "more/*.[p-z]ds",
        "more/*.[a-z]ds",
        "more/*.[A-Z]DS",
        "more/*.[!x]ds",
        "more/*.[!a-n]ds",
        "more/*.x[kl]s",
        "more/*.x[!k]s",
        "more/*.[]o]ds",
        "more/*.[!]o]ds",
        "more/*.[o-]ds",
        "more/*.[0-9o]ds",
        "more/*.o[a",
        "more/*.xl?",
        "more/*.ods",
    ],
)
def test_the_end_in_any_case_means_what_it_says(pattern: str) -> None:
    wide = caseless_end(pattern).rpartition("/")[2]
    for name in NAMES:
        assert fnmatch.fnmatchcase(name, wide) == _caseless(name, pattern), (name, wide)


@pytest.mark.parametrize(
    ("pattern", "wide"),
    [
        ("more/*.[a-z]ds", "more/*.[a-zA-Z][dD][sS]"),
        ("more/*.[A-Z]DS", "more/*.[A-Za-z][dD][sS]"),
        ("more/*.[!x]ds", "more/*.[!xX][dD][sS]"),
        ("more/*.[]o]ds", "more/*.[]oO][dD][sS]"),
        ("more/*.o[a", "more/*.[oO][[][aA]"),
    ],
)
def test_as_written(pattern: str, wide: str) -> None:
    assert caseless_end(pattern) == wide


@pytest.mark.parametrize(
    "body",
    ["0-Z", "Z-a", "]-a", "0-z", "A-z", "a-Z", "Z-a-x", "0-Z-", "!0-Z", "!Z-a", "!]-a", "!A-z"],
)
def test_a_range_of_mixed_ends_has_the_other_case_of_its_letters(body: str) -> None:
    """A range with a letter at one end only, or one of each case, by code point:
    ``[0-Z]`` takes ``a``-``z`` too, ``[Z-a]`` (``Z [ \\ ] ^ _ ` a``) ``z`` and ``A``, and
    a ``[!...]`` set excludes both cases of each letter it names, as ``[!x]`` does. Until
    2026-12-07 such a range was left as written (``[0-Z]`` no lowercase letter)."""
    pattern = f"f.[{body}]"
    wide = caseless_end(pattern)
    for ch in map(chr, range(32, 127)):
        cases = [fnmatch.fnmatchcase(f"f.{c}", pattern) for c in {ch, ch.lower(), ch.upper()}]
        meant = all(cases) if body.startswith("!") else any(cases)
        assert fnmatch.fnmatchcase(f"f.{ch}", wide) == meant, (ch, wide)


def test_a_mixed_range_as_written() -> None:
    assert caseless_end("t/*.[Z-a]") == "t/*.[Z-aA-Az-z]"
    assert caseless_end("t/*.[0-Z-]") == "t/*.[0-Za-z-]"
