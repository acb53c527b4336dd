"""Credentials no Google team can use: one error for the run, a short line per Google team,
no token request after Google refused the key, no budget per team after the token
endpoint was down for one; the local teams of the same workspace sync as usual."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.cli import cli
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.faults import Reply
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.template.xlsx import write_template
from tests.e2e.test_google_sync import AS_OF, team_sheets

pytestmark = pytest.mark.emulator
EMAIL = "sheets-sync-test@emulator-project.iam.gserviceaccount.com"
NOT_JSON = "Expecting property name enclosed in double quotes at line 1"
INVALID_GRANT = Reply.of(400, {"error": "invalid_grant", "error_description": "Invalid JWT."})


def _workspace(
    tmp: Path, emu: Emulator, teams: int, *, key_file: bool = True, **google: Any
) -> Path:
    """``teams`` Google teams and one local one (the template, which syncs as it is)."""
    if key_file:
        (tmp / "sa.json").write_text(json.dumps(fake_service_account_info(emu.host)))
    write_template(tmp / "local.xlsx")
    keys = [
        emu.create_spreadsheet(f"t{i}", team_sheets(i), value_input="RAW") for i in range(teams)
    ]
    settings = {"credentials": "sa.json", "requests_per_minute": 6000, **google}
    listed = "\n".join(f"  - {{name: G{i}, source: 'gsheet:{k}'}}" for i, k in enumerate(keys))
    cfg = tmp / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n{listed}\n  - {{name: Local, source: local.xlsx}}\n"
        f"google: {json.dumps(settings)}\n"
    )
    return cfg


def _tokens(emu: Emulator) -> int:
    return sum(1 for r in emu.log.requests if r.endpoint == "token")


def _sync(cfg: Path) -> dict[str, Any]:
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
    return {r.team: r for r in result.runs}


def test_a_malformed_key_file_is_one_error_and_a_short_line_per_google_team(
    env: Emulator, tmp_path: Path
) -> None:
    cfg = _workspace(tmp_path, env, 3, key_file=False)
    (tmp_path / "sa.json").write_text("{not json")
    result = CliRunner().invoke(cli, ["sync", "--config", str(cfg), "--as-of", AS_OF.isoformat()])
    key_file = tmp_path / "sa.json"
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [
        f"ERROR sheets_sync.gsheets: Google credentials file {key_file}: is not JSON "
        f"({NOT_JSON}): no Google team is synced in this run"
    ]
    runs = _sync(cfg)  # the same through the library: the lines of the run report
    assert runs["Local"].outcome is not Outcome.FAILED and runs["Local"].error is None
    for i in range(3):
        run = runs[f"G{i}"]
        assert run.outcome is Outcome.FAILED
        assert run.error == (
            f"{run.source}: Google credentials file {key_file}: is not JSON ({NOT_JSON})"
        )
    assert _tokens(env) == 0


def test_no_credentials_at_all_is_a_short_line_per_team(env: Emulator, tmp_path: Path) -> None:
    cfg = _workspace(tmp_path, env, 2, key_file=False)
    cfg.write_text(cfg.read_text().replace('"credentials": "sa.json", ', ""))
    runs = _sync(cfg)
    assert runs["G0"].error == f"{runs['G0'].source}: no Google credentials are configured"
    assert runs["Local"].outcome is not Outcome.FAILED


def test_a_key_file_from_the_environment_that_is_gone(
    env: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = _workspace(tmp_path, env, 2, key_file=False)
    cfg.write_text(cfg.read_text().replace('"credentials": "sa.json", ', ""))
    gone = tmp_path / "gone.json"
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(gone))
    with caplog.at_level(logging.ERROR, logger="sheets_sync"):
        runs = _sync(cfg)
    assert runs["G1"].error == (
        f"{runs['G1'].source}: Google credentials file {gone}: file not found"
    )
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"Google credentials file {gone}: file not found: no Google team is synced in this run"
    ]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_refused_key_is_asked_once_and_every_google_team_says_so_in_short(
    env: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture, concurrency: int
) -> None:
    cfg = _workspace(tmp_path, env, 5, concurrency=concurrency)
    env.faults.token_reply = INVALID_GRANT
    with caplog.at_level(logging.ERROR, logger="sheets_sync"):
        runs = _sync(cfg)
    assert _tokens(env) == 1  # one refusal is the answer for the whole run
    google = [runs[f"G{i}"] for i in range(5)]
    assert all(run.outcome is Outcome.FAILED for run in google)
    refused = [r for r in google if r.error and r.error.endswith("(invalid_grant: Invalid JWT.)")]
    assert len(refused) == 1  # the team whose exchange Google refused has its reason
    assert refused[0].error == (
        f"{refused[0].source}: Google refused the credentials of {EMAIL} "
        "(invalid_grant: Invalid JWT.)"
    )
    if concurrency == 1:
        assert refused == [google[0]]
    for run in google:
        if run is not refused[0]:
            assert run.error == (
                f"{run.source}: Google refused the credentials of {EMAIL} (invalid_grant): "
                "not synced"
            )
    assert runs["Local"].outcome is not Outcome.FAILED
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert logged == [
        f"Google refused the credentials of {EMAIL} from {tmp_path / 'sa.json'} "
        "(invalid_grant: Invalid JWT.): no Google team is synced in this run. The key or the "
        "service account was deleted or disabled, or this machine's clock is off: create a "
        "new key (docs/google-sheets.md)"
    ]


def test_the_verdict_does_not_outlive_the_run(env: Emulator, tmp_path: Path) -> None:
    cfg = _workspace(tmp_path, env, 2, concurrency=1)
    env.faults.token_reply = INVALID_GRANT
    assert _sync(cfg)["G0"].outcome is Outcome.FAILED
    env.faults.token_reply = None  # a new key, or Google changed its mind
    runs = _sync(cfg)
    assert [runs[f"G{i}"].outcome for i in range(2)] == [Outcome.OK, Outcome.OK]
    assert _tokens(env) == 2


@pytest.mark.parametrize("concurrency", [1, 3])
def test_a_token_endpoint_down_for_one_budget_is_not_waited_for_by_every_team(
    env: Emulator,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    concurrency: int,
) -> None:
    """Before, each of 6 teams spent its own budget (3 attempts and their backoff) on a
    token endpoint that answered 503: 6 budgets end to end, 18 token requests."""
    cfg = _workspace(
        tmp_path, env, 6, concurrency=concurrency, max_attempts=3, max_retry_seconds=10
    )
    env.faults.token_reply = Reply.of(503, {"error": "temporarily_unavailable"})
    backoffs: list[float] = []  # the budgets' waits: the run's time, counted, not timed
    pause = SheetsClient._pause

    def counted(self: SheetsClient, seconds: float) -> None:
        backoffs.append(seconds)
        pause(self, seconds)

    monkeypatch.setattr(SheetsClient, "_pause", counted)
    with caplog.at_level(logging.ERROR, logger="sheets_sync"):
        runs = _sync(cfg)
    endpoint = f"http://{env.host}/token"
    gave_up = [r for r in runs.values() if "gave up after 3 attempts" in (r.error or "")]
    assert 1 <= len(gave_up) <= concurrency  # those in flight when the first gave up
    assert all(
        f"the token endpoint {endpoint} is unavailable (503)" in (r.error or "") for r in gave_up
    )
    rest = [runs[f"G{i}"] for i in range(6) if runs[f"G{i}"] not in gave_up]
    assert len(rest) >= 6 - concurrency
    for run in rest:
        assert run.error == (
            f"{run.source}: not synced: the token endpoint {endpoint} was unavailable for a "
            "whole retry budget earlier in this run; will retry next run"
        )
    assert _tokens(env) <= 3 * concurrency
    # one budget (two backoffs of at most 0.5 and 1 s) a team in flight, not six: a wall
    # clock bound of 5 s on the whole run (3.6 s seen on a loaded machine) timed the
    # machine too, and six budgets' jittered backoffs could also end within it
    assert len(backoffs) <= 2 * concurrency and max(backoffs, default=0) <= 1.0, backoffs
    assert runs["Local"].outcome is not Outcome.FAILED
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(logged) == 1 and logged[0].startswith(
        f"the token endpoint {endpoint} was unavailable for a whole retry budget ("
    )


def test_an_empty_key_file_fails_only_the_google_teams_of_a_sync(
    env: Emulator, tmp_path: Path
) -> None:
    """``{}`` is a problem for ``config check`` alone (tests/cli/test_config_check_google_key.py):
    the configuration sync loads stays valid, the Excel team syncs, and each Google team
    fails with the line ``config check`` gives (one loader judges the key for both)."""
    cfg = _workspace(tmp_path, env, 2, key_file=False)
    key_file = tmp_path / "sa.json"
    key_file.write_text("{}")
    result = CliRunner().invoke(cli, ["sync", "--config", str(cfg), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    runs = _sync(cfg)
    assert runs["Local"].outcome is not Outcome.FAILED and runs["Local"].error is None
    for i in range(2):
        run = runs[f"G{i}"]
        assert run.outcome is Outcome.FAILED
        assert run.error == (
            f"{run.source}: Google credentials file {key_file}: is not a service-account key: "
            "missing type, client_email, private_key, token_uri"
        )
    assert _tokens(env) == 0
    check = CliRunner().invoke(cli, ["config", "check", "--config", str(cfg)])
    assert check.exit_code == 2
    assert "google.credentials: sa.json: is not a service-account key" in check.stderr


def test_a_key_setting_naming_no_file_fails_only_the_google_teams_of_a_sync(
    env: Emulator, tmp_path: Path
) -> None:
    """``google.credentials: missing.json`` was a configuration error on every load: the
    whole night stopped (exit 2), Excel teams too. Only ``config check`` reports it now."""
    cfg = _workspace(tmp_path, env, 1, key_file=False)
    cfg.write_text(cfg.read_text().replace('"sa.json"', '"missing.json"'))
    result = CliRunner().invoke(cli, ["sync", "--config", str(cfg), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    ws = load_workspace(cfg, files_must_exist=False)  # as sync loads it
    runs = {r.team: r for r in Sync(ws).run(SyncOptions(as_of=AS_OF, rollup=False)).runs}
    assert runs["Local"].outcome is not Outcome.FAILED and runs["Local"].error is None
    assert runs["G0"].outcome is Outcome.FAILED
    assert runs["G0"].error == (
        f"{runs['G0'].source}: Google credentials file {tmp_path / 'missing.json'}: file not found"
    )
    check = CliRunner().invoke(cli, ["config", "check", "--config", str(cfg)])
    assert check.exit_code == 2
    assert check.stderr == (
        "error: sheets-sync.yaml: invalid configuration\n"
        "  sheets-sync.yaml: line 6: google.credentials: missing.json: file not found\n"
    )


def test_a_key_with_a_foreign_token_uri_is_refused_before_any_request(
    env: Emulator, tmp_path: Path
) -> None:
    """google-auth posted the signed assertion wherever ``token_uri`` said (under the
    emulator it went to the emulator, so nothing told): now no request is made at all."""
    cfg = _workspace(tmp_path, env, 2, key_file=False)
    key = {**fake_service_account_info(env.host), "token_uri": "https://evil.example/token"}
    (tmp_path / "sa.json").write_text(json.dumps(key))
    runs = _sync(cfg)
    problem = (
        f"Google credentials file {tmp_path / 'sa.json'}: token_uri "
        "'https://evil.example/token' is not a Google host: the signed sign-in would go to "
        "evil.example (Google's is https://oauth2.googleapis.com/token)"
    )
    assert [runs[f"G{i}"].error for i in range(2)] == [
        f"{runs[f'G{i}'].source}: {problem}" for i in range(2)
    ]
    assert runs["Local"].outcome is not Outcome.FAILED
    assert env.log.requests == []
