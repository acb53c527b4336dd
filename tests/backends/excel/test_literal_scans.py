"""A format code's literal text (``percent.outside_literals``) and a text's CDATA sections
(``xmlutil.cdata_split``) were found by regexes that looked for an end from each start
with no end after it, to the end of the text: quadratic (32,767 ``[`` in a format code
0.5 s, a 1 MB one minutes; 32,767 ``<![CDATA[`` 122 s, until 2026-12-07). Each is now one
pass: what it reads is the regex's, and the characters its searches pass over are
counted here, never timed; the stall itself is shown in a child bounded far above a
linear read (``HANG``)."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.percent import is_percent_code, outside_literals
from sheets_sync.backends.excel.xmlutil import cdata_split, xml_text
from tests.support.scripts import run_script

#: each as it was
_LITERALS_WAS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_CDATA_WAS = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


class Counted(str):
    """A text whose ``find`` counts the characters each search passes over (to the end
    when it finds nothing)."""

    passed = 0

    def find(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        begin = 0 if start is None else start
        at = super().find(sub, begin, len(self) if end is None else end)
        Counted.passed += (len(self) if at < 0 else at + len(sub)) - begin
        return at


def _passed(scan: object, text: str) -> int:
    Counted.passed = 0
    assert callable(scan)
    scan(Counted(text))
    return Counted.passed


def test_a_format_codes_literals_are_read_in_one_pass() -> None:
    n = 32_767
    for code in ("[" * n + "0%", '"' * n, '"[' * (n // 2) + "%", "[a]" * (n // 3), "0%" + "[" * n):
        passed = _passed(outside_literals, code)
        assert passed <= 2 * len(code), (code[:8], passed)
    assert is_percent_code("[" * n + "0%") and not is_percent_code("[" * n + "0%]")


def test_a_texts_cdata_sections_are_found_in_one_pass() -> None:
    n = 32_767
    for text in ("<![CDATA[" * n, "<![CDATA[a]]>" * n + "<![CDATA[" * n, "]]>" * n):
        passed = _passed(cdata_split, text)
        assert passed <= 2 * len(text), (text[:12], passed)
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
