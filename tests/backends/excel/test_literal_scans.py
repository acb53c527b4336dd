"""A format code's literal text (``numfmt.outside_literals``) and a text's CDATA sections
(``xmlutil.cdata_split``) were found by regexes that looked for an end from each start
with no end after it, to the end of the text: quadratic (32,767 ``[`` in a format code
0.5 s, a 1 MB one minutes; 32,767 ``<![CDATA[`` 122 s, until 2026-12-07). Each is now a
few regex calls: what it reads is the regex's, and its searches and regex calls are
counted here (a handful per text, each to its end at most), never timed; the stall
itself is shown in a child bounded far above a linear read (``HANG``)."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync import numfmt
from sheets_sync.backends.excel import xmlutil
from sheets_sync.backends.excel.xmlutil import cdata_split, xml_text
from sheets_sync.numfmt import is_percent_code, outside_literals
from tests.support.scripts import run_script

#: each as it was
_LITERALS_WAS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_CDATA_WAS = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


class Counted(str):
    """A text whose searches (``find``, ``rfind``) count as calls and as the characters
    from where each starts to the end of the text (all it may pass over)."""

    calls = 0
    passed = 0

    @staticmethod
    def note(text: str, pos: int = 0) -> None:
        Counted.calls += 1
        Counted.passed += len(text) - pos

    def find(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        Counted.note(self, start or 0)
        return super().find(sub, start, end)

    def rfind(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        Counted.note(self, start or 0)
        return super().rfind(sub, start, end)


class CountedPattern:
    """A compiled regex whose calls count as ``Counted``'s searches do: a regex call may
    look to the end of its text (and is one Python step)."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        Counted.note(text, pos)
        return self.pattern.match(text, pos)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        Counted.note(text, pos)
        return self.pattern.search(text, pos)

    def sub(self, repl: str, text: str) -> str:
        Counted.note(text)
        return self.pattern.sub(repl, text)

    def split(self, text: str) -> list[str]:
        Counted.note(text)
        return self.pattern.split(text)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every regex ``outside_literals`` and ``cdata_split`` call counted."""
    for name in ("_LITERALS", "_TO_UNENDED"):
        table = getattr(numfmt, name)
        counted_table = {left: CountedPattern(regex) for left, regex in table.items()}
        monkeypatch.setattr(numfmt, name, counted_table)
    monkeypatch.setattr(xmlutil, "_CDATA", CountedPattern(xmlutil._CDATA))


def _passed(scan: object, text: str) -> tuple[int, int]:
    Counted.calls = Counted.passed = 0
    assert callable(scan)
    scan(Counted(text))
    return Counted.calls, Counted.passed


#: codes full of literals, ended or not (one regex call per literal made 40 MB of ``_``
#: 50 s, not 10, from 2026-12-07 until the regex went over each run of them at once)
CODES = (
    "[" * 32_767 + "0%",
    '"' * 32_767,
    '"[' * 16_383 + "%",
    "[a]" * 10_922,
    "0%" + "[" * 32_767,
    "_" * 32_767 + "0.0%",
    '_a0"b"' * 5_000 + "[" * 5_000 + '\\"' * 5_000 + "]",
    '"' + "[x]_y" * 6_000 + "[" * 5_000 + "*\n" * 5_000,
)


@pytest.mark.usefixtures("counted")
def test_a_format_codes_literals_are_read_in_a_few_regex_calls() -> None:
    for code in CODES:
        calls, passed = _passed(outside_literals, code)
        assert calls <= 12 and passed <= 12 * len(code), (code[:8], calls, passed)
        assert outside_literals(code) == _LITERALS_WAS.sub("", code), code[:8]
    assert is_percent_code("[" * 32_767 + "0%") and not is_percent_code("[" * 32_767 + "0%]")


@pytest.mark.usefixtures("counted")
def test_a_texts_cdata_sections_are_found_in_a_few_regex_calls() -> None:
    n = 32_767
    texts = ("<![CDATA[" * n, "<![CDATA[a]]>" * n + "<![CDATA[" * n, "]]>" * n, "a]]>b" * n)
    for text in texts:
        calls, passed = _passed(cdata_split, text)
        assert calls <= 4 and passed <= 4 * len(text), (text[:12], calls, passed)
    assert xml_text(b"&amp;<![CDATA[" * 3) == "&<![CDATA[&<![CDATA[&<![CDATA["


def test_each_reads_what_its_regex_read() -> None:
    sample = random.Random(7)
    pieces = ["<![CDATA[", "]]>", "]", "<!", "&amp;", "a", "\n", "<![CDATA"]
    for _ in range(30_000):
        code = "".join(sample.choice('"[]\\_*%0a\n') for _ in range(sample.randint(0, 12)))
        assert outside_literals(code) == _LITERALS_WAS.sub("", code), code
        text = "".join(sample.choice(pieces) for _ in range(sample.randint(0, 10)))
        assert cdata_split(text) == _CDATA_WAS.split(text), text


def _with_format_code(path: Path, code: bytes) -> Path:
    """A team tab whose 1 in B2 is in the custom format ``code`` (raw attribute bytes)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(["Confidence", "Weight"])
    ws.append([1, 1])
    ws.cell(2, 1).number_format = "0.0%"
    wb.save(path)
    with zipfile.ZipFile(path) as book:
        parts = {i.filename: book.read(i.filename) for i in book.infolist()}
    assert parts["xl/styles.xml"].count(b'formatCode="0.0%"') == 1
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(
        b'formatCode="0.0%"', b'formatCode="' + code + b'"'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    path.write_bytes(out.getvalue())
    return path


def test_a_format_code_of_a_million_brackets_is_read_at_once(tmp_path: Path) -> None:
    """The real reader, in a child: a 1 MB format code of ``[`` (a 6 KB .xlsx) took
    minutes in ``is_percent_code`` (32,767 of them 0.5 s; 1,000,000 past ``HANG``, on
    the base); its 1 is still read as 100% (no ``]`` closes a ``[``: the ``%`` shows)."""
    book = _with_format_code(tmp_path / "sales.xlsx", b"[" * 1_000_000 + b"0.0%")
    assert book.stat().st_size < 20_000
    code = (
        "import json, sys\n"
        "from sheets_sync.backends.excel.reader import read_workbook\n"
        "from pathlib import Path\n"
        "grid = read_workbook(Path(sys.argv[1]), tabs=['OKRs']).sheets['OKRs']\n"
        "print(json.dumps({'ones': sorted(grid.percent_ones)}))\n"
    )
    assert run_script(code, str(book)) == {"ones": [[2, 1]]}


def test_a_text_of_100000_unended_cdata_starts_is_read_at_once() -> None:
    """In a child: 32,767 of them took 122 s, 100,000 (900 KB) far past ``HANG`` on the
    base. Not through a reader: a start with no end is XML no worksheet scan accepts."""
    code = (
        "import json\n"
        "from sheets_sync.backends.excel.xmlutil import xml_text\n"
        "text = xml_text(b'<![CDATA[' * 100_000)\n"
        "print(json.dumps({'chars': len(text)}))\n"
    )
    assert run_script(code) == {"chars": 900_000}
