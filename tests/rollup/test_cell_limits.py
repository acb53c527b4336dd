"""Text an Excel cell cannot hold never reaches the company workbook: a cell holds 32,767
characters (Excel refuses more and "repairs" the file), a Google cell 50,000 (Google
refuses the whole batch). Long text is cut where the rollup is built, so the workbook,
the export and a Google rollup show the same value."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path

import pandas as pd

from sheets_sync.domain.models import CompanyObjective
from sheets_sync.domain.team import evaluate_team, kpi_index
from sheets_sync.domain.values import CELL_CHARS, parse_text
from sheets_sync.rollup import build_rollup, export_tables, tables, write_rollup_xlsx
from sheets_sync.rollup.schema import TABLES, Kind, conform
from sheets_sync.sync.outcome import Outcome, RunContext, TeamRun
from tests.rollup.fixtures import AS_OF, COMPANY, GENERATED, PERIOD, context, runs, sales

LONG = "x" * 40_000
IDS = frozenset(c.id for c in COMPANY)


def _aligned(teams: int) -> pd.DataFrame:
    """One objective a team, every one aligned to C1, team names of 33 characters."""
    names = [f"EMEA Enterprise Sales - Region {i:04d}" for i in range(teams)]
    frame = pd.DataFrame(
        {
            "Team": names,
            "Objective ID": "O1",
            "Aligns to": "C1",
            "Score": 0.5,
            "Stale data": False,
        }
    )
    return conform(frame, "objectives")


def test_the_teams_of_a_company_objective_fit_one_cell() -> None:
    """At 1,500 teams of real names the comma-separated Teams of a company objective ran
    to 52,000 characters: xlsxwriter cut it mid-name at 32,767 without a word, and a
    Google rollup was refused whole (50,000 a cell)."""
    ctx = RunContext("Acme", PERIOD, AS_OF, GENERATED, (CompanyObjective("C1", "Grow"),))
    row = tables._company_objectives(ctx, _aligned(1_500)).iloc[0]
    teams = str(row["Teams"])
    assert len(teams) <= CELL_CHARS
    listed, _, rest = teams.rpartition(", ... and ")
    names = listed.split(", ")
    assert names[:2] == [f"EMEA Enterprise Sales - Region {i:04d}" for i in (0, 1)]
    assert rest == f"{1_500 - len(names):,} more"
    assert row["Aligned objectives"] == 1_500
    few = tables._company_objectives(ctx, _aligned(3)).iloc[0]
    assert str(few["Teams"]).endswith("Region 0002")  # a short list is as it was


def test_no_text_cell_is_longer_than_excel_holds(tmp_path: Path) -> None:
    """A 40,000-character error or company objective title went into the workbook whole:
    Excel opens such a file only after "We found a problem with some content"."""
    company = (CompanyObjective("C1", LONG), CompanyObjective("C2", "Delight"))
    ctx = context()
    ctx = RunContext(ctx.company, ctx.period, ctx.as_of, ctx.generated_at, company)
    night = [*runs(finance_fails=False)]
    night.append(TeamRun("Broken", "broken.xlsx", Outcome.FAILED, None, "=" + LONG))
    rollup = build_rollup(night, ctx)
    for name, frame in rollup.tables.items():
        for col in TABLES[name]:
            if col.kind is Kind.TEXT:
                longest = frame[col.name].str.len().max()
                assert pd.isna(longest) or longest <= CELL_CHARS, (name, col.name)
    message = rollup.findings.loc[rollup.findings["Team"] == "Broken", "Message"].iloc[0]
    assert message == "=" + LONG[: CELL_CHARS - 4] + "..."
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(rollup, path)
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/sheet") or part == "xl/sharedStrings.xml":
                xml = z.read(part).decode()
                texts = re.findall(r"<t[^>]*>([^<]*)</t>", xml)
                assert max(map(len, texts), default=0) <= CELL_CHARS, part
    csv = export_tables(rollup, tmp_path / "csv", "csv")
    assert max(len(line) for p in csv for line in p.read_text("utf-8-sig").splitlines()) < 40_000


def test_a_lone_surrogate_as_read_does_not_fail_the_rollup(tmp_path: Path) -> None:
    """Half of a UTF-16 pair in a cell failed ``build_rollup`` (UnicodeEncodeError: pandas'
    strings are UTF-8); read, it is U+FFFD."""
    team = sales()
    kr = dataclasses.replace(team.key_results[0], description=parse_text("Ship \ud83d") or "")
    team = dataclasses.replace(team, key_results=(kr, *team.key_results[1:]))
    night = [run for run in runs(finance_fails=False) if run.team != "Sales"]
    result = evaluate_team(
        team, period=PERIOD, as_of=AS_OF, index=kpi_index([team]), company_objective_ids=IDS
    )
    night.append(TeamRun("Sales", team.source, Outcome.OK, result))
    rollup = build_rollup(night, context())
    assert "Ship \ufffd" in rollup.key_results["Description"].tolist()
    write_rollup_xlsx(rollup, tmp_path / "company.xlsx")
