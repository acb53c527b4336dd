"""The examples in docs/*.md and the README's prose keep working: every `sheets-sync ...`
command they show parses (one shown failing fails so), the workspace and mapping YAML
examples load as shown, and the Python examples run.

``test_readme.py`` checks the README's command table further."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.cli import cli
from sheets_sync.config import load_workspace
from sheets_sync.emulator.cli import emulator_command
from sheets_sync.mapping.spec import parse_mapping
from tests.cli.test_ops_cli import run


def _protected(ctx: click.Context) -> list[str]:
    """The words a group holds for its subcommand: ``_protected_args`` from click 8.2,
    ``protected_args`` in 8.1, which pyproject allows."""
    held = getattr(ctx, "_protected_args", None)
    return list(held if held is not None else getattr(ctx, "protected_args", []))


ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def code_blocks(name: str, language: str) -> list[str]:
    """The fenced blocks of one language in a docs page, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", _doc(name), flags=re.M | re.S)


#: the environment a command line sets before the command (`GOOGLE_X=1 A=b sheets-sync ...`)
_ENVIRONMENT = re.compile(r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)+(?=sheets-sync )")


def _command_examples(text: str) -> list[str]:
    """Every `sheets-sync ...` command line a page's text shows, inline or in a block, after
    the environment it sets (`GOOGLE_...=... sheets-sync ...`; until a review on 2026-12-07 a
    block's such line was skipped)."""
    spans = re.findall(r"`([^`]*\bsheets-sync [^`]*)`", text)
    lines = [
        re.sub(r"^.*?\S*/(?=sheets-sync )", "", line)  # a cron line's schedule and path
        for block in re.findall(r"^```\w*\n(.*?)^```", text, flags=re.M | re.S)
        for line in block.splitlines()
        if re.search(r"(^| |/)sheets-sync [a-z-]", line.split("#")[0])
    ]
    found = []
    for shown in [*spans, *lines]:
        words = _ENVIRONMENT.sub("", shown.strip()).split("  #")[0].split()
        if words[0] == "sheets-sync" and re.match(r"[a-z-]", words[1]):  # not `sheets-sync Acme`
            found.append(" ".join(words))
    return sorted(set(found))


def _docs_examples() -> list[tuple[str, str]]:
    """(page, command line) of every `sheets-sync ...` the docs and the README's prose show
    (until 2026-12-07 the README's prose was not looked at)."""
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    return [(p.name, e) for p in pages for e in _command_examples(p.read_text(encoding="utf-8"))]


#: the examples the docs show failing, as a usage error (exit 2) that says so
USAGE_ERRORS = {("README.md", "sheets-sync sync -q")}
#: `sheets-sync ...` the docs show that is no command line: a shard results file's header
NOT_COMMANDS = {("operations.md", "sheets-sync shard results")}
EXAMPLES = [e for e in _docs_examples() if e not in USAGE_ERRORS | NOT_COMMANDS]


def _argv(example: str) -> list[str]:
    """The arguments of an example: placeholders (`<run id>`) made one word, a date's
    (`--as-of DAY`, `--as-of <the run's date>`) a date, as its option's type wants, shell
    redirections and a next command (`&& ...`, `| ...`) dropped, and a value for a last option
    shown without one."""
    words = shlex.split(re.sub(r"<[^>]*>", "X", example))[1:]
    words = [
        "2026-11-23" if i and words[i - 1] == "--as-of" and re.fullmatch("[A-Z]+", w) else w
        for i, w in enumerate(words)
    ]
    for joiner in ("&&", "|", "||", ";"):
        words = words[: words.index(joiner)] if joiner in words else words
    argv = [w for w in words if not w.startswith((">", "2>"))]
    command: click.Command = cli
    for word in argv:
        if isinstance(command, click.Group) and word in command.commands:
            command = command.commands[word]
    last = next((p for p in command.params if argv and argv[-1] in p.opts), None)
    if isinstance(last, click.Option) and not last.is_flag and not last.count:
        argv.append("X")
    return argv


def test_docs_show_commands() -> None:
    assert len(EXAMPLES) >= 12


def _parse(argv: list[str]) -> click.Context:
    """The context of the command `sheets-sync ARGV` runs, each value converted by its type
    (a Choice, a date, a number), nothing run: a word that is no command, an unknown option
    or a wrong value raises click's UsageError, as on the command line."""
    ctx = cli.make_context("sheets-sync", argv, resilient_parsing=False)
    command: click.Command = cli
    while isinstance(command, click.Group) and _protected(ctx):  # the command's word
        name, sub, rest = command.resolve_command(ctx, [*_protected(ctx), *ctx.args])
        assert name is not None and sub is not None
        ctx, command = sub.make_context(name, rest, parent=ctx, resilient_parsing=False), sub
    return ctx


@pytest.mark.parametrize(("page", "example"), EXAMPLES, ids=[e for _, e in EXAMPLES])
def test_command_example_parses(page: str, example: str) -> None:
    """Until a review on 2026-12-07 `--help` was put after each example, which no value is
    checked under (`export --format parket` passed) and a word that is no command was dropped."""
    argv = _argv(example)
    try:
        _parse(argv)
    except click.exceptions.Exit as stop:  # an eager -h or --version, as shown
        assert stop.exit_code == 0, f"{page}: {example}"
    except click.MissingParameter:  # the prose names a command (`sheets-sync export` ...)
        assert len(argv) == 1 and argv[0] in cli.commands, f"{page}: {example}"
    except click.ClickException as error:
        pytest.fail(f"{page}: {example}: {error.format_message()}")


def test_not_commands_are_still_shown() -> None:
    assert set(_docs_examples()) >= NOT_COMMANDS


@pytest.mark.parametrize(
    ("argv", "told"),
    [
        (["export", "--format", "parket", "--out", "x"], "'parket' is not one of"),
        (["--log-format", "xml", "sync"], "'xml' is not one of"),
        (["sync", "--workers", "many"], "'many' is not a valid integer"),
        (["synk", "--dry-run"], "No such command 'synk'"),
        (["sync", "--as-of", "23/11/2026"], "--as-of: '23/11/2026' is not a date like 2026-11-23"),
        (["rollup", "--as-of", "2026-02-29"], "--as-of: '2026-02-29' is no day of the calendar"),
        (["demo", "--as-of", "1850-01-01"], "--as-of: expected a date on or after 1900-03-01"),
    ],
)
def test_a_wrong_value_or_command_fails_to_parse(argv: list[str], told: str) -> None:
    """What test_command_example_parses relies on: a value is converted by its option's type,
    and a word that is no command is an error (under the `--help` it used until a review on
    2026-12-07 a command's wrong value passed, and an example whose word is no command was
    not looked at)."""
    with pytest.raises(click.UsageError) as raised:
        _parse(argv)
    assert told in raised.value.format_message()


@pytest.mark.parametrize("command", ["sync", "validate", "rollup", "export", "demo"])
def test_a_bad_as_of_is_refused_before_anything_is_read(tmp_path: Path, command: str) -> None:
    """`--as-of` is a date to click, so a bad one is the usage error it gives, whatever else
    is wrong: until 2026-12-07 it was a string each command parsed once its workspace had
    loaded, so a missing workspace file was said instead (and the examples' check above,
    which runs no command, passed any date)."""
    args = ["--out", str(tmp_path / "x")] if command == "export" else []
    where = [str(tmp_path / "demo")] if command == "demo" else ["--config", "nowhere.yaml"]
    result = CliRunner().invoke(cli, [command, *where, *args, "--as-of", "23/11/2026"])
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2,
        "Error: Invalid value for --as-of: '23/11/2026' is not a date like 2026-11-23",
    )
    assert list(tmp_path.iterdir()) == []  # no demo made, no export folder


@pytest.mark.parametrize(("page", "example"), sorted(USAGE_ERRORS))
def test_command_example_shown_failing_fails(page: str, example: str) -> None:
    assert (page, example) in _docs_examples()
    result = CliRunner().invoke(cli, _argv(example))
    assert result.exit_code == 2, f"{page}: {example}\n{result.output}"
    assert "go before the command, e.g. sheets-sync -q sync" in result.output


def test_command_examples_are_read_after_their_environment() -> None:
    """A command line that sets an environment first is read as its command, inline and in a
    block (until a review on 2026-12-07 a block's such line was skipped, and nothing checked
    that an inline one was read)."""
    text = (
        "Run `GOOGLE_X=1 A_B=x/y sheets-sync sync --team Sales` first.\n\n"
        "```console\nGOOGLE_X=1 sheets-sync validate --bogus-option\n```\n"
    )
    assert _command_examples(text) == [
        "sheets-sync sync --team Sales",
        "sheets-sync validate --bogus-option",
    ]


def test_readme_prose_examples_are_read() -> None:
    assert ("README.md", "sheets-sync demo --as-of DAY") in EXAMPLES
    assert ("configuration.md", "sheets-sync config check") in EXAMPLES
    assert any(e.startswith("sheets-sync validate --config build/") for _, e in EXAMPLES)


def test_every_option_is_told_in_the_prose() -> None:
    """Each option of each command (the emulator's too) is named outside a code block of the
    README or a docs page, where what it does is said: until 2026-12-07 the emulator's
    `--no-auth` and `--verbose` were only in emulator.md's synopsis."""
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    texts = [p.read_text(encoding="utf-8") for p in pages]
    prose = "\n".join(re.sub(r"^```.*?^```", "", t, flags=re.M | re.S) for t in texts)

    def untold(command: click.Command) -> list[str]:
        found = [
            f"{command.name} {'/'.join(p.opts)}"
            for p in command.params
            if isinstance(p, click.Option) and "--help" not in p.opts
            if not any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", prose) for o in p.opts)
        ]
        if isinstance(command, click.Group):
            found += [o for sub in command.commands.values() for o in untold(sub)]
        return found

    assert emulator_command.name in cli.commands
    assert untold(cli) == []


def test_emulator_command_line_parses() -> None:
    """`python -m sheets_sync.emulator` with every option emulator.md shows."""
    (block,) = code_blocks("emulator.md", "sh")
    line = block.replace("\\\n", " ").splitlines()[0]
    argv = shlex.split(line.replace("[", "").replace("]", ""))
    assert argv[:3] == ["python", "-m", "sheets_sync.emulator"]
    result = CliRunner().invoke(emulator_command, [*argv[3:], "--help"])
    assert result.exit_code == 0, result.output


def _key_file(folder: Path) -> Path:
    path = folder / "service-account.json"
    path.write_text(json.dumps(fake_service_account_info("127.0.0.1:1")), encoding="utf-8")
    return path


def test_configuration_example_loads(tmp_path: Path) -> None:
    """Every key of the full example in configuration.md is accepted as shown."""
    (yaml,) = code_blocks("configuration.md", "yaml")
    for team in ("teams/sales.xlsx", "teams/eng.xlsx", "more-teams/ops.xlsx"):
        (tmp_path / team).parent.mkdir(exist_ok=True)
        shutil.copyfile(ROOT / "templates" / "team.xlsx", tmp_path / team)
    _key_file(tmp_path)
    (tmp_path / "sheets-sync.yaml").write_text(yaml, encoding="utf-8")
    ws = load_workspace(tmp_path / "sheets-sync.yaml")
    assert [t.name for t in ws.teams] == ["Sales", "Engineering", "Marketing", "ops"]


def test_google_sheets_example_loads(tmp_path: Path) -> None:
    (yaml,) = code_blocks("google-sheets.md", "yaml")
    (tmp_path / "secrets").mkdir()
    _key_file(tmp_path / "secrets").rename(tmp_path / "secrets" / "sheets-sync-sa.json")
    text = "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n" + yaml
    (tmp_path / "sheets-sync.yaml").write_text(text, encoding="utf-8")
    ws = load_workspace(tmp_path / "sheets-sync.yaml")
    assert [t.source for t in ws.teams] == ["gsheet:1AbC-sales-sheet-key"]


def test_mapping_examples_load() -> None:
    full, blocks = code_blocks("mappings.md", "yaml")
    assert parse_mapping(full, source="my-layout.yaml").name == "my-layout"
    head = "name: blocks\nokrs:\n  sheet: [Goals]\n"
    assert parse_mapping(head + blocks, source="blocks.yaml").name == "blocks"


@pytest.mark.emulator
def test_emulator_python_example_runs() -> None:
    example, _ = code_blocks("emulator.md", "python")
    exec(compile(example, "docs/emulator.md", "exec"), {})


@pytest.mark.emulator
def test_emulator_production_example_runs_with_a_key_from_another_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's "production code" with a key whose token_uri is an emulator on another
    port (the Google demo's, served again by ``sheets-sync emulator --port 8085``): the
    snippet it showed (google-auth's loader, EmulatorHTTPClient) failed with a connection
    traceback to the old port."""
    from sheets_sync.emulator import run_emulator

    _, example = code_blocks("emulator.md", "python")
    monkeypatch.chdir(tmp_path)
    _key_file(tmp_path)  # token_uri http://127.0.0.1:1/token: nothing listens there
    with run_emulator() as emu:
        monkeypatch.setenv("GOOGLE_SHEETS_EMULATOR_HOST", emu.host)
        key = emu.create_spreadsheet("OKRs", sheets={"OKRs": [["Objective"], ["O1"]]})
        namespace: dict[str, Any] = {}
        exec(compile(example, "docs/emulator.md (production)", "exec"), namespace)
        assert namespace["gc"].open_by_key(key).sheet1.acell("A2").value == "O1"


def test_library_examples_run_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """library.md's Python blocks, one script in an empty folder, as the page says; the
    comments that show output show what they print."""
    blocks = code_blocks("library.md", "python")
    assert len(blocks) >= 6
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for number, block in enumerate(blocks):
        exec(compile(block, f"docs/library.md (python block {number + 1})", "exec"), namespace)
    out = capsys.readouterr().out
    for shown in re.findall(r"#\s*(\S.*)$", "\n".join(blocks), flags=re.M):
        if shown[0].isupper() or shown[0].isdigit():  # an output line, not a remark
            assert shown.split("...")[0].rstrip() in out, shown


def test_library_table_names_every_public_call() -> None:
    """Every call of ``sheets_sync.__all__`` is on the page, and every call it shows is
    public."""
    import builtins

    import sheets_sync

    text = _doc("library.md")
    calls = {n for n in sheets_sync.__all__ if n[0].islower() and not n.startswith("_")}
    shown = set(re.findall(r"`(\w+)\(", text)) - {"SyncOptions", "Console"}
    assert calls <= shown, calls - shown
    ours = {s for s in shown if s[0].islower() and not hasattr(builtins, s)}
    assert ours <= calls, ours - calls


def test_template_regeneration_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-liner of template.md writes the committed template's bytes."""
    (block,) = re.findall(r'python -c "(.*)"', _doc("template.md"))
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)
    exec(block, {})
    committed = (ROOT / "templates" / "team.xlsx").read_bytes()
    assert (tmp_path / "templates" / "team.xlsx").read_bytes() == committed


@pytest.mark.slow
def test_library_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo: Path) -> None:
    """The Python of operations.md and rollup.md, on a synced demo workspace."""
    from sheets_sync.ops.history import HistoryStore, default_history_path
    from sheets_sync.ops.notify import (
        notification,
        send,
        turned_off_track,
        turned_off_track_by_team,
    )
    from sheets_sync.sync.engine import Sync, SyncOptions
    from sheets_sync.sync.report import run_report

    shutil.copytree(demo.parent, tmp_path / "ws")
    workspace = load_workspace(tmp_path / "ws" / "sheets-sync.yaml")
    as_of = dt.date(2026, 11, 23)
    result = Sync(workspace).run(SyncOptions(as_of=as_of))
    names: dict[str, Any] = {
        "workspace": workspace,
        "ws": workspace,
        "result": result,
        "runs": result.runs,
        "context": result.context,
        "as_of": as_of,
        "date": as_of,
        "dates": [as_of],
        "log": logging.getLogger("docs"),
        "Path": Path,
        **{f.__name__: f for f in (HistoryStore, default_history_path, run_report)},
        **{f.__name__: f for f in (notification, send, turned_off_track, turned_off_track_by_team)},
    }
    monkeypatch.chdir(tmp_path)
    for page in ("operations.md", "rollup.md"):
        for i, example in enumerate(code_blocks(page, "python")):
            exec(compile(example, f"docs/{page} example {i + 1}", "exec"), names)
    assert code_blocks("operations.md", "python") and code_blocks("rollup.md", "python")
    assert sorted(p.name for p in (tmp_path / "out" / "tables").iterdir())[0] == (
        "alignment.parquet"
    )
    assert run("config", "check", "--config", str(tmp_path / "ws" / "sheets-sync.yaml"))[0] == 0


@pytest.mark.parametrize(
    "page", ["README.md", *sorted(f"docs/{p.name}" for p in DOCS.glob("*.md"))]
)
def test_table_rows_have_their_headers_cells(page: str) -> None:
    """A bare `|` inside a cell (`|target|`) splits it: GitHub drops the rest of the row."""
    wrong, header = [], None
    blocks = re.split(r"^```.*?^```", (ROOT / page).read_text(encoding="utf-8"), flags=re.M | re.S)
    for line in "\n".join(blocks).splitlines():
        if not line.lstrip().startswith("|"):
            header = None
            continue
        count = len(re.split(r"(?<!\\)\|", line.strip().strip("|")))
        header = header or count
        if count != header:
            wrong.append(line)
    assert wrong == []


#: library.md's "returns" column, as the calls' annotations spell it
_RETURNS = {
    "the config path": "Path",
    "`None`": "None",
    "`Workspace`": "Workspace",
    "`SyncResult`": "SyncResult",
    "`(SyncResult, [Path])`": "tuple[SyncResult, list[Path]]",
}


def _library_table() -> list[tuple[str, list[str], str]]:
    """(call, its arguments as shown, what it returns) of each row of library.md's table."""
    rows = []
    for line in _doc("library.md").splitlines():
        found = re.match(r"\| [^|]*\| `(\w+)\(([^`]*)\)`[^|]*\| (.*) \|$", line)
        if found:
            args: list[str] = []
            depth, word = 0, ""
            for char in found[2] + ",":  # split at the commas outside SyncOptions(...)
                depth += (char == "(") - (char == ")")
                if char == "," and depth == 0:
                    args, word = [*args, word.strip()], ""
                else:
                    word += char
            rows.append((found[1], args, found[3]))
    return rows


def test_library_table_calls_match_their_signatures() -> None:
    """A call as the table shows it still binds, and returns what the table says: the
    positional arguments in their places, each keyword a parameter of that name (an order
    changed, `export_workspace(ws, as_of, out_dir, fmt)` before 2026-12-06, or a return
    shape changed, broke library callers with no word)."""
    import inspect
    import typing

    import sheets_sync

    rows = _library_table()
    assert {call for call, _, _ in rows} == {
        n for n in sheets_sync.__all__ if n[0].islower() and not n.startswith("_")
    }
    wrong = []
    for call, args, returns in rows:
        function = getattr(sheets_sync, call)
        signature = inspect.signature(function)
        positional = [a for a in args if "=" not in a]
        keywords = {a.split("=")[0]: object() for a in args if "=" in a}
        try:
            signature.bind(*(object() for _ in positional), **keywords)
        except TypeError as exc:
            wrong.append(f"{call}({', '.join(args)}): {exc}")
        hint = typing.get_type_hints(function)["return"]
        shown = "None" if hint is type(None) else str(hint)
        shown = re.sub(r"<class '([\w.]+)'>", r"\1", shown)  # <class 'pathlib.Path'>
        shown = re.sub(r"\b[\w.]+\.(\w+)", r"\1", shown)  # pathlib.Path -> Path
        if _RETURNS.get(returns) != shown:
            wrong.append(f"{call} returns {shown}, the table says {returns}")
    assert wrong == []


def test_library_examples_call_every_public_call() -> None:
    """Each call of the table is run by an example (``test_library_examples_run_in_order``):
    a call no example makes could change its shape with every test passing."""
    code = "\n".join(code_blocks("library.md", "python"))
    untried = [call for call, _, _ in _library_table() if f"sheets_sync.{call}(" not in code]
    assert untried == []


def test_the_mapping_failure_outputs_name_their_lines() -> None:
    """The output blocks of docs/mappings.md's "When a mapping does not load" print each
    workspace problem with its line, as ``config check``, ``validate`` and ``sync`` do
    (until the review of 2026-12-07 the ``config check`` block showed none)."""
    said, fence = [], None  # the open block's language ("": output), None outside one
    for line in _doc("mappings.md").splitlines():
        if line.strip().startswith("```"):
            fence = line.strip()[3:] if fence is None else None
        elif fence == "" and "sheets-sync.yaml: " in line and "invalid configuration" not in line:
            said.append(line.strip())
    assert len(said) == 4
    assert [s for s in said if not re.search(r"sheets-sync\.yaml: line \d+: ", s)] == []
