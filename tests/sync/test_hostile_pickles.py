"""A pickle someone else dropped into the state folder runs nothing: the read cache
parses the team instead, and the spill refuses it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
import shutil
from pathlib import Path

import pytest

from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import load_workspace
from sheets_sync.errors import ScratchFileError
from sheets_sync.sync import engine
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.spill import Parked, Spill, pickled, unpickled
from sheets_sync.workspace.demo import create_demo
from tests.support.hostile import assert_untouched, payloads
from tests.sync.test_read_cache import NIGHT

NAMES = list(payloads(Path("x")))


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workspace after one night: every team has a cache slot."""
    cfg = create_demo(tmp_path_factory.mktemp("demo") / "ws")
    Sync(load_workspace(cfg)).run(SyncOptions(as_of=NIGHT, workers=1))
    return cfg


@pytest.mark.parametrize("where", ["key", "read"])
@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_cache_slot_is_a_miss(
    synced: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, where: str
) -> None:
    """``where``: in the slot's key (read first), or in the read behind a valid key and
    digest (as one who knows the format would write it)."""
    shutil.copytree(synced.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / synced.name
    marker = tmp_path / "marker"
    hostile = payloads(marker)[name]
    slots = sorted((tmp_path / "ws" / ".sheets-sync" / "cache").glob("*.pickle"))
    for slot in slots:
        handle = io.BytesIO(slot.read_bytes())
        key = handle.getvalue()[: len(pickle.dumps(pickle.load(handle), 5))]
        if where == "key":
            slot.write_bytes(hostile)
        else:
            slot.write_bytes(key + hashlib.sha256(hostile).digest() + hostile)
    parsed: list[str] = []
    real = ExcelBackend.parse

    def spy(self: ExcelBackend, *args: object) -> object:
        parsed.append(self.path.name)
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ExcelBackend, "parse", spy)
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=NIGHT, workers=1))
    assert_untouched(marker)
    assert len(slots) >= 5 and len(parsed) == len(result.runs)  # every team parsed
    assert all(r.outcome is not Outcome.FAILED for r in result.runs)


@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_spill_is_refused(tmp_path: Path, name: str) -> None:
    spill = Spill(tmp_path)
    try:
        parked = pickled(("a read",), spill)
        assert not isinstance(parked, bytes) and unpickled(parked) == ("a read",)
        marker = tmp_path / "marker"
        Path(parked.path).write_bytes(payloads(marker)[name])
        with pytest.raises(
            ScratchFileError, match=r"^the run's scratch file \(\.sheets-sync/spill/\)"
        ):
            unpickled(type(parked)(parked.path, 0, Path(parked.path).stat().st_size))
        assert_untouched(marker)
    finally:
        spill.close()


def _swap_first(monkeypatch: pytest.MonkeyPatch, holding: bytes, marker: Path) -> list[int]:
    """The first pickle parked in the spill that holds ``holding`` is parked as a hostile
    one instead (as if rewritten in the file); every read and result is parked, even in
    one process. The list returned gets an item once the swap happened."""
    real_park = Spill.park
    swapped: list[int] = []

    def park(self: Spill, data: bytes) -> Parked:
        if holding not in data or swapped:
            return real_park(self, data)
        swapped.append(1)
        return real_park(self, payloads(marker)["posix.system"])

    monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    monkeypatch.setattr(Spill, "park", park)
    return swapped


def _night_later(synced: Path, tmp_path: Path) -> SyncResult:
    """A copy of the synced workspace, synced three days later: every team writes."""
    shutil.copytree(synced.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / synced.name
    return Sync(load_workspace(cfg)).run(SyncOptions(as_of=NIGHT + dt.timedelta(days=3), workers=1))


def test_a_read_someone_swapped_in_the_spill_fails_its_team_alone(
    synced: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The night's own spill file, rewritten between a read being parked and its writer
    loading it: that team fails, named, the others are written, nothing runs."""
    marker = tmp_path / "marker"
    swapped = _swap_first(monkeypatch, b"ExcelBackend", marker)  # a read a writer loads
    result = _night_later(synced, tmp_path)
    assert_untouched(marker)
    failed = [r for r in result.runs if r.outcome is Outcome.FAILED]
    assert swapped and len(failed) == 1 and len(result.runs) > 1
    assert failed[0].error is not None and failed[0].error.endswith(
        ": not written: the run's scratch file (.sheets-sync/spill/) was changed by "
        "something else during the run (it names posix.system, which sheets-sync never "
        "writes); check who can write to the state folder"
    )
    assert all(r.outcome is Outcome.OK for r in result.runs if r is not failed[0])


def test_a_result_someone_swapped_in_the_spill_stops_the_rollup_with_one_error(
    synced: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team's rollup rows, rewritten in the spill before the rollup reads them: nothing
    runs, the teams are written, and the company workbook is not published, with one
    line saying why (it was an ``UnpicklingError`` out of the run: a traceback)."""
    marker = tmp_path / "marker"
    swapped = _swap_first(monkeypatch, b"TeamRows", marker)  # a team's rollup rows
    result = _night_later(synced, tmp_path)
    assert swapped and all(r.outcome is Outcome.OK for r in result.runs)
    assert result.rollup_error == (
        "company.xlsx: the company rollup was not published: the run's scratch file "
        "(.sheets-sync/spill/) was changed by something else during the run (it names "
        "posix.system, which sheets-sync never writes); check who can write to the state "
        "folder"
    )
    assert_untouched(marker)
