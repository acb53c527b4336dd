"""Whole-file atomic writes (``atomic.py``) inside a program that has threads of its own."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sheets_sync.atomic import atomic_write, why_not_written


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="Linux shows the umask")
def test_the_umask_is_read_without_being_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It was set to 022 and back to read it: a file a web server's thread created in
    that moment got 022 instead of the server's 077, readable by everyone."""
    changed: list[int] = []
    real = os.umask

    def umask(mask: int) -> int:
        changed.append(mask)
        return real(mask)

    def write(tmp: Path) -> None:
        tmp.write_text("{}")

    monkeypatch.setattr(os, "umask", umask)
    before = real(0o027)
    try:
        atomic_write(tmp_path / "report.json", write)
    finally:
        real(before)
    assert changed == []
    assert (tmp_path / "report.json").stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: p.write_text("notes"), "is not a folder"),
        (os.mkfifo, "is a named pipe, not a folder"),
    ],
)
def test_why_not_written_says_it_as_every_path_check_does(
    tmp_path: Path, make: Callable[[Path], None], why: str
) -> None:
    """``why_not_written`` said ``X is a file, not a folder`` (a pipe too) where every
    other path check (``regular_file.in_the_way``) says ``X is not a folder`` and ``X is a
    named pipe, not a folder``: one wording."""
    make(tmp_path / "x")
    exc = NotADirectoryError(20, "Not a directory")
    assert why_not_written(tmp_path / "x" / "sub" / "t", exc) == f"{tmp_path / 'x'} {why}"


def test_why_not_written_names_a_loop_of_links(tmp_path: Path) -> None:
    """A folder on the way that is a link to itself, or into a loop of links, is said as
    such: until a review on 2026-12-07 ``... is a link to <itself>, which does not exist``."""
    exc = FileExistsError(errno.EEXIST, "File exists")
    (tmp_path / "self").symlink_to(tmp_path / "self")
    assert (
        why_not_written(tmp_path / "self" / "t", exc) == f"{tmp_path / 'self'} is a link to itself"
    )
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    assert why_not_written(tmp_path / "a" / "t", exc) == (
        f"{tmp_path / 'a'} is a link to b, which goes round a loop of links"
    )
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    assert why_not_written(tmp_path / "gone" / "t", exc) == (
        f"{tmp_path / 'gone'} is a link to {tmp_path / 'nowhere'}, which does not exist"
    )
