"""init and demo create workspaces that load, and the demo reads with exactly its mistakes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import yaml

from sheets_sync.backends.excel.files import backup_name
from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.config import load_workspace
from sheets_sync.domain.models import CompanyObjective, KPIStatus, Period, Severity, Status
from sheets_sync.errors import ConfigError
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.template.spec import TEMPLATE
from sheets_sync.workspace import init_workspace, quarter_of
from sheets_sync.workspace.demo import create_demo, demo_teams, layout_tabs
from sheets_sync.workspace.init import render_config

AS_OF = dt.date(2026, 11, 23)


def test_quarter_of() -> None:
    assert quarter_of(dt.date(2026, 11, 23)) == Period(
        "2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)
    )
    assert quarter_of(dt.date(2027, 2, 28)).end == dt.date(2027, 3, 31)


def test_init_creates_a_loadable_workspace(tmp_path: Path) -> None:
    period = Period("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    cfg = init_workspace(tmp_path, ["Sales", "Customer Success"], company="Acme", period=period)
    assert cfg == tmp_path / "sheets-sync.yaml"
    ws = load_workspace(cfg)
    assert (ws.company, ws.period) == ("Acme", period)
    assert [(t.name, t.source, t.mapping_name) for t in ws.teams] == [
        ("Sales", "teams/Sales.xlsx", "standard"),
        ("Customer Success", "teams/Customer Success.xlsx", "standard"),
    ]
    assert ".sheets-sync/" in (tmp_path / ".gitignore").read_text().splitlines()
    text = cfg.read_text()
    assert text.count("#") > 10  # every key is explained
    assert yaml.safe_load(text)["scoring"]["green"] == 0.7
    data = read_workbook(tmp_path / "teams" / "Sales.xlsx", tabs=["OKRs", "KPIs"])
    assert data.sheet_names == TEMPLATE.tab_names
    result = Sync(ws).run(SyncOptions(as_of=AS_OF, write_back=False, rollup=False))
    assert [r.result.findings for r in result.runs if r.result] == [(), ()]


def test_init_writes_company_weights_that_read_back_exactly(tmp_path: Path) -> None:
    """``:g`` kept 6 significant digits: 1/3 came back 0.333333, 1234567 as 1.23457e+06."""
    weights = [1 / 3, 1234567.0, 1e20, 1e-5, 0.1, 2.0, 0.0]
    objectives = [CompanyObjective(f"C{i}", "Grow", w) for i, w in enumerate(weights)]
    period = Period("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    text = render_config("Acme", period, [], objectives)
    assert [line.split("#")[0].strip() for line in text.splitlines() if "weight:" in line] == [
        "weight: 0.3333333333333333",
        "weight: 1234567.0",
        "weight: 1.0e+20",
        "weight: 1.0e-05",
        "weight: 0.1",
        "weight: 2.0",
        "weight: 0.0",
    ]
    (tmp_path / "sheets-sync.yaml").write_text(text, encoding="utf-8")
    ws = load_workspace(tmp_path / "sheets-sync.yaml")
    assert [o.weight for o in ws.company_objectives] == weights
    assert [o["weight"] for o in yaml.safe_load(text)["company_objectives"]] == weights


def test_init_refuses_to_overwrite_a_config(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc")
    init_workspace(tmp_path, ["Sales"])
    assert (tmp_path / ".gitignore").read_text().splitlines()[0] == "*.pyc"
    before = (tmp_path / "sheets-sync.yaml").read_text()
    with pytest.raises(ConfigError, match="already exists"):
        init_workspace(tmp_path, ["Finance"])
    assert (tmp_path / "sheets-sync.yaml").read_text() == before
    assert not (tmp_path / "teams" / "Finance.xlsx").exists()


def test_init_rejects_duplicate_and_unusable_team_names(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="twice"):
        init_workspace(tmp_path / "a", ["Sales", "sales"])
    with pytest.raises(ConfigError, match="file name"):
        init_workspace(tmp_path / "b", ["///"])


def test_demo_teams_are_plain_template_rows() -> None:
    teams = demo_teams()
    assert [t.name for t in teams] == [
        "Sales", "Marketing", "Engineering", "Customer Success", "Finance", "People",
    ]  # fmt: skip
    assert {t.mapping for t in teams} == {"standard", "objective-blocks"}
    for team in teams:
        assert all(len(r) == len(TEMPLATE.okrs.columns) for r in team.okr_rows)
        assert all(len(r) == len(TEMPLATE.kpis.columns) for r in team.kpi_rows)
    marketing = layout_tabs(teams[1])
    assert [t.name for t in marketing] == ["Goals", "Metrics"]
    assert marketing[0].rows[3][:3] == ("#", "Goal / Key result", "Type")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SyncResult]:
    root = tmp_path_factory.mktemp("demo")
    cfg = create_demo(root)
    ws = load_workspace(cfg)
    return cfg, Sync(ws).run(SyncOptions(as_of=AS_OF, write_back=False, rollup=False))


def test_demo_workspace_loads(demo: tuple[Path, SyncResult]) -> None:
    cfg, _ = demo
    ws = load_workspace(cfg)
    assert ws.period == Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert [o.id for o in ws.company_objectives] == ["C1", "C2", "C3", "C4"]
    assert ws.rollup_output == "company.xlsx"
    assert {t.name: t.mapping_name for t in ws.teams}["Marketing"] == "objective-blocks"
    with pytest.raises(ConfigError):
        create_demo(cfg.parent)


def test_demo_reads_with_exactly_the_deliberate_findings(demo: tuple[Path, SyncResult]) -> None:
    _, result = demo
    runs = {r.team: r.result for r in result.runs}
    assert all(r is not None for r in runs.values())
    results = {t: r for t, r in runs.items() if r is not None}
    errors = sorted(
        (f.team, f.location, f.message)
        for r in results.values()
        for f in r.findings
        if f.severity is Severity.ERROR
    )
    assert errors == [
        ("Finance", "Finance.xlsx!OKRs!J4", "target equals start value (0.8)"),
        (
            "Sales",
            "Sales.xlsx!OKRs!K4",
            '"€3.5k" uses a k/M/bn suffix; type the full number instead',
        ),
    ]
    warnings = sorted(
        (f.location, f.message)
        for r in results.values()
        for f in r.findings
        if f.severity is Severity.WARNING
    )
    assert warnings == [
        ("People.xlsx!OKRs!D5", "aligns to C9, which is not a company objective in the workspace"),
        ("People.xlsx!OKRs!P3", "KPI link KPI-5 names no KPI (looked for People/KPI-5)"),
    ]
    krs = {(t, k.kr.id): k for t, r in results.items() for k in r.key_results}
    assert len(krs) == 30  # 32 rows less the two errors
    unscored = [key for key, k in krs.items() if k.status is Status.NO_DATA]
    assert unscored == [("People", "O1.2")]  # the broken KPI link
    # Features the demo exists to show.
    assert krs[("Sales", "O1.1")].current == 780000  # formula cell with its cached value
    assert krs[("Sales", "O1.2")].current == pytest.approx(0.26)  # "26%" typed as text
    assert krs[("Customer Success", "O1.1")].score == pytest.approx(0.6)  # 40 h -> 20 h, now 28
    assert krs[("Finance", "O2.2")].current_from == "Customer Success/KPI-3"
    assert krs[("Marketing", "O2.1")].current_from == "Marketing/M3"
    kpis = {(t, k.kpi.id): k.status for t, r in results.items() for k in r.kpis}
    assert kpis[("Engineering", "KPI-3")] is KPIStatus.STALE
    assert kpis[("Finance", "KPI-3")] is KPIStatus.GREEN  # range KPI
    company = {c.objective.id: c.score for c in result.company}
    assert set(company) == {"C1", "C2", "C3", "C4"}


def test_owned_cells_keep_the_number_formats_the_template_gives_their_columns(
    tmp_path: Path,
) -> None:
    """A synced row looks as the template's rows do: Score 0.00, Expected 0% (not 0.00)."""
    cfg = create_demo(tmp_path)
    Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
    book = openpyxl.load_workbook(tmp_path / "teams" / "Sales.xlsx")
    checked: set[str] = set()
    for tab in (TEMPLATE.okrs, TEMPLATE.kpis):
        sheet = book[tab.name]
        for col, spec in enumerate(tab.columns, start=1):
            if not spec.owned:
                continue
            cells = [sheet.cell(row, col) for row in range(2, sheet.max_row + 1)]
            for cell in (c for c in cells if isinstance(c.value, int | float)):
                where = f"{tab.name}!{cell.coordinate} ({spec.header})"
                assert cell.number_format == spec.number_format, where
                checked.add(spec.header)
    assert checked == {"Score", "Expected", "Variance"}


def test_init_with_one_team_name_for_the_list_says_so(tmp_path: Path) -> None:
    """``init_workspace(dir, "Sales")`` from a library caller took the letters for the
    teams and refused with "team 's' is given twice"."""
    with pytest.raises(ConfigError) as caught:
        init_workspace(tmp_path / "ws", "Sales")
    assert str(caught.value) == "teams: a list of team names, not one name: teams=['Sales']"
    assert not (tmp_path / "ws").exists()


def test_init_refuses_a_team_name_too_long_for_a_file_before_writing_anything(
    tmp_path: Path,
) -> None:
    """A 300-character team name ended init half done (``teams/`` made, the workbooks of
    the teams before it written, no sheets-sync.yaml) with ``File name too long``."""
    with pytest.raises(ConfigError) as caught:
        init_workspace(tmp_path / "acme", ["Sales", "y" * 300])
    assert str(caught.value) == (
        f"team name '{'y' * 40}...' makes a file name of 305 bytes, more than the 228 that "
        "leave room for its backups' names (255 a file system takes, less 27); give a "
        "shorter team name"
    )
    assert not (tmp_path / "acme").exists()
    init_workspace(tmp_path / "acme", ["é" * 111])  # 222 bytes and .xlsx: the longest
    assert len((tmp_path / "acme" / "teams" / f"{'é' * 111}.xlsx").name.encode()) == 227


def test_init_refuses_a_team_name_whose_backups_names_are_too_long(tmp_path: Path) -> None:
    """A workbook name of 229 to 255 bytes was let through, and the team failed every
    night: its backup's name (27 bytes more) was too long for the file system."""
    with pytest.raises(ConfigError, match="makes a file name of 256 bytes, more than the 228"):
        init_workspace(tmp_path / "acme", ["é" * 125 + "y"])
    with pytest.raises(ConfigError, match="makes a file name of 250 bytes, more than the 228"):
        init_workspace(tmp_path / "acme", ["é" * 110 + "y" * 25])
    assert not (tmp_path / "acme").exists()
    longest = "é" * 111 + "y"  # 223 bytes and .xlsx: 228
    init_workspace(tmp_path / "acme", [longest])
    workbook = tmp_path / "acme" / "teams" / f"{longest}.xlsx"
    assert len(workbook.name.encode()) == 228
    backup = tmp_path / backup_name(workbook.name, dt.datetime(2026, 12, 6, 23, 59, 59, 999999))
    backup.write_bytes(b"")  # the longest name the sync gives a file beside it fits
    assert len(backup.name.encode()) == 255


@pytest.mark.parametrize("command", [["init", "--team", "Sales"], ["demo"]])
def test_init_and_demo_in_a_folder_that_is_a_file_say_so(
    tmp_path: Path, command: list[str]
) -> None:
    """``init acme/q4`` with ``acme`` a file said ``acme/q4/teams: Not a directory``
    (exit 1) until 2026-12-06."""
    from click.testing import CliRunner

    from sheets_sync.cli import cli

    (tmp_path / "acme").write_text("notes", encoding="utf-8")
    target = tmp_path / "acme" / "q4"
    result = CliRunner().invoke(cli, [command[0], str(target), *command[1:]])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: {target}: cannot create the workspace: {tmp_path / 'acme'} is not a folder\n"
    )
    assert (tmp_path / "acme").read_text(encoding="utf-8") == "notes"


@pytest.mark.parametrize("command", [["init", "--team", "Sales"], ["demo"]])
@pytest.mark.parametrize("in_the_way", ["a file", "a link to itself"])
def test_init_and_demo_name_a_teams_that_is_no_folder(
    tmp_path: Path, command: list[str], in_the_way: str
) -> None:
    """A ``teams`` in the workspace that is a file, or a link to itself, is named: until a
    review on 2026-12-07 ``cannot create the workspace: File exists`` named neither, and a
    link to itself read ``is a link to .../teams, which does not exist``."""
    from click.testing import CliRunner

    from sheets_sync.cli import cli

    ws = tmp_path / "acme"
    ws.mkdir()
    teams = ws / "teams"
    if in_the_way == "a file":
        teams.write_text("notes", encoding="utf-8")
        why = f"{teams} is not a folder"
    else:
        teams.symlink_to(teams)
        why = f"{teams} is a link to itself"
    result = CliRunner().invoke(cli, [command[0], str(ws), *command[1:]])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {ws}: cannot create the workspace: {why}\n"
    assert sorted(p.name for p in ws.iterdir()) == ["teams"]


@pytest.mark.parametrize("company", ["", "   "])
def test_init_refuses_a_blank_company_name(tmp_path: Path, company: str) -> None:
    """``init --company ''`` wrote ``company: ""``, which validate then refused, and a blank
    one loaded and read ``ok:    , period ...`` (until 2026-12-06)."""
    with pytest.raises(ConfigError) as caught:
        init_workspace(tmp_path / "ws", ["Sales"], company=company)
    assert str(caught.value) == (
        f"company name {company!r} is blank; give the name reports and the rollup show"
    )
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"company": None}, "company: a name (a str), not None"),
        ({"company": 5}, "company: a name (a str), not 5"),
        ({"teams": None}, "teams: a list of team names, not None"),
        ({"teams": 5}, "teams: a list of team names, not 5"),
        ({"teams": ["Sales", 5]}, "teams: 5 is not a team name (a str)"),
        ({"dir": None}, "dir: a path (a str or a pathlib.Path), not None"),
        ({"period": "2026-Q4"}, "period: a Period, not '2026-Q4'"),
    ],
)
def test_init_arguments_of_the_wrong_type_are_config_errors(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    """``company=None`` or ``5`` was an AttributeError (``.strip``), a None ``dir`` or
    ``teams`` a TypeError (until 2026-12-07); each names its argument now."""
    args: dict[str, object] = {"dir": tmp_path / "ws", "teams": ["Sales"], **kwargs}
    with pytest.raises(ConfigError) as caught:
        init_workspace(**args)  # type: ignore[arg-type]
    assert str(caught.value) == message
    assert not (tmp_path / "ws").exists()
