"""A write-back killed inside its write leaves the team's file old or new, never half.

The writer (a fresh interpreter) is killed by ``os._exit`` at a point inside the write:
while the zip is built (``rezip`` compressing the edited sheet), halfway through writing the
temp file, after the temp file is written but before its fsync, once the backup is
linked, and right after the rename. The team's file then holds exactly the bytes it had,
or exactly the written ones; it reads, and the next night's write (the same cells, from a
fresh read) leaves it as that one write would. The team file is one an odd tool zipped
(data descriptors, zip64 extras on small members, stored members, a name in UTF-8
without the flag, an archive comment), so the new bytes are ``rezip``'s own.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel import ExcelBackend
from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.grid import CellWrite
from tests.backends.excel.zipcraft import Member, build, team_file, team_members, write_back
from tests.support.scripts import script_run

WRITES = [CellWrite("Sheet", 3, 20, "synced"), CellWrite("Sheet", 4, 20, 0.5)]

CHILD = """
import os, sys
from pathlib import Path
from sheets_sync.backends.excel import files, rezip
from tests.backends.excel.zipcraft import write_back

point = sys.argv[2]

def die(*args, **kwargs):
    os._exit(9)

if point == "zip":
    rezip._compress = die  # an edited member, stored or deflated
elif point == "temp half written":
    real_fdopen = os.fdopen

    class Half:
        def __init__(self, fh):
            self.fh = fh
        def __enter__(self):
            return self
        def __exit__(self, *exc):
            return False
        def fileno(self):
            return self.fh.fileno()
        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            die()

    os.fdopen = lambda fd, mode: Half(real_fdopen(fd, mode))
elif point == "temp written":
    os.fsync = die  # the first fsync is the temp file's, after its flush
elif point == "backup linked":
    real_backup = files.write_backup
    files.write_backup = lambda *a: (real_backup(*a), die())
elif point == "renamed":
    real_replace = os.replace
    def replace(src, dst):
        real_replace(src, dst)
        if Path(dst).name == "sales.xlsx":
            die()
    os.replace = replace
write_back(Path(sys.argv[1]))
print("not killed")
"""

POINTS = ["zip", "temp half written", "temp written", "backup linked", "renamed"]


def odd_team_file() -> bytes:
    members = team_members()
    members = [
        Member(
            m.name,
            m.body,
            method=0 if n % 3 == 0 else 8,
            descriptor=n % 2 == 0,
            local_zip64=n % 2 == 1,
        )
        for n, m in enumerate(members)
    ]
    members.append(Member("xl/media/bild-ä.png".encode(), bytes(range(256)) * 8))
    return build(members, comment=b"the team's note")


@pytest.mark.parametrize("point", POINTS)
def test_a_writer_killed_inside_the_write_leaves_old_or_new(point: str, tmp_path: Path) -> None:
    old = odd_team_file()
    new = patch_xlsx(old, WRITES)
    assert new != old
    path = team_file(tmp_path, old)
    done = script_run(CHILD, str(path), point)
    assert done.returncode == 9, done.stdout + done.stderr  # killed where told
    now = path.read_bytes()
    assert now == (new if point == "renamed" else old)
    with zipfile.ZipFile(io.BytesIO(now)) as zf:
        assert zf.testzip() is None
    # the next night: a fresh read, the same cells
    write_back(path)
    assert path.read_bytes() == new
    again = ExcelBackend(path, display_name="sales.xlsx").read(["Sheet"])
    assert again.sheets["Sheet"].value(3, 20) == "synced"
