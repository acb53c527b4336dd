"""``config check`` loads the Google key file as google-auth would (no network) and names
what is wrong with it; sync keeps treating such a key as the Google teams' failure only
(tests/e2e/test_google_credentials.py), so Excel teams still sync."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.cli import cli
from sheets_sync.template.xlsx import write_template

KEY = "1" + "a" * 43
GOOD = fake_service_account_info("127.0.0.1:9")
BAD_PEM = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"


def _workspace(tmp: Path, key: Any, *, google_team: bool = True, setting: bool = True) -> Path:
    (tmp / "sa.json").write_text(key if isinstance(key, str) else json.dumps(key))
    write_template(tmp / "local.xlsx")
    teams = "  - {name: Local, source: local.xlsx}\n"
    if google_team:
        teams += f"  - {{name: Ops, source: 'gsheet:{KEY}'}}\n"
    cfg = tmp / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n{teams}" + ("google: {credentials: sa.json}\n" if setting else "")
    )
    return cfg


def _check(cfg: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(cfg)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ({}, "is not a service-account key: missing type, client_email, private_key, token_uri"),
        ("{not json", "is not JSON (Expecting property name enclosed in double quotes at line 1)"),
        ([], "is not a JSON key file (not an object)"),
        (
            {k: v for k, v in GOOD.items() if k not in ("client_email", "private_key")},
            "is not a service-account key: missing client_email, private_key",
        ),
        (
            {**GOOD, "private_key": BAD_PEM},
            "private_key is not a PEM private key google-auth can load",
        ),
        (
            {"type": "authorized_user", "client_id": "c", "client_secret": "s",
             "refresh_token": "r"},
            "is a user's OAuth credentials (type authorized_user), not a service-account key: "
            "create a key for a service account in the Cloud console",
        ),
        (
            {"type": "authorized_user"},
            "is a user's OAuth credentials (type authorized_user), not a service-account key, "
            "and incomplete (missing client_id, client_secret, refresh_token)",
        ),
        (
            {"type": "external_account", "audience": "a"},
            "is a 'external_account' credential, not a service-account key (type "
            "service_account)",
        ),
    ],
    ids=["empty", "not-json", "list", "missing", "bad-pem", "user", "user-incomplete", "other"],
)  # fmt: skip
def test_a_key_google_auth_cannot_use_is_a_configuration_problem(
    tmp_path: Path, key: Any, problem: str
) -> None:
    code, _, err = _check(_workspace(tmp_path, key))
    assert code == 2
    assert err == (
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: google.credentials: sa.json: {problem}\n"
    )
    assert "PRIVATE KEY" not in err


def test_a_usable_key_passes(tmp_path: Path) -> None:
    code, out, err = _check(_workspace(tmp_path, GOOD))
    assert (code, err) == (0, "")
    assert out.startswith("sheets-sync.yaml: ok: Acme")


def test_the_key_is_not_judged_without_a_google_sheet(tmp_path: Path) -> None:
    """Nothing would use it: an Excel-only workspace is not failed for it."""
    code, _, err = _check(_workspace(tmp_path, {}, google_team=False))
    assert (code, err) == (0, "")


def test_a_key_from_the_environment_is_named_by_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _workspace(tmp_path, {}, setting=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "sa.json"))
    code, _, err = _check(cfg)
    assert code == 2
    assert err.splitlines()[1] == (
        f"  sheets-sync.yaml: GOOGLE_APPLICATION_CREDENTIALS: {tmp_path / 'sa.json'}: is not "
        "a service-account key: missing type, client_email, private_key, token_uri"
    )


def test_google_teams_without_any_key_get_a_note_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Said nothing: the check passed, and the night's Google teams failed. The variable
    may be set for the nightly job alone, so it is a note and the exit code stays 0."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    code, out, err = _check(_workspace(tmp_path, GOOD, setting=False))
    assert code == 0
    assert out.startswith("sheets-sync.yaml: ok: Acme")
    assert err == (
        "note: sheets-sync.yaml: 1 Google team but no Google key here: google.credentials is "
        "not set and neither is GOOGLE_APPLICATION_CREDENTIALS in this environment: no Google "
        "sheet can be read unless the job that syncs sets GOOGLE_APPLICATION_CREDENTIALS "
        "(docs/google-sheets.md)\n"
    )


def test_no_note_when_the_environment_names_a_key_or_no_sheet_is_google(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    excel_only = tmp_path / "excel"
    excel_only.mkdir()
    assert _check(_workspace(excel_only, GOOD, google_team=False, setting=False))[::2] == (0, "")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "sa.json"))
    assert _check(_workspace(tmp_path, GOOD, setting=False))[::2] == (0, "")
