"""An ID retyped in another case or width between nights (``o1`` then ``O1``) is one
series: the Trends tab's burn-up and KPI rows, and the History tab's rows, under its
latest night's spelling (docs/mappings.md, docs/rollup.md). Until 2026-12-07 the old
series ended the night before and a new one started under the new spelling."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.cli.test_alerts import _hook, _set_kr, _turned
from tests.cli.test_ops_cli import copy_ws, run

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
D1, D2 = "2026-11-16", "2026-11-17"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    code, out, err = run("demo", str(root / "ws"), "--as-of", D1)
    assert code == 0, out + err
    return root / "ws" / "sheets-sync.yaml"


def _team(ws: Path) -> Path:
    return sorted((ws.parent / "teams").glob("*.xlsx"))[0]  # Customer Success


def _retype(ws: Path, spell: Callable[[str], str]) -> None:
    """Every objective, KR and KPI ID of the first team typed ``spell(ID)``."""
    path = _team(ws)
    book = openpyxl.load_workbook(path)
    for tab, columns in (("OKRs", ("Objective ID", "KR ID")), ("KPIs", ("KPI ID",))):
        sheet = book[tab]
        header = [c.value for c in sheet[1]]
        for name in columns:
            col = header.index(name) + 1
            for row in range(2, sheet.max_row + 1):
                cell = sheet.cell(row, col)
                if isinstance(cell.value, str):
                    cell.value = spell(cell.value)
    book.save(path)


def _trends(ws: Path) -> dict[str, list[tuple[object, ...]]]:
    """The Trends tab's KPI and objective rows of Customer Success, by block."""
    book = openpyxl.load_workbook(ws.parent / "company.xlsx", read_only=True)
    blocks: dict[str, list[tuple[object, ...]]] = {}
    block = ""
    for row in book["Trends"].iter_rows(values_only=True):
        first = row[0]
        if isinstance(first, str) and first.startswith(("KPI trend", "Objective burn-up")):
            block = first.split()[0]
        elif block and first == "Customer Success":
            blocks.setdefault(block, []).append(row)
    book.close()
    return blocks


def _history_ids(ws: Path) -> set[tuple[str, object, object]]:
    """(date, objective ID, ID) of Customer Success's History tab rows."""
    book = openpyxl.load_workbook(ws.parent / "company.xlsx", read_only=True)
    rows = list(book["History"].iter_rows(min_row=2, values_only=True))
    book.close()
    return {(r[1].date().isoformat(), r[3], r[4]) for r in rows if r[2] == "Customer Success"}


@pytest.mark.parametrize(
    ("before", "after"),
    [(str.lower, str), (str.lower, str.upper), (str.upper, str.lower)],
    ids=["o1-then-O1", "o1-then-O1-upper", "O1-then-o1"],
)
def test_an_id_retyped_in_another_case_is_one_series(
    demo: Path, tmp_path: Path, before: Callable[[str], str], after: Callable[[str], str]
) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    original = _team(ws).read_bytes()
    _retype(ws, before)
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    _team(ws).write_bytes(original)
    _retype(ws, after)
    code, _, err = run("sync", "--config", str(ws), "--as-of", D2)
    assert code == 0, err
    trends = _trends(ws)
    objectives = [(row[1], *row[2:4]) for row in trends["Objective"]]
    assert [o for o, *_ in objectives] == [after("O1"), after("O2")]
    assert all(isinstance(v, float) for _, *points in objectives for v in points)  # two each
    kpis = [row[1] for row in trends["KPI"]]
    assert kpis == [after(f"KPI-{n}") for n in (1, 2, 3, 4)]
    assert all(isinstance(row[3], float | int) and isinstance(row[4], float | int)
               for row in trends["KPI"])  # fmt: skip
    shown = _history_ids(ws)
    assert {(o, i) for d, o, i in shown if d == D1} == {(o, i) for d, o, i in shown if d == D2}
    assert (after("O1"), after("O1.1")) in {(o, i) for _, o, i in shown}
    assert {o for _, o, _ in shown if o} == {after("O1"), after("O2")}


def test_a_kr_retyped_the_night_it_recovers_is_alerted_when_it_turns_again(
    demo: Path, tmp_path: Path
) -> None:
    """KR A alerted Off track, recovered on a ``rollup`` night that also retyped its ID
    (``O1.1`` as ``o1.1``), then Off track again: the baseline kept ``O1.1`` Off track
    (matched only as typed until 2026-12-07), so the turn was never alerted."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    a = _set_kr(ws, 0, "start")
    cmd, sent = _hook(tmp_path)
    assert run("sync", "--config", str(ws), "--as-of", D2, "--notify-cmd", cmd)[0] == 0
    assert f"Customer Success {a}" in _turned(sent)
    _set_kr(ws, 0, "target")
    _retype(ws, str.lower)
    assert run("rollup", "--config", str(ws), "--as-of", "2026-11-18")[0] == 0
    _set_kr(ws, 0, "start")
    sent.unlink()
    assert run("sync", "--config", str(ws), "--as-of", "2026-11-19", "--notify-cmd", cmd)[0] == 0
    assert f"Customer Success {a.lower()}" in _turned(sent)
