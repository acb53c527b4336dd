"""The two up-front looks at a folder the tool will write in: the company workbook's
(``rollup_step.output_not_writable``) and the export's (``run._check_out_dir``). Each
names what is in the way, the folder itself included: a file, or a link to nothing,
where the folder was meant (there since the config was checked: the config refuses
them when it loads), or the OS's reason where the folder is there and held."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from sheets_sync.sync.rollup_step import output_not_writable
from sheets_sync.sync.run import _check_out_dir
from sheets_sync.workspace.demo import create_demo


def _in_the_way(folder: Path, what: str) -> str:
    """``folder`` replaced by ``what``; the words for it."""
    if what == "file":
        folder.write_text("x")
        return f"{folder} is not a folder"
    os.symlink(folder.parent / "nowhere", folder)
    return f"{folder} is a link to {folder.parent / 'nowhere'}, which does not exist"


@pytest.mark.parametrize("what", ["file", "dead link"])
def test_the_rollup_folder_replaced_after_the_config_loaded(what: str, tmp_path: Path) -> None:
    cfg = create_demo(tmp_path / "ws")
    text = cfg.read_text(encoding="utf-8")
    assert "  output: company.xlsx\n" in text
    cfg.write_text(text.replace("  output: company.xlsx\n", "  output: out/company.xlsx\n"))
    out = cfg.parent / "out"
    out.mkdir()
    ws = load_workspace(cfg)
    assert output_not_writable(ws) is None
    out.rmdir()
    why = _in_the_way(out, what)
    assert output_not_writable(ws) == f"cannot write in its folder {out} ({why})"


def test_a_rollup_folder_one_cannot_write_in(
    tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    cfg = create_demo(tmp_path / "ws")
    ws = load_workspace(cfg)
    why = read_only(cfg.parent)
    assert output_not_writable(ws) == f"cannot write in its folder {cfg.parent} ({why})"


@pytest.mark.parametrize("below", ["", "csv"], ids=["itself", "below"])
@pytest.mark.parametrize("what", ["file", "dead link"])
def test_an_export_folder_in_the_way(what: str, below: str, tmp_path: Path) -> None:
    held = tmp_path / "held"
    why = _in_the_way(held, what)
    out = held / below if below else held
    with pytest.raises(ConfigError) as refused:
        _check_out_dir(out, "--out")
    assert str(refused.value) == f"--out {out}: cannot write there ({why})"


@pytest.mark.parametrize("below", ["", "csv", "csv/2026"], ids=["itself", "new", "two-new"])
def test_an_export_folder_one_cannot_write_in(
    below: str, tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    held = tmp_path / "held"
    held.mkdir()
    why = read_only(held)
    out = held / below if below else held
    with pytest.raises(ConfigError) as refused:
        _check_out_dir(out)
    assert str(refused.value) == f"out_dir {out}: cannot write there ({why})"
    assert list(held.iterdir()) == []
