"""Where the shared material beside the checkout lives (``../shared``; CI has it too).

``SHEETS_SYNC_SHARED`` overrides it, e.g. for a scratch clone in /tmp. Tests that need it
skip with a reason when it is missing, except under CI, where they must run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.ci import on_ci

SHARED_ENV = "SHEETS_SYNC_SHARED"
REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    env = os.environ.get(SHARED_ENV)
    return Path(env) if env else REPO.parent / "shared"


REAL_WORLD = shared_dir() / "real-world-xlsx"
CASSETTES = shared_dir() / "gspread-cassettes"

needs_real_world = pytest.mark.skipif(
    not REAL_WORLD.is_dir() and not on_ci(),
    reason=f"{REAL_WORLD} is missing (set {SHARED_ENV} to the shared folder)",
)
