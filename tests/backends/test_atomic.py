"""Whole-file atomic writes (``atomic.py``) inside a program that has threads of its own."""

from __future__ import annotations

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
