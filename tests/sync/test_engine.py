"""The engine over real workbooks: what users must be able to trust, night after night."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from sheets_sync.config import load_workspace
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.conftest import write_team
from tests.support.meddling import edited_before_the_write
from tests.support.workbooks import resave

AS_OF = dt.date(2026, 11, 23)
OPTIONS = SyncOptions(as_of=AS_OF, rollup=False)


def sync(cfg: Path, **kw: object) -> list:  # type: ignore[type-arg]
    options = SyncOptions(as_of=AS_OF, rollup=False, **kw)  # type: ignore[arg-type]
    return list(Sync(load_workspace(cfg)).run(options).runs)


def write_formula_team(path: Path) -> None:
    """Current of KR1 is a formula over another tab, with its cached value (as Excel saves)."""
    wb = xlsxwriter.Workbook(str(path))
    okrs = wb.add_worksheet("OKRs")
    for col, (_, header) in enumerate(OKR_FIELDS[:17]):
        okrs.write(0, col, header)
    okrs.write_row(1, 0, ["O1", "Grow", "committed", "", "KR1", "Deals", "Ann", "number", 0, 10])
    okrs.write_formula(1, 10, "=Data!A1*2", None, 6)
    okrs.write_row(2, 0, ["O1", "Grow", "committed", "", "KR2", "Leads", "Bob", "number", 0, 10, 5])
    data = wb.add_worksheet("Data")
    data.write(0, 0, 3)
    kpis = wb.add_worksheet("KPIs")
    for col, (_, header) in enumerate(KPI_FIELDS[:15]):
        kpis.write(0, col, header)
    wb.close()


@pytest.fixture
def formula_ws(tmp_path: Path) -> Path:
    (tmp_path / "teams").mkdir()
    write_formula_team(tmp_path / "teams" / "sales.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Sales, source: teams/sales.xlsx}\n",
        encoding="utf-8",
    )
    return cfg


def test_formula_current_still_reads_on_the_next_night(formula_ws: Path) -> None:
    team = formula_ws.parent / "teams" / "sales.xlsx"
    first = sync(formula_ws)
    assert first[0].outcome is Outcome.OK
    kr1 = next(r for r in first[0].result.key_results if r.kr.id == "KR1")
    assert kr1.current == 6 and kr1.score == pytest.approx(0.6)
    # the formula and its cached value are intact after our write
    sheet = openpyxl.load_workbook(team)["OKRs"]
    assert sheet["K2"].value == "=Data!A1*2"
    assert openpyxl.load_workbook(team, data_only=True)["OKRs"]["K2"].value == 6
    second = sync(formula_ws)
    assert second[0].outcome is Outcome.UNCHANGED
    kr1 = next(r for r in second[0].result.key_results if r.kr.id == "KR1")
    assert kr1.current == 6  # a openpyxl load+save would have made this None


def test_owned_columns_missing_from_the_layout_are_added(formula_ws: Path) -> None:
    team = formula_ws.parent / "teams" / "sales.xlsx"
    sync(formula_ws)
    rows = CalamineWorkbook.from_path(str(team)).get_sheet_by_name("OKRs").to_python()
    assert rows[0][17:21] == ["Score", "Expected", "Status", "Sync notes"]
    assert rows[1][17] == pytest.approx(0.6) and rows[1][19] == "On track"
    kpi_headers = CalamineWorkbook.from_path(str(team)).get_sheet_by_name("KPIs").to_python()[0]
    assert kpi_headers[15:19] == ["Status", "Variance", "Trend", "Sync notes"]


def test_only_the_owned_sheet_parts_change(formula_ws: Path) -> None:
    team = formula_ws.parent / "teams" / "sales.xlsx"
    with zipfile.ZipFile(team) as z:
        before = {n: z.read(n) for n in z.namelist()}
    sync(formula_ws)
    with zipfile.ZipFile(team) as z:
        after = {n: z.read(n) for n in z.namelist()}
    assert before.keys() == after.keys()
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml", "xl/styles.xml"}


def test_file_changed_between_read_and_write_is_not_overwritten(workspace: Path) -> None:
    ws = load_workspace(workspace)
    team_file = workspace.parent / "teams" / "sales.xlsx"
    factory = edited_before_the_write(team_file)
    runs = Sync(ws, factory=factory).run(OPTIONS).runs
    assert runs[0].outcome is Outcome.CONFLICTED
    assert "changed" in (runs[0].error or "")
    assert openpyxl.load_workbook(team_file)["OKRs"]["Q2"].value == "edited by a person meanwhile"
    assert runs[0].result is not None  # still scored, so the rollup has it


def test_file_open_in_excel_is_read_but_not_written(workspace: Path) -> None:
    team_file = workspace.parent / "teams" / "sales.xlsx"
    owner = b"\x05Alice" + b" " * 48
    (team_file.parent / "~$sales.xlsx").write_bytes(owner + b"\x00" * 100)
    before = team_file.read_bytes()
    runs = sync(workspace)
    assert runs[0].outcome is Outcome.SKIPPED_LOCKED
    assert "Alice" in (runs[0].error or "")
    assert runs[0].result is not None and runs[0].result.key_results
    assert team_file.read_bytes() == before


def _linked(tmp_path: Path, sales_rows: list[list[object]]) -> Path:
    """Sales, whose KR1 reads Support's KPI-1 (actual 40), and Support; the config."""
    from tests.conftest import write_team

    write_team(tmp_path / "teams" / "sales.xlsx", okr_rows=sales_rows, kpi_rows=[])
    write_team(
        tmp_path / "teams" / "support.xlsx",
        okr_rows=[],
        kpi_rows=[
            ["KPI-1", "NPS", "Cy", "lagging", "monthly", None, "higher", 50, None, None, None, 40]
        ],
    )
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Sales, source: teams/sales.xlsx}\n"
        "  - {name: Support, source: teams/support.xlsx}\n",
        encoding="utf-8",
    )
    return cfg


LINK = ["O1", "Grow", "committed", "", "KR1", "NPS", "Ann", "number", 30, 50, None, None, 1,
        None, None, "Support/KPI-1"]  # fmt: skip


def test_only_selected_teams_but_links_to_others_resolve(tmp_path: Path) -> None:
    cfg = _linked(
        tmp_path, [LINK, ["O1", "Grow", "committed", "", "KR2", "Deals", "Ann", "number", 0, 10, 5]]
    )
    support_before = (tmp_path / "teams" / "support.xlsx").read_bytes()
    runs = sync(cfg, teams=["Sales"])
    assert [r.team for r in runs] == ["Sales"]
    kr1 = next(r for r in runs[0].result.key_results if r.kr.id == "KR1")
    assert kr1.current == 40 and kr1.current_from == "Support/KPI-1"
    assert kr1.score == pytest.approx(0.5)
    assert (tmp_path / "teams" / "support.xlsx").read_bytes() == support_before


@pytest.mark.parametrize("mode", ["one process", "packed reads", "workers"])
def test_a_linked_kpi_resolves_when_its_team_was_finished_where_it_was_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """Support's file changed (a re-save: a read-cache miss) but none of its owned cells
    need writing, so it is finished where it was parsed (a worker, or packed in one
    process). Its KPI must still reach Sales's KR that reads it: it was dropped with the
    finished read, and Sales's KR went to "No data", and its cells were rewritten so."""
    from sheets_sync.sync import engine

    cfg = _linked(tmp_path, [LINK])
    if mode == "packed reads":
        monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    workers = 2 if mode == "workers" else 1
    sync(cfg, workers=workers)
    resave(tmp_path / "teams" / "support.xlsx")
    runs = sync(cfg, workers=workers)
    assert [(r.team, r.outcome) for r in runs] == [
        ("Sales", Outcome.UNCHANGED),
        ("Support", Outcome.UNCHANGED),
    ]
    kr1 = runs[0].result.key_results[0]
    assert kr1.current == 40 and kr1.current_from == "Support/KPI-1"


def test_files_of_the_same_name_keep_their_own_backups(tmp_path: Path) -> None:
    """Two teams' ``sales.xlsx`` in different folders: each keeps its newest backups. They
    used to share ``.sheets-sync/backups/sales.xlsx/``, where each write pruned the other's."""
    from tests.conftest import write_team

    row = ["O1", "Grow", "committed", "", "KR1", "Deals", "Ann", "number", 0, 10, 5]
    for region in ("emea", "apac"):
        write_team(tmp_path / "teams" / region / "sales.xlsx", okr_rows=[row], kpi_rows=[])
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "backups: {keep: 1}\n"
        "teams:\n  - {name: EMEA, source: teams/emea/sales.xlsx}\n"
        "  - {name: APAC, source: teams/apac/sales.xlsx}\n",
        encoding="utf-8",
    )
    for day in (23, 24):  # the pace moves: both files are written both nights
        options = SyncOptions(as_of=dt.date(2026, 11, day), rollup=False)
        runs = list(Sync(load_workspace(cfg)).run(options).runs)
        assert {r.outcome for r in runs} == {Outcome.OK}
    backups = tmp_path / ".sheets-sync" / "backups"
    assert len(list(backups.rglob("sales.xlsx.*.bak"))) == 2  # the newest of each file
    backups /= "teams"
    for region in ("emea", "apac"):
        kept = list((backups / region / "sales.xlsx").iterdir())
        assert len(kept) == 1 and kept[0].name.startswith("sales.xlsx.")
    ws = load_workspace(cfg)
    outside = ws.backup_dir_for(tmp_path.parent / "elsewhere" / "sales.xlsx")
    assert outside.parent == ws.state_dir / "backups" / "outside-the-workspace"


def test_a_cell_full_to_excels_limit_is_quoted_not_copied(workspace: Path) -> None:
    """32,767 characters of text in a Target cell (what Excel allows): its finding quoted
    the whole value, the row's Sync notes passed Excel's limit, and the write stopped with
    "internal error ... please report it". Now the message quotes the start of it."""
    path = workspace.parent / "teams" / "sales.xlsx"
    book = openpyxl.load_workbook(path)
    okrs = book["OKRs"]
    column = next(c.column for c in okrs[1] if c.value == "Target")
    okrs.cell(2, column, "x" * 32_767)
    book.save(path)
    (run,) = sync(workspace)
    assert run.outcome is Outcome.OK, run.error
    notes = [c.new for c in run.changes if isinstance(c.new, str) and "32,767 char" in c.new]
    assert notes and all(len(n) < 300 for n in notes)
    assert '"xxxxxxxxxx' in notes[0]


def test_a_variance_past_excels_largest_number_is_written_as_excels_largest(
    workspace: Path,
) -> None:
    """Target -9e307 and actual 9e307, both typed in Excel, are 1.8e308 apart: past a
    float, so the Variance was clamped to the float maximum and 1.7976931348623157e+308
    went into the team's sheet, a number Excel refuses as typed and shows as an error or
    oddly. Excel's largest number goes in; the typed values are written back as they were."""
    team = workspace.parent / "teams" / "sales.xlsx"
    row = ["KPI-9", "Net flow", "Ann", "lagging", "monthly", "$", "higher", -9e307, None, None]
    write_team(team, kpi_rows=[[*row, None, 9e307, None, AS_OF]])
    assert sync(workspace)[0].outcome is Outcome.OK
    kpis = openpyxl.load_workbook(team)["KPIs"]
    header = [c.value for c in kpis[1]]
    variance = kpis.cell(2, header.index("Variance") + 1)
    assert variance.value == 9.99999999999999e307
    assert kpis.cell(2, header.index("Target") + 1).value == -9e307
    assert kpis.cell(2, header.index("Actual") + 1).value == 9e307
    with zipfile.ZipFile(team) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert f'<c r="{variance.coordinate}"' in xml and "1.7976931348623157" not in xml


def test_a_variance_written_with_float_noise_is_rewritten_once(workspace: Path) -> None:
    """Until 2026-12-06 a Variance was the binary difference (-0.000399999999999956 for
    actual 0.9996 against 1), and a number within 1e-9 of the cell's counted as the same:
    the typed -0.0004 never replaced it. Now it is rewritten once, and the night after
    writes nothing; a value whose 16th and 17th digits differ but reads the same in the 15
    Excel shows (Excel's 17 digits, LibreOffice's 15) is left alone."""
    team = workspace.parent / "teams" / "sales.xlsx"
    row = ["Lead", "Ann", "lagging", "monthly", "", "higher"]
    write_team(
        team,
        kpi_rows=[
            ["KPI-1", *row, 1.0, None, None, None, 0.9996, None, AS_OF],
            ["KPI-2", *row, 0.0, None, None, None, 2 / 3, None, AS_OF],
            ["KPI-3", *row, 0.0, None, None, None, 2 / 3, None, AS_OF],
        ],
    )
    assert sync(workspace)[0].outcome is Outcome.OK
    wb = openpyxl.load_workbook(team)
    kpis = wb["KPIs"]
    col = [c.value for c in kpis[1]].index("Variance") + 1
    assert [kpis.cell(r, col).value for r in (2, 3, 4)] == [-0.0004, 2 / 3, 2 / 3]
    # as an earlier sync, Excel and LibreOffice left them
    for r, stored in ((2, -0.000399999999999956), (3, 0.6666666666666667), (4, 0.666666666666667)):
        kpis.cell(r, col).value = stored
    wb.save(team)
    night = sync(workspace)[0]
    assert night.outcome is Outcome.OK
    assert [(c.tab, c.cell, c.old, c.new) for c in night.changes] == [
        ("KPIs", kpis.cell(2, col).coordinate, -0.000399999999999956, -0.0004)
    ]
    after = sync(workspace)[0]
    assert after.outcome is Outcome.UNCHANGED and not after.changes
