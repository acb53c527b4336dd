"""A spreadsheet's ``viewers`` (shared as Viewer or Commenter): they read it and get
Google's 403 on every path that changes it, the Drive v2 CSV import included; a copy is
their own; a share as writer makes them editors; the permissions list shows them."""

from __future__ import annotations

import pytest
import requests

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator
VIEWER = "viewer@emulator-project.iam.gserviceaccount.com"


@pytest.fixture
def key(emulator: Emulator) -> str:
    key = emulator.create_spreadsheet(
        "team", {"OKRs": [["a", "b"], [1, 2]]}, owner="someone@example.com", shared_with=[]
    )
    emulator.state.spreadsheets[key].viewers.append(VIEWER)
    return key


def _headers(emulator: Emulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.issue_token(VIEWER)}"}


def test_a_viewer_may_not_import_a_csv_over_the_sheet(emulator: Emulator, key: str) -> None:
    """``PUT /upload/drive/v2/files/KEY`` replaced a viewer's sheet: the check found no
    spreadsheet id in that path (until 2026-12-06)."""
    response = requests.put(
        f"{emulator.url}/upload/drive/v2/files/{key}?uploadType=media&convert=true",
        data=b"x,y\n3,4\n",
        headers={**_headers(emulator), "Content-Type": "text/csv"},
        timeout=30,
    )
    assert response.status_code == 403, response.text
    assert [s.title for s in emulator.state.spreadsheets[key].sheets] == ["OKRs"]


def test_a_viewer_may_copy_the_sheet(emulator: Emulator, key: str) -> None:
    response = requests.post(
        f"{emulator.url}/drive/v3/files/{key}/copy",
        json={"name": "mine"},
        headers=_headers(emulator),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    copied = emulator.state.spreadsheets[response.json()["id"]]
    assert copied.title == "mine" and copied.can_access(VIEWER)


def test_sharing_a_viewer_as_writer_lets_it_write(emulator: Emulator, key: str) -> None:
    owner = {"Authorization": f"Bearer {emulator.issue_token('someone@example.com')}"}
    book = emulator.state.spreadsheets[key]
    url = f"{emulator.url}/v4/spreadsheets/{key}/values/OKRs!A1?valueInputOption=RAW"
    write = {"values": [["z"]]}
    assert requests.put(url, json=write, headers=_headers(emulator), timeout=30).status_code == 403
    listed = requests.get(
        f"{emulator.url}/drive/v3/files/{key}/permissions", headers=owner, timeout=30
    ).json()["permissions"]
    assert {(p["emailAddress"], p["role"]) for p in listed} >= {(VIEWER, "reader")}
    shared = requests.post(
        f"{emulator.url}/drive/v3/files/{key}/permissions",
        json={"type": "user", "role": "writer", "emailAddress": VIEWER},
        headers=owner,
        timeout=30,
    )
    assert shared.status_code == 200, shared.text
    assert book.viewers == [] and VIEWER in (book.shared_with or [])
    assert requests.put(url, json=write, headers=_headers(emulator), timeout=30).status_code == 200


def test_sharing_as_reader_makes_a_viewer_not_an_editor(emulator: Emulator, key: str) -> None:
    """A share as reader (or commenter) gave write access (until 2026-12-06)."""
    other = "reader@emulator-project.iam.gserviceaccount.com"
    owner = {"Authorization": f"Bearer {emulator.issue_token('someone@example.com')}"}
    requests.post(
        f"{emulator.url}/drive/v3/files/{key}/permissions",
        json={"type": "user", "role": "commenter", "emailAddress": other},
        headers=owner,
        timeout=30,
    ).raise_for_status()
    theirs = {"Authorization": f"Bearer {emulator.issue_token(other)}"}
    base = f"{emulator.url}/v4/spreadsheets/{key}"
    assert requests.get(base, headers=theirs, timeout=30).status_code == 200
    response = requests.post(
        f"{base}:batchUpdate", json={"requests": []}, headers=theirs, timeout=30
    )
    assert response.status_code == 403
