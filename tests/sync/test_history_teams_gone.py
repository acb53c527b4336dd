"""A team renamed, moved or deleted leaves the history's night whole, and is named: a
re-run of a date after a rename no longer counts the team twice (``history_teams.py``)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import HistoryError
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.report import run_report
from sheets_sync.sync.run import merge_shards, run_sync
from sheets_sync.workspace.demo import create_demo

pytestmark = pytest.mark.usefixtures("eight_cpus")  # workers=2 has two on a one-CPU box
AS_OF = dt.date(2026, 11, 23)
DEMO = ("Sales", "Marketing", "Engineering", "Customer Success", "Finance", "People")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws", as_of=AS_OF)


def night(cfg: Path, as_of: dt.date, workers: int, teams: tuple[str, ...] = ()) -> HistoryStore:
    ws = load_workspace(cfg)
    store = HistoryStore(default_history_path(ws.state_dir))
    Sync(ws, history=store).run(SyncOptions(as_of=as_of, workers=workers, teams=teams))
    return store


def recorded(store: HistoryStore, as_of: dt.date) -> set[str]:
    with closing(sqlite3.connect(store.path)) as conn:
        teams = {
            t for (t,) in conn.execute("SELECT team FROM snapshots WHERE as_of=?", (str(as_of),))
        }
        krs = conn.execute("SELECT DISTINCT team FROM kr_snapshots WHERE as_of=?", (str(as_of),))
        assert {t for (t,) in krs} <= teams
        return teams


def reorganise(cfg: Path) -> None:
    """Sales renamed Revenue, People deleted."""
    text = cfg.read_text(encoding="utf-8").replace('name: "Sales"', 'name: "Revenue"')
    people = '  - name: "People"\n    source: "teams/People.xlsx"\n    mapping: standard\n'
    assert people in text
    cfg.write_text(text.replace(people, ""), encoding="utf-8")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rerun_after_a_rename_deletes_nothing(
    demo: Path, tmp_path: Path, workers: int, caplog: pytest.LogCaptureFixture
) -> None:
    """No run deletes history rows (2026-12-07, reverted): the old name's rows stay, the
    known limit of docs/operations.md (that night counts the renamed team twice)."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, workers)
    assert recorded(store, AS_OF) == set(DEMO)
    reorganise(cfg)
    with caplog.at_level(logging.WARNING, logger="sheets_sync"):
        night(cfg, AS_OF, workers)
    assert recorded(store, AS_OF) == {"Revenue", *DEMO}
    assert not [r for r in caplog.records if "removed" in r.getMessage()]
    with closing(sqlite3.connect(store.path)) as conn:  # nothing left pending
        tables = {t for (t,) in conn.execute("SELECT name FROM sqlite_master")}
        if "pending" in tables:
            assert conn.execute("SELECT COUNT(*) FROM pending").fetchone() == (0,)


def test_a_trial_workspace_in_the_same_folder_deletes_nothing(demo: Path, tmp_path: Path) -> None:
    """A one-team copy of the workspace file beside it shares `.sheets-sync/`: its run of
    "every team" leaves the real night's rows of the other teams."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    text = cfg.read_text(encoding="utf-8")
    for team in DEMO[:-1]:  # People alone is left
        entry = f'  - name: "{team}"\n    source: "teams/{team}.xlsx"\n    mapping: '
        assert entry in text
        text = re.sub(re.escape(entry) + r"[a-z-]+\n", "", text)
    trial = cfg.with_name("try.yaml")
    trial.write_text(text, encoding="utf-8")
    ws = load_workspace(trial)
    assert [t.name for t in ws.teams] == ["People"]
    assert default_history_path(ws.state_dir) == store.path
    Sync(ws, history=store).run(SyncOptions(as_of=AS_OF, workers=1, write_back=False))
    assert recorded(store, AS_OF) == set(DEMO)


def test_a_history_failing_after_the_record_loses_no_night(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The teams gone are looked up after the snapshot is in: a history locked then
    warns, and the night stays recorded and said so."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name

    def locked(self: HistoryStore, *_: object) -> None:
        raise HistoryError(f"{self.path}: database is locked")

    monkeypatch.setattr(HistoryStore, "gone_since", locked)
    ws = load_workspace(cfg)
    store = HistoryStore(default_history_path(ws.state_dir))
    result = Sync(ws, history=store).run(SyncOptions(as_of=AS_OF, workers=1))
    assert result.history_skipped is None
    assert recorded(store, AS_OF) == set(DEMO)


def test_the_next_night_names_the_teams_gone(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    reorganise(cfg)
    nxt = AS_OF + dt.timedelta(days=1)
    with caplog.at_level(logging.WARNING, logger="sheets_sync"):
        night(cfg, nxt, 1)
    said = [
        r.getMessage() for r in caplog.records if "no longer in the workspace" in r.getMessage()
    ]
    assert said == [
        f"People, Sales: in the night of {AS_OF}, no longer in the workspace (a team file"
        " renamed, moved or deleted, or its entry removed): not in tonight's rollup; its"
        " history is kept. If it was renamed, its trends start again under its new name"
    ]
    assert recorded(store, AS_OF) == set(DEMO)  # the night before is left as it was
    assert recorded(store, nxt) == {"Revenue", *DEMO[1:5]}
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sheets_sync"):
        night(cfg, nxt + dt.timedelta(days=1), 1)
    assert not [r for r in caplog.records if "no longer in the workspace" in r.getMessage()]


def test_a_run_of_some_teams_leaves_the_others_rows(demo: Path, tmp_path: Path) -> None:
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    night(cfg, AS_OF, 1, teams=("Finance",))
    assert recorded(store, AS_OF) == set(DEMO)


def test_a_team_renamed_in_another_case_is_not_named_gone(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`Sales.xlsx` renamed `sales.xlsx` on a share: the same team, as its alerts have it."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    text = cfg.read_text(encoding="utf-8").replace('name: "Sales"', 'name: "SALES"')
    cfg.write_text(text, encoding="utf-8")
    nxt = AS_OF + dt.timedelta(days=1)
    with caplog.at_level(logging.WARNING, logger="sheets_sync"):
        night(cfg, nxt, 1)
    assert not [r for r in caplog.records if "no longer in the workspace" in r.getMessage()]
    assert recorded(store, nxt) == {"SALES", *DEMO[1:]}


def test_the_run_report_names_the_teams_gone(demo: Path, tmp_path: Path) -> None:
    """Not only the log: the report's ``teams_gone`` (empty on a night none is gone)."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    reorganise(cfg)
    ws = load_workspace(cfg)
    for days, gone in ((1, ["People", "Sales"]), (2, [])):  # the second: none gone
        as_of = AS_OF + dt.timedelta(days=days)
        result = Sync(ws, history=store).run(SyncOptions(as_of=as_of, workers=1))
        assert result.teams_gone == tuple(gone)
        assert run_report(result)["teams_gone"] == gone


def test_a_hand_edited_night_is_not_the_night_before(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A night of a date sheets-sync never writes (``history_schema.iso``), sorting
    between the last night and tonight, is left out, as every reader that picks nights
    leaves it."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute(
            "INSERT INTO snapshots (as_of, team, recorded_at) VALUES (?, 'Ghost', 'x')",
            (f"{AS_OF} (edited)",),
        )
    reorganise(cfg)
    with caplog.at_level(logging.WARNING, logger="sheets_sync"):
        night(cfg, AS_OF + dt.timedelta(days=1), 1)
    said = [
        r.getMessage() for r in caplog.records if "no longer in the workspace" in r.getMessage()
    ]
    assert len(said) == 1
    assert said[0].startswith(f"People, Sales: in the night of {AS_OF}, ")


def test_a_shard_merge_reports_the_teams_gone(demo: Path, tmp_path: Path) -> None:
    """The merge records the night, so it names the teams gone, in its report too."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    night(cfg, AS_OF, 1)
    reorganise(cfg)
    ws, results = load_workspace(cfg), tmp_path / "results"
    nxt = AS_OF + dt.timedelta(days=1)
    for k in (1, 2):
        run_sync(ws, SyncOptions(as_of=nxt, shard=(k, 2), workers=1), results_dir=results)
    merged = merge_shards(ws, results)
    assert merged.history_skipped is None
    assert merged.teams_gone == ("People", "Sales")


def test_teams_gone_is_null_when_not_looked_for(demo: Path, tmp_path: Path) -> None:
    """`[]` is "none gone": a dry run, a run of some teams and a back-dated run did not
    look, so their report says null (until 2026-12-07 they said [] too)."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    reorganise(cfg)
    ws = load_workspace(cfg)
    nxt = AS_OF + dt.timedelta(days=1)
    for options in (
        SyncOptions(as_of=nxt, workers=1, dry_run=True),
        SyncOptions(as_of=nxt, workers=1, teams=("Finance",)),
        SyncOptions(as_of=AS_OF - dt.timedelta(days=1), workers=1),  # back-dated
    ):
        result = Sync(ws, history=store).run(options)
        assert result.teams_gone is None, options
        assert run_report(result)["teams_gone"] is None
    result = Sync(ws, history=store).run(SyncOptions(as_of=nxt, workers=1))
    assert run_report(result)["teams_gone"] == ["People", "Sales"]


@pytest.mark.parametrize("error", [HistoryError("database is locked"), RuntimeError("boom")])
def test_a_gone_check_that_fails_says_null_and_fails_no_night(
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
) -> None:
    """The check is read-only and advisory: whatever it raises, the night is recorded
    and ends as its teams did, with a warning naming the error (no traceback) and
    `teams_gone` null (it failed the night with anything but a HistoryError)."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    reorganise(cfg)

    def failing(*_: object) -> None:
        raise error

    monkeypatch.setattr(HistoryStore, "gone_since", failing)
    nxt = AS_OF + dt.timedelta(days=1)
    with caplog.at_level(logging.WARNING, logger="sheets_sync"):
        result = Sync(load_workspace(cfg), history=store).run(SyncOptions(as_of=nxt, workers=1))
    assert result.history_skipped is None
    assert result.teams_gone is None
    assert recorded(store, nxt) == {"Revenue", *DEMO[1:5]}
    said = [r for r in caplog.records if "are not named" in r.getMessage()]
    assert len(said) == 1
    assert str(error) in said[0].getMessage()
    assert said[0].exc_info is None
    if not isinstance(error, HistoryError):
        assert "RuntimeError" in said[0].getMessage()


#: the warning of a team name hand-edited into a BLOB, once a store (a command's run)
BLOB_SAID = (
    "the run history holds the team name x'4F6C64', which sheets-sync never writes (a "
    "BLOB: edited by hand?); it is no team of the alerts nor of the teams gone: correct "
    "or delete its rows"
)


def test_a_hand_edited_blob_team_is_skipped_and_said(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A team name hand-edited into a BLOB (`x'4f6c64'`) ended the night in an
    AttributeError (the sync undid its snapshot and exited 1); then, until 2026-12-07, it
    was named gone as ``Old`` while the alert baseline skipped it: one bad row, two
    policies. Skipped by both, with a warning, once."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute(
            "INSERT INTO snapshots (as_of, team, recorded_at) VALUES (?, x'4f6c64', 'x')",
            (str(AS_OF),),
        )
    nxt = AS_OF + dt.timedelta(days=1)
    caplog.set_level(logging.WARNING, logger="sheets_sync.history")
    result = Sync(load_workspace(cfg), history=store).run(SyncOptions(as_of=nxt, workers=1))
    assert result.teams_gone == ()
    assert recorded(store, nxt) == set(DEMO)
    said = [r.getMessage() for r in caplog.records if "x'4F6C64'" in r.getMessage()]
    assert said == [f"{store.path}: {BLOB_SAID}"]


def test_a_hand_edited_blob_team_fails_no_night_of_the_alerts(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The alerts' baseline read the BLOB too: ``sheets-sync sync`` (``run_sync``) ended
    in an AttributeError and undid the night. A name no run has is no team to alert on,
    nor gone; said once though both skip it."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute(
            "INSERT INTO snapshots (as_of, team, recorded_at) VALUES (?, x'4f6c64', 'x')",
            (str(AS_OF),),
        )
    nxt = AS_OF + dt.timedelta(days=1)
    caplog.set_level(logging.WARNING, logger="sheets_sync.history")
    result = run_sync(load_workspace(cfg), SyncOptions(as_of=nxt, workers=1))
    assert result.teams_gone == ()
    assert result.history_skipped is None
    assert recorded(store, nxt) == set(DEMO)
    said = [r.getMessage() for r in caplog.records if "x'4F6C64'" in r.getMessage()]
    assert [m.split(": ", 1)[1] for m in said] == [BLOB_SAID]


def test_a_hand_edited_blob_alert_date_fails_no_night(demo: Path, tmp_path: Path) -> None:
    """An ``alerted`` row whose date is a BLOB compared bytes with a str: the night ended
    in a TypeError before any team was read (found reading the whole change)."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute("INSERT INTO alerted (team, as_of) VALUES ('Sales', x'323032362d30312d3031')")
    nxt = AS_OF + dt.timedelta(days=1)
    run_sync(load_workspace(cfg), SyncOptions(as_of=nxt, workers=1))
    assert recorded(store, nxt) == set(DEMO)


def test_a_sync_run_again_looks_again(demo: Path, tmp_path: Path) -> None:
    """One ``Sync`` run twice (a library caller's): each run looks for itself, once; a
    later run of some teams said the earlier night's teams gone."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    reorganise(cfg)
    sync = Sync(load_workspace(cfg), history=store)
    nxt = AS_OF + dt.timedelta(days=1)
    assert sync.run(SyncOptions(as_of=nxt, workers=1)).teams_gone == ("People", "Sales")
    assert sync.run(SyncOptions(as_of=nxt, workers=1, teams=("Finance",))).teams_gone is None
    later = sync.run(SyncOptions(as_of=nxt + dt.timedelta(days=1), workers=1))
    assert later.teams_gone == ()


def test_the_blob_team_is_said_once_a_store(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """docs/operations.md's "once a run" is once a ``HistoryStore`` (each command opens its
    own): one store kept for two runs says it once; a new store on the file, the next
    command's, says it again."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    store = night(cfg, AS_OF, 1)
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute(
            "INSERT INTO snapshots (as_of, team, recorded_at) VALUES (?, x'4f6c64', 'x')",
            (str(AS_OF),),
        )
    caplog.set_level(logging.WARNING, logger="sheets_sync.history")
    nxt = AS_OF + dt.timedelta(days=1)  # each run's night before holds the BLOB
    sync = Sync(load_workspace(cfg), history=store)
    for _ in range(2):
        assert sync.run(SyncOptions(as_of=nxt, workers=1)).teams_gone == ()
    assert sum("x'4F6C64'" in r.getMessage() for r in caplog.records) == 1
    again = HistoryStore(store.path)
    Sync(load_workspace(cfg), history=again).run(SyncOptions(as_of=nxt, workers=1))
    assert sum("x'4F6C64'" in r.getMessage() for r in caplog.records) == 2
