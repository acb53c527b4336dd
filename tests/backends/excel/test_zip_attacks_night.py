"""A night with oddly zipped team files: each written keeping every member it did not
edit, a zip the write cannot copy failing its team alone by file and member, the file as
it was, and the night going on (the other teams written, the rollup made)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from tests.backends.excel.test_reader_error_codes import _team
from tests.backends.excel.zipcraft import PICTURE, Member, build, every, records

SHEET = "xl/worksheets/sheet1.xml"
STYLES = "xl/styles.xml"  # the status colours


def _members() -> list[Member]:
    with zipfile.ZipFile(io.BytesIO(_team())) as zf:
        members = [Member(i.filename.encode(), zf.read(i)) for i in zf.infolist()]
    return [*members, Member(PICTURE.encode(), bytes(range(256)) * 40)]


def test_a_night_of_oddly_zipped_team_files(tmp_path: Path) -> None:
    teams = tmp_path / "teams"
    teams.mkdir()
    files = {
        "Plain": build(_members()),
        "Odd": build(
            [
                *every(_members(), descriptor=True, local_zip64=True),
                Member(b"xl/media/\xe4.png", b"x"),
            ],
            comment=b"note",
        ),
        "Damaged": build(
            [*_members()[:-1], Member(PICTURE.encode(), b"png", local_name=b"xl/media/other.png")]
        ),
    }
    for team, data in files.items():
        (teams / f"{team.lower()}.xlsx").write_bytes(data)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\nteams:\n"
        + "".join(f"  - {{name: {t}, source: teams/{t.lower()}.xlsx}}\n" for t in files),
        encoding="utf-8",
    )
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=dt.date(2026, 11, 11), workers=1))
    runs = {r.team: r for r in result.runs}
    assert result.rollup_error is None and (tmp_path / "company.xlsx").exists()
    for team in ("Plain", "Odd"):
        assert runs[team].error is None, runs[team].error
        written = (teams / f"{team.lower()}.xlsx").read_bytes()
        before, after = records(files[team]), records(written)
        assert {n for n in before if before[n] != after[n]} == {SHEET, STYLES}, team
    error = str(runs["Damaged"].error)
    assert error.startswith("damaged.xlsx: zip member xl/media/image1.png cannot be copied")
    assert "xl/media/other.png" in error
    assert (teams / "damaged.xlsx").read_bytes() == files["Damaged"]
