"""End to end: ``sheets-sync demo --google DIR`` through the real CLI.

The command starts its own emulator, seeds the six demo teams, syncs them and stops the
emulator, saving its state next to the workspace. The test then serves that state again
and checks, through the library and the emulator, what the command left behind: every
team's owned cells hold the scores a fresh run computes (so a second sync writes nothing),
and the rollup spreadsheet has every team's key results. Nothing may leave 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import EMULATOR_ENV
from sheets_sync.cli import cli
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator, run_emulator
from sheets_sync.grid import column_letter
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.workspace.demo import create_demo
from sheets_sync.workspace.google_demo import run_google_demo

pytestmark = pytest.mark.emulator
AS_OF = dt.date(2026, 11, 23)
TEAMS = ["Sales", "Marketing", "Engineering", "Customer Success", "Finance", "People"]


def _local_only(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """No emulator in the environment to start with; each non-local lookup is refused and
    kept in the list returned, for the caller to assert it empty."""
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    clear_clients()
    escaped: list[Any] = []
    real = socket.getaddrinfo

    def lookup(host: Any, *args: Any, **kw: Any) -> Any:
        if host not in ("127.0.0.1", "localhost"):
            escaped.append(host)
            raise OSError(f"test tried to reach {host!r}")
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return escaped


@pytest.fixture
def local_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No emulator in the environment to start with; any non-local lookup fails the test."""
    escaped = _local_only(monkeypatch)
    yield
    clear_clients()
    assert escaped == []


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One ``demo --google`` for the module: its tests only read it (the sync they run on
    it writes nothing), and each built its own (~4 s, three times)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        escaped = _local_only(monkeypatch)
        yield _demo(tmp_path_factory.mktemp("demo"))
        clear_clients()
    assert escaped == []


def _demo(tmp_path: Path) -> Path:
    directory = tmp_path / "gdemo"
    result = CliRunner().invoke(
        cli, ["demo", "--google", str(directory), "--as-of", AS_OF.isoformat()]
    )
    assert result.exit_code == 0, result.output + result.stderr
    out = result.stdout
    for team in TEAMS:
        assert f"{team}: ok, " in out
    assert "6 teams, 0 failed" in out and "rollup written to gsheet:" in out
    # the demo's deliberate mistakes are shown, as in the Excel demo
    assert "!OKRs!J4: target equals start value (0.8)" in out
    # a finding names the sheet by its title (and a short key), as people know it
    assert re.search(r"Finance goals \(gsheet:\S{4}\.\.\.\S{4}\)!OKRs!J4: target equals", out)
    assert f"demo workspace created: {directory / 'sheets-sync.yaml'}" in out
    assert f"--state {directory / 'emulator-state.json'}" in out
    assert EMULATOR_ENV not in os.environ  # restored after the command
    return directory


def _header_cell(emu: Emulator, key: str, header: str) -> tuple[int, int]:
    """(row, column) of a header text in the OKRs tab's first rows, 1-based."""
    for r, row in enumerate(emu.values(key, "OKRs!A1:Z5"), start=1):
        if header in row:
            return r, row.index(header) + 1
    raise AssertionError(f"no {header!r} header in {key}")


def test_demo_google_leaves_synced_sheets_and_a_rollup(
    demo_dir: Path, local_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = demo_dir / "sheets-sync.yaml"
    state = demo_dir / "emulator-state.json"
    assert state.is_file()
    assert (demo_dir / "service-account.json").stat().st_mode & 0o077 == 0

    # The command's emulator is gone: nothing listens on the port the key points at.
    token_uri = json.loads((demo_dir / "service-account.json").read_text())["token_uri"]
    port = urlsplit(token_uri).port
    assert port is not None
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass

    workspace = load_workspace(config)
    assert [t.name for t in workspace.teams] == TEAMS
    assert all(t.source.startswith("gsheet:") for t in workspace.teams)
    assert workspace.rollup_output.startswith("gsheet:")
    rollup_key = workspace.rollup_output.removeprefix("gsheet:")

    with run_emulator(state_file=state) as emu:
        monkeypatch.setenv(EMULATOR_ENV, emu.host)
        clear_clients()
        again = Sync(load_workspace(config)).run(SyncOptions(as_of=AS_OF, rollup=False))

        # What the demo wrote is exactly what scoring computes: nothing left to write.
        assert [r.outcome for r in again.runs] == [Outcome.UNCHANGED] * 6, [
            r.error for r in again.runs
        ]
        assert emu.log.count("spreadsheets.batchUpdate") == 0
        assert emu.log.count("spreadsheets.get") == 6

        key_results = 0
        for team, run in zip(workspace.teams, again.runs, strict=True):
            assert run.result is not None
            key_results += len(run.result.key_results)
            if team.mapping_name != "standard":
                continue
            key = team.source.removeprefix("gsheet:")
            header_row, score_col = _header_cell(emu, key, "Score")
            _, status_col = _header_cell(emu, key, "Status")
            scored = [kr for kr in run.result.key_results if kr.score is not None]
            assert scored, team.name
            for kr in scored:
                row = kr.kr.origin.row
                assert row is not None and row > header_row
                cell = emu.cell(key, f"OKRs!{column_letter(score_col)}{row}")
                assert cell["effectiveValue"]["numberValue"] == pytest.approx(kr.score, abs=1e-6)
                status = emu.values(key, f"OKRs!{column_letter(status_col)}{row}")
                assert status == [[kr.status.value]]

        assert emu.values(rollup_key, "Summary!A1:B1") == [["Company", "Northwind Analytics"]]
        assert emu.values(rollup_key, "'Key results'!A1")[0][0] == "Team"
        rows = emu.values(rollup_key, "'Key results'!A2:A500")
        assert len(rows) == key_results
        assert {r[0] for r in rows} == set(TEAMS)


def test_demo_google_refuses_a_used_folder(demo_dir: Path, local_only: None) -> None:
    before = (demo_dir / "emulator-state.json").read_bytes()
    result = CliRunner().invoke(cli, ["demo", "--google", str(demo_dir)])
    assert result.exit_code == 2
    assert "already exists; choose an empty folder" in result.stderr
    assert "Traceback" not in result.output
    assert (demo_dir / "emulator-state.json").read_bytes() == before


def test_google_demo_scores_exactly_as_the_excel_demo(
    demo_dir: Path, local_only: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same six teams in Google Sheets (values as the Sheets API gives them: numbers as
    doubles, dates as serials, percents as fractions) and in .xlsx files score alike."""
    from sheets_sync.workspace.demo import create_demo

    excel = Sync(load_workspace(create_demo(tmp_path / "xdemo"))).run(
        SyncOptions(as_of=AS_OF, rollup=False)
    )
    with run_emulator(state_file=demo_dir / "emulator-state.json") as emu:
        monkeypatch.setenv(EMULATOR_ENV, emu.host)
        clear_clients()
        google = Sync(load_workspace(demo_dir / "sheets-sync.yaml")).run(
            SyncOptions(as_of=AS_OF, rollup=False)
        )

    def scored(runs: Any) -> list[Any]:
        out = []
        for run in runs:
            assert run.result is not None, run.error
            result = run.result
            krs = [(k.kr.id, k.kr.current, k.score, k.status, k.expected)
                   for k in result.key_results]  # fmt: skip
            kpis = [(k.kpi.id, k.kpi.actual, k.status, k.variance) for k in result.kpis]
            objectives = [(o.objective.id, o.score) for o in result.objectives]
            findings = sorted(f.message for f in result.findings)
            out.append((run.team, krs, kpis, objectives, findings))
        return out

    assert scored(google.runs) == scored(excel.runs)
    assert sum(len(r.result.key_results) for r in excel.runs if r.result) > 20


def test_google_demo_built_on_another_day_shows_the_designed_state(
    tmp_path: Path, local_only: None
) -> None:
    """``demo --google`` without ``--as-of`` (today) dated its sheets for 2026-11-23:
    synced on 2026-12-05 it showed two stale weekly KPIs (4 warnings), not the designed 2."""
    day = dt.date(2027, 3, 10)
    gdemo = run_google_demo(tmp_path / "gdemo", day)
    assert load_workspace(gdemo.config).period.name == "2027-Q1"
    designed = create_demo(tmp_path / "xdemo")  # the Excel demo on its design day
    excel = Sync(load_workspace(designed)).run(SyncOptions(as_of=AS_OF, rollup=False))

    def seen(result: Any) -> list[Any]:
        return [
            (
                run.team,
                sorted((f.severity, f.location.split("!", 1)[1], f.message)
                       for f in run.result.findings),
                [(k.kr.id, k.score, k.status, k.expected) for k in run.result.key_results],
                [(k.kpi.id, k.status) for k in run.result.kpis],
            )
            for run in result.runs
        ]  # fmt: skip

    assert [r.result is not None for r in gdemo.result.runs] == [True] * 6
    assert seen(gdemo.result) == seen(excel)
