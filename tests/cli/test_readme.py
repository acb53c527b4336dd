"""The README stays true to the CLI: every command in its table exists, every example's
options are accepted, every command is in the table, and every page in docs/ is linked."""

from __future__ import annotations

import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
import textwrap
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import cast

import click
import pytest
from click.testing import CliRunner

import sheets_sync.cli
from sheets_sync.cli import cli
from tests.support.scripts import HANG


def _protected(ctx: click.Context) -> list[str]:
    """The words a group holds for its subcommand: ``_protected_args`` from click 8.2,
    ``protected_args`` in 8.1, which pyproject allows."""
    held = getattr(ctx, "_protected_args", None)
    return list(held if held is not None else getattr(ctx, "protected_args", []))


ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_rows() -> list[tuple[str, str]]:
    """(command cell, example cell) of every row of the README's command table."""
    rows = []
    for line in README.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].startswith("`sheets-sync "):
            rows.append((cells[0].strip("`"), cells[2].strip("`")))
    return rows


ROWS = _command_rows()


def _command_words(cell: str) -> list[str]:
    """``sync --shard K/N`` -> ``["sync"]``: the words before the first option."""
    words = []
    for word in cell.split():
        if word.startswith("-"):
            break
        words.append(word)
    return words


def _leaf_commands(group: click.Group, prefix: str = "") -> set[str]:
    names = set()
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names |= _leaf_commands(command, f"{prefix}{name} ")
        else:
            names.add(f"{prefix}{name}")
    return names


def test_table_has_rows() -> None:
    assert len(ROWS) >= 10


@pytest.mark.parametrize(("command", "example"), ROWS, ids=[r[0] for r in ROWS])
def test_example_is_accepted(command: str, example: str) -> None:
    lines = [shlex.split(part) for part in example.split("&&")]  # `a && b`: each apart
    argv = lines[0][1:]
    words = _command_words(command)
    assert argv[: len(words)] == words, f"example does not run {command!r}"
    options = [w for w in command.split() if w.startswith("--")]
    assert all(o in argv for o in options), f"example does not use {options}"
    for line in lines:
        assert line[0] == "sheets-sync"
        assert _parse_error(line[1:]) is None, line


def test_every_command_is_in_the_table() -> None:
    documented = {" ".join(_command_words(c)) for c, _ in ROWS}
    assert _leaf_commands(cli) <= documented


def test_every_docs_page_is_linked() -> None:
    linked = set(re.findall(r"`(docs/[\w.-]+\.md)`", README))
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages <= linked, sorted(pages - linked)
    assert linked <= pages, sorted(linked - pages)


@pytest.mark.parametrize("name", sorted(_leaf_commands(cli)))
def test_every_command_help_has_an_example(name: str) -> None:
    """A newcomer's first stop is `-h`: it shows the command run as the README runs it."""
    result = CliRunner().invoke(cli, [*name.split(), "-h"])
    assert result.exit_code == 0, result.output
    assert f"Example: sheets-sync {name}" in result.output


def _groups(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += [f"{prefix}{name}", *_groups(command, f"{prefix}{name} ")]
    return names


@pytest.mark.parametrize("name", sorted(_groups(cli)))
def test_every_group_help_has_an_example(name: str) -> None:
    """`sheets-sync config -h` is where a newcomer lands after `config` alone: it showed
    only its subcommand's one-line summary, no command line to copy."""
    result = CliRunner().invoke(cli, [*name.split(), "-h"])
    assert result.exit_code == 0, result.output
    assert f"Example: sheets-sync {name} " in result.output


def _help_command_lines(help_text: str) -> list[str]:
    """The `sheets-sync ...` command lines a `-h` shows, each command of `a && b` apart,
    without an environment prefix (`VAR=x sheets-sync ...`), a comment or a remark in
    brackets."""
    lines = []
    for text in help_text.splitlines():
        if text.startswith("Usage:"):
            continue
        line = re.split(r"\s+(?:#|\()", text)[0]
        for part in line.split("&&"):
            found = re.search(r"(?:^|\s)(sheets-sync \S.*)$", part.strip())
            if found:
                lines.append(found[1].strip())
    return lines


def _parse_error(argv: list[str]) -> str | None:
    """What click says of argv as it parses it down to the command it names (unknown
    options, missing values, bad choices), or None; nothing runs. (Appending `--help` and
    invoking ran the command when the line ended in an option that takes a value: `init
    acme2 --team --help` made a workspace in the checkout.)"""
    command: click.Command = cli
    try:
        ctx = cli.make_context("sheets-sync", list(argv))
        while isinstance(command, click.Group):
            args = [*_protected(ctx), *ctx.args]
            if not args:
                return "no command"
            name, found, rest = command.resolve_command(ctx, args)
            assert name is not None and found is not None
            command, ctx = found, found.make_context(name, rest, parent=ctx)
    except click.ClickException as exc:
        return exc.format_message()
    return None


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--outt", "x.xlsx"],
        ["init", "acme2", "--team"],
        ["sync", "--shard", "2/4", "--results-dir"],
        ["nosuch"],
        ["config"],
    ],
    ids=" ".join,
)
def test_a_line_that_does_not_parse_is_found_and_not_run(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _parse_error(argv) is not None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["", *sorted(_groups(cli)), *sorted(_leaf_commands(cli))])
def test_every_command_line_help_shows_is_accepted(name: str) -> None:
    """`-h`'s examples are copied as they are: each one's options still exist."""
    result = CliRunner().invoke(cli, [*name.split(), "-h"])
    assert result.exit_code == 0, result.output
    shown = _help_command_lines(result.output)
    assert shown, result.output
    for line in shown:
        assert _parse_error(shlex.split(line)[1:]) is None, line


def test_every_option_says_what_it_does() -> None:
    """`-h` is where a newcomer learns an option: `init --company` and `export --format`
    showed only their default, and no page mentioned `--company`."""
    silent = []
    for name in ["", *sorted(_leaf_commands(cli))]:
        command: click.Command = cli
        for word in name.split():
            assert isinstance(command, click.Group)
            found = command.get_command(click.Context(command), word)
            assert found is not None
            command = found
        silent += [
            f"{name or 'sheets-sync'} {p.opts[0]}"
            for p in command.params
            if isinstance(p, click.Option) and not p.help
        ]
    assert silent == []


def test_emulator_module_takes_dash_h() -> None:
    """`python -m sheets_sync.emulator -h` works as every other command's `-h` does."""
    # a process of its own: click caches a command's help option once it is made
    result = subprocess.run(
        [sys.executable, "-m", "sheets_sync.emulator", "-h"],
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Example: sheets-sync emulator" in result.stdout


def test_every_make_target_is_in_the_readme() -> None:
    """A newcomer learns the make targets from the README, not from the Makefile."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, flags=re.M)
    assert phony is not None
    missing = [t for t in phony[1].split() if f"`make {t}`" not in README]
    assert missing == []


#: the folders .gitignore lists that `make clean` leaves, and why: none is a venv, build/
#: or a tool's cache
KEPT_BY_CLEAN = {
    "__pycache__/": "Python's bytecode, beside each module, remade as it is imported",
    "*.egg-info/": "another project's install metadata; the project's own goes (test below)",
    ".sheets-sync/": "a workspace's state (its run history, lock and reports): not a cache",
}


def _not_listed_as_folders(removed: set[str], folders: list[str]) -> list[str]:
    """The names in `removed` that no folder line of .gitignore (`folders`: a name or a
    glob, ending in `/`) lists."""

    def listed(name: str) -> bool:
        return any(f"{name}/" == f or fnmatch(f"{name}/", f) for f in folders)

    return sorted(r for r in removed if not listed(r))


def test_a_name_make_clean_removes_is_listed_by_a_folder_line_only() -> None:
    """A file line of .gitignore (`~$*`, `*.pyc`) lists no folder `make clean` removes: until
    a review on 2026-12-07 any line's glob counted, and a removed `~$x` folder passed (by
    `~$*`, a glob for Office's lock files)."""
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "~$*" in ignored and "*.pyc" in ignored
    folders = [line for line in ignored if line.endswith("/") and not line.startswith("#")]
    removed = {"~$x", "x.pyc", "sheets_sync.egg-info", ".venv3.[0-9]", ".venv3.12", "build"}
    assert _not_listed_as_folders(removed, folders) == ["x.pyc", "~$x"]


def test_make_clean_removes_what_the_targets_and_tools_make() -> None:
    """The README says `make clean` removes the venvs, build/ and the tools' caches: every
    folder .gitignore lists but those KEPT_BY_CLEAN names (the venvs of `make test-pythons`
    and the `.hypothesis` database of `HYPOTHESIS_PROFILE=dev` too; until 2026-12-07 both
    stayed; until a review that day this test listed the folders itself, and one that
    .gitignore gained went unseen), and nothing .gitignore does not list."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^clean:\n\t(.*)$", makefile, flags=re.M)
    assert recipe is not None
    removed = set(recipe[1].split()[2:])  # after `rm -rf`
    removed = {{"$(VENV)": ".venv", "$(AIRFLOW_VENV)": ".venv-airflow"}.get(w, w) for w in removed}
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    folders = [line for line in ignored if line.endswith("/") and not line.startswith("#")]
    assert set(KEPT_BY_CLEAN) <= set(folders)
    made = [f.removesuffix("/") for f in folders if f not in KEPT_BY_CLEAN]
    assert {".venv", ".venv3.[0-9][0-9]", ".hypothesis", "build"} <= set(made)
    assert [m for m in made if m not in removed] == []
    assert _not_listed_as_folders(removed, folders) == []  # sheets_sync.egg-info: *.egg-info/
    told = README.split("`make clean`", 1)[1].split("`make bench`", 1)[0]
    for name in (".venv3.12", ".venv3.13", ".hypothesis"):
        assert f"`{name}`" in told
    # what it left names them (until a review on 2026-12-07 it said `those three`)
    left = " ".join(told.split()).split("until 2026-12-07 it left", 1)[1].split(")", 1)[0]
    for name in ("`make test-pythons` venvs", "`.hypothesis`", "`sheets_sync.egg-info`"):
        assert name in left


def test_the_dev_profile_says_make_clean_drops_its_examples() -> None:
    """Where the README tells of the examples `HYPOTHESIS_PROFILE=dev` saves in `.hypothesis`,
    it says `make clean` removes them (until a review on 2026-12-07 only the make clean line
    said so, and one who kept a failing example to replay was not warned)."""
    told = " ".join(README.split("`HYPOTHESIS_PROFILE=dev make test`", 1)[1].split())
    told = told.split(".)", 1)[0]
    assert "keeps a failing one in `.hypothesis`" in told
    assert "`make clean` removes `.hypothesis`, and the examples saved in it" in told


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_clean_keeps_a_venv_of_ones_own(tmp_path: Path) -> None:
    """`make clean` removes the venvs `make test-pythons` makes (`.venv3.12`, `.venv3.13`:
    `.venv` and the version) and no other name that starts so: until a review on 2026-12-07
    its `.venv3*` took a user's `.venv3`, `.venv313`, `.venv3-mine`, even a file
    `.venv3-notes.txt`. The editable install's ``sheets_sync.egg-info`` goes too (until
    2026-12-07 it stayed), another project's ``*.egg-info`` does not."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    made = [".venv", ".venv3.9", ".venv3.12", ".venv3.13", "build", ".hypothesis"]
    made.append("sheets_sync.egg-info")
    kept = [".venv3", ".venv313", ".venv3-mine", ".venv3.12-mine", ".venv.keep"]
    kept.append("other_tool.egg-info")
    for name in made + kept:
        (tmp_path / name).mkdir()
    (tmp_path / ".venv3-notes.txt").write_text("mine\n", encoding="utf-8")
    kept.append(".venv3-notes.txt")
    skip = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "VENV", "AIRFLOW_VENV")  # the Makefile's
    env = {k: v for k, v in os.environ.items() if k not in skip}
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, env=env, timeout=HANG, check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, "Makefile"])


def test_layout_names_every_module() -> None:
    """The README's Layout is where a newcomer looks for a module: it lists them all."""
    layout = README.split("## Layout", 1)[1]
    package = ROOT / "sheets_sync"
    names = [p.name for p in package.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    names += [f"{p.name}/" for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"]
    missing = [n for n in sorted(names) if not re.search(rf"(?<![\w/]){re.escape(n)}", layout)]
    assert missing == []


def test_layout_says_rezip_writes_zipwrites_records() -> None:
    """zipwrite.py holds the zip records rezip writes too (one set since 2026-12-07): the
    Layout says so (until a review that day it named the rollup's splice only)."""
    layout = README.split("## Layout", 1)[1]
    told = " ".join(layout.split("  zipwrite.py", 1)[1].split("  atomic.py", 1)[0].split())
    assert "the zip record layouts" in told
    assert "backends/excel/rezip.py uses" in told


@pytest.mark.parametrize(
    ("found", "missing"), [([], "click"), (["click"], "defusedxml")], ids=["nothing", "click-only"]
)
def test_cli_py_without_the_venv_says_which_python_to_use(
    found: list[str], missing: str, tmp_path: Path
) -> None:
    """The README's `python cli.py ...` run by a Python without the package's dependencies
    (the system's, before `make run` or outside the venv) ended in a ModuleNotFoundError
    traceback, at once or, with click alone installed, once `validate` imported rich; it
    says in one line what to run instead, with paths that work from where it was run (they
    were relative to the checkout)."""
    for name in found:  # the only packages this Python has
        module_file = __import__(name).__file__
        assert module_file is not None
        (tmp_path / name).symlink_to(Path(module_file).parent)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # -S: no site-packages at all, so no other dependency can be imported
    result = subprocess.run(
        [sys.executable, "-S", str(ROOT / "cli.py"), "validate", "--config", "x.yaml"],
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        cwd=elsewhere,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    here = ROOT.resolve()
    assert result.stderr == (
        f"error: this Python cannot import {missing} ({sys.executable}); run "
        f"`make -C {here} .venv/.installed` once, then "
        f"`{here}/.venv/bin/python {here}/cli.py ...` or `{here}/.venv/bin/sheets-sync ...`\n"
    )


def _cli_py() -> dict[str, object]:
    """cli.py's names, run as a module is imported (its `__main__` part does not run)."""
    return runpy.run_path(str(ROOT / "cli.py"), run_name="cli_py")


def test_cli_py_runs_what_the_sheets_sync_command_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """cli.py called click's `cli.main()`, not the console script's `entry`: a SIGTERM left
    the notify hook running and said nothing, Ctrl-C said "Aborted!" and exited 1."""
    script = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry = script["project"]["scripts"]["sheets-sync"]
    assert entry == "sheets_sync.cli:entry"
    called: list[bool] = []
    monkeypatch.setattr(sheets_sync.cli, "entry", lambda: called.append(True))
    monkeypatch.setattr(sys, "argv", [str(ROOT / "cli.py"), "--version"])
    runpy.run_path(str(ROOT / "cli.py"), run_name="__main__")
    assert called == [True]


# pyproject.toml's name for a dependency -> the name it is imported as, where they differ
IMPORT_NAMES = {"PyYAML": "yaml", "google-auth": "google.auth"}


def test_cli_py_checks_every_dependency() -> None:
    """cli.py says which dependency is missing before it runs a command: it checks them all."""
    script = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = [re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0] for d in script["project"]["dependencies"]]
    wanted = {IMPORT_NAMES.get(n, n.lower().replace("-", "_")) for n in names}
    assert set(cast(tuple[str, ...], _cli_py()["DEPENDENCIES"])) == wanted


def test_cli_py_shows_an_import_bug_inside_a_command_as_one(tmp_path: Path) -> None:
    """A command that imports a module that does not exist (a bug, not a missing install)
    was reported as `this Python cannot import openpyxl.utilz ... run make ...`, exit 2."""
    bug = tmp_path / "bug.py"
    bug.write_text(
        textwrap.dedent(f"""
        import runpy, sys
        import sheets_sync.cli

        def buggy(**kwargs):
            import openpyxl.utilz  # the bug

        sheets_sync.cli.cli.commands["validate"].callback = buggy
        sys.argv = ["cli.py", "validate", "--config", "x.yaml"]
        runpy.run_path({str(ROOT / "cli.py")!r}, run_name="__main__")
        """),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(bug)],
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
        cwd=ROOT,
    )
    assert "cannot import" not in result.stderr
    assert "ModuleNotFoundError: No module named 'openpyxl.utilz'" in result.stderr
    assert result.returncode == 1
