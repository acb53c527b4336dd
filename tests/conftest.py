"""Shared fixtures: a small standard-layout workspace built in a temp folder."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path

# isort: off
# First: openpyxl imports numpy, whose OpenBLAS starts its threads unless it is imported
# as sheets-sync imports it (sheets_sync/native_threads.py); the workers' forks then warn
# (3.12+). So does pyarrow's jemalloc thread.
from sheets_sync.native_threads import import_quietly

import_quietly()
# isort: on
# ruff: noqa: E402 (the imports below come after that call)

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator

import openpyxl
import pytest
from hypothesis import settings

# The same examples on every run (a failed CI is fatal: one must not hang on the seed of
# the day), and no ``.hypothesis`` database written or replayed. Speed is no test here
# (house rule), so no deadline either: a busy CI box made a slow example a failure.
# ``HYPOTHESIS_PROFILE=dev`` explores: random examples, failures kept in ``.hypothesis``.
# (Hypothesis still caches the literals of the source it reads in ``.hypothesis/constants``,
# keyed by the source's hash: a cache, the same examples with it or without.)
# Both on Hypothesis's defaults, not on the profile loaded at its import: under ``CI``
# Hypothesis loads its own "ci" profile (print_blob, too_slow suppressed), and until
# 2026-12-08 ours took those on whenever ``CI`` was set, so CI checked less than a laptop.
_DEFAULTS = settings.get_profile("default")
settings.register_profile("ci", _DEFAULTS, derandomize=True, database=None, deadline=None)
settings.register_profile("dev", _DEFAULTS, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``shared`` (``tests/support/shared.py``) skips without its folder, or
    fails on CI, before any fixture of it runs (the cassette replay's would replay none)."""
    marks = list(item.iter_markers("shared"))
    if marks:
        from tests.support.shared import require_shared

        for mark in marks:
            require_shared(*mark.args, **mark.kwargs)


def pytest_configure(config: pytest.Config) -> None:
    """A suite started as a background job of a script (``make test &`` in a CI wrapper)
    has SIGINT ignored, and so has every Python it starts: the stop tests' Ctrl-C never
    reached their scripts, which hung to their timeouts (test_stopped_map's second stops).
    Handled here, a child starts with the default, as from a terminal; a test that wants
    it ignored says so (``nohup`` in test_interrupted_sync)."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


OKR_ROWS: list[list[object]] = [
    [
        "O1",
        "Grow revenue",
        "committed",
        "CO-1",
        "KR1",
        "Pipeline",
        "Ann",
        "number",
        100,
        200,
        150,
        "k$",
        1,
        7,
    ],
    [None, None, None, None, "KR2", "Response time", "Bob", "number", 40, 20, 30, "h", 1, "70%"],
    ["O2", "Delight customers", "aspirational", "CO-1", "KR3", "NPS", "Di", "number", 30, 30, 35],
    ["O2", None, None, None, "KR4", "Launch portal", "Ed", "milestone", None, None, "done"],
]
KPI_ROWS: list[list[object]] = [
    [
        "KPI-1",
        "Conversion",
        "Ann",
        "leading",
        "monthly",
        "%",
        "higher",
        0.05,
        None,
        None,
        None,
        0.048,
        0.04,
        dt.date(2026, 11, 20),
    ],
    [
        "KPI-2",
        "First response",
        "Bob",
        "lagging",
        "weekly",
        "h",
        "lower",
        24,
        None,
        None,
        None,
        30,
        35,
        dt.date(2026, 9, 1),
    ],
]
CONFIG = """company: Acme
period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}
company_objectives:
  - {id: CO-1, title: Grow}
teams:
  - {name: Sales, source: teams/sales.xlsx}
"""


def write_team(
    path: Path, okr_rows: list[list[object]] = OKR_ROWS, kpi_rows: list[list[object]] = KPI_ROWS
) -> Path:
    wb = openpyxl.Workbook()
    okrs = wb.active
    assert okrs is not None
    okrs.title = "OKRs"
    okrs.append([h for _, h in OKR_FIELDS])
    for row in okr_rows:
        okrs.append(row)
    kpis = wb.create_sheet("KPIs")
    kpis.append([h for _, h in KPI_FIELDS])
    for row in kpi_rows:
        kpis.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A one-team workspace; returns the config path."""
    write_team(tmp_path / "teams" / "sales.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    return cfg


@pytest.fixture
def eight_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Enough CPUs for the worker counts a test asks for, on any box: ``--workers 2`` is
    capped at the CPUs this process may use, so on a one-CPU runner (taskset, a cpuset,
    a container's quota) the night stayed in one process and a test of the workers
    passed testing nothing. The cap itself is tested alone (tests/sync/test_worker_count.py)."""
    from sheets_sync.sync import workers

    monkeypatch.setattr(workers, "available_cpus", lambda: 8)


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], str]]:
    """Makes a folder unwritable: ``chmod 555``; as root, whom modes do not stop, the
    immutable attribute (``chattr +i``), skipped where the file system has none. Yields
    the function, which returns the reason the OS gives for a refused write."""
    made: list[Path] = []

    def make(folder: Path) -> str:
        if os.geteuid() != 0:
            folder.chmod(0o555)
            made.append(folder)
            return "Permission denied"
        chattr = shutil.which("chattr")
        if (
            chattr is None
            or subprocess.run(
                [chattr, "+i", str(folder)], check=False, capture_output=True
            ).returncode
            != 0
        ):
            pytest.skip("root, and no immutable attribute here to make a folder read-only")
        made.append(folder)
        return "Operation not permitted"

    yield make
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        else:
            folder.chmod(0o755)


@pytest.fixture(autouse=True)
def _package_logger_as_it_was() -> Iterator[None]:
    """Each test starts with the ``sheets_sync`` logger as the process had it: a command
    run in-process (``CliRunner``, ``cli.main``) sets its level from ``-q``/``-v`` and its
    handler to that run's stderr, and kept them; a test after a ``-qq`` one in the same
    worker lost every ERROR record its ``caplog`` looked for (three stop clean-up tests
    failed so in a clean-clone run, 2026-12-06)."""
    import logging

    logger = logging.getLogger("sheets_sync")
    kept = (logger.level, list(logger.handlers), logger.propagate, logger.disabled)
    yield
    logger.setLevel(kept[0])
    logger.handlers[:] = kept[1]
    logger.propagate, logger.disabled = kept[2], kept[3]


@pytest.fixture(autouse=True)
def _no_stop_left_noted() -> Iterator[None]:
    """A test leaves no stop noted (``sync/stops.py``): the next test in its process
    would be stopped by it at its first check, far from the cause ("Interrupted: 15" in
    an unrelated test, 2026-12-07). Cleared, and the test that left it fails."""
    from sheets_sync.sync import stops

    yield
    left = stops.left()
    stops.arrived()
    assert not left, f"the test left a stop noted ({left}): the process's next check raises it"
