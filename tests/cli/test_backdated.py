"""A back-dated sync (``--as-of`` before the latest recorded night): its rollup shows no
later night (docs/operations.md, History)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tests.cli.test_ops_cli import copy_ws, run

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
D1, D2, D3 = "2026-11-16", "2026-11-20", "2026-11-23"  # D2: no snapshot recorded


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    code, out, err = run("demo", str(root / "ws"), "--as-of", D3)
    assert code == 0, out + err
    return root / "ws" / "sheets-sync.yaml"


def _nights_shown(ws: Path) -> tuple[set[str], list[str]]:
    """The dates of the History tab's rows, and the Trends tab's night columns."""
    book = openpyxl.load_workbook(ws.parent / "company.xlsx", read_only=True)
    rows = list(book["History"].iter_rows(min_row=2, values_only=True))
    history = {v.date().isoformat() for v in (r[1] for r in rows) if isinstance(v, dt.datetime)}
    trends = [
        str(v)
        for row in book["Trends"].iter_rows(values_only=True)
        for v in row
        if isinstance(v, str) and v[:3] == "202"
    ]
    return history, sorted(set(trends))


def test_a_back_dated_rollup_shows_no_later_night(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    for night in (D1, D3):
        assert run("sync", "--config", str(ws), "--as-of", night)[0] == 0
    assert _nights_shown(ws) == ({D1, D3}, [D1, D3])
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    assert _nights_shown(ws) == ({D1}, [D1])  # not D3, after the run's as-of date
