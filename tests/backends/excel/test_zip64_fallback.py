"""A package ``rezip`` cannot write itself (zip64: 65,535 members or more) goes through
``zipfile``: each member inflates the same and keeps its name, attributes and the rest.

A write-back of a file with 65,600 members took that path (8 s), and every member came
back re-deflated (its compressed bytes are not kept on this path), its attributes 0
written as ``zipfile``'s 0o600. Here the path is taken as that package takes it
(``rezip.LIMIT`` lowered, as test_rezip does), on a small file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel import rezip
from sheets_sync.errors import WorkbookError
from tests.backends.excel.zipcraft import (
    PICTURE,
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
    monkeypatch.setattr(rezip, "LIMIT", 1000)  # as a package with 65,535 members or more


def test_names_dates_attributes_and_comments_are_kept(tmp_path: Path) -> None:
    """Attributes 0 (as many zip tools write them) were written as 0o600 by ``zipfile``.
    An ASCII name flagged UTF-8 is written in the same bytes, unflagged: kept."""
    members = [
        Member(m.name, m.body, comment=b"note", external_attr=attr, flags=flags)
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
    with zipfile.ZipFile(io.BytesIO(src)) as old, zipfile.ZipFile(io.BytesIO(out)) as new:
        assert new.comment == b"the team's note"
        for info in old.infolist():
            if info.filename != SHEET:
                assert new.read(info.filename) == old.read(info)


@pytest.mark.parametrize(
    ("name", "shown"),
    [("xl/media/bild-ä.png".encode(), "bild-ä.png"), (b"xl/media/bild\xe4.png", "bildΣ.png")],
    ids=["UTF-8", "Latin-1"],
)
def test_a_name_zipfile_would_write_otherwise_is_refused(
    name: bytes, shown: str, tmp_path: Path
) -> None:
    """A name not in UTF-8 with its flag, nor ASCII, which ``zipfile`` reads as cp437: it
    wrote it again as that string's UTF-8 (``bild-├ñ.png``), so the picture the sheet's
    relationship names was gone (the raw path keeps its bytes since 2026-12-05). This
    path cannot: refused, naming the member, the file as it was. The name is shown as
    UTF-8 when its bytes are (until 2026-12-07 as ``zipfile``'s cp437: ``bild-├ñ.png``),
    else as cp437."""
    src = build([*team_members(), Member(name, bytes(range(256)) * 8)])
    path = team_file(tmp_path, src)
    with pytest.raises(WorkbookError) as info:
        write_back(path)
    assert path.read_bytes() == src
    message = str(info.value)
    assert message.startswith("sales.xlsx: zip member xl/media/bild") and "65,535" in message
    assert f"zip member xl/media/{shown} cannot be copied" in message
    assert records(src)[PICTURE]  # the rest was fine
