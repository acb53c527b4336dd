"""The library's public API (``sheets_sync.__all__``, docs/library.md): a call per CLI
command, each as safe as the command. Those that write team sheets, the rollup or the
history take the workspace lock as the CLI does (one code path: ``sync/run.py``); the
engine itself (``Sync``) takes none and is not public."""

from __future__ import annotations

import ast
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sheets_sync
from sheets_sync.sync.lock import RunLock

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def demo(tmp_path: Path) -> sheets_sync.Workspace:
    return sheets_sync.load_workspace(sheets_sync.create_demo(tmp_path / "ws", as_of=AS_OF))


def _team_files(ws: sheets_sync.Workspace) -> dict[Path, bytes]:
    return {t.path: t.path.read_bytes() for t in ws.teams if t.path is not None}


def test_every_public_name_resolves() -> None:
    for name in sheets_sync.__all__:
        assert getattr(sheets_sync, name) is not None, name
    assert "Sync" not in sheets_sync.__all__  # the engine takes no lock: internal
    with pytest.raises(AttributeError, match="no attribute 'Sync'"):
        sheets_sync.Sync  # type: ignore[attr-defined]  # noqa: B018


def test_the_package_import_stays_cheap() -> None:
    """``import sheets_sync`` loads only itself; the public calls load what they need, and
    a sync without a rollup to build never loads pandas."""
    code = (
        "import sys; before = set(sys.modules); import sheets_sync; "
        "print(sorted(set(sys.modules) - before)); "
        "from sheets_sync import run_sync, validate_workspace, SyncOptions, TeamError; "
        "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == ["['sheets_sync']", "[]"]


def test_a_library_sync_beside_a_running_night_is_refused(demo: sheets_sync.Workspace) -> None:
    """The run holding the lock stands for a night the CLI is running."""
    before = _team_files(demo)
    with RunLock(demo.state_dir):
        with pytest.raises(sheets_sync.RunLockedError) as caught:
            sheets_sync.run_sync(demo, sheets_sync.SyncOptions(as_of=AS_OF))
        assert caught.value.exit_code == 3
        with pytest.raises(sheets_sync.RunLockedError):
            sheets_sync.rebuild_rollup(demo, as_of=AS_OF)
        with pytest.raises(sheets_sync.RunLockedError):
            sheets_sync.merge_shards(demo, demo.config_path.parent / "results")
    assert _team_files(demo) == before
    assert not demo.rollup_path.exists()


def test_validate_and_export_write_nothing_so_run_beside_a_night(
    demo: sheets_sync.Workspace, tmp_path: Path
) -> None:
    before = _team_files(demo)
    with RunLock(demo.state_dir):
        result = sheets_sync.validate_workspace(demo, as_of=AS_OF)
        exported, paths = sheets_sync.export_workspace(demo, tmp_path / "out", as_of=AS_OF)
    assert not result.failed and len(result.runs) == 6
    assert sum(f.is_error for r in result.runs for f in r.findings) == 2
    assert not exported.failed and {p.name for p in paths} >= {"summary.csv", "kpis.csv"}
    assert _team_files(demo) == before


def test_the_lock_is_released_after_a_library_sync(demo: sheets_sync.Workspace) -> None:
    result = sheets_sync.run_sync(demo, sheets_sync.SyncOptions(as_of=AS_OF))
    assert not result.failed and demo.rollup_path.exists()
    with RunLock(demo.state_dir):  # free again
        pass
    again = sheets_sync.rebuild_rollup(demo, as_of=AS_OF)
    assert not again.failed and not again.rollup_rewritten


def test_paths_may_be_strings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library caller's ``"demo-ws"`` was a TypeError (``str / str``) in the calls that
    create files."""
    monkeypatch.chdir(tmp_path)
    assert sheets_sync.create_demo("demo-ws", as_of=AS_OF) == Path("demo-ws/sheets-sync.yaml")
    assert sheets_sync.init_workspace("acme", ["Sales"]) == Path("acme/sheets-sync.yaml")
    sheets_sync.write_template("team.xlsx")
    assert Path("team.xlsx").is_file()
    assert sheets_sync.check_config("acme/sheets-sync.yaml").company == "Our company"


def test_library_shards_merge_into_one_night(demo: sheets_sync.Workspace, tmp_path: Path) -> None:
    """With ``SyncOptions``' default ``rollup=True`` a shard recorded its night in the
    history, and saved packed results that the merge refused ("it names
    sheets_sync.sync.team_rows.PackedResult, which sheets-sync never writes")."""
    results = tmp_path / "results"
    with pytest.raises(sheets_sync.ConfigError, match="shard needs results_dir"):
        sheets_sync.run_sync(demo, sheets_sync.SyncOptions(as_of=AS_OF, shard=(1, 2)))
    for k in (1, 2):
        options = sheets_sync.SyncOptions(as_of=AS_OF, shard=(k, 2))
        shard = sheets_sync.run_sync(demo, options, results_dir=str(results))
        assert not shard.failed and shard.rollup_output is None
    assert not demo.rollup_path.exists()
    merged = sheets_sync.merge_shards(demo, results)
    assert not merged.failed and len(merged.runs) == 6 and demo.rollup_path.exists()
    assert merged.history_skipped is None  # recorded by the merge, not by the shards


def test_create_demo_takes_none_for_today(tmp_path: Path) -> None:
    """``as_of=None`` is today for every call, as the page says; create_demo's was a
    TypeError from deep in the period's arithmetic."""
    before = dt.date.today()
    config = sheets_sync.create_demo(tmp_path / "today", as_of=None)
    after = dt.date.today()  # a midnight may pass: the demo's today is one of the two
    ws = sheets_sync.load_workspace(config)
    assert ws.period.start <= after and before <= ws.period.end
    with pytest.raises(sheets_sync.ConfigError, match="as_of: '2026-11-23' is not a date"):
        sheets_sync.create_demo(tmp_path / "text", as_of="2026-11-23")  # type: ignore[arg-type]


def test_sync_options_take_none_for_today() -> None:
    """``SyncOptions(as_of=None)`` was "as_of: None is not a date" though the page says
    ``as_of=None`` is today for every call."""
    before = dt.date.today()
    as_of = sheets_sync.SyncOptions(as_of=None).as_of  # type: ignore[arg-type]
    assert as_of in (before, dt.date.today())  # today, on either side of a midnight
    with pytest.raises(sheets_sync.ConfigError, match="as_of: '2026-11-23' is not a date"):
        sheets_sync.SyncOptions(as_of="2026-11-23")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "results_dir", "refused"),
    [
        ({}, "results", "results_dir needs shard (it holds one shard's results for merge_shards"),
        ({"shard": (1, 2)}, "", "shard needs results_dir (where merge_shards"),
        ({"shard": (1, 2), "dry_run": True}, None, "shard needs results_dir"),
    ],
    ids=["results-without-shard", "empty-results-dir", "dry-run-shard"],
)
def test_run_sync_applies_the_clis_shard_rules(
    demo: sheets_sync.Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, Any],
    results_dir: str | None,
    refused: str,
) -> None:
    """As ``sync`` refuses ``--results-dir`` without ``--shard`` and ``--shard`` without
    ``--results-dir`` (a dry run too), before anything is read: ``run_sync`` synced every
    team and saved no results, or saved a shard's into the current folder (``""``)."""
    monkeypatch.chdir(tmp_path)
    before = _team_files(demo)
    with pytest.raises(sheets_sync.ConfigError, match=re.escape(refused)):
        sheets_sync.run_sync(
            demo, sheets_sync.SyncOptions(as_of=AS_OF, **options), results_dir=results_dir
        )
    assert _team_files(demo) == before and list(tmp_path.iterdir()) == [demo.config_path.parent]
    assert not demo.rollup_path.exists()


def test_merge_shards_takes_as_of_as_the_other_calls_do(
    demo: sheets_sync.Workspace, tmp_path: Path
) -> None:
    """A datetime is its calendar day, as ``SyncOptions`` takes it: it was compared with
    the shards' date and refused ("as of 2026-11-23, not --as-of 2026-11-23"); a string
    is refused as one, not as another day."""
    results = tmp_path / "results"
    options = sheets_sync.SyncOptions(as_of=AS_OF, shard=(1, 1))
    sheets_sync.run_sync(demo, options, results_dir=results)
    with pytest.raises(sheets_sync.ConfigError, match="as_of: '2026-11-23' is not a date"):
        sheets_sync.merge_shards(demo, results, as_of="2026-11-23")  # type: ignore[arg-type]
    evening = dt.datetime(2026, 11, 23, 21, 30, tzinfo=dt.UTC)
    merged = sheets_sync.merge_shards(demo, results, as_of=evening)
    assert not merged.failed and merged.context.as_of == AS_OF
    with pytest.raises(sheets_sync.ConfigError, match="as of 2026-11-23, not --as-of 2026-11-24"):
        sheets_sync.merge_shards(demo, results, as_of=AS_OF + dt.timedelta(days=1))


def _type_checking_view() -> tuple[ast.Module, dict[str, str]]:
    """``sheets_sync/__init__.py`` parsed, and what its ``if TYPE_CHECKING:`` imports."""
    tree = ast.parse(Path(sheets_sync.__file__).read_text(encoding="utf-8"))
    imported: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom) and stmt.module, ast.unparse(stmt)
                imported.update((alias.name, stmt.module) for alias in stmt.names)
    return tree, imported


def test_type_checkers_see_the_real_names_not_getattr() -> None:
    """A module ``__getattr__`` a type checker sees makes every attribute of the package
    ``Any``: a misspelt or internal name (``sheets_sync.run_synk``, ``Sync``) passed mypy.
    It is defined only when not type checking, and the names are imported for it instead,
    each from the module ``__getattr__`` loads it from."""
    tree, imported = _type_checking_view()
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "not TYPE_CHECKING":
            guarded |= {id(n) for n in ast.walk(node)}
    defined = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    getattrs = [n for n in defined if n.name == "__getattr__"]
    assert getattrs and all(id(n) in guarded for n in getattrs)
    homes = sheets_sync._HOMES
    assert imported == homes
    assert set(homes) == set(sheets_sync.__all__) - {"__version__"}


def test_dir_lists_the_api_not_helpers() -> None:
    names = {name for name in dir(sheets_sync) if not name.startswith("__")}
    assert names == set(sheets_sync.__all__) - {"__version__"}


@pytest.mark.slow
def test_mypy_flags_a_misspelt_or_internal_name(tmp_path: Path) -> None:
    """What a client's type checker says, for real (mypy, ~15 s with a cold cache)."""
    client = tmp_path / "client.py"
    client.write_text(
        "import sheets_sync\n"
        "from sheets_sync import Sync\n"
        "ws = sheets_sync.load_workspace('x.yaml')\n"
        "result = sheets_sync.run_synk(ws)\n"
        "reveal_type(sheets_sync.run_sync(ws).runs[0].error_detail)\n",
        encoding="utf-8",
    )
    found = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         "--no-error-summary", str(client)],
        capture_output=True, text=True, check=False, cwd=Path(sheets_sync.__file__).parents[1],
    )  # fmt: skip
    out = found.stdout.replace(str(client), "client.py")
    assert 'client.py:2: error: Module "sheets_sync" has no attribute "Sync"' in out, out
    assert 'client.py:4: error: Module has no attribute "run_synk"' in out, out
    assert 'Revealed type is "sheets_sync.sync.outcome.TeamError | None"' in out, out
