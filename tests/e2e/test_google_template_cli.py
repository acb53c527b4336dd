"""``sheets-sync template --google`` through the real CLI against the local emulator:
credentials from the workspace file, or from GOOGLE_APPLICATION_CREDENTIALS when there is
no workspace; a clear error (no traceback) when there are none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.backends.gsheets.client import clear_clients
from sheets_sync.backends.gsheets.transport import EMULATOR_ENV, fake_service_account_info
from sheets_sync.cli import cli
from sheets_sync.config import CONFIG_ENV
from sheets_sync.emulator import Emulator, run_emulator
from sheets_sync.template.spec import TEMPLATE

pytestmark = pytest.mark.emulator


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


def _created(emulator: Emulator, stdout: str, title: str) -> None:
    key = stdout.strip()
    book = emulator.state.spreadsheets[key]
    assert book.title == title
    assert [s.title for s in book.sheets] == list(TEMPLATE.tab_names)
    assert emulator.values(key, "OKRs!A1:U1") == [list(TEMPLATE.okrs.headers)]


def test_template_google_with_credentials_from_the_environment(
    emu: tuple[Emulator, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator, key_file = emu
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    result = CliRunner().invoke(cli, ["template", "--google", "--title", "Sales goals"])
    assert result.exit_code == 0, result.output + result.stderr
    _created(emulator, result.stdout, "Sales goals")


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
    _created(emulator, result.stdout, "Team goals")


def test_template_google_without_credentials_is_a_clear_error(
    emu: tuple[Emulator, Path],
) -> None:
    result = CliRunner().invoke(cli, ["template", "--google"])
    assert result.exit_code == 1
    assert "no Google credentials" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


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
    """It printed the key alone: nobody could open the sheet, and nothing said why."""
    _, key_file = emu
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    result = CliRunner().invoke(cli, ["template", "--google", "--title", "Sales goals"])
    assert result.exit_code == 0, result.output + result.stderr
    key = result.stdout.strip()
    email = json.loads(key_file.read_text())["client_email"]
    assert result.stderr == (
        f"note: Sales goals: https://docs.google.com/spreadsheets/d/{key}/edit belongs to "
        f"{email} and is shared with nobody: sharing needs the Drive scope "
        "https://www.googleapis.com/auth/drive.file (or .../auth/drive), and sheets-sync asks "
        "only for https://www.googleapis.com/auth/spreadsheets. Share it as Editor with a "
        f"script that holds that scope for this key (Drive permissions.create on {key}), or "
        f"import templates/team.xlsx into your own Drive and share that with {email} as "
        "Editor\n"
    )


def test_a_half_made_template_the_tool_may_not_delete_names_the_missing_scope(
    emu: tuple[Emulator, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tool asks only for the Sheets scope, so Drive refuses its delete (the emulator
    checks scopes as Google does): one line on stderr naming the scope, no traceback."""
    emulator, key_file = emu
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    emulator.faults.answer_endpoint(
        "spreadsheets.batchUpdate",
        400,
        {"error": {"code": 400, "message": "Invalid requests[0]", "status": "INVALID_ARGUMENT"}},
    )
    result = CliRunner().invoke(cli, ["template", "--google", "--title", "Sales goals"])
    assert result.exit_code == 1
    (key,) = emulator.state.spreadsheets
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert (
        f"could not be deleted (Google refused (key {key}): the token holds "
        "https://www.googleapis.com/auth/spreadsheets, not "
        "https://www.googleapis.com/auth/drive.file (or .../auth/drive), which this call "
        "needs): it belongs to"
    ) in result.stderr
    assert [r.status for r in emulator.log.requests if r.endpoint == "drive.files.delete"] == [403]
