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
D1, D2, D3 = "2026-11-16", "2026-11-23", "2026-11-30"


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
    ],
    ids=["kr-score", "kpi-actual"],
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


@pytest.mark.parametrize("edited", ["2026-11-6", "20261206", "2026-W49-1", "2026-02-30"])
def test_a_night_whose_date_was_edited_by_hand_is_left_out_and_tonight_recorded(
    demo: Path, tmp_path: Path, edited: str
) -> None:
    """A date sheets-sync never writes sorts where it will: '2026-11-6' and '20261206' after
    every real night of November, so as the latest night it made each later run a
    back-dated one, its night never recorded again ('20261206' read as a day: exit 0, a
    clean summary); the others stopped the history each night. Such a night is left out
    now, said as a warning naming the file and the value, and the history goes on."""
    ws = copy_ws(demo, tmp_path / "ws")
    path = _edit(ws, f"UPDATE snapshots SET as_of = '{edited}' WHERE as_of = '{D1}'")
    code, out, err = run("sync", "--config", str(ws), "--as-of", D3)
    assert code == 0, out + err
    assert (
        f"WARNING sheets_sync.history: {path}: the run history holds the date {edited!r}, which "
        "sheets-sync never writes (edited by hand?); its rows are left out of the history: "
        "correct or delete them\n"
    ) in err, err
    assert "ERROR" not in err and "history not recorded" not in out + err, out + err
    assert "History" in _sheets(ws)
    with closing(sqlite3.connect(path)) as conn:
        nights = {d for (d,) in conn.execute("SELECT DISTINCT as_of FROM snapshots")}
    assert nights == {edited, D2, D3}  # tonight recorded; the edited row kept as it is
