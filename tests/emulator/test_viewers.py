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
    # the copy kept the source's viewers, so it was read-only to its own maker (until
    # 2026-12-06): Google's copy keeps none of the source's shares
    assert copied.viewers == []
    write = requests.put(
        f"{emulator.url}/v4/spreadsheets/{copied.spreadsheet_id}/values/OKRs!A1"
        "?valueInputOption=RAW",
        json={"values": [["mine"]]},
        headers=_headers(emulator),
        timeout=30,
    )
    assert write.status_code == 200, write.text


def test_a_copy_leaves_its_source_unmodified(emulator: Emulator, key: str) -> None:
    """A copy set the source's modifiedTime, as a write would (until 2026-12-06)."""
    source = emulator.state.spreadsheets[key]
    source.modified_time = "2020-01-01T00:00:00.000Z"
    response = requests.post(
        f"{emulator.url}/drive/v3/files/{key}/copy",
        json={"name": "mine"},
        headers=_headers(emulator),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert source.modified_time == "2020-01-01T00:00:00.000Z"


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


def _share(emulator: Emulator, key: str, role: str, email: str, as_: str) -> None:
    requests.post(
        f"{emulator.url}/drive/v3/files/{key}/permissions",
        json={"type": "user", "role": role, "emailAddress": email},
        headers={"Authorization": f"Bearer {emulator.issue_token(as_)}"},
        timeout=30,
    ).raise_for_status()


def _write(emulator: Emulator, key: str) -> int:
    return requests.put(
        f"{emulator.url}/v4/spreadsheets/{key}/values/OKRs!A1?valueInputOption=RAW",
        json={"values": [["z"]]},
        headers=_headers(emulator),
        timeout=30,
    ).status_code


def test_a_reader_share_demotes_an_editor(emulator: Emulator) -> None:
    """Drive keeps one permission per user: an editor shared again as commenter kept its
    edit access, and the list called every viewer a reader (until 2026-12-06)."""
    owner = "someone@example.com"
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]}, owner=owner, shared_with=[VIEWER])
    assert _write(emulator, key) == 200
    _share(emulator, key, "commenter", VIEWER, owner)
    assert _write(emulator, key) == 403
    listed = requests.get(
        f"{emulator.url}/drive/v3/files/{key}/permissions",
        headers={"Authorization": f"Bearer {emulator.issue_token(owner)}"},
        timeout=30,
    ).json()["permissions"]
    assert [(p["emailAddress"], p["role"]) for p in listed if p["role"] != "owner"] == [
        (VIEWER, "commenter")
    ]
    _share(emulator, key, "reader", VIEWER, owner)  # one permission: now a reader
    assert emulator.state.spreadsheets[key].commenters == []
    _share(emulator, key, "writer", VIEWER, owner)
    assert _write(emulator, key) == 200


def test_a_reader_share_on_an_open_sheet_leaves_its_access(emulator: Emulator) -> None:
    """A sheet every caller may edit (``shared_with`` None) stays so for the email shared
    as reader: it was made read-only to it (until 2026-12-06)."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    _share(emulator, key, "commenter", VIEWER, "x@example.com")
    assert _write(emulator, key) == 200
