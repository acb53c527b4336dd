"""``sheets-sync template --google`` through the real CLI against the local emulator:
credentials from the workspace file, or from GOOGLE_APPLICATION_CREDENTIALS when there is
no workspace; a clear error (no traceback) when there are none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.backends.gsheets.auth import DRIVE_FILE_SCOPE, DRIVE_METADATA_SCOPE, SCOPES
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import EMULATOR_ENV, fake_service_account_info
from sheets_sync.cli import cli
from sheets_sync.config import CONFIG_ENV
from sheets_sync.emulator import Emulator, run_emulator
from sheets_sync.template.spec import TEMPLATE
from tests.backends.gsheets.test_gsheets_template import ACTIVATE, DRIVE_DISABLED
from tests.e2e.test_google_sync import AS_OF, team_sheets

pytestmark = pytest.mark.emulator
SHEETS_SCOPE = SCOPES[0]


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Emulator, Path]]:
    """A running emulator, its key file, and a current folder with no workspace in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    with run_emulator() as emulator:
        monkeypatch.setenv(EMULATOR_ENV, emulator.host)
        key_file = tmp_path / "sa.json"
        key_file.write_text(json.dumps(fake_service_account_info(emulator.host)))
        clear_clients()
        yield emulator, key_file
    clear_clients()


def _template(key_file: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``template --google --title "Sales goals"`` with the key from the environment; the
    new spreadsheet's key (what it prints)."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    result = CliRunner().invoke(cli, ["template", "--google", "--title", "Sales goals"])
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout.strip()


def _created(emulator: Emulator, key: str, title: str) -> None:
    book = emulator.state.spreadsheets[key]
    assert book.title == title
    assert [s.title for s in book.sheets] == list(TEMPLATE.tab_names)
    assert emulator.values(key, "OKRs!A1:U1") == [list(TEMPLATE.okrs.headers)]


def test_template_google_with_credentials_from_the_environment(
    emu: tuple[Emulator, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, key_file = emu
    key = _template(key_file, monkeypatch)
    _created(emulator, key, "Sales goals")


def test_template_google_with_credentials_from_the_workspace(
    emu: tuple[Emulator, Path], tmp_path: Path
) -> None:
    emulator, _ = emu
    cfg = tmp_path / "ws.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams: []\n"
        "google: {credentials: sa.json}\n"
    )
    result = CliRunner().invoke(cli, ["template", "--google", "--config", str(cfg)])
    assert result.exit_code == 0, result.output + result.stderr
    _created(emulator, result.stdout.strip(), "Team goals")


def test_template_google_goes_on_with_a_mapping_that_does_not_load(
    emu: tuple[Emulator, Path], tmp_path: Path
) -> None:
    """A template reads no team, so no mapping: a team's broken one does not stop it (it
    fails that team's sync, ``docs/mappings.md``), as a team file not made yet does not."""
    emulator, _ = emu
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text("name: mine\nokrs:\n  sheet: [OKRs\n")
    cfg = tmp_path / "ws.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams: [{name: Sales, source: teams/sales.xlsx, mapping: mine}]\n"
        "google: {credentials: sa.json}\n"
    )
    result = CliRunner().invoke(cli, ["template", "--google", "--config", str(cfg)])
    assert result.exit_code == 0, result.output + result.stderr
    _created(emulator, result.stdout.strip(), "Team goals")


def test_template_google_without_credentials_is_a_clear_error(
    emu: tuple[Emulator, Path],
) -> None:
    """Exit 2, a configuration error (nothing done), as ``config check`` calls a missing
    key: until 2026-12-06 it was 1, the code of a failure reaching Google."""
    result = CliRunner().invoke(cli, ["template", "--google"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no Google credentials: set google.credentials in the workspace YAML or "
        "GOOGLE_APPLICATION_CREDENTIALS to a service-account key file (see "
        "docs/google-sheets.md)\n"
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_template_google_with_a_key_that_is_no_key_is_a_configuration_error(
    emu: tuple[Emulator, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, _ = emu
    (tmp_path / "empty.json").write_text("{}")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "empty.json"))
    result = CliRunner().invoke(cli, ["template", "--google"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: Google credentials file {tmp_path / 'empty.json'}: is not a service-account "
        "key: missing type, client_email, private_key, token_uri"
    )
    assert not emulator.state.spreadsheets


def test_a_refused_create_does_not_ask_to_share_a_sheet_that_does_not_exist(
    emu: tuple[Emulator, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Google's 403 for a caller without permission read "not shared with EMAIL: share the
    sheet with it as an editor", which makes no sense for a sheet being created."""
    emulator, key_file = emu
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    emulator.faults.answer_endpoint(
        "spreadsheets.create",
        403,
        {"error": {"code": 403, "message": "The caller does not have permission",
                   "status": "PERMISSION_DENIED"}},
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["template", "--google", "--title", "Sales goals"])
    assert result.exit_code == 1
    assert (
        result.stderr == "error: Sales goals: Google refused: The caller does not have permission\n"
    )


def test_template_google_says_how_to_share_what_it_cannot_share(
    emu: tuple[Emulator, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """It printed the key alone: nobody could open the sheet, and nothing said why. The
    workbook to import is the one ``template`` writes (``templates/team.xlsx`` was named
    until 2026-12-06: only a checkout has it, and not where the command runs)."""
    _, key_file = emu
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    result = CliRunner().invoke(cli, ["template", "--google", "--title", "Sales goals"])
    assert result.exit_code == 0, result.output + result.stderr
    key = result.stdout.strip()
    email = json.loads(key_file.read_text())["client_email"]
    assert result.stderr == (
        f"note: Sales goals: https://docs.google.com/spreadsheets/d/{key}/edit belongs to "
        f"{email} and is shared with nobody: sheets-sync does not share files. Share it as "
        "Editor with a script that holds the Drive scope "
        "https://www.googleapis.com/auth/drive.file (or .../auth/drive) for this key (Drive "
        f"permissions.create on {key}), or import the workbook `sheets-sync template "
        f"team.xlsx` writes into your own Drive and share that with {email} as Editor\n"
    )


def _follow_up_write_fails(emulator: Emulator) -> None:
    """The create goes through; the write that fills the tabs is refused for good."""
    emulator.faults.answer_endpoint(
        "spreadsheets.batchUpdate",
        400,
        {"error": {"code": 400, "message": "Invalid requests[0]", "status": "INVALID_ARGUMENT"}},
    )


def test_a_half_made_template_is_deleted(
    emu: tuple[Emulator, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tool asked only for the Sheets scope, so Drive refused its delete (the emulator
    checks scopes as Google does) and the half-made sheet stayed; with drive.file the
    delete goes through: one line on stderr, no traceback, and the sheet is gone."""
    emulator, key_file = emu
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    _follow_up_write_fails(emulator)
    result = CliRunner().invoke(cli, ["template", "--google", "--title", "Sales goals"])
    assert result.exit_code == 1
    (key,) = [r.spreadsheet_id for r in emulator.log.requests if r.endpoint == "drive.files.delete"]
    assert "Traceback" not in result.output
    assert result.stderr == (
        "error: Sales goals: the template could not be completed (Google Sheets API error "
        f"400: Invalid requests[0]); the incomplete spreadsheet {key} was deleted: run the "
        "command again\n"
    )
    assert [r.status for r in emulator.log.requests if r.endpoint == "drive.files.delete"] == [204]
    assert emulator.state.spreadsheets == {}


def _scopes(emulator: Emulator) -> list[set[str]]:
    """The scopes of every token the emulator issued (from each JWT assertion's claim)."""
    return [set(grant.scopes) for grant in emulator.state.grants.values()]


def test_template_google_asks_for_spreadsheets_and_drive_file(
    emu: tuple[Emulator, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, key_file = emu
    _template(key_file, monkeypatch)
    assert _scopes(emulator) == [{SHEETS_SCOPE, DRIVE_FILE_SCOPE}]


def test_the_sync_asks_for_spreadsheets_and_drive_metadata_only(
    emu: tuple[Emulator, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Least privilege: only ``template --google`` adds drive.file; a nightly sync that
    reads and writes team sheets needs of Drive only a file's metadata (its version,
    ``gsheets/guard.py``; since 2026-12-07, before the spreadsheets scope alone)."""
    emulator, key_file = emu
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    key = emulator.create_spreadsheet("t0", team_sheets(0), value_input="RAW")
    cfg = tmp_path / "ws.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n  - {{name: G0, source: 'gsheet:{key}'}}\n"
    )
    result = CliRunner().invoke(cli, ["sync", "--config", str(cfg), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output + result.stderr
    assert _scopes(emulator) == [{SHEETS_SCOPE, DRIVE_METADATA_SCOPE}]


def test_a_half_made_template_with_the_drive_api_off_is_one_line(
    emu: tuple[Emulator, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """drive.file is not enough when the Drive API is off in the key's Cloud project:
    the one line names what is left, where to enable Drive, and how to delete it."""
    emulator, key_file = emu
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    _follow_up_write_fails(emulator)
    emulator.faults.answer_endpoint("drive.files.delete", 403, DRIVE_DISABLED)
    result = CliRunner().invoke(cli, ["template", "--google", "--title", "Sales goals"])
    assert result.exit_code == 1
    (key,) = emulator.state.spreadsheets
    email = json.loads(key_file.read_text())["client_email"]
    assert "Traceback" not in result.output
    assert result.stderr == (
        "error: Sales goals: the template spreadsheet "
        f"https://docs.google.com/spreadsheets/d/{key}/edit was created but is incomplete "
        "(Google Sheets API error 400: Invalid requests[0]), and could not be deleted: the "
        f"Google Drive API is not enabled in the Cloud project of {email}; enable it "
        f"({ACTIVATE}) so that sheets-sync can delete what it leaves half-made, delete this "
        f"one by hand (Drive files.delete on {key} with this key) or leave it (nobody else "
        "can open it), and run the command again\n"
    )


WORKSPACE = (
    "company: Acme\n"
    "period: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
    "teams: [{name: Sales, source: sales.xlsx}]\n"  # not made yet: not this command's concern
    "google: {credentials: %s}\n"
)


@pytest.mark.parametrize(
    ("setting", "problem"),
    [("nokey.json", "file not found"), ("keys", "is a folder, not a key file")],
)
def test_a_credentials_setting_naming_no_file_is_a_configuration_error(
    emu: tuple[Emulator, Path], tmp_path: Path, setting: str, problem: str
) -> None:
    """Exit 2 naming the setting, as config check says it (and this command did before it
    read the workspace without its team files); it was exit 1, "Google credentials file
    .../nokey.json: file not found", as if signing in had failed."""
    (tmp_path / "keys").mkdir()
    (tmp_path / "sheets-sync.yaml").write_text(WORKSPACE % setting)
    result = CliRunner().invoke(cli, ["template", "--google"])
    assert result.exit_code == 2, result.output + result.stderr
    assert f"sheets-sync.yaml: google.credentials: {setting}: {problem}" in result.stderr
    assert result.stdout == ""


def test_a_team_file_not_made_yet_does_not_stop_the_google_template(
    emu: tuple[Emulator, Path], tmp_path: Path
) -> None:
    emulator, _ = emu
    (tmp_path / "sheets-sync.yaml").write_text(WORKSPACE % "sa.json")
    result = CliRunner().invoke(cli, ["template", "--google"])
    assert result.exit_code == 0, result.output + result.stderr
    _created(emulator, result.stdout.strip(), "Team goals")
