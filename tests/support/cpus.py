"""For tests that run the command in a process of their own: there no fixture can lend
it CPUs (``eight_cpus`` in tests/conftest.py does, in this process), and ``--workers 2``
forks one worker per CPU this box lets it use. On one CPU such a test is skipped, saying
so, rather than passing without a worker."""

from __future__ import annotations

import pytest

from sheets_sync.sync.workers import available_cpus

needs_two_cpus = pytest.mark.skipif(
    available_cpus() < 2, reason="no worker is forked on one CPU (workers are capped at the CPUs)"
)
