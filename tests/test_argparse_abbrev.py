"""No command-line parser of the project takes an abbreviated option: argparse's default
reads ``--work`` as ``--workers`` and ``--size`` as ``--sizes``, so a typo or a future
option that shares a prefix silently changes what a benchmark measured (until 2026-12-08
every parser took them). A subcommand's parser (``add_parser``) is held to it too."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

import bench.cli
import bench.rss
import bench.worker
import sheets_sync.emulator.replay

ROOT = Path(__file__).resolve().parents[1]

MAINS: dict[str, Callable[[list[str]], int]] = {
    "bench": bench.cli.main,
    "bench.rss": bench.rss.main,
    "bench.worker": bench.worker.main,
    "replay": sheets_sync.emulator.replay.main,
}

POSITIONAL = {"bench.worker": ["floor", "no-such-folder"]}


@pytest.mark.parametrize("name", sorted(MAINS))
def test_an_abbreviated_help_is_refused(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``--hel``: every parser has ``--help``, and the abbreviation, taken, only prints it."""
    with pytest.raises(SystemExit) as exit_:
        MAINS[name]([*POSITIONAL.get(name, []), "--hel"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --hel" in capsys.readouterr().err


def test_bench_worker_refuses_work_for_workers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        bench.worker.main(["floor", str(tmp_path), "--work", "2"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --work 2" in capsys.readouterr().err


#: the calls that make a parser: a subcommand's (``add_subparsers().add_parser``) is an
#: ArgumentParser of its own, which does not take ``allow_abbrev`` from its parent's
_MAKERS = {"ArgumentParser", "add_parser"}


def _parser_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) in _MAKERS
    ]


def test_a_subcommand_s_parser_is_looked_at_too(tmp_path: Path) -> None:
    source = tmp_path / "tool.py"
    source.write_text(
        "import argparse\n"
        "parser = argparse.ArgumentParser(allow_abbrev=False)\n"
        "parser.add_subparsers().add_parser('run')\n"
    )
    assert [call.lineno for call in _parser_calls(source)] == [2, 3]


def test_every_argument_parser_refuses_abbreviations() -> None:
    """The parsers above and any new one: each says ``allow_abbrev=False``."""
    files = [
        ROOT / "cli.py",
        *(ROOT / "sheets_sync").rglob("*.py"),
        *(ROOT / "bench").rglob("*.py"),
    ]
    found = {
        f"{path.relative_to(ROOT)}:{call.lineno}": any(
            k.arg == "allow_abbrev" and isinstance(k.value, ast.Constant) and k.value.value is False
            for k in call.keywords
        )
        for path in files
        if path.is_file()
        for call in _parser_calls(path)
    }
    assert len(found) >= len(MAINS), found
    assert all(found.values()), found
