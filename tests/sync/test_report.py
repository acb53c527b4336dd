"""The run report file: written a team at a time, the same JSON as the whole dict."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.report import run_report, write_run_report
from sheets_sync.workspace.demo import create_demo


def test_streamed_report_equals_the_whole_report(tmp_path: Path) -> None:
    ws = load_workspace(create_demo(tmp_path / "ws"))
    result = Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, 23), workers=1))
    assert sum(len(r.changes) for r in result.runs) > 100
    report = run_report(result, with_changes=False)
    report["notifications"] = ["after the teams, as run.py adds it"]
    write_run_report(tmp_path / "runs" / "r.json", report, result.runs)
    whole = run_report(result)
    whole["notifications"] = report["notifications"]
    text = (tmp_path / "runs" / "r.json").read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(json.dumps(whole, default=str))
    assert text.endswith("}\n") and "\n" not in text[:-1]
