"""The Google team template: same tabs and headers as the spec; the standard mapping reads it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sheets_sync.backends.gsheets.auth import SCOPES
from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.backends.gsheets.template import DRIVE_SCOPE, create_google_template
from sheets_sync.emulator import Emulator
from sheets_sync.errors import RemoteError
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.template.spec import DATA_ROWS, TEMPLATE

pytestmark = pytest.mark.emulator


def test_template_renders_the_spec_in_two_calls(
    emulator: Emulator, client: Any, api_requests: Any
) -> None:
    key = create_google_template(client, "Team template")
    assert [r.endpoint for r in api_requests()] == [
        "spreadsheets.create",
        "spreadsheets.batchUpdate",
    ]
    book = emulator.state.spreadsheets[key]
    assert [s.title for s in book.sheets] == list(TEMPLATE.tab_names)
    assert book.sheets[0].grid.get("frozenRowCount") == 1
    assert emulator.values(key, "OKRs!A1:U1") == [list(TEMPLATE.okrs.headers)]
    assert emulator.values(key, "KPIs!A1:S1") == [list(TEMPLATE.kpis.headers)]
    okr = TEMPLATE.okrs
    type_col = chr(65 + [c.field for c in okr.columns].index("objective_type"))
    rule = emulator.cell(key, f"OKRs!{type_col}5")["dataValidation"]
    last = DATA_ROWS + 1  # as far as the Excel template's dropdowns reach
    assert emulator.cell(key, f"OKRs!{type_col}{last}")["dataValidation"] == rule
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == [
        "committed",
        "aspirational",
    ]
    score_col = chr(65 + [c.field for c in okr.columns].index("score"))
    fmt = emulator.cell_format(key, f"OKRs!{score_col}7")
    assert fmt["numberFormat"]["pattern"] == "0.00" and "backgroundColor" in fmt
    due_col = chr(65 + [c.field for c in okr.columns].index("due"))
    assert emulator.cell_format(key, f"OKRs!{due_col}2")["numberFormat"]["type"] == "DATE"


def test_standard_mapping_reads_the_google_template(emulator: Emulator, client: Any) -> None:
    key = create_google_template(client, "Team template")
    mapping = load_mapping("standard")
    data = GoogleSheetsBackend(client, key).read(["OKRs", "KPIs"])
    found = extract(data, mapping)
    assert found.okrs.layout.tab == "OKRs"
    assert found.kpis is not None and found.kpis.layout.tab == "KPIs"


UNAVAILABLE = {
    "error": {
        "code": 503,
        "message": "The service is currently unavailable.",
        "status": "UNAVAILABLE",
    }
}
UNAVAILABLE_TEXT = "503 UNAVAILABLE The service is currently unavailable."


def _spent(text: str) -> str:
    found = re.search(r" in ([0-9.]+) s ", text)
    assert found, text
    return found.group(1)


INSUFFICIENT_SCOPES = {
    "error": {
        "code": 403,
        "message": "Request had insufficient authentication scopes.",
        "errors": [
            {
                "message": "Insufficient Permission",
                "domain": "global",
                "reason": "insufficientPermissions",
            }
        ],
        "status": "PERMISSION_DENIED",
    }
}


def test_a_template_whose_write_gives_up_is_deleted_and_says_so(
    emulator: Emulator, make_client: Any, api_requests: Any
) -> None:
    """It said "will retry next run" (a template is made once, by hand) and left the
    half-made spreadsheet in the service account's Drive. Deleting needs a Drive scope
    (the emulator checks scopes as Google does): a token that holds one."""
    emulator.faults.answer_endpoint("spreadsheets.batchUpdate", 503, UNAVAILABLE)
    client = make_client(
        RetryPolicy(max_attempts=2, max_seconds=5.0, base_delay=0.01),
        scopes=[SCOPES[0], DRIVE_SCOPE],
    )
    with pytest.raises(RemoteError) as info:
        create_google_template(client, "Sales goals")
    (key,) = [r.spreadsheet_id for r in api_requests() if r.endpoint == "drive.files.delete"]
    spent = _spent(str(info.value))
    assert str(info.value) == (
        "Sales goals: the template could not be completed (template: gave up after 2 attempts "
        f"in {spent} s (last error: {UNAVAILABLE_TEXT})); the incomplete spreadsheet {key} was "
        "deleted: run the command again"
    )
    assert key not in emulator.state.spreadsheets


def test_a_half_made_template_that_cannot_be_deleted_is_named(
    emulator: Emulator, make_client: Any
) -> None:
    emulator.faults.answer_endpoint("spreadsheets.batchUpdate", 503, UNAVAILABLE)
    emulator.faults.answer_endpoint("drive.files.delete", 403, INSUFFICIENT_SCOPES)
    client = make_client(RetryPolicy(max_attempts=1, max_seconds=5.0))
    with pytest.raises(RemoteError) as info:
        create_google_template(client, "Sales goals")
    (key,) = emulator.state.spreadsheets
    assert str(info.value) == (
        f"Sales goals: the template spreadsheet https://docs.google.com/spreadsheets/d/{key}/edit "
        "was created but is incomplete (template: gave up after 1 attempt in "
        f"{_spent(str(info.value))} s (last error: {UNAVAILABLE_TEXT})), and "
        "could not be deleted (Google refused (key "
        f"{key}): Request had insufficient authentication scopes.): it belongs to "
        f"{client.email}; delete it with a tool that holds the Drive scope for this key, or "
        "leave it (nobody else can open it), and run the command again"
    )


DRIVE_OFF = (
    "Google Drive API has not been used in project 123456789012 before or it is disabled. "
    "Enable it by visiting https://console.developers.google.com/apis/api/drive.googleapis.com/"
    "overview?project=123456789012 then retry. If you enabled this API recently, wait a few "
    "minutes for the action to propagate to our systems and retry."
)
ACTIVATE = "https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=123456789012"
#: Drive v3's 403 for an API not enabled in the caller's Cloud project: the legacy
#: ``errors`` list (usageLimits / accessNotConfigured) and the ErrorInfo SERVICE_DISABLED
DRIVE_DISABLED = {
    "error": {
        "code": 403,
        "message": DRIVE_OFF,
        "errors": [
            {
                "message": DRIVE_OFF,
                "domain": "usageLimits",
                "reason": "accessNotConfigured",
                "extendedHelp": "https://console.developers.google.com",
            }
        ],
        "status": "PERMISSION_DENIED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "SERVICE_DISABLED",
                "domain": "googleapis.com",
                "metadata": {
                    "consumer": "projects/123456789012",
                    "service": "drive.googleapis.com",
                    "serviceTitle": "Google Drive API",
                    "activationUrl": ACTIVATE,
                    "containerInfo": "123456789012",
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": DRIVE_OFF,
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {"description": "Google developers console API activation", "url": ACTIVATE}
                ],
            },
        ],
    }
}


@pytest.mark.parametrize("body", ["full", "legacy"])
def test_a_half_made_template_with_the_drive_api_off_says_to_enable_it(
    emulator: Emulator, make_client: Any, body: str
) -> None:
    """Google refuses the delete when the Drive API is not enabled in the key's Cloud
    project, whatever the scopes: the message said to find a tool with the Drive scope."""
    reply: dict[str, Any] = DRIVE_DISABLED
    if body == "legacy":  # Drive's older body: the errors list alone, no status or details
        error = DRIVE_DISABLED["error"]
        reply = {"error": {k: error[k] for k in ("code", "message", "errors")}}
    emulator.faults.answer_endpoint("spreadsheets.batchUpdate", 503, UNAVAILABLE)
    emulator.faults.answer_endpoint("drive.files.delete", 403, reply)
    client = make_client(
        RetryPolicy(max_attempts=1, max_seconds=5.0), scopes=[SCOPES[0], DRIVE_SCOPE]
    )
    with pytest.raises(RemoteError) as info:
        create_google_template(client, "Sales goals")
    (key,) = emulator.state.spreadsheets
    url = ACTIVATE if body == "full" else "https://console.developers.google.com"
    assert str(info.value) == (
        f"Sales goals: the template spreadsheet https://docs.google.com/spreadsheets/d/{key}/edit "
        "was created but is incomplete (template: gave up after 1 attempt in "
        f"{_spent(str(info.value))} s (last error: {UNAVAILABLE_TEXT})), and could not be "
        f"deleted: the Google Drive API is not enabled in the Cloud project of {client.email}; "
        f"enable it ({url}) so that sheets-sync can delete what it leaves half-made, delete "
        f"this one by hand (Drive files.delete on {key} with this key) or leave it (nobody "
        "else can open it), and run the command again"
    )
