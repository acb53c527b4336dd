"""A library caller's arguments of the wrong shape (docs/library.md): each is one
``ConfigError`` naming the argument before any team is read, never a bare
AttributeError from deep in the run, nor a run that silently does something else."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import sheets_sync

AS_OF = dt.date(2026, 11, 23)


def test_teams_may_be_any_iterable_and_are_kept_as_given(workspace: Path) -> None:
    """A generator of names was used up by ``run_sync``'s plan: the run then synced no
    team at all, and said nothing (``runs == ()``). ``teams`` takes an ``Iterable[str]``
    for the type checker too (``make lint``: ``SyncOptions.teams`` was a ``Sequence[str]``,
    so a generator, as docs/library.md allows, was an arg-type error under mypy --strict)."""
    ws = sheets_sync.load_workspace(workspace)
    names = ["Sales"]
    options = sheets_sync.SyncOptions(as_of=AS_OF, dry_run=True, teams=(n for n in names))
    assert options.teams == ("Sales",)
    (run,) = sheets_sync.run_sync(ws, options).runs
    assert run.team == "Sales" and not run.failed


def test_teams_given_as_a_list_are_not_changed_by_the_callers_list() -> None:
    """The options are frozen: a list the caller changes after does not change them."""
    names = ["Sales"]
    options = sheets_sync.SyncOptions(as_of=AS_OF, teams=names)
    names.append("Marketing")
    assert options.teams == ("Sales",)


@pytest.mark.parametrize(
    ("teams", "message"),
    [
        ([1], "teams: a list of team names (strings), not 1"),
        (["Sales", None], "teams: a list of team names (strings), not None"),
        (5, "teams: a list of team names, not 5"),
    ],
)
def test_teams_that_are_not_names_are_a_config_error(
    workspace: Path, teams: object, message: str
) -> None:
    """``teams=[1]`` was an AttributeError (``'int' object has no attribute 'casefold'``)
    from the engine's team lookup, ``teams=5`` a TypeError."""
    ws = sheets_sync.load_workspace(workspace)
    with pytest.raises(sheets_sync.ConfigError) as caught:
        sheets_sync.validate_workspace(ws, teams=teams, as_of=AS_OF)  # type: ignore[arg-type]
    assert str(caught.value) == message


CALLS: dict[str, Callable[[Any], object]] = {
    "validate_workspace": lambda ws: sheets_sync.validate_workspace(ws, as_of=AS_OF),
    "run_sync": lambda ws: sheets_sync.run_sync(ws, sheets_sync.SyncOptions(as_of=AS_OF)),
    "rebuild_rollup": lambda ws: sheets_sync.rebuild_rollup(ws, as_of=AS_OF),
    "merge_shards": lambda ws: sheets_sync.merge_shards(ws, "results"),
    "export_workspace": lambda ws: sheets_sync.export_workspace(ws, "exports", as_of=AS_OF),
}


@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_config_path_for_the_workspace_is_a_config_error(
    workspace: Path, call: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workspace file's path where its ``Workspace`` goes (what ``check_config``
    takes) was an AttributeError (``'PosixPath' object has no attribute ...``)."""
    monkeypatch.chdir(workspace.parent)
    before = sorted(p.name for p in workspace.parent.rglob("*"))
    for wrong in (workspace, str(workspace), None):
        with pytest.raises(sheets_sync.ConfigError) as caught:
            CALLS[call](wrong)
        assert str(caught.value) == (
            f"workspace: a Workspace (sheets_sync.load_workspace(path) returns it), not {wrong!r}"
        )
    assert sorted(p.name for p in workspace.parent.rglob("*")) == before  # nothing done


def test_run_sync_options_that_are_not_sync_options_are_a_config_error(workspace: Path) -> None:
    """``run_sync(ws, {"dry_run": True})`` was an AttributeError (``'dict' object has no
    attribute 'shard'``)."""
    ws = sheets_sync.load_workspace(workspace)
    with pytest.raises(sheets_sync.ConfigError) as caught:
        sheets_sync.run_sync(ws, {"dry_run": True})  # type: ignore[arg-type]
    assert str(caught.value) == (
        "options: a SyncOptions (sheets_sync.SyncOptions(dry_run=True, ...)), not {'dry_run': True}"
    )


@pytest.mark.parametrize("out", ["sheets-sync.yaml", "sheets-sync.yaml/tables"])
def test_export_to_a_file_is_a_config_error_before_any_team_is_read(
    workspace: Path, out: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ``out_dir`` that is a file, or under one, was a bare FileExistsError or
    NotADirectoryError once every team had been read (the command's ``--out`` refuses the
    first itself, and said the second as ``Not a directory`` after the teams)."""
    monkeypatch.chdir(workspace.parent)
    ws = sheets_sync.load_workspace(workspace)
    read: list[str] = []
    monkeypatch.setattr("sheets_sync.sync.run.Sync.run", lambda *a, **k: read.append("x"))
    with pytest.raises(sheets_sync.ConfigError) as caught:
        sheets_sync.export_workspace(ws, out, as_of=AS_OF)
    message = str(caught.value)  # said by the export's path check (regular_file.in_the_way)
    assert message.startswith(f"out_dir {out}: ") and message.endswith(
        "sheets-sync.yaml is not a folder; give out_dir a folder of files"
    ), message
    assert read == []


def test_export_over_a_pipe_names_the_argument_not_the_flag(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library's messages say ``out_dir``, as ``path_arg`` does; they said the CLI's
    ``--out`` (the command still does: tests/cli/test_replaced_paths.py)."""
    ws = sheets_sync.load_workspace(workspace)
    monkeypatch.setattr("sheets_sync.sync.run.Sync.run", lambda *a, **k: pytest.fail("read"))
    out_dir = tmp_path / "feed"
    out_dir.mkdir()
    os.mkfifo(out_dir / "kpis.csv")
    with pytest.raises(sheets_sync.ConfigError) as caught:
        sheets_sync.export_workspace(ws, out_dir, as_of=AS_OF)
    assert str(caught.value) == (
        f"out_dir {out_dir}: kpis.csv is a named pipe, not a file; each table is a new file "
        "renamed into its place: give out_dir a folder of files"
    )


def test_a_failed_export_can_leave_its_folder_empty(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder is made (and proved writable) before any team is read, so a call that
    fails after, here its read, leaves it there, empty, as docs/library.md says."""
    ws = sheets_sync.load_workspace(workspace)

    def fail(*args: object, **kwargs: object) -> None:
        raise sheets_sync.ConfigError("read failed")

    monkeypatch.setattr("sheets_sync.sync.run.Sync.run", fail)
    out_dir = tmp_path / "exports" / "q4"
    with pytest.raises(sheets_sync.ConfigError, match="read failed"):
        sheets_sync.export_workspace(ws, out_dir, as_of=AS_OF)
    assert out_dir.is_dir() and list(out_dir.iterdir()) == []
    doc = (Path(__file__).parents[2] / "docs" / "library.md").read_text(encoding="utf-8")
    assert "can leave its folder, empty" in " ".join(doc.split())


PATH_CALLS: dict[str, tuple[str, Callable[[Any, Any], object]]] = {
    "load_workspace": ("path", lambda ws, p: sheets_sync.load_workspace(p)),
    "check_config": ("path", lambda ws, p: sheets_sync.check_config(p)),
    "create_demo": ("dir", lambda ws, p: sheets_sync.create_demo(p, as_of=AS_OF)),
    "write_template": ("path", lambda ws, p: sheets_sync.write_template(p)),
    "export_workspace": ("out_dir", sheets_sync.export_workspace),
    "merge_shards": ("results_dir", sheets_sync.merge_shards),
    "run_sync report_path": (
        "report_path",
        lambda ws, p: sheets_sync.run_sync(
            ws, sheets_sync.SyncOptions(dry_run=True), report_path=p
        ),
    ),
    "run_sync results_dir": (
        "results_dir",
        lambda ws, p: sheets_sync.run_sync(
            ws, sheets_sync.SyncOptions(shard=(1, 2)), results_dir=p
        ),
    ),
}


@pytest.mark.parametrize("call", sorted(PATH_CALLS))
def test_a_path_that_is_no_path_is_a_config_error(
    workspace: Path, call: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A number, bytes or a name holding a NUL where a path goes was a bare TypeError or
    ``ValueError: embedded null byte`` from ``pathlib`` or the OS (a ``None`` for
    ``load_workspace``'s path is the default file, as the command's missing ``--config``)."""
    monkeypatch.chdir(workspace.parent)
    ws = sheets_sync.load_workspace(workspace)
    name, run = PATH_CALLS[call]
    before = sorted(p.name for p in workspace.parent.rglob("*"))
    for wrong, why in [
        (5, "a path (a str or a pathlib.Path), not 5"),
        (b"out", "a path (a str or a pathlib.Path), not b'out'"),
        ("out\x00.xlsx", "'out\\x00.xlsx' holds a NUL character, which no path can"),
    ]:
        with pytest.raises(sheets_sync.ConfigError) as caught:
            run(ws, wrong)
        assert str(caught.value) == f"{name}: {why}"
    assert sorted(p.name for p in workspace.parent.rglob("*")) == before  # nothing done


def test_a_notify_command_that_is_no_text_is_refused_before_any_team(workspace: Path) -> None:
    """``notify_cmd=["notify-send", "okr"]`` (a list, as ``subprocess`` takes) was an
    AttributeError (``'list' object has no attribute 'read'``) once the night was done,
    its team sheets written, with no run report and its alerts unsent."""
    ws = sheets_sync.load_workspace(workspace)
    before = {p: p.read_bytes() for p in workspace.parent.rglob("*") if p.is_file()}
    for wrong in (["notify-send", "okr"], 5):
        with pytest.raises(sheets_sync.ConfigError) as caught:
            sheets_sync.run_sync(ws, sheets_sync.SyncOptions(as_of=AS_OF), notify_cmd=wrong)  # type: ignore[arg-type]
        assert str(caught.value) == (
            f"notify_cmd: a shell command line (a str, as notify: command), not {wrong!r}"
        )
    assert {p: p.read_bytes() for p in workspace.parent.rglob("*") if p.is_file()} == before


def test_a_console_that_is_no_rich_console_is_a_config_error(workspace: Path) -> None:
    """``console=sys.stderr`` (a stream, not a ``rich.console.Console``) was an
    AttributeError (``... has no attribute 'is_terminal'``) with the workspace locked."""
    ws = sheets_sync.load_workspace(workspace)
    options = sheets_sync.SyncOptions(as_of=AS_OF, dry_run=True)
    with pytest.raises(sheets_sync.ConfigError) as caught:
        sheets_sync.run_sync(ws, options, console="stderr")  # type: ignore[arg-type]
    assert str(caught.value) == "console: a rich.console.Console, not 'stderr'"
