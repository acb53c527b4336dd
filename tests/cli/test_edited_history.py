"""A history file edited by hand (docs/operations.md, History): SQLite keeps whatever a
hand edit puts in a column, and a date that is not ISO or a score that is text ended the
night in a traceback, exit 1, every night until someone found the row. Now the history is
said to be unusable, naming the file and the value; the teams are synced, the workbook
goes out without History and Trends, and the file is kept as it is (not set aside)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest

from tests.cli.test_ops_cli import copy_ws, run

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
D1, D2 = "2026-11-16", "2026-11-23"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workspace with two nights recorded."""
    root = tmp_path_factory.mktemp("demo")
    code, out, err = run("demo", str(root / "ws"), "--as-of", D2)
    assert code == 0, out + err
    config = root / "ws" / "sheets-sync.yaml"
    for night in (D1, D2):
        code, out, err = run("sync", "--config", str(config), "--as-of", night)
        assert code == 0, out + err
    return config


def _edit(ws: Path, sql: str) -> Path:
    path = ws.parent / ".sheets-sync" / "history.sqlite"
    with closing(sqlite3.connect(path)) as conn, conn:
        assert conn.execute(sql).rowcount > 0
    return path


def _sheets(ws: Path) -> list[str]:
    book = openpyxl.load_workbook(ws.parent / "company.xlsx", read_only=True)
    names = list(book.sheetnames)
    book.close()  # read-only: it holds the file open
    return names


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        (
            f"UPDATE kr_snapshots SET score = 'abc' WHERE as_of = '{D1}'",
            "holds a value of the wrong type (could not convert string to float: 'abc'",
        ),
        (
            f"UPDATE kpi_snapshots SET actual = 'n/a' WHERE as_of = '{D1}'",
            "holds a value of the wrong type (could not convert string to float: 'n/a'",
        ),
        (
            f"UPDATE snapshots SET as_of = '2026-11-6' WHERE as_of = '{D1}'",
            "holds the date '2026-11-6'",
        ),
        (
            f"UPDATE snapshots SET as_of = '2026-02-30' WHERE as_of = '{D1}'",
            "holds the date '2026-02-30'",
        ),
    ],
    ids=["kr-score", "kpi-actual", "not-iso", "no-such-day"],
)
def test_a_value_edited_by_hand_names_the_file_and_the_night_goes_on(
    demo: Path, tmp_path: Path, sql: str, said: str
) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    (ws.parent / ".sheets-sync" / "rollup-state.json").unlink()  # the rollup is built again
    path = _edit(ws, sql)
    code, out, err = run("sync", "--config", str(ws), "--as-of", D2)
    assert code == 0, out + err
    assert "6 teams, 0 failed" in out + err and "rollup written to company.xlsx" in out + err
    assert (
        f"{path}: the run history {said}" in err
        and "which sheets-sync never writes (edited by hand?); correct or delete that row, or "
        "move the file away to start a new history; the company workbook goes out without "
        "History and Trends"
        in err
    ), err
    assert "Summary" in _sheets(ws) and "History" not in _sheets(ws)
    assert not list(path.parent.glob("history.sqlite.damaged-*"))  # kept, not set aside
    with closing(sqlite3.connect(path)) as conn:
        nights = {d for (d,) in conn.execute("SELECT DISTINCT as_of FROM snapshots")}
    assert len(nights) == 2 and D2 in nights  # the edited night is still there
