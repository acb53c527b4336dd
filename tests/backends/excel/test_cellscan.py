"""The cell scan's regexes match the same cells on every Python the package supports."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from sheets_sync.backends.excel.cellscan import patterns

ROW = (
    b'<row r="2" spans="1:4"><c r="A2" s="1" t="s"><v>0</v></c><c r="B2" s="2"/>'
    b'<c r="C2" t="inlineStr"><is><t>x</t></is></c>'
    b'<c r="D2" s="3" t="n" cm="1"><f>A2*2</f><v>2</v></c></row>'
)
SCRIPT = (
    "import re, sys; cell = re.compile(bytes.fromhex(sys.argv[1])); "
    "print(b','.join(m.group(2) for m in cell.finditer(bytes.fromhex(sys.argv[2]))).decode())"
)


def _old_pythons() -> list[str]:
    """Interpreters on this machine whose ``re`` mis-matches possessive group repeats
    (3.11.0-3.11.4, CPython gh-106052): Debian 12's python3 is 3.11.2."""
    found = []
    for name in ("python3.11", "/usr/bin/python3.11", "/usr/bin/python3"):
        path = shutil.which(name)
        if path is None or os.path.realpath(path) in found:
            continue
        version = subprocess.run(
            [path, "-c", "import sys; print(*sys.version_info[:3])"],
            capture_output=True, text=True, check=False,
        ).stdout.split()  # fmt: skip
        if version[:2] == ["3", "11"] and int(version[2]) < 5:
            found.append(os.path.realpath(path))
    return found


def test_every_cell_of_a_row_is_found_with_its_reference() -> None:
    cells = patterns(b"").cell.finditer(ROW)
    assert [(m.group(2), m.group(3)) for m in cells] == [
        (b"A2", None), (b"B2", b"/"), (b"C2", None), (b"D2", None)
    ]  # fmt: skip


def test_the_scan_uses_no_possessive_group_repeat() -> None:
    """Python 3.11.0-3.11.4 skip a cell of two or more attributes besides ``r`` under
    ``(?:...)*+``: the write then added it a second time, out of order (2026-12-04)."""
    for pattern in (patterns(b"").cell, patterns(b"x:").cell, patterns(b"").row):
        assert not re.search(rb"\)[*+?}]\+", pattern.pattern), pattern.pattern


@pytest.mark.parametrize("python", _old_pythons() or [None])
def test_an_old_python_3_11_finds_the_same_cells(python: str | None) -> None:
    if python is None:
        pytest.skip("no Python 3.11.0-3.11.4 on this machine")
    argv = [python, "-c", SCRIPT, patterns(b"").cell.pattern.hex(), ROW.hex()]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "A2,B2,C2,D2"
