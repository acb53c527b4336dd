"""Operations through the CLI: shards merge to the same rollup, history, notifications,
and the workspace commands (init, demo, template, export)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import sys
import zipfile
from contextlib import closing
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from sheets_sync.cli import cli
from sheets_sync.config import load_workspace
from sheets_sync.workspace.init import TEMPLATE_NEXT_STEP

AS_OF = ["--as-of", "2026-11-23"]
TABLES = ["Summary", "Objectives", "Key results", "KPIs", "Findings"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def copy_ws(demo: Path, dest: Path) -> Path:
    shutil.copytree(demo.parent, dest)
    return dest / "sheets-sync.yaml"


def _timestamp(value: object) -> object:
    """Only generation times carry a time of day; data dates are whole days."""
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        return "<generated at>"
    return value


def tables(path: Path) -> dict[str, pd.DataFrame]:
    """The rollup's tabs as raw cell grids, with the times they were generated masked."""
    book = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    return {name: book[name].map(_timestamp) for name in TABLES}


def test_demo_validates_with_its_deliberate_mistakes(demo: Path) -> None:
    code, out, _ = run("validate", "--config", str(demo), *AS_OF)
    assert code == 1
    assert "Finance.xlsx!OKRs!J4: target equals start value (0.8)" in out
    assert len(load_workspace(demo).teams) == 6


def test_shards_merged_equal_one_unsharded_run(demo: Path, tmp_path: Path) -> None:
    single = copy_ws(demo, tmp_path / "single")
    sharded = copy_ws(demo, tmp_path / "sharded")
    assert run("sync", "--config", str(single), *AS_OF)[0] == 0
    results = tmp_path / "results"
    for k in (1, 2, 3):
        code, out, err = run(
            "sync",
            "--config",
            str(sharded),
            *AS_OF,
            "--shard",
            f"{k}/3",
            "--results-dir",
            str(results),
        )
        assert code == 0, out + err
    assert not (sharded.parent / "company.xlsx").exists()  # shards do not roll up alone
    code, out, _ = run("rollup", "--config", str(sharded), "--from-results", str(results))
    assert code == 0, out
    one, merged = tables(single.parent / "company.xlsx"), tables(sharded.parent / "company.xlsx")
    for name in TABLES:
        pd.testing.assert_frame_equal(one[name], merged[name], obj=name)
    # every team file ends with the same content, part by part
    for team in (single.parent / "teams").glob("*.xlsx"):
        with zipfile.ZipFile(team) as a, zipfile.ZipFile(sharded.parent / "teams" / team.name) as b:
            assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}


def test_incomplete_shard_results_are_refused(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    results = tmp_path / "results"
    run("sync", "--config", str(ws), *AS_OF, "--shard", "1/2", "--results-dir", str(results))
    code, _, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert code == 2
    assert "shard" in err and "Traceback" not in err


def test_bad_shard_argument(demo: Path) -> None:
    code, _, err = run("sync", "--config", str(demo), "--shard", "5/4", "--results-dir", "x")
    assert code == 2 and "--shard" in err


def test_history_replaces_the_same_date_and_feeds_the_trends_tab(
    demo: Path, tmp_path: Path
) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    for as_of in ("2026-11-16", "2026-11-23", "2026-11-23"):
        assert run("sync", "--config", str(ws), "--as-of", as_of)[0] == 0
    db = ws.parent / ".sheets-sync" / "history.sqlite"
    with closing(sqlite3.connect(db)) as conn, conn:
        dates = conn.execute("SELECT as_of, COUNT(*) FROM kr_snapshots GROUP BY as_of").fetchall()
    assert [d for d, _ in dates] == ["2026-11-16", "2026-11-23"]
    assert dates[0][1] == dates[1][1]  # the second run on 11-23 replaced, not duplicated
    with closing(sqlite3.connect(db)) as conn, conn:
        kpis = conn.execute("SELECT COUNT(*) FROM kpi_snapshots").fetchone()[0]
    book = openpyxl.load_workbook(ws.parent / "company.xlsx")
    assert {"History", "Trends"} <= set(book.sheetnames)
    assert book["History"].max_row == 1 + dates[0][1] + dates[1][1] + kpis
    with closing(sqlite3.connect(db)) as conn, conn:
        (series,) = conn.execute(
            "SELECT (SELECT COUNT(DISTINCT team || '/' || kpi_id) FROM kpi_snapshots)"
            " + (SELECT COUNT(DISTINCT team || '/' || objective_id) FROM kr_snapshots)"
        ).fetchone()
    trends_xml = _sheet_xml(ws.parent / "company.xlsx", "Trends")
    assert trends_xml.count(b"<x14:sparkline>") == series  # one per KPI and per objective


def _sheet_xml(path: Path, title: str) -> bytes:
    book = openpyxl.load_workbook(path, read_only=True)
    index = book.sheetnames.index(title) + 1  # xlsxwriter numbers sheets in tab order
    book.close()
    with zipfile.ZipFile(path) as zf:
        return zf.read(f"xl/worksheets/sheet{index}.xml")


def test_notification_command_gets_the_summary(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    (ws.parent / "teams" / "People.xlsx").write_text("broken", encoding="utf-8")
    out_file = tmp_path / "notified.json"
    cmd = (
        f"{sys.executable} -c \"import sys; open({str(out_file)!r}, 'w').write(sys.stdin.read())\""
    )
    code, _, _ = run("sync", "--config", str(ws), *AS_OF, "--notify-cmd", cmd)
    assert code == 1
    payload = json.loads(out_file.read_text())
    assert [t["team"] for t in payload["failed_teams"]] == ["People"]


def test_export_csv_and_parquet(demo: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        "export",
        "--config",
        str(demo),
        *AS_OF,
        "--format",
        "parquet",
        "--out",
        str(tmp_path / "pq"),
    )
    assert code == 0, out
    krs = pd.read_parquet(next((tmp_path / "pq").glob("*key*")))
    assert krs["Score"].dtype == "float64" and len(krs) > 20
    code, out, _ = run(
        "export", "--config", str(demo), *AS_OF, "--format", "csv", "--out", str(tmp_path / "csv")
    )
    assert code == 0 and any((tmp_path / "csv").glob("*.csv"))


def test_export_keeps_a_failed_teams_last_good_rows_and_exits_1(demo: Path, tmp_path: Path) -> None:
    """As the nightly rollup does: the export dropped a team that could not be read, and
    exited 0 (until 2026-12-04)."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), *AS_OF)[0] == 0  # the company workbook
    (ws.parent / "teams" / "People.xlsx").write_text("broken", encoding="utf-8")
    code, out, err = run(
        "export", "--config", str(ws), *AS_OF, "--format", "parquet", "--out", str(tmp_path / "pq")
    )
    assert code == 1 and len(out.splitlines()) == 7
    assert err == (
        "People: failed: People.xlsx: not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx\n"
    )
    krs = pd.read_parquet(tmp_path / "pq" / "key_results.parquet")
    people = krs[krs["Team"] == "People"]
    assert len(people) > 0 and people["Stale data"].all()
    assert not krs.loc[krs["Team"] != "People", "Stale data"].any()


def test_export_says_a_team_with_no_last_good_rows_is_missing_from_its_rollup(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An export writes CSV/Parquet, no company workbook: it said the team's rows were
    "missing from tonight's company workbook" (until 2026-12-07)."""
    ws = copy_ws(demo, tmp_path / "ws")
    (ws.parent / "teams" / "People.xlsx").write_text("broken", encoding="utf-8")
    assert run("sync", "--config", str(ws), *AS_OF)[0] == 1  # a workbook with no People rows
    with caplog.at_level("WARNING", logger="sheets_sync"):
        code, _, _ = run("export", "--config", str(ws), *AS_OF, "--out", str(tmp_path / "x"))
    said = [r.getMessage() for r in caplog.records if "no last good data" in r.getMessage()]
    assert code == 1 and len(said) == 1, said
    assert said[0].startswith("People: no last good data in the previous rollup ")
    assert said[0].endswith(": its rows are missing from tonight's rollup until it reads again")


def test_export_says_last_periods_rows_are_not_carried_into_its_rollup(
    demo: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Nor "not carried into this period's company workbook" (until 2026-12-07) of an
    export, which writes none."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), *AS_OF)[0] == 0  # People's 2026-Q4 rows
    (ws.parent / "teams" / "People.xlsx").write_text("broken", encoding="utf-8")
    text = ws.read_text(encoding="utf-8")
    q4 = 'name: "2026-Q4"\n  start: 2026-10-01\n  end: 2026-12-31'
    assert q4 in text
    ws.write_text(text.replace(q4, 'name: "2027-Q1"\n  start: 2027-01-01\n  end: 2027-03-31'))
    with caplog.at_level("WARNING", logger="sheets_sync"):
        code, _, _ = run(
            "export", "--config", str(ws), "--as-of", "2027-01-04", "--out", str(tmp_path / "x")
        )
    said = [r.getMessage() for r in caplog.records if "is of period" in r.getMessage()]
    assert code == 1 and len(said) == 1, said
    assert said[0].startswith("People: its last good data in the previous rollup ")
    assert said[0].endswith(
        "is of period 2026-Q4, not 2027-Q1: not carried into this period's rollup; its rows "
        "are missing until it reads again"
    )


def test_init_and_template(tmp_path: Path) -> None:
    code, out, _ = run(
        "init",
        str(tmp_path / "acme"),
        "--team",
        "Sales",
        "--team",
        "Marketing",
        "--company",
        "Acme",
    )
    assert code == 0, out
    ws = load_workspace(tmp_path / "acme" / "sheets-sync.yaml")
    assert [t.name for t in ws.teams] == ["Sales", "Marketing"]
    code, _, err = run("init", str(tmp_path / "acme"), "--team", "Sales")
    assert code == 2 and "error:" in err
    code, out, _ = run("template", str(tmp_path / "team.xlsx"))
    assert code == 0 and (tmp_path / "team.xlsx").is_file()
    code, _, err = run("template")
    assert code == 2 and "give a PATH" in err


def test_template_never_writes_over_a_teams_workbook(demo: Path, tmp_path: Path) -> None:
    """``sheets-sync template teams/sales.xlsx`` typed by mistake put a blank template over
    the team's goals; an existing file is now kept unless --force."""
    team = copy_ws(demo, tmp_path / "ws").parent / "teams" / "Sales.xlsx"
    before = team.read_bytes()
    code, out, err = run("template", str(team))
    assert code == 2 and out == ""
    assert err == (
        f"error: {team}: already exists; not overwriting it (it may be a team's workbook; "
        "--force replaces it)\n"
    )
    assert team.read_bytes() == before
    code, out, _ = run("template", str(team), "--force")
    assert code == 0 and out == f"template written to {team}\n{TEMPLATE_NEXT_STEP}\n"
    assert team.read_bytes() != before and zipfile.is_zipfile(team)


@pytest.mark.parametrize("name", ["team.csv", "team", "team.xlsm"])
def test_template_is_written_only_under_an_xlsx_name(tmp_path: Path, name: str) -> None:
    """``sheets-sync template team.csv`` (or ``team``) wrote the workbook under that
    name, which neither Excel nor a workspace would open as one."""
    path = tmp_path / name
    code, out, err = run("template", str(path))
    assert (code, out) == (2, "")
    assert err == (
        f"error: {path}: the template is an Excel workbook; give it a name ending in .xlsx "
        "(Excel opens it only under such a name)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_template_takes_a_path_or_google_not_both(tmp_path: Path) -> None:
    """``template --google team.xlsx`` made a Google sheet (or failed for want of a key)
    and wrote no team.xlsx, without a word about the PATH."""
    code, out, err = run("template", "--google", str(tmp_path / "team.xlsx"))
    assert (code, out) == (2, "")
    assert err.endswith("\nError: give a PATH for the .xlsx or --google, not both\n"), err
    assert list(tmp_path.iterdir()) == []


def test_template_title_is_for_google_only(tmp_path: Path) -> None:
    """``template --title "Sales goals" sales.xlsx`` wrote the workbook and dropped the
    title without a word, as ``--google`` with a PATH dropped the PATH."""
    code, out, err = run("template", "--title", "Sales goals", str(tmp_path / "sales.xlsx"))
    assert (code, out) == (2, "")
    assert err.endswith(
        "\nError: --title names a new Google spreadsheet: give it with --google "
        "(an .xlsx template is named by its PATH)\n"
    ), err
    assert list(tmp_path.iterdir()) == []


def test_workers_option(eight_cpus: None, demo: Path, tmp_path: Path) -> None:
    """Forks on a one-CPU box too (``eight_cpus``); no warning that the CPUs cap it."""
    ws = copy_ws(demo, tmp_path / "ws")
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--workers", "2")
    assert code == 0, out + err
    assert "rollup written to company.xlsx" in out and "CPU" not in err
    code, out, _ = run("sync", "--config", str(ws), *AS_OF, "--workers", "2")
    assert code == 0 and "rollup unchanged (same content) in company.xlsx" in out
    code, _, err = run("sync", "--config", str(ws), "--workers", "0")
    assert code == 2 and "--workers" in err


def test_history_prune_after_keeps_the_newest_dates(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    text = ws.read_text(encoding="utf-8")
    ws.write_text(text + "history: {keep_snapshots: 2, prune_after: 2}\n", encoding="utf-8")
    for as_of in ("2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"):
        assert run("sync", "--config", str(ws), "--as-of", as_of)[0] == 0
    with closing(sqlite3.connect(ws.parent / ".sheets-sync" / "history.sqlite")) as conn, conn:
        dates = [d for (d,) in conn.execute("SELECT DISTINCT as_of FROM kr_snapshots ORDER BY 1")]
    assert dates == ["2026-11-22", "2026-11-23"]
    ws.write_text(text + "history: {keep_snapshots: 5, prune_after: 2}\n", encoding="utf-8")
    code, _, err = run("sync", "--config", str(ws), *AS_OF)
    assert code == 2 and "prune_after (2) is less than keep_snapshots (5)" in err


def test_no_read_cache_option(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), *AS_OF)[0] == 0
    cache = ws.parent / ".sheets-sync" / "cache"
    shutil.rmtree(cache)
    code, out, _ = run("sync", "--config", str(ws), *AS_OF, "--no-read-cache")
    assert code == 0 and "rollup unchanged" in out
    assert not cache.exists()


def test_the_objective_burn_up_ends_at_each_objectives_score(demo: Path, tmp_path: Path) -> None:
    """The Trends tab's objective burn-up was the unweighted mean of the KR scores, so it
    ended elsewhere than Objectives.Score for an objective with weighted KRs (Sales O1:
    0.625 against 0.633 in the demo). The history keeps the weights since schema 2."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), *AS_OF)[0] == 0
    book = openpyxl.load_workbook(ws.parent / "company.xlsx")
    objectives = pd.read_excel(
        ws.parent / "company.xlsx", sheet_name="Objectives", engine="openpyxl"
    )
    scores = {
        (t, o): s for t, o, s in zip(objectives["Team"], objectives["Objective ID"],
                                     objectives["Score"], strict=True) if pd.notna(s)
    }  # fmt: skip
    trends = book["Trends"]
    title = "Objective burn-up (objective score per night)"
    start = next(r for r in range(1, trends.max_row + 1) if trends.cell(r, 1).value == title)
    burnup = {}
    for team, objective, score, *_ in trends.iter_rows(min_row=start + 2, values_only=True):
        if team is None:
            break
        burnup[(team, objective)] = score
    assert burnup.keys() == scores.keys()
    assert burnup == pytest.approx(scores, rel=1e-9)
    weights = pd.read_excel(
        ws.parent / "company.xlsx", sheet_name="Key results", engine="openpyxl"
    )["Weight"]
    assert set(weights) - {1.0}  # the demo weighs some KRs otherwise


def test_a_tab_named_with_other_punctuation_is_read(demo: Path, tmp_path: Path) -> None:
    """`Key-Results` is one of the standard mapping's names (`Key results`): the mapping
    found it, the reader did not read it, and validate said "internal error (KeyError)"."""
    ws = copy_ws(demo, tmp_path / "ws")
    team = ws.parent / "teams" / "Engineering.xlsx"
    book = openpyxl.load_workbook(team)
    book["OKRs"].title = "Key-Results"
    book.save(team)
    code, out, err = run("validate", "--config", str(ws), *AS_OF)
    assert code == 1  # the demo's two deliberate errors, in Sales and Finance
    assert "Traceback" not in out + err and "internal error" not in out + err
    assert not [line for line in out.splitlines() if line.startswith("Engineering: error")]
    code, out, _ = run("sync", "--config", str(ws), *AS_OF)
    assert code == 0 and "Engineering: ok, " in out
