"""What a newcomer is told to do next, at the end of ``init``, ``template`` and ``demo``."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_ops_cli import run


def test_init_says_what_to_do_next(tmp_path: Path) -> None:
    """It printed the file it made, nothing more: the way on was in the README alone."""
    ws = tmp_path / "our okrs"  # a space: the commands must still paste as they are
    code, out, err = run("init", str(ws), "--team", "Sales")
    cfg = ws / "sheets-sync.yaml"
    assert (code, err) == (0, "")
    assert out == (
        f"workspace created: {cfg}\n"
        "next:\n"
        f"  1. each team fills in its workbook in {ws}/teams/ (its Read me tab, docs/template.md)\n"
        f"  2. sheets-sync validate --config '{cfg}'   # every problem, nothing written\n"
        f"  3. sheets-sync sync --config '{cfg}'       # the nightly job (docs/scheduling.md)\n"
    )
    code, out, err = run("validate", "--config", str(cfg))  # step 2 works on the fresh files
    assert (code, out, err) == (0, "1 team: 0 errors, 0 warnings\n", "")


def test_template_says_what_to_do_next(tmp_path: Path) -> None:
    code, out, err = run("template", str(tmp_path / "t.xlsx"))
    assert (code, err) == (0, "")
    assert out == (
        f"template written to {tmp_path / 't.xlsx'}\n"
        "next: a team fills it in (its Read me tab), then list it under teams: in "
        "sheets-sync.yaml (docs/configuration.md)\n"
    )


def test_demo_ends_with_a_command_that_pastes(tmp_path: Path) -> None:
    ws = tmp_path / "a demo"
    code, out, _ = run("demo", str(ws), "--as-of", "2026-11-23")
    assert code == 0
    cfg = ws / "sheets-sync.yaml"
    assert out.endswith(f"demo workspace created: {cfg}\nnext: sheets-sync sync --config '{cfg}'\n")


def test_a_control_character_in_the_folder_adds_no_line(tmp_path: Path) -> None:
    """A folder named with a line break: the next steps broke in two at it, the rest of
    a step printed as a line of its own (until 2026-12-07); shown as its escape, as every
    line a command prints shows one (README, Bad input)."""
    ws = tmp_path / "bad\nname"
    code, out, err = run("init", str(ws), "--team", "Sales")
    assert (code, err) == (0, "")
    shown = str(tmp_path / "bad\\nname")
    assert out.splitlines() == [
        f"workspace created: {shown}/sheets-sync.yaml",
        "next:",
        f"  1. each team fills in its workbook in {shown}/teams/ (its Read me tab, "
        "docs/template.md)",
        f"  2. sheets-sync validate --config '{shown}/sheets-sync.yaml'   # every problem, "
        "nothing written",
        f"  3. sheets-sync sync --config '{shown}/sheets-sync.yaml'       # the nightly job "
        "(docs/scheduling.md)",
    ]
