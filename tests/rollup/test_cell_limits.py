"""Text an Excel cell cannot hold never reaches the company workbook: a cell holds 32,767
characters (Excel refuses more and "repairs" the file), a Google cell 50,000 (Google
refuses the whole batch), both counted in UTF-16 code units (an emoji is 2). Long prose is
cut where the rollup is built, so the workbook, the export and a Google rollup show the
same value; a name or id is never cut (two could become one)."""

from __future__ import annotations

import csv
import dataclasses
import re
import zipfile
from pathlib import Path

import pandas as pd

from sheets_sync.domain.models import CompanyObjective
from sheets_sync.domain.team import evaluate_team, kpi_index
from sheets_sync.domain.values import CELL_CHARS, fit_cell, parse_text
from sheets_sync.rollup import build_rollup, export_tables, schema, tables, write_rollup_xlsx
from sheets_sync.rollup.schema import TABLES, Kind, conform
from sheets_sync.sync.outcome import Outcome, RunContext, TeamRun
from tests.rollup.fixtures import AS_OF, COMPANY, GENERATED, PERIOD, context, runs, sales

LONG = "x" * 40_000
ROCKET = "\U0001f680"  # 2 UTF-16 code units, as Excel and Google count it
IDS = frozenset(c.id for c in COMPANY)


def units(text: str) -> int:
    """``text``'s length as Excel counts it, independently of ``values.utf16_len``."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


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
                assert max(map(units, texts), default=0) <= CELL_CHARS, part
    for path in export_tables(rollup, tmp_path / "csv", "csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            fields = [field for row in csv.reader(f) for field in row]
        assert max(map(units, fields)) <= CELL_CHARS, path.name
    quoted = tmp_path / "csv" / "findings.csv"  # the error starts with "=": quoted, and cut
    assert "'=" + "x" * (CELL_CHARS - 5) + "..." in quoted.read_text("utf-8-sig")


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


def test_text_is_cut_in_utf16_units_never_in_half_an_emoji(tmp_path: Path) -> None:
    """Excel and Google count a cell's length in UTF-16 code units: a comment of 20,000
    rockets (40,000 units) was "cut" to 32,767 characters, 65,534 units, which Excel
    "repaired" away and Google refused. Cut in units, no rocket is halved."""
    typed = ("Great quarter " + ROCKET + " ") * 3_000
    comment = parse_text(typed) or ""
    assert units(comment) in (CELL_CHARS, CELL_CHARS - 1) and comment.endswith("...")
    assert typed.strip().startswith(comment[:-3])
    for text in (ROCKET * 40_000, "a" + ROCKET * 40_000):  # a cut at an odd and even unit
        cut = fit_cell(text)
        assert units(cut) in (CELL_CHARS, CELL_CHARS - 1) and cut[:-3].strip("a") == ROCKET * (
            (units(cut) - 3) // 2
        )
    assert fit_cell(ROCKET * 16_383 + "x") == ROCKET * 16_383 + "x"  # 32,767 units: whole
    frame = conform(pd.DataFrame({"Message": [ROCKET * 40_000, ROCKET * 9]}), "findings")
    assert units(frame["Message"].iloc[0]) == CELL_CHARS
    assert frame["Message"].iloc[1] == ROCKET * 9
    team = sales()
    kr = dataclasses.replace(team.key_results[0], comment=parse_text(ROCKET * 40_000))
    team = dataclasses.replace(team, key_results=(kr, *team.key_results[1:]))
    night = [run for run in runs(finance_fails=False) if run.team != "Sales"]
    result = evaluate_team(
        team, period=PERIOD, as_of=AS_OF, index=kpi_index([team]), company_objective_ids=IDS
    )
    night.append(TeamRun("Sales", team.source, Outcome.OK, result))
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(build_rollup(night, context()), path)
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(p).decode() for p in z.namelist() if p.startswith("xl/work"))
    assert max(map(units, re.findall(r"<t[^>]*>([^<]*)</t>", xml))) == CELL_CHARS


def test_the_teams_of_a_company_objective_fit_in_utf16_units() -> None:
    names = [f"{ROCKET} Growth squad {i:04d}" for i in range(3_000)]
    aligned = conform(
        pd.DataFrame({"Team": names, "Objective ID": "O1", "Aligns to": "C1", "Score": 0.5}).assign(
            **{"Stale data": False}
        ),
        "objectives",
    )
    ctx = RunContext("Acme", PERIOD, AS_OF, GENERATED, (CompanyObjective("C1", "Grow"),))
    teams = str(tables._company_objectives(ctx, aligned).iloc[0]["Teams"])
    assert units(teams) <= CELL_CHARS
    listed, _, rest = teams.rpartition(", ... and ")
    assert listed.split(", ")[-1] in names and rest == f"{3_000 - len(listed.split(', ')):,} more"


def test_names_and_ids_are_never_cut() -> None:
    """Finance pivots by Team, Source and the ids: cut to a cell's length, two such values
    that differ past it became one (an id is cut as it is read; the workspace refuses a
    longer team name or company objective id, ``tests/config``)."""
    frame = conform(
        pd.DataFrame({"Team": [LONG + "a", LONG + "b"], "Message": [LONG, "short"]}),
        "findings",
    )
    assert frame["Team"].tolist() == [LONG + "a", LONG + "b"]
    assert units(frame["Message"].iloc[0]) == CELL_CHARS
    text_columns = {c.name for cols in TABLES.values() for c in cols if c.kind is Kind.TEXT}
    assert text_columns >= schema.FREE_TEXT
    assert not schema.FREE_TEXT & {
        "Team",
        "Source",
        "Company objective ID",
        "Objective ID",
        "KR ID",
    }


def test_a_lone_surrogate_in_a_library_callers_run_does_not_fail_the_rollup(
    tmp_path: Path,
) -> None:
    """A TeamRun named after a file name that is no UTF-8 (``\\udcc9quipe``, as Linux lists
    ``\\xc9quipe.xlsx``), or a TeamInput a caller built, failed build_rollup with
    UnicodeEncodeError (pandas' strings are UTF-8): shown as U+FFFD."""
    night = list(runs(finance_fails=False))
    night[0] = dataclasses.replace(night[0], team="\udcc9quipe", source="t/\udcc9quipe.xlsx")
    team = sales()
    kr = dataclasses.replace(team.key_results[0], description="Ship \ud83d")  # not read
    team = dataclasses.replace(team, key_results=(kr, *team.key_results[1:]))
    result = evaluate_team(
        team, period=PERIOD, as_of=AS_OF, index=kpi_index([team]), company_objective_ids=IDS
    )
    night = [r for r in night if r.team != "Sales"]
    night.append(TeamRun("Sales", team.source, Outcome.OK, result))
    rollup = build_rollup(night, context())
    assert "\ufffdquipe" in rollup.summary["Team"].tolist()
    assert "Ship \ufffd" in rollup.key_results["Description"].tolist()
    write_rollup_xlsx(rollup, tmp_path / "company.xlsx")
    export_tables(rollup, tmp_path / "csv", "csv")


def test_free_text_is_cut_alike_whether_its_bytes_say_short_or_not() -> None:
    """``schema._fit`` skips a column whose longest text is at most half a cell's limit
    in UTF-8 bytes (``_all_short``): a column of short texts is given back as it is, and
    texts past that in bytes but not in characters (``é`` is two bytes), or past it in
    characters too, are cut as ``values.fit_cell`` cuts them, as before."""
    from sheets_sync.domain.values import CELL_CHARS, fit_cell
    from sheets_sync.rollup.schema import _all_short, _fit

    half = CELL_CHARS // 2
    short = pd.Series(["a" * half, None, "", "é" * (half // 2)], dtype="string[pyarrow]")
    assert _all_short(short) and _fit(short) is short
    assert _all_short(pd.Series([None, None], dtype="string[pyarrow]"))
    assert not _all_short(pd.Series(["a"], dtype="string[python]"))  # not Arrow: no lengths
    wide = ["é" * half, "😀" * (half - 2), "a" * (half + 1), "x" * 40_000, None]
    for storage in ("pyarrow", "python"):
        texts = pd.Series(wide, dtype=f"string[{storage}]")
        got = [None if t is pd.NA else t for t in _fit(texts).tolist()]
        assert got == [None if t is None else fit_cell(t) for t in wide], storage
        assert got[3] != wide[3] and got[:3] == wide[:3]
