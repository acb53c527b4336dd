"""LibreOffice opens every oddly zipped team file the write-back wrote, with its cells,
and every real-world workbook made a team file and written back.

Each batch is converted to CSV by one LibreOffice run (a start costs seconds; one a file
was 107 s for the real-world files). A name with backslashes is left out of the crafted
cases: LibreOffice cannot load such a file before the write either (``source file could
not be loaded``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.backends.excel.test_zip_attacks import KEPT
from tests.backends.excel.zipcraft import build, team_file, team_members, write_back
from tests.support.libreoffice import needs_libreoffice, require_soffice
from tests.support.scripts import HANG
from tests.support.shared import REAL_WORLD, needs_real_world

OPENED = [case for case in KEPT if "backslash" not in case]
#: The real-world files a write-back refuses (test_patch_corpus.REFUSED).
NOT_WRITTEN = {
    "strict_iso_paths.xlsx",
    "pass_protected.xlsx",
    "issue252.xlsx",
    "issue_530.xlsx",
    "billion_laughs.xlsx",
    "inflate_200mb.xlsx",
}


def as_csv(files: list[Path], tmp_path: Path) -> dict[Path, str]:
    """Each file's first sheet as LibreOffice converts it, in one run (its own profile)."""
    outdir = tmp_path / "csv"
    cmd = [
        require_soffice(),
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "csv",
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=HANG, check=False)
    out = {}
    for path in files:
        csv = outdir / f"{path.stem}.csv"
        assert csv.exists(), f"{path.name}: {done.stdout}{done.stderr}"
        out[path] = csv.read_text(encoding="utf-8", errors="replace")
    return out


def _written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = team_file(tmp_path / name, data)
    write_back(path)
    return path.rename(path.parent.parent / f"{name}.xlsx")  # one stem each


@needs_libreoffice
@pytest.mark.timeout(HANG + 60)
def test_libreoffice_opens_each_oddly_zipped_file_written(tmp_path: Path) -> None:
    files = {
        _written(tmp_path, f"case{n}", build(KEPT[case](team_members()), comment=b"note")): case
        for n, case in enumerate(OPENED)
    }
    for path, csv in as_csv(list(files), tmp_path).items():
        rows = csv.splitlines()
        assert rows[0].startswith("hello"), files[path]
        assert rows[2].endswith("synced") and rows[3].endswith("0.5"), files[path]


@needs_libreoffice
@needs_real_world
@pytest.mark.timeout(HANG + 60)
def test_libreoffice_opens_each_real_world_file_written_back(tmp_path: Path) -> None:
    """Each workbook of ../shared/real-world-xlsx made a team file (Excel, LibreOffice,
    Gnumeric, XlsxWriter, odd exporters' zips), written back: LibreOffice opens it and
    its first tab shows the written text."""
    sources = sorted(p for p in REAL_WORLD.rglob("*.xls[xm]") if p.name not in NOT_WRITTEN)
    assert len(sources) >= 22
    files = {
        _written(tmp_path, f"team{n}", source.read_bytes()): source.name
        for n, source in enumerate(sources)
    }
    for path, csv in as_csv(list(files), tmp_path).items():
        assert "synced" in csv, files[path]
