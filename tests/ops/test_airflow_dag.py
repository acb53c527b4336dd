"""The Airflow recipe run by a real Airflow: ``airflow dags test`` on a demo workspace.

Airflow lives in its own venv (``make airflow``, made by ``.ci/run``): its pins would fight
ours. Without it the test skips locally and fails on CI, like the LibreOffice tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from sheets_sync.workspace.demo import create_demo
from tests.support.ci import on_ci

ROOT = Path(__file__).resolve().parents[2]
DAG = ROOT / "deploy" / "airflow" / "sheets_sync_dag.py"
AIRFLOW = Path(os.environ.get("SHEETS_SYNC_AIRFLOW", ROOT / ".venv-airflow" / "bin" / "airflow"))


def _require_airflow() -> None:
    if AIRFLOW.exists():
        return
    if on_ci():
        pytest.fail(f"{AIRFLOW} missing on CI: .ci/run runs `make airflow`")
    pytest.skip("Apache Airflow venv not made (make airflow)")


@pytest.mark.slow
def test_real_airflow_runs_the_sharded_dag(tmp_path: Path) -> None:
    _require_airflow()
    cfg = create_demo(tmp_path / "ws")
    home = tmp_path / "airflow"
    (home / "dags").mkdir(parents=True)
    shutil.copy(DAG, home / "dags" / DAG.name)
    results = tmp_path / "shard-results"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "SHEETS_SYNC_SHARDS": "2",
        "SHEETS_SYNC_CONFIG": str(cfg),
        "SHEETS_SYNC_BIN": str(Path(sys.executable).with_name("sheets-sync")),
        "SHEETS_SYNC_RESULTS": str(results),
    }

    def airflow(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(AIRFLOW), *args], check=False, env=env, capture_output=True, text=True, timeout=600
        )

    migrated = airflow("db", "migrate")
    assert migrated.returncode == 0, migrated.stdout[-2000:] + migrated.stderr[-2000:]
    ran = airflow("dags", "test", "sheets_sync_nightly")
    log = ran.stdout + ran.stderr
    assert ran.returncode == 0, log[-4000:]
    assert "state=success" in log and "Traceback" not in log
    assert log.count("running task <TaskInstance: sheets_sync_nightly.sync_shard ") == 2
    assert log.count("running task <TaskInstance: sheets_sync_nightly.merge ") == 1
    summary = CalamineWorkbook.from_path(str(cfg.parent / "company.xlsx"))
    teams = summary.get_sheet_by_name("Summary").to_python()
    synced = [row[0] for row in teams if len(row) > 6 and row[6] in ("ok", "unchanged")]
    assert len(synced) == 6  # every demo team, merged from both shards
    assert not results.exists() or not any(results.iterdir())  # merged, then removed
