"""sheets-sync nightly as an Apache Airflow DAG: N shard syncs in parallel, then one merge.

Copy into the DAGs folder and set the SHEETS_SYNC_* environment variables (or edit the
defaults). Needs Airflow >= 2.4 (dynamic task mapping, ``schedule=``); works on 3.x.
Every worker needs the same sheets-sync installed from its source (it is not on PyPI; see
docs/scheduling.md), with SHEETS_SYNC_BIN pointing at its executable.

- ``sync_shard`` is mapped with ``.expand()`` over the shard numbers 1..N; each runs
  ``sheets-sync sync --shard K/N --results-dir DIR`` and writes its teams' results to a
  folder private to this DAG run. Workers on several machines need DIR on shared storage.
- ``merge`` runs ``sheets-sync rollup --from-results DIR``: checks that all N shards are
  there and builds the one company rollup. It runs even when a shard failed
  (``all_done``), so a missing shard is reported by name rather than silently skipped.

Exit codes: 0 ok, 1 some teams failed (the task fails, so it shows red), 2 usage or
configuration error, 3 another run holds the workspace lock: the task fails and Airflow
retries it after ``retry_delay``. It is not skipped: the run holding the lock may be one
that publishes no rollup (``sync --team``), and a skipped merge would leave the night
green with no company workbook. The merge retries only a held lock; a missing or
mismatched shard fails it at once (retrying cannot bring a shard back).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

try:  # Airflow 3
    from airflow.sdk import dag, get_current_context, task
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task
    from airflow.operators.python import get_current_context
try:  # newer Airflow 3 (3.3 warns on the airflow.exceptions path)
    from airflow.sdk.exceptions import AirflowFailException
except ImportError:  # Airflow 2, and the first 3.x releases
    from airflow.exceptions import AirflowFailException

SHARDS = int(os.environ.get("SHEETS_SYNC_SHARDS", "4"))
CONFIG = os.environ.get("SHEETS_SYNC_CONFIG", "/srv/okrs/sheets-sync.yaml")
EXECUTABLE = os.environ.get("SHEETS_SYNC_BIN", "sheets-sync")
RESULTS_ROOT = Path(os.environ.get("SHEETS_SYNC_RESULTS", "/srv/okrs/.sheets-sync/shard-results"))
EXIT_LOCKED = 3


def sync_argv(exe: str, config: str, k: int, n: int, results: str, as_of: str) -> list[str]:
    """The command one shard runs (an argv list: no shell, no quoting surprises). Every
    shard gets the DAG run's date: one that started after midnight would otherwise sync
    another day, and the merge refuses shards of different as-of dates."""
    return [exe, "sync", "--config", config, "--shard", f"{k}/{n}", "--results-dir", results,
            "--as-of", as_of]  # fmt: skip


def rollup_argv(exe: str, config: str, results: str) -> list[str]:
    """The merge: one rollup from every shard's results."""
    return [exe, "rollup", "--config", config, "--from-results", results]


def results_dir(root: Path, run_id: str) -> Path:
    """One folder per DAG run, so a rerun never mixes with another night's shards."""
    return root / re.sub(r"[^A-Za-z0-9_.-]", "_", run_id)


def exit_action(code: int, *, retry_failures: bool) -> str:
    """What the task does with a sheets-sync exit code: "ok", "retry" (raise, so Airflow
    retries) or "fail" (fail now, no retry)."""
    if code == 0:
        return "ok"
    if code == EXIT_LOCKED or retry_failures:
        return "retry"
    return "fail"


def _run(argv: list[str], *, retry_failures: bool) -> None:
    code = subprocess.run(argv, check=False).returncode
    action = exit_action(code, retry_failures=retry_failures)
    if action == "ok":
        return
    why = "another sheets-sync run holds the workspace lock" if code == EXIT_LOCKED else ""
    message = f"{' '.join(argv)} exited with {code}" + (f" ({why})" if why else "")
    if action == "retry":
        raise RuntimeError(message)
    raise AirflowFailException(message)


@dag(
    dag_id="sheets_sync_nightly",
    schedule="30 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["sheets-sync"],
)
def sheets_sync_nightly() -> None:
    @task
    def shard_numbers() -> list[int]:
        return list(range(1, SHARDS + 1))

    @task(execution_timeout=timedelta(hours=1))
    def sync_shard(k: int) -> None:
        context = get_current_context()
        folder = results_dir(RESULTS_ROOT, str(context["run_id"]))
        # the run's own time (a cleared or retried run keeps it), in UTC as the schedule
        when = context["dag_run"].run_after or context["logical_date"]
        argv = sync_argv(EXECUTABLE, CONFIG, k, SHARDS, str(folder), when.date().isoformat())
        _run(argv, retry_failures=True)

    @task(trigger_rule="all_done", retries=3)
    def merge() -> None:
        folder = results_dir(RESULTS_ROOT, str(get_current_context()["run_id"]))
        _run(rollup_argv(EXECUTABLE, CONFIG, str(folder)), retry_failures=False)
        shutil.rmtree(folder, ignore_errors=True)  # kept when the merge failed, to inspect

    sync_shard.expand(k=shard_numbers()) >> merge()


sheets_sync_nightly()
