"""A package ``rezip`` cannot write with its plain records (zip64: 65,535 members or
more) is written by ``zipwrite.ZipWriter``: each member keeps its compressed bytes, name
bytes, attributes and the rest, as on the plain path.

A write-back of a file with 65,600 members took that path through ``zipfile`` until
2026-12-07 (8 s): every member came back re-deflated, its attributes 0 written as
``zipfile``'s 0o600, and a name ``zipfile`` would write in other bytes was refused. Here
the path is taken as that package takes it (``zipwrite.LIMIT`` lowered, as test_rezip does),
on a small file; test_zip64_members.py writes one of 65,536 members.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sheets_sync import zipwrite
from tests.backends.excel.zipcraft import (
    Member,
    build,
    records,
    team_file,
    team_members,
    write_back,
)

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def through_zipfile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipwrite, "LIMIT", 1000)  # as a package with 65,535 members or more


def test_names_dates_attributes_and_comments_are_kept(tmp_path: Path) -> None:
    """Attributes 0 (as many zip tools write them) were written as 0o600 by ``zipfile``.
    An ASCII name flagged UTF-8 is written in the same bytes, unflagged: kept."""
    members = [
        Member(m.name, m.body, comment=b"note", external_attr=attr, flags=flags, level=0)
        for m, attr, flags in zip(
            team_members(), [0, 0o100644 << 16, 0x20] * 9, [0, 0x800] * 9, strict=False
        )
    ]  # ASCII names flagged UTF-8 too (as some tools flag every name): the same bytes
    src = build(members, comment=b"the team's note")
    path = team_file(tmp_path, src)
    write_back(path)
    out = path.read_bytes()
    before, after = records(src), records(out)
    assert list(after) == list(before)
    assert {n: a[1:] for n, a in after.items()} == {n: b[1:] for n, b in before.items()}
    del before[SHEET], after[SHEET]
    assert after == before  # and every compressed byte (deflated again until 2026-12-07)
    with zipfile.ZipFile(io.BytesIO(src)) as old, zipfile.ZipFile(io.BytesIO(out)) as new:
        assert new.comment == b"the team's note"
        for info in old.infolist():
            if info.filename != SHEET:
                assert new.read(info.filename) == old.read(info)


@pytest.mark.parametrize(
    "name", ["xl/media/bild-ä.png".encode(), b"xl/media/bild\xe4.png"], ids=["UTF-8", "Latin-1"]
)
def test_a_name_zipfile_would_write_otherwise_keeps_its_bytes(name: bytes, tmp_path: Path) -> None:
    """A name not in UTF-8 with its flag, nor ASCII, which ``zipfile`` reads as cp437 and
    wrote again as that string's UTF-8 (``bild-├ñ.png``: the picture the sheet's
    relationship names gone): until 2026-12-07 this path went through ``zipfile`` and
    refused it (``... cannot be copied: a package needing zip64 ...``). Now it keeps its
    bytes, as the plain path does."""
    src = build([*team_members(), Member(name, bytes(range(256)) * 8)])
    path = team_file(tmp_path, src)
    write_back(path)
    out = path.read_bytes()
    before, after = records(src), records(out)
    del before[SHEET], after[SHEET]
    assert after == before
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None
        assert zf.namelist()[-1].encode("cp437") == name  # unflagged, as it was
