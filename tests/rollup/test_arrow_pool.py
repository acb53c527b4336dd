"""The rollup's Arrow arrays come from the C library's allocator, unless the environment
names Arrow another (bench/notes.md, thirteenth pass: 23-33 MB less at 2,000 teams than
Arrow's mimalloc on the steady night)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"
SCRIPT = "import sheets_sync.rollup, pyarrow; print(pyarrow.default_memory_pool().backend_name)"


@pytest.mark.parametrize(
    ("value", "pool"), [(None, "system"), ("", "system"), ("mimalloc", "mimalloc")]
)
def test_the_rollup_picks_the_system_allocator_unless_told(value: str | None, pool: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE}
    if value is not None:
        env[VARIABLE] = value
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], check=False, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == pool
