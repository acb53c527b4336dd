"""Two teams in one workbook, each on its own tab (docs/configuration.md): both are
written back. The second team's write used to find the file changed (by the first
team's write, in the same run) and end as conflicted, every night."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.ops.shard import select
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.conftest import write_team

TEAMS = ("Sales", "Ops")
AS_OF = dt.date(2026, 11, 23)


def shared_workspace(root: Path, *, more: int = 0) -> Path:
    """``teams/shared.xlsx`` with a "<team> OKRs" tab per team (no KPI tabs), plus
    ``more`` teams of their own files, so shards have something to split."""
    book_path = write_team(root / "teams" / "shared.xlsx")
    book = openpyxl.load_workbook(book_path)
    book["OKRs"].title = "Sales OKRs"
    book.copy_worksheet(book["Sales OKRs"]).title = "Ops OKRs"
    del book["KPIs"]
    book.create_sheet("Notes")["A1"] = "a tab of the team's own"
    book.save(book_path)
    (root / "mappings").mkdir()
    lines = []
    for team in TEAMS:
        (root / "mappings" / f"{team.lower()}.yaml").write_text(
            f"name: {team.lower()}\nokrs:\n  sheet: [{team} OKRs]\n", encoding="utf-8"
        )
        lines.append(f"  - {{name: {team}, source: teams/shared.xlsx, mapping: {team.lower()}}}")
    for k in range(more):
        write_team(root / "teams" / f"own{k}.xlsx")
        lines.append(f"  - {{name: Own {k}, source: teams/own{k}.xlsx}}")
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "company_objectives:\n  - {id: CO-1, title: Grow}\nteams:\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return cfg


def scores(path: Path) -> dict[str, list[object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for team in TEAMS:
        rows = list(book[f"{team} OKRs"].iter_rows(values_only=True))
        column = rows[0].index("Score")
        out[team] = [row[column] for row in rows[1:]]
    book.close()  # read-only: it holds the file open
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_both_teams_of_one_workbook_are_written(tmp_path: Path, workers: int) -> None:
    cfg = shared_workspace(tmp_path)
    ws = load_workspace(cfg)
    first = Sync(ws).run(SyncOptions(as_of=AS_OF, workers=workers, rollup=False))
    assert [(r.team, r.outcome, r.error) for r in first.runs] == [
        ("Sales", Outcome.OK, None),
        ("Ops", Outcome.OK, None),
    ]
    written = scores(tmp_path / "teams" / "shared.xlsx")
    assert written["Sales"] == written["Ops"] and any(v is not None for v in written["Sales"])
    book = openpyxl.load_workbook(tmp_path / "teams" / "shared.xlsx")
    assert book.sheetnames == ["Sales OKRs", "Ops OKRs", "Notes"]
    assert book["Notes"]["A1"].value == "a tab of the team's own"
    again = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, workers=workers, rollup=False))
    assert [r.outcome for r in again.runs] == [Outcome.UNCHANGED, Outcome.UNCHANGED]


def test_a_users_save_between_the_two_writes_is_still_a_conflict(tmp_path: Path) -> None:
    """Only the run's own write is taken as expected: a save by the user after it is not
    overwritten."""
    from sheets_sync.backends.excel import backend as excel_backend

    cfg = shared_workspace(tmp_path)
    ws = load_workspace(cfg)
    real = excel_backend.ExcelBackend.write
    calls = []

    def write_then_user_saves(self: excel_backend.ExcelBackend, *args: object) -> None:
        real(self, *args)  # type: ignore[arg-type]
        calls.append(self.path)
        if len(calls) == 1:  # the user saves the file after the first team's write
            book = openpyxl.load_workbook(self.path)
            book["Notes"]["A2"] = "saved by the user"
            book.save(self.path)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(excel_backend.ExcelBackend, "write", write_then_user_saves)
        result = Sync(ws).run(SyncOptions(as_of=AS_OF, workers=1, rollup=False))
    assert [r.outcome for r in result.runs] == [Outcome.OK, Outcome.CONFLICTED]
    book = openpyxl.load_workbook(tmp_path / "teams" / "shared.xlsx")
    assert book["Notes"]["A2"].value == "saved by the user"


def test_teams_of_one_workbook_go_to_one_shard(tmp_path: Path) -> None:
    """Shards by team name put them apart, where two processes raced to write one file."""
    ws = load_workspace(shared_workspace(tmp_path, more=6))
    from sheets_sync.ops.shard import shard_keys

    keys = shard_keys(ws.teams)
    for n in (2, 3, 4):
        shards = [select(ws.teams, k, n, lambda t: keys[t.name]) for k in range(1, n + 1)]
        holding = [
            k for k, teams in enumerate(shards) if {"Sales", "Ops"} & {t.name for t in teams}
        ]
        assert len(holding) == 1
        assert sorted(t.name for s in shards for t in s) == sorted(t.name for t in ws.teams)


def test_a_team_that_cannot_be_written_does_not_stop_the_next_of_its_workbook(
    tmp_path: Path,
) -> None:
    """Three teams in one file, the middle one's Score cells inside an array formula that
    also covers its Comment column (not replaceable whole): it fails, and the third team,
    which expects the version the first team's write left, is written too (it was
    reported conflicted: "the file changed since it was read")."""
    from openpyxl.worksheet.formula import ArrayFormula

    cfg = shared_workspace(tmp_path)
    book_path = tmp_path / "teams" / "shared.xlsx"
    book = openpyxl.load_workbook(book_path)
    book.copy_worksheet(book["Sales OKRs"]).title = "Eng OKRs"
    column = [c.value for c in book["Ops OKRs"][1]].index("Score") + 1
    assert book["Ops OKRs"].cell(1, column - 1).value == "Comment"
    top = book["Ops OKRs"].cell(2, column - 1).coordinate
    bottom = book["Ops OKRs"].cell(3, column).coordinate
    book["Ops OKRs"][top] = ArrayFormula(f"{top}:{bottom}", "=0")
    book.save(book_path)
    (tmp_path / "mappings" / "eng.yaml").write_text(
        "name: eng\nokrs:\n  sheet: [Eng OKRs]\n", encoding="utf-8"
    )
    with cfg.open("a", encoding="utf-8") as f:
        f.write("  - {name: Eng, source: teams/shared.xlsx, mapping: eng}\n")
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, workers=1, rollup=False))
    assert [(r.team, r.outcome) for r in result.runs] == [
        ("Sales", Outcome.OK),
        ("Ops", Outcome.FAILED),
        ("Eng", Outcome.OK),
    ]
    assert "array formula" in (result.runs[1].error or "")
    written = openpyxl.load_workbook(book_path, read_only=True)
    rows = list(written["Eng OKRs"].iter_rows(values_only=True))
    written.close()
    assert any(row[column - 1] is not None for row in rows[1:])
