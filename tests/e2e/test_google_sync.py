"""End to end: ``Sync`` over teams that live in Google Sheets (the local emulator).

The workspace, credentials file and spreadsheets are real; only the host differs
(``GOOGLE_SHEETS_EMULATOR_HOST``). Asserted: owned cells get the right values and colours,
a changed team costs 2 API calls and an unchanged one 1, injected 429/500s leave every team
OK/unchanged or cleanly failed (never half-written), and the rollup takes at most 3 calls.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.styles import KPI_STYLE, STATUS_STYLE
from tests.support.google import is_version_check

pytestmark = pytest.mark.emulator
AS_OF = dt.date(2026, 2, 15)
OKR_HEADERS = [h for _, h in OKR_FIELDS]
KPI_HEADERS = [h for _, h in KPI_FIELDS]
OKR_COL = {f: i + 1 for i, (f, _) in enumerate(OKR_FIELDS)}
KPI_COL = {f: i + 1 for i, (f, _) in enumerate(KPI_FIELDS)}


def okr_row(**values: Any) -> list[Any]:
    return [values.get(f, "") for f, _ in OKR_FIELDS]


def kpi_row(**values: Any) -> list[Any]:
    return [values.get(f, "") for f, _ in KPI_FIELDS]


def team_sheets(n: int) -> dict[str, list[list[Any]]]:
    okrs = [
        OKR_HEADERS,
        okr_row(
            objective_id="O1",
            objective="Grow revenue",
            objective_type="committed",
            kr_id="KR1",
            key_result="Revenue to 100",
            owner="Ann",
            kr_type="number",
            start=0,
            target=100,
            current=10 + 20 * n,
            weight=1,
        ),
        okr_row(
            objective_id="O1",
            kr_id="KR2",
            key_result="Ship v2",
            kr_type="milestone",
            target=1,
            current="done",
        ),
        okr_row(
            objective_id="O2",
            objective="Happy customers",
            objective_type="aspirational",
            kr_id="KR3",
            key_result="NPS from 30 to 50",
            start=30,
            target=50,
            current=31 + 9 * n,
            comment='=HYPERLINK("http://x.example","x")',
        ),
    ]
    kpis = [
        KPI_HEADERS,
        kpi_row(
            id="KPI-1",
            name="NPS",
            owner="Bo",
            category="lagging",
            frequency="monthly",
            direction="higher",
            target=40,
            amber_threshold=5,
            actual=30 + 6 * n,
            previous=33,
            as_of="2026-02-10",
        ),
    ]
    return {"OKRs": okrs, "KPIs": kpis, "Read me": [["notes"]]}


def workspace(tmp: Path, emu: Emulator, keys: list[str], **google: Any) -> Path:
    (tmp / "sa.json").write_text(json.dumps(fake_service_account_info(emu.host)))
    settings = {
        "credentials": "sa.json",
        "requests_per_minute": 6000,
        "concurrency": 4,
        "max_attempts": 5,
        "max_retry_seconds": 20,
        **google,
    }
    teams = "\n".join(f"  - {{name: Team{i}, source: 'gsheet:{k}'}}" for i, k in enumerate(keys))
    cfg = tmp / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n{teams}\n"
        f"google: {json.dumps(settings)}\n"
    )
    return cfg


def calls(emu: Emulator, key: str) -> list[str]:
    """The Sheets API requests for ``key`` (and Drive's, but the version checks)."""
    return [
        r.endpoint for r in emu.log.requests if r.spreadsheet_id == key and not is_version_check(r)
    ]


def fill(emu: Emulator, key: str, a1: str) -> dict[str, Any]:
    return dict(emu.cell_format(key, a1).get("backgroundColor", {}))


def hex_fill(hex_colour: str) -> dict[str, float]:
    channels = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {k: v for k, v in zip(("red", "green", "blue"), channels, strict=True) if v}


def test_sync_writes_owned_cells_and_second_run_writes_nothing(
    env: Emulator, tmp_path: Path
) -> None:
    keys = [
        env.create_spreadsheet(f"team {i}", team_sheets(i), value_input="RAW") for i in range(3)
    ]
    sync = Sync(load_workspace(workspace(tmp_path, env, keys)))
    first = sync.run(SyncOptions(as_of=AS_OF, rollup=False))

    assert [r.outcome for r in first.runs] == [Outcome.OK] * 3, [r.error for r in first.runs]
    for key, run in zip(keys, first.runs, strict=True):
        assert calls(env, key) == ["spreadsheets.get", "spreadsheets.batchUpdate"]
        assert run.api_calls == 2
        assert run.result is not None
        for kr in run.result.key_results:
            row = kr.kr.origin.row
            status = env.values(key, f"OKRs!{_col(OKR_COL['status'])}{row}")
            assert status == [[kr.status.value]]
            assert fill(env, key, f"OKRs!{_col(OKR_COL['status'])}{row}") == pytest.approx(
                hex_fill(STATUS_STYLE[kr.status].fill or "")
            )
            score = env.cell(key, f"OKRs!{_col(OKR_COL['score'])}{row}")
            assert score["effectiveValue"]["numberValue"] == pytest.approx(kr.score, abs=1e-6)
            assert score["userEnteredFormat"]["numberFormat"]["pattern"] == "0.00"
        (kpi,) = run.result.kpis
        cell = f"KPIs!{_col(KPI_COL['status'])}2"
        assert env.values(key, cell) == [[kpi.status.value]]
        assert fill(env, key, cell) == pytest.approx(hex_fill(KPI_STYLE[kpi.status].fill or ""))
        comment = env.cell(key, f"OKRs!{_col(OKR_COL['comment'])}4")
        assert comment["userEnteredValue"] == {"stringValue": '=HYPERLINK("http://x.example","x")'}

    env.log.clear()
    second = Sync(load_workspace(tmp_path / "sheets-sync.yaml")).run(
        SyncOptions(as_of=AS_OF, rollup=False)
    )
    assert [r.outcome for r in second.runs] == [Outcome.UNCHANGED] * 3
    for key, run in zip(keys, second.runs, strict=True):
        assert calls(env, key) == ["spreadsheets.get"]
        assert run.api_calls == 1


def test_a_team_is_written_right_after_its_read_not_after_every_read(
    env: Emulator, tmp_path: Path
) -> None:
    """A sheet has no version to check before writing, so a team's write should follow
    its own read, not wait for every other team's (minutes at hundreds of teams under the
    quota). A team whose KR reads another team's KPI waits for that team's read."""
    sheets = [team_sheets(i) for i in range(3)]
    linked = team_sheets(3)
    linked["OKRs"][1] = okr_row(objective_id="O1", objective="Grow revenue", kr_id="KR1",
                                key_result="NPS", kr_type="number", start=0, target=60,
                                kpi_link="Team0/KPI-1")  # fmt: skip
    keys = [env.create_spreadsheet(f"team {i}", s, value_input="RAW") for i, s in enumerate(sheets)]
    keys.append(env.create_spreadsheet("linked", linked, value_input="RAW"))
    cfg = workspace(tmp_path, env, keys, concurrency=1)
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
    assert [r.outcome for r in result.runs] == [Outcome.OK] * 4, [r.error for r in result.runs]
    order = [(r.spreadsheet_id, r.endpoint.split(".")[-1]) for r in env.log.requests
             if r.endpoint.startswith("spreadsheets.")]  # fmt: skip
    standalone = [(k, call) for k in keys[:3] for call in ("get", "batchUpdate")]
    assert order[:6] == standalone
    assert order[6:] == [(keys[3], "get"), (keys[3], "batchUpdate")]
    kr1 = result.runs[3].result.key_results[0]  # type: ignore[union-attr]
    assert kr1.current_from == "Team0/KPI-1" and kr1.current == 30
    assert [r.api_calls for r in result.runs] == [2, 2, 2, 2]


def _col(n: int) -> str:
    from sheets_sync.grid import column_letter

    return column_letter(n)


def test_injected_faults_leave_every_team_ok_or_cleanly_failed(
    env: Emulator, tmp_path: Path
) -> None:
    keys = [
        env.create_spreadsheet(f"team {i}", team_sheets(i % 3), value_input="RAW") for i in range(8)
    ]
    cfg = workspace(tmp_path, env, keys, max_attempts=3, max_retry_seconds=5)
    env.faults._rng.seed(11)
    env.faults.retry_after_s = 0
    env.faults.fail_rate = 0.3
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
    env.faults.fail_rate = 0.0
    injected = [r for r in env.log.requests if r.status in (429, 500, 503)]
    assert injected, "the faults did not fire"
    outcomes = {r.outcome for r in result.runs}
    assert outcomes <= {Outcome.OK, Outcome.FAILED}
    status_col = _col(OKR_COL["status"])
    for key, run in zip(keys, result.runs, strict=True):
        written = env.values(key, f"OKRs!{status_col}2:{status_col}4")
        kpi = env.values(key, f"KPIs!{_col(KPI_COL['status'])}2")
        if run.outcome is Outcome.OK:
            assert len(written) == 3 and all(written) and kpi
        else:
            assert "gave up after" in (run.error or "")
            assert written == [] and kpi == []  # all or nothing: never half-written
        assert run.api_calls <= 6  # two calls, three attempts each
    assert sum(r.outcome is Outcome.OK for r in result.runs) >= 4
    print(f"faults: {len(injected)} injected, outcomes {[r.outcome.value for r in result.runs]}")


def test_rollup_to_google_sheet_in_at_most_three_calls(env: Emulator, tmp_path: Path) -> None:
    pytest.importorskip("sheets_sync.rollup")
    from sheets_sync import rollup as rollup_pkg

    if not hasattr(rollup_pkg, "build_rollup"):
        pytest.skip("sheets_sync.rollup.build_rollup is not there yet")
    keys = [
        env.create_spreadsheet(f"team {i}", team_sheets(i), value_input="RAW") for i in range(2)
    ]
    out = env.create_spreadsheet("company rollup", {"Sheet1": [["keep me"]]})
    cfg = workspace(tmp_path, env, keys)
    cfg.write_text(cfg.read_text() + f"rollup: {{output: 'gsheet:{out}'}}\n")
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF))
    assert result.rollup_output == f"gsheet:{out}"
    assert calls(env, out) == ["spreadsheets.get", "spreadsheets.batchUpdate"]
    summary = env.values(out, "Summary!A1:B2")
    table = env.values(out, "Summary!A9:Z11", "UNFORMATTED_VALUE")
    score = table[0].index("Average objective score")
    assert [r[0] for r in table[1:]] == ["Team0", "Team1"]
    assert all(isinstance(r[score], float) for r in table[1:])  # numbers stay numbers
    as_of = env.cell(out, "Summary!B5")
    assert as_of["userEnteredValue"]["numberValue"] == 46068  # 2026-02-15 as a serial
    assert as_of["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
    assert summary[0] == ["Company", "Acme"]
    kr_header = env.values(out, "'Key results'!A1:C1")[0]
    assert kr_header[0] == "Team"
    krs = env.values(out, "'Key results'!A2:A100", "UNFORMATTED_VALUE")
    assert len(krs) == 6  # 3 KRs x 2 teams
    assert env.values(out, "Sheet1!A1") == [["keep me"]]  # tabs we do not own stay
    # A second rollup replaces, never appends.
    env.log.clear()
    Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF))
    assert len(calls(env, out)) <= 3
    assert len(env.values(out, "'Key results'!A2:A100")) == 6


def linked_to(*links: str) -> dict[str, list[list[Any]]]:
    sheets = team_sheets(3)
    for i, link in enumerate(links):
        sheets["OKRs"][1 + i] = okr_row(objective_id="O1", objective="Grow revenue",
                                        kr_id=f"KR{i + 1}", key_result="NPS", kr_type="number",
                                        start=0, target=60, kpi_link=link)  # fmt: skip
    return sheets


def spreadsheet_calls(env: Emulator) -> list[tuple[str, str]]:
    return [(r.spreadsheet_id or "", r.endpoint.split(".")[-1]) for r in env.log.requests
            if r.endpoint.startswith("spreadsheets.")]  # fmt: skip


def test_a_linked_team_is_written_once_the_teams_it_reads_are_read(
    env: Emulator, tmp_path: Path
) -> None:
    """First in the config, it names the third team's KPI: it is written right after that
    team's read, not after the fourth's, and scores as if it had waited for every read."""
    keys = [env.create_spreadsheet("linked", linked_to("Team2/KPI-1"), value_input="RAW")]
    keys += [env.create_spreadsheet(f"t{i}", team_sheets(i), value_input="RAW") for i in range(3)]
    cfg = workspace(tmp_path, env, keys, concurrency=1)
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
    assert [r.outcome for r in result.runs] == [Outcome.OK] * 4, [r.error for r in result.runs]
    linked, t0, t1, t2 = keys
    assert spreadsheet_calls(env) == [
        (linked, "get"),
        (t0, "get"), (t0, "batchUpdate"),
        (t1, "get"), (t1, "batchUpdate"),
        (linked, "batchUpdate"),
        (t2, "get"), (t2, "batchUpdate"),
    ]  # fmt: skip
    kr1 = result.runs[0].result.key_results[0]  # type: ignore[union-attr]
    assert kr1.current_from == "Team2/KPI-1" and kr1.current == 36  # team_sheets(1)'s KPI


def test_the_next_night_reads_a_linked_team_after_the_teams_it_reads(
    env: Emulator, tmp_path: Path
) -> None:
    """Last night's links order tonight's reads: the linked team, first in the config, is
    read after the team it reads and written right after its own read, not held."""
    keys = [env.create_spreadsheet("linked", linked_to("Team2/KPI-1"), value_input="RAW")]
    keys += [env.create_spreadsheet(f"t{i}", team_sheets(i), value_input="RAW") for i in range(3)]
    cfg = workspace(tmp_path, env, keys, concurrency=1)
    Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
    env.log.clear()
    next_day = AS_OF + dt.timedelta(days=1)  # the pace moves: every team has cells to write
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=next_day, rollup=False))
    assert [r.outcome for r in result.runs] == [Outcome.OK] * 4, [r.error for r in result.runs]
    assert [r.team for r in result.runs] == ["Team0", "Team1", "Team2", "Team3"]
    linked, t0, t1, t2 = keys
    assert spreadsheet_calls(env) == [
        (t0, "get"), (t0, "batchUpdate"),
        (t1, "get"), (t1, "batchUpdate"),
        (t2, "get"), (t2, "batchUpdate"),
        (linked, "get"), (linked, "batchUpdate"),
    ]  # fmt: skip
    kr1 = result.runs[0].result.key_results[0]  # type: ignore[union-attr]
    assert kr1.current_from == "Team2/KPI-1" and kr1.current == 36


def test_teams_reading_each_other_are_written_after_the_second_read(
    env: Emulator, tmp_path: Path
) -> None:
    keys = [
        env.create_spreadsheet("a", linked_to("Team1/KPI-1"), value_input="RAW"),
        env.create_spreadsheet("b", linked_to("Team0/KPI-1", "Team2/KPI-1"), value_input="RAW"),
        env.create_spreadsheet("c", team_sheets(0), value_input="RAW"),
        env.create_spreadsheet("d", linked_to("Nobody/KPI-1"), value_input="RAW"),
    ]
    cfg = workspace(tmp_path, env, keys, concurrency=1)
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
    assert [r.outcome for r in result.runs] == [Outcome.OK] * 4, [r.error for r in result.runs]
    a, b, c, d = keys
    assert spreadsheet_calls(env) == [
        (a, "get"), (b, "get"),
        (a, "batchUpdate"),  # in b's thread: a needed b
        (c, "get"), (c, "batchUpdate"),
        (b, "batchUpdate"),  # b needed a and c
        (d, "get"), (d, "batchUpdate"),  # a team nobody has: planned after every read
    ]  # fmt: skip
    runs = {r.team: r.result for r in result.runs}
    assert runs["Team0"].key_results[0].current == 48  # type: ignore[union-attr]
    assert [kr.current for kr in runs["Team1"].key_results[:2]] == [48, 30]  # type: ignore[union-attr]
    assert runs["Team3"].key_results[0].current_from is None  # type: ignore[union-attr]


def test_a_rollup_tab_renamed_in_another_case_is_its_tab(env: Emulator, tmp_path: Path) -> None:
    """Google tab names are unique regardless of case: with `KPIs` renamed `kpis`, adding
    `KPIs` was refused (400), and every later rollup failed. The tab is reused and gets
    its name back."""
    keys = [env.create_spreadsheet("team 0", team_sheets(0), value_input="RAW")]
    out = env.create_spreadsheet("company rollup", {"summary": [["old"]]})  # made by hand
    cfg = workspace(tmp_path, env, keys)
    cfg.write_text(cfg.read_text() + f"rollup: {{output: 'gsheet:{out}'}}\n")
    first = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF))
    assert first.rollup_error is None
    with env.state.lock:
        book = env.state.spreadsheets[out]
        titles = [s.properties["title"] for s in book.sheets]
        (kpis,) = (s for s in book.sheets if s.properties["title"] == "KPIs")
        kpis.properties["title"] = "kpis"
    assert "Summary" in titles and "summary" not in titles
    second = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF))
    assert second.rollup_error is None
    with env.state.lock:
        assert [s.properties["title"] for s in env.state.spreadsheets[out].sheets] == titles
    assert env.values(out, "KPIs!A1")[0][0] == "Team"


def test_a_rollup_tab_list_of_the_wrong_shape_fails_only_the_rollup(
    env: Emulator, tmp_path: Path
) -> None:
    """The rollup's tab read answering without titles: the teams are written and the
    rollup reported as not published, never a KeyError out of the run."""
    keys = [env.create_spreadsheet("team 0", team_sheets(0), value_input="RAW")]
    out = env.create_spreadsheet("company rollup", {"Sheet1": [["keep me"]]})
    cfg = workspace(tmp_path, env, keys)
    cfg.write_text(cfg.read_text() + f"rollup: {{output: 'gsheet:{out}'}}\n")
    env.faults.answer(out, 200, {"sheets": [{"sheetId": 0, "title": "Sheet1"}]})
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF))
    assert [r.outcome for r in result.runs] == [Outcome.OK], [r.error for r in result.runs]
    assert result.rollup_error == (
        f"gsheet:{out}: the company rollup was not published: rollup: read tabs: Google "
        "Sheets answered in an unexpected shape: sheets[0] has no 'properties'"
    )


def test_a_rollup_past_googles_request_limit_fails_only_the_rollup_and_says_why(
    env: Emulator, tmp_path: Path
) -> None:
    """The rollup is one batchUpdate so that finance never sees it half-written; Google's
    front end refuses a request past 10 MiB (some 110 teams of 20 KRs and 15 KPIs), lowered
    here. The teams are written; the rollup says what is too large and what to do."""
    keys = [env.create_spreadsheet(f"team {i}", team_sheets(i), value_input="RAW") for i in (0, 1)]
    out = env.create_spreadsheet("company rollup", {"Sheet1": [["keep me"]]})
    cfg = workspace(tmp_path, env, keys)
    cfg.write_text(cfg.read_text() + f"rollup: {{output: 'gsheet:{out}'}}\n")
    env.faults.max_payload_bytes = 20_000
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF))
    assert [r.outcome for r in result.runs] == [Outcome.OK, Outcome.OK]
    assert result.rollup_error == (
        f"gsheet:{out}: the company rollup was not published: it is 0.1 MB as one request, "
        "more than Google takes in one (Request payload size exceeds the limit: 20000 "
        "bytes.); write it to an Excel workbook instead (rollup.output: company.xlsx), or "
        "publish its tables with sheets-sync export"
    )
    assert env.values(out, "Sheet1!A1") == [["keep me"]]  # nothing applied
    assert env.log.count("spreadsheets.batchUpdate") == 3  # two teams, one refused rollup
