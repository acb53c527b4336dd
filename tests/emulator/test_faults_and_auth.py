"""Fault injection, quota, request log, token endpoint and 401s."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

import pytest
import requests

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator


def _get(emulator: Emulator, path: str, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(emulator.url + path, headers=headers, timeout=5)


def test_missing_or_unknown_token_is_401(emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("t")
    missing = _get(emulator, f"/v4/spreadsheets/{key}")
    assert missing.status_code == 401
    assert missing.json()["error"]["status"] == "UNAUTHENTICATED"
    assert _get(emulator, f"/v4/spreadsheets/{key}", "bogus").status_code == 401


def _jwt(header: dict[str, str], claims: dict[str, object]) -> str:
    def enc(d: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return f"{enc(header)}.{enc(claims)}.c2ln"


def test_token_endpoint_checks_jwt(emulator: Emulator) -> None:
    now = int(time.time())
    claims = {
        "iss": "a@b.iam.gserviceaccount.com",
        "scope": "s",
        "aud": "x",
        "iat": now,
        "exp": now + 3600,
    }
    grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    ok = requests.post(
        emulator.url + "/token",
        data={"grant_type": grant, "assertion": _jwt({"alg": "RS256"}, claims)},
        timeout=5,
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["expires_in"] == 3600 and body["token_type"] == "Bearer"
    assert emulator.state.tokens[body["access_token"]] == "a@b.iam.gserviceaccount.com"
    bad_alg = requests.post(
        emulator.url + "/token",
        data={"grant_type": grant, "assertion": _jwt({"alg": "none"}, claims)},
        timeout=5,
    )
    assert bad_alg.status_code == 400 and bad_alg.json()["error"] == "invalid_grant"
    expired = dict(claims, exp=now - 10)
    assert (
        requests.post(
            emulator.url + "/token",
            data={"grant_type": grant, "assertion": _jwt({"alg": "RS256"}, expired)},
            timeout=5,
        ).status_code
        == 400
    )


def test_rate_limit_sliding_window(emulator: Emulator) -> None:
    token = emulator.issue_token()
    key = emulator.create_spreadsheet("t")
    emulator.faults.rate_limit_per_minute = 3
    codes = [_get(emulator, f"/v4/spreadsheets/{key}", token).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    last = _get(emulator, f"/v4/spreadsheets/{key}", token)
    assert last.headers["Retry-After"] == "1"
    assert last.json()["error"]["status"] == "RESOURCE_EXHAUSTED"


def test_reads_and_writes_have_a_quota_each(emulator: Emulator) -> None:
    """Google counts read and write requests on separate per-minute quotas: reads past the
    limit are refused while writes still pass, and the other way round. Drive requests
    count on neither (Google counts the Drive API on a quota of its own), nor does the
    token endpoint."""
    token = emulator.issue_token()
    headers = {"Authorization": f"Bearer {token}"}
    key = emulator.create_spreadsheet("t", {"Sheet1": [["a"]]})
    spare = emulator.create_spreadsheet("spare")
    base = f"{emulator.url}/v4/spreadsheets/{key}"
    emulator.faults.rate_limit_per_minute = 60

    title = {"updateSpreadsheetProperties": {"properties": {"title": "t"}, "fields": "title"}}

    def write() -> requests.Response:
        body = {"requests": [title]}
        return requests.post(f"{base}:batchUpdate", json=body, headers=headers, timeout=5)

    reads = [_get(emulator, f"/v4/spreadsheets/{key}", token).status_code for _ in range(61)]
    assert reads == [200] * 60 + [429]
    assert _get(emulator, f"/drive/v3/files/{key}", token).status_code == 200  # Drive's quota
    assert [write().status_code for _ in range(60)] == [200] * 60  # reads took no write's slot
    drive = requests.delete(f"{emulator.url}/drive/v3/files/{spare}", headers=headers, timeout=5)
    assert drive.status_code == 204  # past the 60th write: Drive's own quota
    refused = write()
    assert refused.status_code == 429
    assert refused.json()["error"]["message"] == WRITE_QUOTA
    assert _get(emulator, f"/v4/spreadsheets/{key}", token).json()["error"]["message"] == (
        READ_QUOTA
    )
    now = int(time.time())
    claims = {"iss": "a@b.iam.gserviceaccount.com", "scope": "s", "aud": "x", "iat": now,
              "exp": now + 3600}  # fmt: skip
    grant = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
             "assertion": _jwt({"alg": "RS256"}, claims)}  # fmt: skip
    exchange = requests.post(emulator.url + "/token", data=grant, timeout=5)
    assert exchange.status_code == 200  # the token endpoint is exempt from both
    assert emulator.log.counts["spreadsheets.batchUpdate"] == 61


def test_a_shorter_quota_window_frees_its_slots_sooner(emulator: Emulator) -> None:
    """The bench reaches the quota in seconds with a short window (its client's too).
    The windows' clock is a fake one that moves only here: on the real clock the three
    reads had to arrive within the 0.5 s window, which a loaded machine need not do."""
    token = emulator.issue_token()
    key = emulator.create_spreadsheet("t", {"Sheet1": [["a"]]})
    now = [1000.0]
    emulator.faults.clock = lambda: now[0]
    emulator.faults.rate_limit_per_minute = 2
    emulator.faults.rate_limit_window_s = 0.5
    reads = [_get(emulator, f"/v4/spreadsheets/{key}", token).status_code for _ in range(3)]
    assert reads == [200, 200, 429]
    now[0] += 0.4
    assert _get(emulator, f"/v4/spreadsheets/{key}", token).status_code == 429  # in the window
    now[0] += 0.2
    assert _get(emulator, f"/v4/spreadsheets/{key}", token).status_code == 200
    emulator.faults.reset()
    assert emulator.faults.rate_limit_window_s == 60.0
    assert emulator.faults.clock is time.monotonic


def test_fail_rate_mix_and_latency(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """The latency is the wait each request makes, recorded where it is asked for
    (``Faults.delay``) and where it waits: not timed (until 2026-12-07 an elapsed time
    of at least 0.05 s, which a request that waited nothing but ran slow passed too)."""
    token = emulator.issue_token()
    key = emulator.create_spreadsheet("t")
    emulator.faults.fail_rate = 1.0
    codes = {
        _get(emulator, f"/v4/spreadsheets/{key}/values/Sheet1", token).status_code
        for _ in range(30)
    }
    assert codes <= {429, 500, 503} and len(codes) >= 2
    emulator.faults.fail_rate = 0.0
    emulator.faults.latency_ms = 50
    asked: list[int] = []
    delay = emulator.faults.delay

    def recorded(ms: int, arrived: threading.Event | None = None) -> bool:
        asked.append(ms)
        return delay(ms, arrived)

    monkeypatch.setattr(emulator.faults, "delay", recorded)
    assert _get(emulator, f"/v4/spreadsheets/{key}/values/Sheet1", token).status_code == 200
    assert asked == [50]
    waits: list[float | None] = []

    class Generation(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout)
            return False  # not ended: the whole latency waited

    assert delay(50, Generation()) is True and waits == [0.05]


def test_log_counts_per_endpoint(emulator: Emulator) -> None:
    token = emulator.issue_token()
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    _get(emulator, f"/v4/spreadsheets/{key}/values:batchGet?ranges=OKRs!A1", token)
    _get(emulator, f"/v4/spreadsheets/{key}/values:batchGet?ranges=OKRs!A1", token)
    _get(emulator, f"/v4/spreadsheets/{key}", token)
    assert emulator.log.counts["values.batchGet"] == 2
    assert emulator.log.count("spreadsheets.get") == 1
    assert emulator.log.requests[-1].spreadsheet_id == key
    emulator.reset()
    assert emulator.log.count() == 0 and not emulator.state.spreadsheets


READ_QUOTA = (
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per "
    "user' of service 'sheets.googleapis.com'."
)
WRITE_QUOTA = (
    "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per "
    "user' of service 'sheets.googleapis.com'."
)


def test_quota_message_names_read_or_write_requests(emulator: Emulator) -> None:
    headers = {"Authorization": f"Bearer {emulator.issue_token()}"}
    key = emulator.create_spreadsheet("t")
    base = f"{emulator.url}/v4/spreadsheets/{key}"
    calls: list[tuple[str, str, dict[str, object] | None, str]] = [
        ("GET", "", None, READ_QUOTA),
        ("GET", "/values/Sheet1!A1", None, READ_QUOTA),
        ("GET", "/values:batchGet?ranges=Sheet1!A1", None, READ_QUOTA),
        ("POST", ":batchUpdate", {"requests": []}, WRITE_QUOTA),
        ("PUT", "/values/Sheet1!A1?valueInputOption=RAW", {"values": [[1]]}, WRITE_QUOTA),
        ("POST", "/values/Sheet1!A1:append?valueInputOption=RAW", {"values": [[1]]}, WRITE_QUOTA),
        ("POST", "/values/Sheet1!A1:clear", {}, WRITE_QUOTA),
        ("POST", "/values:batchUpdate", {"valueInputOption": "RAW", "data": []}, WRITE_QUOTA),
        ("POST", "/values:batchClear", {"ranges": ["Sheet1!A1"]}, WRITE_QUOTA),
    ]
    emulator.faults.throttle(key)
    for method, path, body, message in calls:
        resp = requests.request(method, base + path, json=body, headers=headers, timeout=5)
        assert resp.status_code == 429, (method, path)
        assert resp.json()["error"]["message"] == message, (method, path)
    emulator.faults.throttle(key, on=False)
    emulator.faults.rate_limit_per_minute = 0  # the sliding-window quota words it the same way
    for method, path, body, message in calls[:1] + calls[3:4]:
        resp = requests.request(method, base + path, json=body, headers=headers, timeout=5)
        assert resp.json()["error"]["message"] == message, (method, path)
    create = requests.post(f"{emulator.url}/v4/spreadsheets", json={}, headers=headers, timeout=5)
    assert create.json()["error"]["message"] == WRITE_QUOTA


def test_a_token_past_its_lifetime_is_401_and_scopes_are_recorded(emulator: Emulator) -> None:
    """Google's tokens stop working after ``expires_in``; the emulator's too, and it keeps
    the scopes the assertion asked for (what the API checks a request against)."""
    emulator.faults.token_lifetime_s = 1
    reply = _grant(emulator, "s1 s2")
    assert reply["expires_in"] == 1
    token = reply["access_token"]
    assert emulator.state.grants[token].scopes == {"s1", "s2"}
    key = emulator.create_spreadsheet("t")
    time.sleep(1.1)
    expired = _get(emulator, f"/v4/spreadsheets/{key}", token)
    assert expired.status_code == 401
    assert expired.json()["error"]["status"] == "UNAUTHENTICATED"


def _grant(emulator: Emulator, scope: str) -> dict[str, Any]:
    """The emulator's reply to a service account's token request for ``scope``."""
    now = int(time.time())
    claims = {"iss": "a@b.iam.gserviceaccount.com", "scope": scope, "aud": "x"}
    reply: dict[str, Any] = requests.post(
        emulator.url + "/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": _jwt({"alg": "RS256"}, dict(claims, iat=now, exp=now + 3600)),
        },
        timeout=5,
    ).json()
    return reply


def _token_for(emulator: Emulator, scope: str) -> str:
    token: str = _grant(emulator, scope)["access_token"]
    return token


AUTH = "https://www.googleapis.com/auth/"
SHEETS_SERVICE = "google.apps.sheets.v4.SpreadsheetsService."


def test_a_token_without_the_scope_a_call_needs_is_403_in_googles_shape(
    emulator: Emulator,
) -> None:
    key = emulator.create_spreadsheet("t")
    readonly = {"Authorization": f"Bearer {_token_for(emulator, AUTH + 'spreadsheets.readonly')}"}
    sheets = {"Authorization": f"Bearer {_token_for(emulator, AUTH + 'spreadsheets')}"}
    drive = {"Authorization": f"Bearer {_token_for(emulator, AUTH + 'drive.file')}"}
    url = f"{emulator.url}/v4/spreadsheets/{key}"
    assert requests.get(url, headers=readonly, timeout=5).status_code == 200
    refused = requests.post(
        url + ":batchUpdate", json={"requests": []}, headers=readonly, timeout=5
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "error": {
            "code": 403,
            "message": "Request had insufficient authentication scopes.",
            "status": "PERMISSION_DENIED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                    "domain": "googleapis.com",
                    "metadata": {
                        "service": "sheets.googleapis.com",
                        "method": SHEETS_SERVICE + "BatchUpdateSpreadsheet",
                    },
                }
            ],
        }
    }
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert key in emulator.state.spreadsheets
    delete = requests.delete(f"{emulator.url}/drive/v3/files/{key}", headers=sheets, timeout=5)
    assert delete.status_code == 403
    error = delete.json()["error"]
    assert error["errors"] == [
        {
            "message": "Insufficient Permission",
            "domain": "global",
            "reason": "insufficientPermissions",
        }
    ]
    assert error["status"] == "PERMISSION_DENIED"
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    assert error["details"][0]["metadata"]["service"] == "drive.googleapis.com"
    assert key in emulator.state.spreadsheets
    # a Drive scope may use the Sheets API too, and delete; drive.file only what its client
    # made (tests/emulator/test_drive_file_scope.py), not the sheet seeded here
    assert requests.get(url, headers=drive, timeout=5).status_code == 200
    kept = requests.delete(f"{emulator.url}/drive/v3/files/{key}", headers=drive, timeout=5)
    assert kept.status_code == 404 and key in emulator.state.spreadsheets
    made = requests.post(f"{emulator.url}/v4/spreadsheets", json={}, headers=drive, timeout=5)
    mine = made.json()["spreadsheetId"]
    gone = requests.delete(f"{emulator.url}/drive/v3/files/{mine}", headers=drive, timeout=5)
    assert gone.status_code == 204 and mine not in emulator.state.spreadsheets


def test_a_request_body_past_googles_10_mib_is_400_whatever_the_call(emulator: Emulator) -> None:
    """Google's front end refuses a body past 10,485,760 bytes with this 400, word for word
    as API users report it (jlolling/talendcomp_tGoogleSheet#1 for values.update,
    SCRT-HQ/PSGSuite#62, googleworkspace/dotnet-samples#23); a test lowers the limit to
    reach it with less. Until 2026-12-05 the emulator took any size, so a Google rollup of
    some 110 teams (its one batchUpdate 10 MB) passed here and failed at Google."""
    key = emulator.create_spreadsheet("t", {"Sheet1": [["x"]]})
    token = emulator.issue_token()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = f"{emulator.url}/v4/spreadsheets/{key}:batchUpdate"
    cell = {"userEnteredValue": {"stringValue": "x" * 1000}}
    rows = [{"values": [cell]} for _ in range(10_000)]
    update = {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0}, "rows": rows}
    big = json.dumps({"requests": [{"updateCells": {**update, "fields": "userEnteredValue"}}]})
    assert 10_485_760 < len(big) < 11_000_000
    reply = requests.post(url, data=big, headers=headers, timeout=30)
    message = "Request payload size exceeds the limit: 10485760 bytes."
    assert (reply.status_code, reply.json()) == (
        400,
        {
            "error": {
                "code": 400,
                "message": message,
                "errors": [{"message": message, "domain": "global", "reason": "badRequest"}],
                "status": "INVALID_ARGUMENT",
            }
        },
    )
    assert emulator.values(key, "Sheet1!A1") == [["x"]]  # nothing applied
    emulator.faults.max_payload_bytes = 1000
    one = {
        "start": update["start"],
        "rows": [{"values": [{"userEnteredValue": {"numberValue": 1}}]}],
    }
    small = {"requests": [{"updateCells": {**one, "fields": "userEnteredValue"}}]}
    reply = requests.post(url, data=json.dumps(small), headers=headers, timeout=5)
    assert reply.status_code == 200  # a short body passes
    reply = requests.put(
        f"{emulator.url}/v4/spreadsheets/{key}/values/Sheet1!A1?valueInputOption=RAW",
        data=json.dumps({"values": [["y" * 1000]]}),
        headers=headers,
        timeout=5,
    )
    assert reply.status_code == 400
    assert reply.json()["error"]["message"] == "Request payload size exceeds the limit: 1000 bytes."
    emulator.reset()
    assert emulator.faults.max_payload_bytes == 10_485_760


def test_replies_are_pretty_printed_unless_the_request_asks_prettyprint_false(
    emulator: Emulator,
) -> None:
    """As Google: indented JSON by default, compact with ``prettyPrint=false``, error
    replies too; the same document either way."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["a", 1]]})
    token = emulator.issue_token()
    pretty = _get(emulator, f"/v4/spreadsheets/{key}?includeGridData=true", token)
    compact = _get(emulator, f"/v4/spreadsheets/{key}?includeGridData=true&prettyPrint=false",
                   token)  # fmt: skip
    assert pretty.status_code == compact.status_code == 200
    assert pretty.content.startswith(b'{\n  "') and b"\n" not in compact.content
    assert compact.json() == pretty.json()
    assert len(compact.content) < len(pretty.content) * 0.6
    missing = _get(emulator, "/v4/spreadsheets/nope?prettyPrint=false", token)
    assert missing.status_code == 404 and b"\n" not in missing.content
    assert b"\n" in _get(emulator, "/v4/spreadsheets/nope?prettyPrint=true", token).content


def test_a_reply_is_gzipped_only_for_a_user_agent_that_says_gzip(emulator: Emulator) -> None:
    """Google's rule (its APIs' performance guide): ``Accept-Encoding: gzip`` and a
    User-Agent containing ``gzip``; requests sends the first, not the second."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["a", 1]]})
    headers = {"Authorization": f"Bearer {emulator.issue_token()}"}
    url = f"{emulator.url}/v4/spreadsheets/{key}?includeGridData=true"
    plain = requests.get(url, headers=headers, timeout=5)
    asked = requests.get(url, headers={**headers, "User-Agent": "my program (gzip)"}, timeout=5)
    assert "Content-Encoding" not in plain.headers
    assert asked.headers["Content-Encoding"] == "gzip"
    assert asked.json() == plain.json()  # requests decompresses it
    assert [r.gzipped for r in emulator.log.requests] == [False, True]


def test_a_hanging_token_endpoint_ends_unlogged_at_reset(emulator: Emulator) -> None:
    """A test hangs the token endpoint past its budgets; the reset after it ends the hang,
    so the next test neither waits for it nor finds its exchange in its own log."""
    import threading

    emulator.faults.token_latency_ms = 600_000
    ended: list[BaseException | int] = []

    def exchange() -> None:
        try:
            ended.append(requests.post(emulator.url + "/token", data={}, timeout=120).status_code)
        except requests.RequestException as exc:  # the emulator closed the connection
            ended.append(exc)

    thread = threading.Thread(target=exchange)
    thread.start()
    while not _token_waiting(emulator):  # the request is in its hang
        assert thread.is_alive(), ended
        time.sleep(0.01)
    emulator.reset()
    thread.join(timeout=60)
    assert not thread.is_alive() and len(ended) == 1
    assert not isinstance(ended[0], int)  # no answer: the hang was cut, not served
    assert emulator.log.requests == []


def _token_waiting(emulator: Emulator) -> bool:
    """Whether a token request is in its hang (someone waits on the release event)."""
    return bool(emulator.faults._release._cond._waiters)  # type: ignore[attr-defined]
