"""``drive.file`` is per-file access: through the Drive API a token whose only Drive scope
it is reaches the files its client created, and gets Google's 404 ``notFound`` for any
other (until 2026-12-05 the emulator let it reach every file)."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
import requests
from google.oauth2.service_account import Credentials

from sheets_sync.backends.gsheets.transport import emulator_http_client, fake_service_account_info
from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator
AUTH = "https://www.googleapis.com/auth/"
PER_FILE = [AUTH + "spreadsheets", AUTH + "drive.file"]  # what ``template --google`` asks


@pytest.fixture(scope="module")
def other_info(sa_info: dict[str, Any]) -> dict[str, Any]:
    """A second service account (another client) on the same emulator."""
    host = sa_info["token_uri"].removeprefix("http://").removesuffix("/token")
    return fake_service_account_info(host, "other-app@emulator-project.iam.gserviceaccount.com")


def _client(emulator: Emulator, info: dict[str, Any], scopes: list[str]) -> gspread.Client:
    creds = Credentials.from_service_account_info(info, scopes=scopes)  # type: ignore[no-untyped-call]
    return gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))


def _not_found(key: str) -> dict[str, Any]:
    message = f"File not found: {key}."
    return {
        "code": 404,
        "message": message,
        "errors": [
            {
                "message": message,
                "domain": "global",
                "reason": "notFound",
                "location": "fileId",
                "locationType": "parameter",
            }
        ],
    }


def _bearer(client: gspread.Client) -> dict[str, str]:
    return {"Authorization": f"Bearer {client.http_client.auth.token}"}


def test_a_drive_file_token_cannot_delete_a_sheet_another_client_made(
    emulator: Emulator, sa_info: dict[str, Any], other_info: dict[str, Any]
) -> None:
    mine = _client(emulator, sa_info, PER_FILE)
    theirs = _client(emulator, other_info, PER_FILE)
    key = theirs.create("theirs").id
    mine.create("mine")  # asks for a token, which the raw calls below reuse
    with pytest.raises(gspread.exceptions.APIError) as refused:
        mine.del_spreadsheet(key)
    assert refused.value.response.status_code == 404
    assert refused.value.response.json()["error"] == _not_found(key)
    assert key in emulator.state.spreadsheets
    files = f"{emulator.url}/drive/v3/files/{key}"
    for method, url in [("GET", files), ("GET", files + "/permissions")]:
        reply = requests.request(method, url, headers=_bearer(mine), timeout=5)
        assert (reply.status_code, reply.json()["error"]) == (404, _not_found(key))
    shared = requests.post(
        files + "/permissions",
        json={"type": "user", "role": "writer", "emailAddress": "x@example.com"},
        headers=_bearer(mine),
        timeout=5,
    )
    assert shared.status_code == 404
    assert [f["name"] for f in mine.list_spreadsheet_files()] == ["mine"]
    theirs.del_spreadsheet(key)  # its own client may
    assert key not in emulator.state.spreadsheets


def test_a_drive_file_token_reaches_what_its_client_made_or_copied(
    emulator: Emulator, sa_info: dict[str, Any]
) -> None:
    gc = _client(emulator, sa_info, PER_FILE)
    made = gc.create("made")
    copied = gc.copy(made.id, title="copied", copy_permissions=False)
    assert copied.id in emulator.state.spreadsheets
    gc.del_spreadsheet(copied.id)
    gc.del_spreadsheet(made.id)
    assert emulator.state.spreadsheets == {}


def test_a_sheet_the_account_did_not_make_needs_the_full_drive_scope(
    emulator: Emulator, sa_info: dict[str, Any]
) -> None:
    """A sheet a user made (here: seeded through the test API) is out of ``drive.file``'s
    reach even for the Sheets-shared account; ``drive`` reaches it."""
    key = emulator.create_spreadsheet("a user's")
    with pytest.raises(gspread.exceptions.APIError) as refused:
        _client(emulator, sa_info, PER_FILE).del_spreadsheet(key)
    assert refused.value.response.status_code == 404
    _client(emulator, sa_info, [AUTH + "spreadsheets", AUTH + "drive"]).del_spreadsheet(key)
    assert key not in emulator.state.spreadsheets
