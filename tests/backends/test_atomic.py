"""Whole-file atomic writes (``atomic.py``) inside a program that has threads of its own."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sheets_sync.atomic import atomic_write, why_not_written
from sheets_sync.regular_file import in_the_way


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


def test_a_link_to_itself_is_known_by_identity_not_by_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workspace path given relative, its link to itself by its absolute name: until a
    review on 2026-12-07 the two names were compared as text and the link was said to go
    round a loop of links."""
    exc = FileExistsError(errno.EEXIST, "File exists")
    (tmp_path / "self").symlink_to(tmp_path / "self")
    monkeypatch.chdir(tmp_path)
    assert why_not_written(Path("self") / "t", exc) == "self is a link to itself"


def _chain(tmp_path: Path, length: int) -> Path:
    """``l0`` -> ``l1`` -> ... -> ``l<length>`` -> a folder: no loop, ``length`` + 1 links."""
    (tmp_path / "end").mkdir()
    for i in range(length + 1):
        target = f"l{i + 1}" if i < length else "end"
        (tmp_path / f"l{i}").symlink_to(target)
    return tmp_path / "l0"


def test_a_long_chain_of_links_is_no_loop(tmp_path: Path) -> None:
    """A chain of links past the kernel's 40 (``ELOOP``) that comes back to none of its
    links is said as too many links, by ``why_not_written`` and ``in_the_way`` alike: until
    a review on 2026-12-07 the one called it a loop, the other ``is a link loop``."""
    start = _chain(tmp_path, 45)
    exc = FileExistsError(errno.EEXIST, "File exists")
    why = "is a link to l1: too many links to follow"
    assert why_not_written(start / "t", exc) == f"{start} {why}"
    assert in_the_way(start / "t") == (start, why)


def test_in_the_way_says_a_loop_as_why_not_written_does(tmp_path: Path) -> None:
    """One wording of a link to itself and of a loop (until a review on 2026-12-07
    ``in_the_way`` said ``is a link loop`` of each)."""
    (tmp_path / "self").symlink_to("self")
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    exc = FileExistsError(errno.EEXIST, "File exists")
    for name, why in [
        ("self", "is a link to itself"),
        ("a", "is a link to b, which goes round a loop of links"),
    ]:
        link = tmp_path / name
        assert in_the_way(link / "t") == (link, why)
        assert why_not_written(link / "t", exc) == f"{link} {why}"
