"""A disk that fills up during the night: every file whole, the night still summed up."""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from sheets_sync.sync.spill import Spill, pickled
from sheets_sync.workspace.demo import create_demo
from tests.support.scripts import HANG
from tests.support.workbooks import folder_cells

AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cfg = create_demo(tmp_path_factory.mktemp("demo") / "ws")
    return cfg.parent


def _sync(ws: Path, limit_kb: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # RLIMIT_FSIZE: writes past it fail with EFBIG, as on a full disk
        if limit_kb is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_kb * 1024, limit_kb * 1024))

    cfg = str(ws / "sheets-sync.yaml")
    return subprocess.run(
        [sys.executable, "-m", "sheets_sync", "sync", "--config", cfg, "--as-of", AS_OF],
        check=False,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=HANG,
    )


def _digests(ws: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ws / "teams").iterdir()}


@pytest.fixture(scope="module")
def ref(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo after a night that never ran short: the same for every limit, so synced
    once (a sync per limit cost each test a third of its time)."""
    ws = tmp_path_factory.mktemp("ref") / "ws"
    subprocess.run(["cp", "-a", str(demo), str(ws)], check=True)
    assert _sync(ws).returncode == 0
    return ws


@pytest.mark.slow
@pytest.mark.parametrize("limit_kb", [8, 16, 24, 32])
def test_a_night_that_runs_out_of_space_ends_summed_up(
    demo: Path, ref: Path, tmp_path: Path, limit_kb: int
) -> None:
    """At 16 KB the spill file's last flush failed as the run closed it: the finished
    night ended "error: File too large", no summary; at 24 KB xlsxwriter's wrapper of the
    OSError escaped as a traceback. Each team file stays the old or the new one, and the
    next night, with room, converges on the files of a night that never ran short."""
    full = tmp_path / "full"
    subprocess.run(["cp", "-a", str(demo), str(full)], check=True)
    before = _digests(full)
    after = _digests(ref)

    done = _sync(full, limit_kb)
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1].startswith("6 teams, "), done.stdout
    assert "error: " not in done.stderr
    assert all(h in (before[n], after[n]) for n, h in _digests(full).items())
    assert _sync(full).returncode == 0
    assert _digests(full) == after
    assert folder_cells(full / "teams") == folder_cells(ref / "teams")


def test_a_spill_on_a_full_disk_keeps_its_pickles_in_memory_and_closes(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    (spill.folder / f"{os.getpid()}.bin").symlink_to("/dev/full")  # ENOSPC on every write
    assert pickled({"team": "Sales"}, spill) == pickled({"team": "Sales"}, None)
    spill.close()  # raised OSError: No space left on device
    assert not spill.folder.exists()
