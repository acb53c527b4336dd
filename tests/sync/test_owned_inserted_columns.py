"""A team's own Score, Expected, Sync notes, Variance or Trend inserted beside the sync's
on the template, as Excel and LibreOffice insert one: it takes the format of the column
left of it (the owned header's grey-blue, a score's band fill and number format, a pace's
percent format). Until 2026-12-07 only a Status typed twice was kept safe: these kept the
old tie-break (header, neighbours, else first), and the sync wrote over the team's
scores, variances, trends and notes; for a few hours after, what a column held (band
fills, percent formats, note grammar) picked the sync's, and a pasted column or one
typed cell handed the sync the team's. Now two columns both headed in the grey-blue are
never written: the tab's error names both cells, night after night, until the team
renames its own."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.sync.outcome import Outcome
from tests.conftest import CONFIG
from tests.support.libreoffice import convert, needs_libreoffice
from tests.sync.test_status_inserted_column import KPI, KPI_COMMON, KR, KR_COMMON, OKR, _night

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "team.xlsx"


def _team(tmp_path: Path, tab: str) -> tuple[Path, Path]:
    """The template with two goals filled in on ``tab``."""
    team = tmp_path / "teams" / "sales.xlsx"
    team.parent.mkdir(parents=True)
    shutil.copy(TEMPLATE, team)
    wb = openpyxl.load_workbook(team)
    ws = wb[tab]
    heads = {cell.value: cell.column for cell in ws[1]}
    lines = (
        [{**OKR, **KR_COMMON, **KR[0]}, {**OKR, **KR_COMMON, **KR[1]}]
        if tab == "OKRs"
        else [{**KPI_COMMON, **KPI[0]}, {**KPI_COMMON, **KPI[1]}]
    )
    for r, values in enumerate(lines, start=3):
        for head, value in values.items():
            ws.cell(r, heads[head], value)
    wb.save(team)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    return cfg, team


def _insert(team: Path, tab: str, right_of: str, header: str, values: tuple[object, ...]) -> int:
    """A column inserted right of ``right_of``, styled as it (Excel's and LibreOffice's
    insert), headed ``header`` and holding ``values`` typed by hand in the goals' rows."""
    wb = openpyxl.load_workbook(team)
    ws = wb[tab]
    at: int = next(c.column for c in ws[1] if c.value == right_of) + 1
    ws.insert_cols(at)
    for r in range(1, ws.max_row + 1):
        ws.cell(r, at)._style = copy.copy(ws.cell(r, at - 1)._style)
    ws.cell(1, at, header)
    for r, value in enumerate(values, start=3):
        ws.cell(r, at, value)
    wb.save(team)
    return at


def _column(team: Path, tab: str, col: int) -> list[object]:
    ws = openpyxl.load_workbook(team)[tab]
    return [ws.cell(r, col).value for r in (3, 4)]


CASES = [  # (tab, the sync's column the team's goes right of, header, typed)
    ("OKRs", "Score", "Score", (0.9, 0.1)),  # band fills and 0.00 copied too
    ("OKRs", "Expected", "Expected", (0.8, 0.3)),  # a percent format copied too
    ("OKRs", "Status", "Sync notes", ("ask Ann", "call Bob")),
    ("KPIs", "Status", "Variance", (0.5, -0.5)),
    ("KPIs", "Variance", "Trend", ("Improving", "Flat")),
]
COPIED = (
    "the sync cannot tell which is its own (both are headed in its grey-blue, which a "
    "column inserted beside its own copies), so nothing in this file is written; rename "
    "your own column"
)


@pytest.mark.parametrize(("tab", "right_of", "header", "typed"), CASES)
def test_a_team_column_inserted_beside_the_syncs_is_never_written(
    tmp_path: Path, tab: str, right_of: str, header: str, typed: tuple[object, ...]
) -> None:
    """The inserted column's header takes the sync's grey-blue: neither is written (for
    a few hours on 2026-12-07 a Sync notes or Trend typed in it was passed over by what
    it held, which a note pasted from the sync's or a blank Trend would not be)."""
    cfg, team = _team(tmp_path, tab)
    assert _night(cfg)[0] is Outcome.OK  # night 1: the sync writes its columns
    at = _insert(team, tab, right_of, header, typed)
    theirs = f"{openpyxl.utils.get_column_letter(at)}1"
    for night in (2, 3):
        outcome, said = _night(cfg)
        assert _column(team, tab, at) == list(typed), night  # the team's, as typed
        assert len(said) == 1 and theirs in said[0], said
        assert outcome is Outcome.FAILED, night
        assert said[0].endswith(COPIED), said
    wb = openpyxl.load_workbook(team)  # renamed as the error asks: the sync writes its own
    wb[tab].cell(1, at, f"My {header.lower()}")
    wb.save(team)
    outcome, said = _night(cfg)
    assert outcome in (Outcome.OK, Outcome.UNCHANGED) and not said, said
    assert _column(team, tab, at) == list(typed)


@needs_libreoffice
def test_a_team_score_inserted_in_a_file_libreoffice_saved_is_never_written(
    tmp_path: Path,
) -> None:
    """The same file saved by LibreOffice (its own styles and number formats): the team's
    scores still wear the sync's fills, and neither column is written."""
    cfg, team = _team(tmp_path, "OKRs")
    assert _night(cfg)[0] is Outcome.OK
    at = _insert(team, "OKRs", "Score", "Score", (0.9, 0.1))
    saved = convert(team, "xlsx", tmp_path / "lo")
    shutil.copy(saved, team)
    for _night_no in (2, 3):
        outcome, said = _night(cfg)
        assert outcome is Outcome.FAILED
        assert said == [
            f"sales.xlsx!OKRs: column header 'Score' appears twice (R1 and S1) and {COPIED}"
        ]
        assert _column(team, "OKRs", at) == [0.9, 0.1]


@pytest.mark.parametrize(
    ("right_of", "header", "sync"),
    [("Score", "Score", -1), ("Expected", "Status", 1)],  # the sync's, by the team's
)
def test_a_blank_column_inserted_on_a_fresh_template_is_not_taken(
    tmp_path: Path, right_of: str, header: str, sync: int
) -> None:
    """Inserted before any night, blank, both headers grey-blue: until 2026-12-07 the
    sync took the one by its other columns (the team's S, beside Expected) or the first
    (the team's T), wrote its scores or statuses there, and the next night wrote over the
    team's own typed in. Neither is written, nor once the team types in its own (what a
    column holds never picks it), until the team renames its own."""
    tab = "OKRs"
    cfg, team = _team(tmp_path, tab)
    at = _insert(team, tab, right_of, header, (None, None))
    letter = openpyxl.utils.get_column_letter(at)
    mine = (0.9, 0.1) if header == "Score" else ("fine", "late")
    for night in (1, 2, 3):
        outcome, said = _night(cfg)
        assert outcome is Outcome.FAILED, night
        assert len(said) == 1 and "appears twice" in said[0] and f"{letter}1" in said[0], said
        assert said[0].endswith(COPIED), said
        assert _column(team, tab, at + sync) == [None, None], night
        if night == 1:
            assert _column(team, tab, at) == [None, None]
            wb = openpyxl.load_workbook(team)
            for r, value in enumerate(mine, start=3):
                wb[tab].cell(r, at, value)
            wb.save(team)
        assert _column(team, tab, at) == list(mine) or night == 1
    wb = openpyxl.load_workbook(team)
    wb[tab].cell(1, at, f"My {header.lower()}")
    wb.save(team)
    outcome, said = _night(cfg)
    assert outcome in (Outcome.OK, Outcome.UNCHANGED) and not said, said
    assert _column(team, tab, at) == list(mine)
    assert all(v is not None for v in _column(team, tab, at + sync))


def test_a_kpis_tab_refused_leaves_the_whole_file_unwritten_and_says_so(tmp_path: Path) -> None:
    """A Variance inserted beside the sync's refuses the KPIs tab, and the team's read with
    it: its key results are not written either (a Current changed, the Score stays), so
    the error says "nothing in this file is written" (until 2026-12-07 "nothing on the
    tab", as if the OKRs tab were written)."""
    cfg, team = _team(tmp_path, "KPIs")
    wb = openpyxl.load_workbook(team)
    ws = wb["OKRs"]
    heads = {cell.value: cell.column for cell in ws[1]}
    for head, value in {**OKR, **KR_COMMON, **KR[0]}.items():
        ws.cell(3, heads[head], value)
    wb.save(team)
    assert _night(cfg)[0] is Outcome.OK
    score = _column(team, "OKRs", heads["Score"])[0]
    _insert(team, "KPIs", "Variance", "Variance", (0.5, -0.5))
    wb = openpyxl.load_workbook(team)
    wb["OKRs"].cell(3, heads["Current"], 8)
    wb.save(team)
    outcome, said = _night(cfg)
    assert outcome is Outcome.FAILED and len(said) == 1, said
    assert said[0].startswith("sales.xlsx!KPIs: column header 'Variance' appears twice"), said
    assert said[0].endswith(COPIED), said
    assert _column(team, "OKRs", heads["Score"])[0] == score != 0.8


def test_a_header_further_down_is_told_by_its_grey_blue_too(tmp_path: Path) -> None:
    """A team's mapping seeks its header in 30 rows, and the header is row 25 (title rows
    above); the team adds a plain Score of its own left of the sync's (S25, grey-blue).
    The grey-blue is read as far as the mapping seeks a header (until 2026-12-07 in the
    first 20 rows alone: neither was the sync's, and the tab was refused every night)."""
    cfg, team = _team(tmp_path, "OKRs")
    mapping = (Path(__file__).resolve().parents[2] / "mappings" / "standard.yaml").read_text()
    deep = mapping.replace("name: standard", "name: deep").replace("search: 20", "search: 30")
    assert deep.count("search: 30") == 2, "the standard mapping's header search changed"
    (tmp_path / "deep.yaml").write_text(deep, encoding="utf-8")
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("teams/sales.xlsx}", "teams/sales.xlsx, mapping: deep.yaml}"))
    assert cfg.read_text(encoding="utf-8") != text
    wb = openpyxl.load_workbook(team)
    wb["OKRs"].insert_rows(1, 24)
    wb["OKRs"].cell(1, 1, "Sales OKRs, Q4")
    wb.save(team)
    assert _night(cfg)[0] is Outcome.OK
    wb = openpyxl.load_workbook(team)
    ws = wb["OKRs"]
    heads = {cell.value: cell.column for cell in ws[25]}
    at, sync = heads["Owner"], heads["Score"] + 1
    ws.insert_cols(at)
    for r, value in ((25, "Score"), (27, 0.9), (28, 0.1)):
        ws.cell(r, at, value)
    ws.cell(28, heads["Current"] + 1, 4)  # KR2's Current: 2 -> 4, its score moves
    wb.save(team)
    outcome, said = _night(cfg)
    assert outcome is Outcome.OK, said
    assert len(said) == 1 and "the sync writes S25, whose header is styled" in said[0], said
    ws = openpyxl.load_workbook(team)["OKRs"]
    assert [ws.cell(r, at).value for r in (27, 28)] == [0.9, 0.1]  # the team's, kept
    assert [ws.cell(r, sync).value for r in (27, 28)] == [0.5, 0.4]  # the sync's, written


def test_a_team_score_given_the_syncs_grey_blue_by_format_painter_is_not_written(
    tmp_path: Path,
) -> None:
    """The team adds its own plain Score left of everything owned, then Format Painter
    swaps the headers' looks: its Score wears the grey-blue, the sync's a plain one. Its
    scores have no band colour, so its column is ruled out and the tab refused naming G3,
    night after night (until 2026-12-07 the team's scores were written over)."""
    cfg, team = _team(tmp_path, "OKRs")
    assert _night(cfg)[0] is Outcome.OK
    wb = openpyxl.load_workbook(team)
    ws = wb["OKRs"]
    at = next(c.column for c in ws[1] if c.value == "Owner")
    ws.insert_cols(at)
    sync = next(c.column for c in ws[1] if c.value == "Score")
    plain = copy.copy(ws.cell(1, at + 1)._style)
    ws.cell(1, at, "Score")._style = copy.copy(ws.cell(1, sync)._style)
    ws.cell(1, sync)._style = plain
    for r, value in ((3, 0.9), (4, 0.1)):
        ws.cell(r, at, value)
    wb.save(team)
    for night in (2, 3):
        outcome, said = _night(cfg)
        assert outcome is Outcome.FAILED, night
        assert len(said) == 1 and "but G3 holds 0.9, which it did not write" in said[0], said
        assert _column(team, "OKRs", at) == [0.9, 0.1]
        assert _column(team, "OKRs", sync) == [0.5, 0.2]
