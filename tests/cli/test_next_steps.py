"""What a newcomer is told to do next, at the end of ``init``, ``template`` and ``demo``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, cast

from sheets_sync.domain.celltext import one_line, shell_word
from sheets_sync.workspace.google_demo import GoogleDemo
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
        f"  2. sheets-sync validate --config $'{shown}/sheets-sync.yaml'   # every problem, "
        "nothing written",
        f"  3. sheets-sync sync --config $'{shown}/sheets-sync.yaml'       # the nightly job "
        "(docs/scheduling.md)",
    ]


def _pasted(word: str, locale: str | None = None) -> str:
    """What bash makes of ``word`` as a command's argument (bash: on every CI box), in
    ``locale`` (``LC_ALL``) if given."""
    env = {**os.environ, "LC_ALL": locale} if locale else None
    done = subprocess.run(
        ["bash", "-c", f"printf %s {word}"], capture_output=True, check=True, timeout=60, env=env
    )
    return os.fsdecode(done.stdout)


def test_a_path_shown_with_escapes_is_pasted_as_the_path(tmp_path: Path) -> None:
    """A folder named ``a<LF>b`` printed ``'a\\nb/...'``, which a shell reads as another
    path, backslash and all (until 2026-12-07): a path ``one_line`` changes is printed in
    bash's and zsh's ``$'...'`` quoting, which reads back as the path."""
    ws = tmp_path / "new\nline\ttab 'quote'"
    cfg = ws / "sheets-sync.yaml"
    code, out, err = run("init", str(ws), "--team", "Sales")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 5, lines
    word = lines[3].removeprefix("  2. sheets-sync validate --config ").split("   #")[0]
    assert "\n" not in word and "\t" not in word
    assert _pasted(word) == str(cfg)
    demo = tmp_path / "demo\nfolder 'x'"
    code, out, _ = run("demo", str(demo), "--as-of", "2026-11-23")
    assert code == 0
    word = out.splitlines()[-1].removeprefix("next: sheets-sync sync --config ")
    assert _pasted(word) == str(demo / "sheets-sync.yaml")


def test_the_google_demo_next_steps_paste_too(tmp_path: Path) -> None:
    state = tmp_path / "em\nu's" / "state.json"
    config = tmp_path / "ws\tx" / "sheets-sync.yaml"
    told = GoogleDemo(config, state, cast(Any, None), {}, "k").next_steps()
    serve, sync = told.splitlines()[2:4]
    assert _pasted(serve.split("--state ")[1].removesuffix(" &")) == str(state)
    assert _pasted(sync.split("--config ")[1]) == str(config)


def test_a_shell_word_reads_back_as_its_text() -> None:
    """Backslashes, quotes, an escape character and an undecodable byte of a file name
    (kept by Python as a lone surrogate) all come back as they were."""
    for text in ("plain", "it's", "back\\slash 'n' \n", "esc\x1b[2J", "byte\udc80x", ""):
        word = shell_word(text)
        assert one_line(word) == word
        assert _pasted(word) == text


def test_a_shell_word_reads_back_in_any_locale() -> None:
    """``\\u200b`` in ``$'...'`` is decoded by bash only in a UTF-8 locale: in C or POSIX
    (cron's) it stayed text and named another path (until 2026-12-07). Each escaped
    non-ASCII character is written as its UTF-8 bytes (``\\xe2\\x80\\x8b``)."""
    for text in ("zw\u200bsp\n", "\u202e/日本\n", "emoji😀\n", "é\x85", "byte\udc80\u200b"):
        word = shell_word(text)
        for locale in ("C", "POSIX", "C.UTF-8"):
            assert _pasted(word, locale) == text, (locale, word)
