"""LibreOffice opens every oddly zipped team file the write-back wrote, with its cells.

``test_zip_attacks``'s kept cases, written back, converted to CSV by LibreOffice headless:
the written text is in the sheet. (A name with backslashes is left out: LibreOffice
cannot load such a file before the write either: ``source file could not be loaded``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backends.excel.test_zip_attacks import KEPT
from tests.backends.excel.zipcraft import build, team_file, team_members, write_back
from tests.support.libreoffice import convert, needs_libreoffice
from tests.support.scripts import HANG

OPENED = [case for case in KEPT if "backslash" not in case]


@needs_libreoffice
@pytest.mark.timeout(HANG + 60)
@pytest.mark.parametrize("case", OPENED, ids=str)
def test_libreoffice_opens_the_written_file(case: str, tmp_path: Path) -> None:
    path = team_file(tmp_path, build(KEPT[case](team_members()), comment=b"team's note"))
    write_back(path)
    csv = convert(path, "csv", tmp_path / "csv").read_text(encoding="utf-8", errors="replace")
    rows = csv.splitlines()
    assert rows[0].startswith("hello")
    assert rows[2].endswith("synced") and rows[3].endswith("0.5")
