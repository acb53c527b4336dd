"""A night recorded whole whose clean-up (``history.prune_after``) then fails is recorded:
the run says so and names the clean-up that failed, in the log and the run report's
``history_not_pruned`` (until 2026-12-07 the log alone). Until 2026-12-07 it was "history not
recorded" in the log and the run report's ``history_skipped``, and the teams gone since
the night before were not named."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import sheets_sync.ops.history as history_module
from sheets_sync.config import load_workspace
from sheets_sync.errors import HistoryError
from sheets_sync.ops import history_db
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.sync import rollup_step
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.report import run_report
from sheets_sync.workspace.demo import create_demo

pytestmark = pytest.mark.usefixtures("eight_cpus")
AS_OF = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 12, 7, 18, 30, 5, tzinfo=dt.UTC)  # the clock of a set-aside


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws", as_of=AS_OF)


def _pruning_copy(demo: Path, tmp_path: Path) -> Path:
    """A copy of the demo workspace that keeps 12 snapshots and prunes after 30 nights."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    cfg.write_text(
        cfg.read_text("utf-8") + "history: {keep_snapshots: 12, prune_after: 30}\n", "utf-8"
    )
    return cfg


def test_a_failed_prune_after_a_good_record_is_no_night_lost(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = _pruning_copy(demo, tmp_path)
    ws = load_workspace(cfg)
    store = HistoryStore(default_history_path(ws.state_dir))
    Sync(ws, history=store).run(SyncOptions(as_of=AS_OF, workers=1))
    locked = sqlite3.OperationalError("database is locked")

    def prune(self: HistoryStore, keep: int) -> int:  # as ``history_db.reporting`` raises
        raise HistoryError(f"{store.path}: the run history cannot be used ({locked})") from locked

    monkeypatch.setattr(HistoryStore, "prune", prune)
    caplog.set_level(logging.INFO)
    nxt = AS_OF + dt.timedelta(days=1)
    result = Sync(ws, history=store).run(SyncOptions(as_of=nxt, workers=1))
    assert result.history_skipped is None
    assert result.teams_gone == ()  # looked for: the night is in
    with closing(sqlite3.connect(store.path)) as conn:
        nights = [d for (d,) in conn.execute("SELECT DISTINCT as_of FROM snapshots ORDER BY 1")]
    assert nights == [str(AS_OF), str(nxt)]
    not_pruned = (
        "history: the night is recorded; the nights before the newest 30 "
        "(history.prune_after) were not dropped: database is locked; the next run tries again"
    )  # SQLite's reason alone: not the HistoryError's "the run history cannot be used"
    said = [r for r in caplog.records if "prune" in r.getMessage()]
    assert [(r.levelname, r.getMessage()) for r in said] == [("WARNING", not_pruned)]
    # in the run report too, not only the log (until 2026-12-07: exit 0, not a word there)
    assert result.history_not_pruned == not_pruned
    assert run_report(result)["history_not_pruned"] == not_pruned
    monkeypatch.undo()  # the next night prunes: the report says nothing more
    again = Sync(ws, history=store).run(SyncOptions(as_of=nxt, workers=1))
    assert again.history_not_pruned is None
    assert run_report(again)["history_not_pruned"] is None
    assert not [r for r in caplog.records if "not recorded" in r.getMessage()]


def test_a_damaged_page_met_by_the_prune_sets_no_history_aside(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The clean-up after a good record meets a damaged page (SQLITE_CORRUPT): the file is
    left as it is, both nights in it, and the prune's failure is the run's warning. Until
    2026-12-07 ``prune`` recovered as a record does: it set the whole history aside,
    tonight's night with it, and started an empty one, with no word in the run report."""
    cfg = _pruning_copy(demo, tmp_path)
    ws = load_workspace(cfg)
    store = HistoryStore(default_history_path(ws.state_dir))
    Sync(ws, history=store).run(SyncOptions(as_of=AS_OF, workers=1))
    real_transaction = history_db.transaction
    armed = [False]
    record = HistoryStore.record

    def recorded(self: HistoryStore, *args: Any, **kw: Any) -> int:
        done = record(self, *args, **kw)
        armed[0] = True  # the next transaction is the prune's
        return done

    def transaction(conn: sqlite3.Connection) -> Any:
        if armed[0]:
            armed[0] = False
            damaged = sqlite3.DatabaseError("database disk image is malformed")
            damaged.sqlite_errorcode = 11  # SQLITE_CORRUPT
            raise damaged
        return real_transaction(conn)

    monkeypatch.setattr(HistoryStore, "record", recorded)
    monkeypatch.setattr(history_module, "transaction", transaction)
    caplog.set_level(logging.INFO)
    nxt = AS_OF + dt.timedelta(days=1)
    result = Sync(ws, history=store).run(SyncOptions(as_of=nxt, workers=1))
    assert result.history_skipped is None
    assert sorted(p.name for p in store.path.parent.glob("history.sqlite*")) == ["history.sqlite"]
    with closing(sqlite3.connect(store.path)) as conn:
        nights = [d for (d,) in conn.execute("SELECT DISTINCT as_of FROM snapshots ORDER BY 1")]
    assert nights == [str(AS_OF), str(nxt)]
    said = [r.getMessage() for r in caplog.records if "prune_after" in r.getMessage()]
    assert len(said) == 1 and "database disk image is malformed" in said[0]
    assert result.history_not_pruned == said[0]
    assert not [r for r in caplog.records if "a new history starts" in r.getMessage()]


def test_a_damaged_page_only_the_prune_meets_is_said_with_what_to_do(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real damage (an old leaf page of ``snapshots`` overwritten) that only the clean-up
    reads: every record goes on, so nothing ever sets the file aside, and until 2026-12-07
    the warning said "the next run tries again" night after night. It says the file is
    damaged and what to do, each night the clean-up meets it."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    cfg.write_text(
        cfg.read_text("utf-8") + "history: {keep_snapshots: 3, prune_after: 5}\n", "utf-8"
    )
    ws = load_workspace(cfg)
    store = HistoryStore(default_history_path(ws.state_dir))
    first = AS_OF - dt.timedelta(days=40)
    result = Sync(ws, history=store).run(SyncOptions(as_of=first, workers=1))
    for n in range(1, 40):  # 40 nights: the first ones' rows on pages of their own
        context = dataclasses.replace(result.context, as_of=first + dt.timedelta(days=n))
        store.record(dataclasses.replace(result, context=context))
    with closing(sqlite3.connect(store.path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'snapshots' AND pagetype = 'leaf'"
            " ORDER BY pageno"
        ).fetchall()
    assert len(leaves) > 2
    data = bytearray(store.path.read_bytes())
    at = (leaves[1][0] - 1) * size  # an old night's page
    data[at : at + 16] = b"\xff" * 16
    store.path.write_bytes(bytes(data))
    monkeypatch.setattr(history_db, "_now", lambda: NOW)
    advice = (
        f"{store.path} is damaged and each run's clean-up meets it again: with no run going,"
        " move it and its -wal and -shm away (as history.sqlite.damaged-20261207T183005Z):"
        " the next run starts a new history, and the moved file keeps its nights for"
        " recovery by hand (docs/operations.md, History)"
    )
    said = (
        "history: the night is recorded; the nights before the newest 5 (history.prune_after)"
        f" were not dropped: database disk image is malformed; {advice}"
    )
    for night in (AS_OF, AS_OF + dt.timedelta(days=1)):  # each night, not "tries again"
        ran = Sync(ws, history=HistoryStore(store.path)).run(SyncOptions(as_of=night, workers=1))
        assert ran.history_skipped is None
        assert run_report(ran)["history_not_pruned"] == said
        assert [p.name for p in store.path.parent.glob("history.sqlite.*")] == []


def test_the_advice_names_the_file_a_set_aside_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The advice said ``history.sqlite.damaged`` where a set-aside writes
    ``history.sqlite.damaged-<UTC stamp>`` (until 2026-12-07): it names what a
    set-aside at that moment writes, the file and its -wal."""
    monkeypatch.setattr(history_db, "_now", lambda: NOW)
    store = HistoryStore(tmp_path / "history.sqlite")
    store.path.write_bytes(b"not a database" * 100)
    Path(f"{store.path}-wal").write_bytes(b"a log")
    named = re.search(r"away \(as (\S+)\)", history_db.damaged_advice(store.path))
    assert named is not None
    kept = store.set_aside(sqlite3.DatabaseError("file is not a database"))
    assert kept == tmp_path / named[1] and kept.read_bytes() == b"not a database" * 100
    assert Path(f"{tmp_path / named[1]}-wal").read_bytes() == b"a log"


def test_a_night_whose_snapshot_is_not_confirmed_does_not_say_it_is_recorded(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clean-up fails, then the night's snapshot cannot be confirmed either: the run
    report said ``history_skipped`` "history not recorded" beside ``history_not_pruned``
    "the night is recorded" (found by the last read of 2026-12-07; a stopped night's
    report was mended that day, a night not stopped was not)."""
    from click.testing import CliRunner

    from sheets_sync.cli import cli

    cfg = _pruning_copy(demo, tmp_path)
    sync = ["sync", "--config", str(cfg), "--workers", "1", "--as-of"]
    assert CliRunner().invoke(cli, [*sync, str(AS_OF)]).exit_code == 0
    locked = sqlite3.OperationalError("database is locked")

    def fail(self: HistoryStore, *args: object, **kwargs: object) -> Any:
        raise HistoryError(f"{self.path}: the run history cannot be used ({locked})") from locked

    monkeypatch.setattr(HistoryStore, "prune", fail)
    monkeypatch.setattr(HistoryStore, "settle_pending", fail)
    CliRunner().invoke(cli, [*sync, str(AS_OF + dt.timedelta(days=1))])
    runs = (cfg.parent / ".sheets-sync" / "runs").glob("*.json")
    report = json.loads(max(runs, key=lambda p: p.stat().st_mtime_ns).read_text("utf-8"))
    assert report["history_skipped"].startswith("history not recorded: "), report
    assert report["history_not_pruned"] == (
        "history: the nights before the newest 30 (history.prune_after) were not dropped: "
        "database is locked; the next run tries again"
    )


NOT_PRUNED = (
    "the nights before the newest 30 (history.prune_after) were not dropped: database is "
    "locked; the next run tries again"
)


@pytest.mark.parametrize(
    ("confirm_later", "then"),
    [(False, "fails again"), (True, "fails again"), (True, "prunes"), (True, "not recorded")],
)
def test_a_failed_clean_up_of_a_wrong_guess_is_said_once_as_it_ends(
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    confirm_later: bool,
    then: str,
) -> None:
    """The night's rows are recorded ahead, from the outcomes the writes should have, as
    workers write (``NightEnd.record_guess``); a write that ends otherwise undoes those
    guessed rows and records the night again (``publish_night``). The guess's clean-up
    failing, its held warning was said at the undo, early and without "the night is
    recorded", then again by the night's record when that clean-up failed too, and even
    when it pruned (last read of 2026-12-07). ``then``: what the night's own record and
    clean-up do. ``confirm_later``: the snapshot confirmed after the run, as ``run_sync``
    does."""
    cfg = _pruning_copy(demo, tmp_path)
    ws = load_workspace(cfg)
    store = HistoryStore(default_history_path(ws.state_dir))
    locked = sqlite3.OperationalError("database is locked")
    pruned: list[int] = []
    records: list[bool] = []
    prune, record = HistoryStore.prune, HistoryStore.record

    def failing(self: HistoryStore, keep: int) -> int:  # as ``history_db.reporting`` raises
        pruned.append(keep)
        if then == "prunes" and len(pruned) > 1:
            return prune(self, keep)
        raise HistoryError(f"{store.path}: the run history cannot be used ({locked})") from locked

    def recording(self: HistoryStore, *args: Any, **kwargs: Any) -> Any:
        records.append(True)
        if then == "not recorded" and len(records) > 1:
            raise HistoryError(f"{store.path}: the run history cannot be used ({locked})")
        return record(self, *args, **kwargs)

    calls = iter(range(1_000_000))  # every guess is wrong: a write ended otherwise

    def assumed(runs: object) -> Any:
        return (next(calls),)

    monkeypatch.setattr(HistoryStore, "prune", failing)
    monkeypatch.setattr(HistoryStore, "record", recording)
    monkeypatch.setattr(rollup_step, "assumed", assumed)
    caplog.set_level(logging.INFO)
    sync = Sync(ws, history=store)
    sync.confirm_later = confirm_later
    result = sync.run(SyncOptions(as_of=AS_OF, workers=2))
    if confirm_later:  # as ``run_sync`` confirms it once the night is done
        sync.settle_history(AS_OF)
    assert len(records) == 2, "the guess and the night were not both recorded"
    assert result.rollup_output is not None
    said = [r.getMessage() for r in caplog.records if "prune_after" in r.getMessage()]
    with closing(sqlite3.connect(store.path)) as conn:
        nights = [d for (d,) in conn.execute("SELECT DISTINCT as_of FROM snapshots ORDER BY 1")]
    if then == "prunes":
        assert said == [] and result.history_not_pruned is None
        assert nights == [str(AS_OF)]
    elif then == "fails again":
        assert said == [f"history: the night is recorded; {NOT_PRUNED}"]
        assert result.history_not_pruned == said[0] and result.history_skipped is None
        assert nights == [str(AS_OF)]
    else:  # the guess's clean-up failed; the night is not recorded
        assert said == [f"history: {NOT_PRUNED}"]
        assert result.history_not_pruned == said[0]
        assert result.history_skipped is not None and nights == []


def test_a_stop_once_the_night_is_confirmed_says_it_is_recorded(
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``Sync.run`` called directly with write-back confirms its own snapshot (not
    ``confirm_later``, as ``run_sync`` runs it; ``rebuild_rollup`` records no guessed or
    pending rows, so it has none to confirm); a stop landing as it is confirmed waits for
    the confirm, as in ``run_sync``'s: until 2026-12-07 it cut ``settle_history`` short
    once the rows were confirmed, and the clean-up's held warning was said without "the
    night is recorded", though it is."""
    import signal

    from sheets_sync import cli_support
    from sheets_sync.errors import Interrupted
    from sheets_sync.sync import stops

    ws = load_workspace(_pruning_copy(demo, tmp_path))
    store = HistoryStore(default_history_path(ws.state_dir))
    locked = sqlite3.OperationalError("database is locked")

    def prune(self: HistoryStore, keep: int) -> int:
        raise HistoryError(f"{store.path}: the run history cannot be used ({locked})") from locked

    settle_pending = HistoryStore.settle_pending

    def settle(self: HistoryStore, as_of: dt.date, landed: Any, **kwargs: Any) -> Any:
        done = settle_pending(self, as_of, landed, **kwargs)
        if landed:  # the night's confirm, done
            signal.raise_signal(signal.SIGTERM)
        return done

    monkeypatch.setattr(HistoryStore, "prune", prune)
    monkeypatch.setattr(HistoryStore, "settle_pending", settle)
    caplog.set_level(logging.INFO)
    before = {s: signal.getsignal(s) for s in stops.SIGNALS}
    cli_support.stop_on_signals()  # as ``cli.main`` does
    try:
        with pytest.raises(Interrupted):
            Sync(ws, history=store).run(SyncOptions(as_of=AS_OF, workers=2))
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
        stops.arrived()  # Sync.run's caller's (stops.ends_here)
    said = [r.getMessage() for r in caplog.records if "prune_after" in r.getMessage()]
    assert said == [f"history: the night is recorded; {NOT_PRUNED}"]
    with closing(sqlite3.connect(store.path)) as conn:
        nights = [d for (d,) in conn.execute("SELECT DISTINCT as_of FROM snapshots ORDER BY 1")]
    assert nights == [str(AS_OF)]
