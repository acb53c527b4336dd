"""Regexes over a workbook's text that split a run of the same characters each way, or
scanned it again from each of its characters, found by a review's sweep of every regex
of the reader and writer at Excel's 32,767 characters (2026-12-07): each reads the same
texts as before, at once."""

from __future__ import annotations

import random
import re

from sheets_sync.backends.excel import blame, padded, sheetrows, xmlutil
from tests.support.scripts import script_run

#: what each took at 32,767 characters: a number's ``\d+\.?\d*`` over digits and a letter
#: (calamine's float, in ``padded`` and ``blame``) past 20 s; an attribute name's
#: ``([\w:.-]+)\s*=`` over a run with no ``=`` 9 s; ``</[^\s>]+\s+>`` over ``</</...`` 3 s
CODE = """
from sheets_sync.backends.excel import blame, padded, sheetrows, xmlutil
n = 32_767
print(padded._NUMBER.fullmatch(b"1" * n + b"x"), blame._NUMBER.fullmatch("1" * n + "x"))
print(padded._NUMBER.fullmatch(b"1" * (n // 2) + b"." + b"1" * (n // 2) + b"x"))
print(xmlutil.parse_attrs(b"a" * n + b' r="A1"'), xmlutil.parse_attrs(b"a" * n))
print(sheetrows._SPACED_END_TAG.search(b"</" * (n // 2)))
"""


def test_runs_of_one_character_are_read_at_once() -> None:
    """In a child bounded by ``HANG``."""
    done = script_run(CODE)
    assert (done.returncode, done.stdout) == (
        0, "None None\nNone\n((b'r', b'A1'),) ()\nNone\n"
    ), done.stderr  # fmt: skip


#: each as it was
_NUMBER_WAS = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)", re.I | re.A
)
_ATTR_WAS = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_END_TAG_WAS = re.compile(rb"</[^\s>]+\s+>")


def test_each_reads_what_it_read() -> None:
    sample = random.Random(5)
    for _ in range(20_000):
        text = "".join(sample.choice("12.e+-xinfa ") for _ in range(sample.randint(0, 8)))
        want = _NUMBER_WAS.fullmatch(text) is not None
        assert (blame._NUMBER.fullmatch(text) is not None) == want, text
        assert (padded._NUMBER.fullmatch(text.encode()) is not None) == want, text
        raw = bytes(sample.choice(b"ab:.-= \"'r1>") for _ in range(sample.randint(0, 14)))
        assert xmlutil._ATTR_RE.findall(raw) == _ATTR_WAS.findall(raw), raw
        tag = bytes(sample.choice(b"</c >x") for _ in range(sample.randint(0, 10)))
        found = sheetrows._SPACED_END_TAG.search(tag)
        was = _END_TAG_WAS.search(tag)
        assert (found is None) == (was is None or b"<" in was[0][2:]), tag
