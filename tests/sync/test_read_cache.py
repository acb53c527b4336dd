"""The read cache parses only bytes it has not seen, and never changes what a night does."""

from __future__ import annotations

import copyreg
import datetime as dt
import hashlib
import io
import os
import pickle
import shutil
import struct
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync import code_version, unpickle
from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import load_workspace
from sheets_sync.sync import engine, readcache
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.readcache import CachedRead, ReadCache
from sheets_sync.sync.reading import TeamRead
from sheets_sync.sync.spill import blob, unpickled
from sheets_sync.workspace.demo import create_demo
from tests.support.workbooks import folder_cells

NIGHT = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Names of the files actually parsed (a spy around the real parse)."""
    seen: list[str] = []
    real = ExcelBackend.parse

    def spy(self: ExcelBackend, data: bytes, version: str, tabs: object, *rest: int) -> object:
        seen.append(self.path.name)
        return real(self, data, version, tabs, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(ExcelBackend, "parse", spy)
    yield seen


def night(cfg: Path, as_of: dt.date = NIGHT, cache: bool = True) -> SyncResult:
    options = SyncOptions(as_of=as_of, workers=1, read_cache=cache)
    return Sync(load_workspace(cfg)).run(options)


def copy(demo: Path, dest: Path) -> Path:
    shutil.copytree(demo.parent, dest)
    return dest / demo.name


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "packed"])
def test_files_only_the_tool_changed_are_not_parsed_again(
    demo: Path, tmp_path: Path, parses: list[str], packed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``packed``: reads settled and packed as in a worker, where a team to be written has
    its cache entry pickled, for the writer to store as it is."""
    if packed:
        monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    cfg = copy(demo, tmp_path / "ws")
    first = night(cfg)
    assert {r.outcome.value for r in first.runs} == {"ok"}
    assert len(parses) == 6
    parses.clear()
    second = night(cfg, NIGHT + dt.timedelta(days=1))  # pace moved: cells written again
    # Marketing's first write added owned columns' headers: its layout moved, so parsed once
    assert parses == ["Marketing.xlsx"]
    assert "ok" in {r.outcome.value for r in second.runs}
    parses.clear()
    third = night(cfg, NIGHT + dt.timedelta(days=1))
    assert parses == [] and {r.outcome.value for r in third.runs} == {"unchanged"}


def test_entries_pickled_where_teams_are_planned_equal_those_made_by_the_writer(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, packed = copy(demo, tmp_path / "a"), copy(demo, tmp_path / "b")
    night(plain)
    monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    night(packed)
    a, b = entries(plain), entries(packed)
    assert a == b and len(a) == 5  # Marketing's write added owned headers: no entry


def test_a_finished_hit_keeps_its_entry_as_read_not_pickled_again(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    """A quiet night's packed hit with nothing to write keeps only its input, which a
    team whose KR reads its KPIs may need: as the cache entry's own bytes."""
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    parses.clear()
    monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    kept: dict[str, tuple[object, bytes | None]] = {}
    original = TeamRead.pack

    def spy(self: TeamRead, spill: Any = None) -> TeamRead:
        packed = original(self, spill)
        if self.finished:  # a team whose KRs read others' KPIs is planned later
            entry = None if packed.entry is None else blob(packed.entry)
            kept[self.spec.name] = (packed.packed, entry)
        return packed

    monkeypatch.setattr(TeamRead, "pack", spy)
    assert {r.outcome.value for r in night(cfg).runs} == {"unchanged"}
    ws = load_workspace(cfg)
    cache = ReadCache(ws.state_dir / "cache")
    slots = {t.name: cache._slot(t).read_bytes() for t in ws.teams}
    hits = {t.name for t in ws.teams if t.path and t.path.name not in parses} & kept.keys()
    assert len(hits) == 4 and parses == ["Marketing.xlsx"]  # its first write moved its layout
    for name, (heavy, entry) in ((n, kept[n]) for n in hits):
        assert heavy is None and isinstance(entry, bytes) and slots[name].endswith(entry)
        assert unpickled(entry).team_input.team == name


def entries(cfg: Path) -> dict[str, object]:
    """Each slot's key and read (the key names the file's bytes)."""
    found = {}
    for slot in (load_workspace(cfg).state_dir / "cache").glob("*.pickle"):
        with slot.open("rb") as handle:
            key = pickle.load(handle)
            handle.read(32)  # the read's digest
            found[key] = pickle.load(handle)
    return found


def test_nights_with_the_cache_equal_nights_without(demo: Path, tmp_path: Path) -> None:
    cached, fresh = copy(demo, tmp_path / "a"), copy(demo, tmp_path / "b")
    for day in (0, 1, 1, 8):
        as_of = NIGHT + dt.timedelta(days=day)
        a, b = night(cached, as_of), night(fresh, as_of, cache=False)
        assert [(r.team, r.outcome, r.changes, r.result) for r in a.runs] == [
            (r.team, r.outcome, r.changes, r.result) for r in b.runs
        ]
    assert folder_cells(cached.parent / "teams") == folder_cells(fresh.parent / "teams")


def test_a_team_edit_is_parsed_and_used(demo: Path, tmp_path: Path, parses: list[str]) -> None:
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)  # settled: every team's layout is complete
    team = cfg.parent / "teams" / "Sales.xlsx"
    book = openpyxl.load_workbook(team)
    sheet = book["KPIs"]
    actual = next(c for c in sheet[1] if c.value == "Actual").column
    sheet.cell(2, actual).value = 987654.0
    book.save(team)
    parses.clear()
    result = night(cfg)
    assert parses == ["Sales.xlsx"]
    sales = next(r for r in result.runs if r.team == "Sales")
    assert sales.result is not None
    assert 987654.0 in [k.kpi.actual for k in sales.result.kpis]


def test_new_code_parses_every_file_again(
    demo: Path, tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade that reads the same bytes differently (a parse fix, with ``__version__``
    and ``FORMAT`` unchanged) kept last night's parse of every file nobody edited."""
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)
    parses.clear()
    night(cfg)
    assert parses == []
    monkeypatch.setattr(readcache, "code_digest", lambda: "the next release")
    night(cfg)
    assert len(parses) == 6


def test_the_code_fingerprint_names_every_source_file(tmp_path: Path) -> None:
    """A changed, added or renamed module gives another fingerprint; other files do not."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "sub" / "b.py").write_text("y = 2\n")
    seen = {code_version.source_digest(tmp_path)}
    (tmp_path / "notes.txt").write_text("not code")
    assert code_version.source_digest(tmp_path) in seen
    (tmp_path / "a.py").write_text("x = 2\n")
    seen.add(code_version.source_digest(tmp_path))
    (tmp_path / "c.py").write_text("")
    seen.add(code_version.source_digest(tmp_path))
    (tmp_path / "sub" / "b.py").rename(tmp_path / "sub" / "d.py")
    seen.add(code_version.source_digest(tmp_path))
    assert len(seen) == 4
    assert code_version.code_digest() == code_version.code_digest()


def test_a_corrupt_entry_is_a_miss(demo: Path, tmp_path: Path, parses: list[str]) -> None:
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)
    entries = sorted((cfg.parent / ".sheets-sync" / "cache").glob("*.pickle"))
    assert len(entries) == 6
    entries[0].write_bytes(b"not a pickle")
    parses.clear()
    result = night(cfg)
    assert len(parses) == 1 and not result.failed


def test_an_entry_with_a_flipped_byte_is_a_miss_not_another_parse(
    demo: Path, tmp_path: Path, parses: list[str]
) -> None:
    """A byte changed inside an entry's pickle (a float: 560.0 -> 790.0) unpickled to
    another parse, and the night planned writes from it (a third of random byte flips
    did so). The slot's digest now makes such an entry a miss."""
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)
    entry = sorted((cfg.parent / ".sheets-sync" / "cache").glob("*.pickle"))[0]
    data = bytearray(entry.read_bytes())
    at = data.rindex(struct.pack(">d", 1.0)) if struct.pack(">d", 1.0) in data else len(data) // 2
    data[at + 1] ^= 0x10  # a float's exponent byte, or one in the middle
    entry.write_bytes(bytes(data))
    parses.clear()
    result = night(cfg)
    assert len(parses) == 1 and not result.failed


def test_removed_teams_lose_their_entries(demo: Path, tmp_path: Path) -> None:
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)  # Marketing's first write moved its layout: cached from the second night
    folder = cfg.parent / ".sheets-sync" / "cache"
    teams = load_workspace(cfg).teams
    assert ReadCache(folder).prune(teams) == 0
    assert ReadCache(folder).prune(teams[:5]) == 1
    assert len(list(folder.glob("*.pickle"))) == 5


def test_a_temp_a_killed_run_left_goes_an_hour_on(tmp_path: Path) -> None:
    """``put_pickled`` stages each read in ``.<8>.tmp``: a run killed then left it in the
    cache for good (until 2026-12-06). ``prune`` deletes ours an hour on, nothing else."""
    folder = tmp_path / "cache"
    folder.mkdir()
    stale, fresh = folder / ".k3x9_q2a.tmp", folder / ".a1b2c3d4.tmp"
    kept = [folder / ".my-notes.tmp", folder / "k3x9_q2a.tmp", folder / ".k3x9_q2a9.tmp"]
    for path in [stale, fresh, *kept]:
        path.write_bytes(b"partial")
    hours_ago = time.time() - 7200
    for path in [stale, *kept]:
        os.utime(path, (hours_ago, hours_ago))
    assert ReadCache(folder).prune([]) == 0
    assert not stale.exists() and fresh.exists() and all(p.exists() for p in kept)


def _slots(cfg: Path) -> list[Path]:
    return sorted((cfg.parent / ".sheets-sync" / "cache").glob("*.pickle"))


def test_loading_an_entry_fingerprints_nothing(demo: Path, tmp_path: Path) -> None:
    """Everything an entry names refuses pickle's BUILD itself (the enums, the slotted
    dataclasses, ``CachedRead``, ``RowCells``): the restricted load snapshots nothing, so
    it costs what ``pickle.loads`` does (it was +23 % per entry)."""
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)
    assert len(_slots(cfg)) == 6
    for slot in _slots(cfg):
        with slot.open("rb") as handle:
            pickle.load(handle)
            handle.read(32)
            loader = unpickle._Unpickler(handle, unpickle.ALLOWED)
            assert isinstance(loader.load(), CachedRead)
        assert loader.named == []


def _pickled_with_build(read: CachedRead) -> bytes:
    """``read`` as pickle's default reduce gives it: NEWOBJ of the class, then BUILD."""

    class Old(pickle.Pickler):
        def reducer_override(self, obj: object) -> Any:
            if type(obj) is not CachedRead:
                return NotImplemented
            return copyreg.__newobj__, (CachedRead,), dict(vars(obj))  # type: ignore[attr-defined]

    out = io.BytesIO()
    Old(out, pickle.HIGHEST_PROTOCOL).dump(read)
    return out.getvalue()


def test_an_entry_pickled_with_build_is_a_miss(
    demo: Path, tmp_path: Path, parses: list[str]
) -> None:
    """As ``CachedRead`` pickled before it pickled as its arguments (same version, so the
    same key): its BUILD is refused, the team is parsed, the night goes on."""
    cfg = copy(demo, tmp_path / "ws")
    night(cfg)
    night(cfg)
    slot = _slots(cfg)[0]
    raw = slot.read_bytes()
    key = pickle.dumps(pickle.loads(raw), pickle.HIGHEST_PROTOCOL)
    read = pickle.loads(raw[len(key) + 32 :])
    old = _pickled_with_build(read)
    slot.write_bytes(key + hashlib.sha256(old).digest() + old)
    with pytest.raises(unpickle.RefusedPickle) as err:
        unpickle.loads(old)
    assert err.value.why == (
        "it changes sheets_sync.sync.readcache.CachedRead, which no sheets-sync pickle does"
    )
    parses.clear()
    result = night(cfg)
    assert len(parses) == 1 and not result.failed
