"""Where the shared material beside the checkout lives (``../shared``; CI has it too).

``SHEETS_SYNC_SHARED`` overrides it, e.g. for a scratch clone in /tmp. Every test that
needs it goes through ``require_shared``: it skips with a reason when the folder is
missing, except under CI, where it fails, so the proof cannot silently disappear. A test
says so with a mark (``@needs_real_world``, ``@needs_cassettes``: checked before its
fixtures, by ``tests/conftest.py``); a test parametrized over the folder's files takes
them from ``each_file``, since an empty list would skip it under any ``CI``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from sheets_sync.emulator.replay import CASSETTES_ENV, default_cassette_dir
from tests.support.ci import on_ci

SHARED_ENV = "SHEETS_SYNC_SHARED"
REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    env = os.environ.get(SHARED_ENV)
    return Path(env) if env else REPO.parent / "shared"


REAL_WORLD = shared_dir() / "real-world-xlsx"
#: as the replay finds them: ``SHEETS_SYNC_CASSETTES`` first
CASSETTES = default_cassette_dir()


def require_shared(folder: Path, set_by: str = SHARED_ENV) -> Path:
    """The folder; skip the test without it, fail it on CI (one line, no traceback)."""
    if folder.is_dir():
        return folder
    missing = f"{folder} is missing (set {set_by} to the shared folder)"
    if on_ci():
        pytest.fail(f"{missing}: required on CI", pytrace=False)
    pytest.skip(missing)


#: the marks: ``tests/conftest.py`` calls ``require_shared`` with the mark's arguments
needs_real_world = pytest.mark.shared(REAL_WORLD)
needs_cassettes = pytest.mark.shared(CASSETTES, set_by=f"{CASSETTES_ENV} or {SHARED_ENV}")


def each_file(folder: Path, files: Iterable[Path]) -> list[object]:
    """The files, sorted; with none (the folder missing, or none of its files chosen), one
    placeholder, so that the test is collected and its mark skips or fails it: pytest would
    skip a test parametrized over nothing ("got empty parameter set"), under CI too."""
    found: list[object] = [*sorted(files)]
    return found or [pytest.param(folder / "(no file)", id="no-file")]
