"""A new quarter reuses last quarter's objective and KR ids for other goals: its Trends
and alerts are not joined to last quarter's (docs/rollup.md, docs/operations.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.test_alerts import _hook
from tests.cli.test_backdated import _nights_shown, _set_every_kr_to_its_start
from tests.cli.test_ops_cli import copy_ws, run

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
Q3_NIGHT, Q4_NIGHT = "2026-11-16", "2026-11-23"
Q3 = 'name: "2026-Q3"\n  start: 2026-08-18\n  end: 2026-11-16'
#: a short one, so that its KRs still at their start are Off track on its first week
Q4 = 'name: "2026-Q4"\n  start: 2026-11-17\n  end: 2026-11-30'


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    code, out, err = run("demo", str(root / "ws"), "--as-of", Q4_NIGHT)
    assert code == 0, out + err
    return root / "ws" / "sheets-sync.yaml"


def _period(ws: Path, period: str) -> None:
    """The workspace's period block replaced: the operator's edit at a quarter's start."""
    text = ws.read_text(encoding="utf-8")
    ws.write_text(re.sub(r"period:\n(  .*\n)+", f"period:\n  {period}\n", text), encoding="utf-8")


def test_a_new_quarter_is_not_joined_to_the_last_one(demo: Path, tmp_path: Path) -> None:
    """Trends joined Q3's O1 and Q4's O1 into one line, and the first Q4 night compared
    its KRs with Q3's KRs of the same ids. The History tab, a log, keeps both nights."""
    ws = copy_ws(demo, tmp_path / "ws")
    _period(ws, Q3)
    _set_every_kr_to_its_start(ws)  # Off track in Q3, three months in
    assert run("sync", "--config", str(ws), "--as-of", Q3_NIGHT)[0] == 0
    _period(ws, Q4)
    cmd, sent = _hook(tmp_path)
    code, _, err = run("sync", "--config", str(ws), "--as-of", Q4_NIGHT, "--notify-cmd", cmd)
    assert code == 0, err
    history, trends = _nights_shown(ws)
    assert history == {Q3_NIGHT, Q4_NIGHT}
    assert trends == [Q4_NIGHT]
    turned = json.loads(sent.read_text(encoding="utf-8"))["turned_off_track"]
    # a KR Off track in Q4 is new, not "turned" from Q3's KR of the same id
    assert turned and all(t["previous_status"] is None for t in turned)


def test_a_night_past_the_period_end_warns_once(demo: Path, tmp_path: Path) -> None:
    """An operator late updating the period: the new quarter's KRs, near their start and
    expected at their target, turned Off track and the night alerted on each, with nothing
    saying why. The warning says what happens, not more (expected stays at the last day's,
    margins apply: a KR near its target is not Off track)."""
    ws = copy_ws(demo, tmp_path / "ws")
    _period(ws, Q3)
    report = tmp_path / "run.json"
    code, _, err = run("sync", "--config", str(ws), "--as-of", Q4_NIGHT, "--report", str(report))
    assert code == 0, err
    said = (
        f"as of {Q4_NIGHT} is after the end of period 2026-Q3 (2026-11-16): every key result "
        "is expected at its target, so a new period's key results, still near their start, "
        "show Off track; if a new period has begun, update period in the workspace file"
    )
    assert err.count(said) == 1
    assert json.loads(report.read_text(encoding="utf-8"))["period_ended"] == said
    _period(ws, Q4)
    code, _, err = run("sync", "--config", str(ws), "--as-of", Q4_NIGHT, "--report", str(report))
    assert code == 0 and "after the end of period" not in err
    assert json.loads(report.read_text(encoding="utf-8"))["period_ended"] is None


def test_a_night_before_the_period_start_warns_once(demo: Path, tmp_path: Path) -> None:
    """An operator early updating the period: the old quarter's last nights, scored against
    the new one, had expected 0 (every KR On track) and were recorded in the history with
    nothing saying why; only a night past the end warned."""
    ws = copy_ws(demo, tmp_path / "ws")
    _period(ws, Q4)
    report = tmp_path / "run.json"
    code, _, err = run("sync", "--config", str(ws), "--as-of", Q3_NIGHT, "--report", str(report))
    assert code == 0, err
    said = (
        f"as of {Q3_NIGHT} is before the start of period 2026-Q4 (2026-11-17): every key "
        "result is expected at its start, so one not below its start shows On track; if the "
        "previous period has not ended, keep its period in the workspace file until its last "
        "night has run"
    )
    assert err.count(said) == 1
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["period_not_started"] == said and written["period_ended"] is None
    code, _, err = run("sync", "--config", str(ws), "--as-of", Q4_NIGHT, "--report", str(report))
    assert code == 0 and "before the start of period" not in err
    assert json.loads(report.read_text(encoding="utf-8"))["period_not_started"] is None
