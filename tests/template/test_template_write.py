"""``sheets-sync template PATH`` where the file cannot be written: one line naming PATH and
why, nothing left behind. It named the temp file beside it (``error: /srv/.t.xlsx.k2j1.tmp:
Permission denied``, exit 1), or for a folder that is a file only ``t.xlsx: File exists``."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheets_sync.cli import cli
from sheets_sync.errors import ConfigError
from sheets_sync.template import xlsx
from sheets_sync.template.xlsx import write_template


def _template(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["template", str(path)])
    return result.exit_code, result.stdout, result.stderr


def test_a_read_only_folder_is_named_with_the_template(
    tmp_path: Path,
    read_only: Callable[[Path], str],
) -> None:
    folder = tmp_path / "shared drive"
    folder.mkdir()
    reason = read_only(folder)
    path = folder / "Équipe.xlsx"
    assert _template(path) == (2, "", f"error: {path}: cannot write the template: {reason}\n")
    assert list(folder.iterdir()) == []


def test_a_folder_that_is_a_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "team.xlsx").write_bytes(b"the team's goals")
    path = tmp_path / "team.xlsx" / "sub" / "t.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "sheets_sync", "template", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        f"error: {path}: cannot write the template: {tmp_path / 'team.xlsx'} is not a folder\n"
    )
    assert (tmp_path / "team.xlsx").read_bytes() == b"the team's goals"


def test_a_folder_name_too_long_is_the_reason_not_a_raw_os_error(tmp_path: Path) -> None:
    """Looking for the nearest folder that exists raised ENAMETOOLONG from ``exists()``
    itself: a library caller got a raw OSError, not the ConfigError naming the path."""
    path = tmp_path / ("d" * 300) / "x" / "t.xlsx"
    with pytest.raises(ConfigError) as caught:
        write_template(path)
    assert str(caught.value) == f"{path}: cannot write the template: File name too long"


def test_a_folder_that_is_a_link_to_nothing_says_so(tmp_path: Path) -> None:
    """A dangling link where a folder was meant (a share not mounted) said only ``File
    exists``."""
    (tmp_path / "share").symlink_to(tmp_path / "gone")
    path = tmp_path / "share" / "sub" / "t.xlsx"
    with pytest.raises(ConfigError) as caught:
        write_template(path)
    assert str(caught.value) == (
        f"{path}: cannot write the template: {tmp_path / 'share'} is a link to "
        f"{tmp_path / 'gone'}, which does not exist"
    )
    assert not (tmp_path / "gone").exists()


@pytest.mark.parametrize("linkless", [False, True])
def test_a_file_made_between_the_check_and_the_write_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linkless: bool
) -> None:
    """``template`` looked for the file, built the workbook, then renamed it into place:
    a team's workbook saved there meanwhile (a sync script, a colleague) was replaced by
    a blank template. The file is linked into place now, which fails on one that is
    there; ``linkless``: a file system without hard links, where the check is made again
    just before the rename. The file appears after the check, as the workbook is built."""
    path = tmp_path / "team.xlsx"
    build = xlsx.deterministic_bytes

    def saved_meanwhile(book: Any) -> bytes:
        path.write_bytes(b"the team's goals")
        return build(book)

    monkeypatch.setattr(xlsx, "deterministic_bytes", saved_meanwhile)
    if linkless:

        def no_links(*args: Any, **kwargs: Any) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(ConfigError) as caught:
        write_template(path)
    assert str(caught.value) == (
        f"{path}: already exists; not overwriting it (it may be a team's workbook; --force "
        "replaces it)"
    )
    assert path.read_bytes() == b"the team's goals"
    assert [p.name for p in tmp_path.iterdir()] == ["team.xlsx"]  # no temp file left


def test_a_new_template_is_linked_into_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linked, not renamed (a rename replaces a file made meanwhile), and the temp name
    dropped after; ``--force`` renames over the file, as ever. The calls are watched:
    one name left with one link holds for a rename too (found by review)."""
    path = tmp_path / "team.xlsx"
    calls: list[tuple[str, str]] = []
    link, replace = os.link, os.replace

    def watched_link(src: Any, dst: Any, **kwargs: Any) -> None:
        calls.append(("link", Path(dst).name))
        link(src, dst, **kwargs)

    def watched_replace(src: Any, dst: Any, **kwargs: Any) -> None:
        calls.append(("replace", Path(dst).name))
        replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "link", watched_link)
    monkeypatch.setattr(os, "replace", watched_replace)
    write_template(path)
    assert calls == [("link", "team.xlsx")]
    assert path.stat().st_nlink == 1 and [p.name for p in tmp_path.iterdir()] == ["team.xlsx"]
    calls.clear()
    write_template(path, overwrite=True)  # --force: renamed over it, as ever
    assert calls == [("replace", "team.xlsx")]
    assert [p.name for p in tmp_path.iterdir()] == ["team.xlsx"]


def test_dot_dot_after_a_link_is_taken_as_text_as_the_write_takes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lnk/../sub/t.xlsx``: ``mkdir`` made ``sub`` beside the link's target (the kernel's
    ``..``) while the atomic write took ``..`` as text (``./sub``), which was not there:
    ``cannot write the template: No such file or directory``, a folder made elsewhere."""
    (tmp_path / "far" / "deep").mkdir(parents=True)
    (tmp_path / "lnk").symlink_to(tmp_path / "far" / "deep")
    monkeypatch.chdir(tmp_path)
    write_template(Path("lnk/../sub/t.xlsx"))
    assert (tmp_path / "sub" / "t.xlsx").is_file()
    assert not (tmp_path / "far" / "sub").exists()
