"""A reset ends the requests of the test before it: their hangs end, unanswered and
unlogged, even for a request the server accepted before the reset and handled only after
it (a loaded machine that scheduled the handler's thread late)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import requests

from sheets_sync.emulator import Emulator
from sheets_sync.emulator import server as emulator_server

pytestmark = pytest.mark.emulator

HANG_MS = 600_000  # past any join below: only a reset ends it


def _in_background(send: Callable[[], requests.Response]) -> tuple[threading.Thread, list[object]]:
    """Send in a thread; ``ended`` gets the status code, or the error when unanswered."""
    ended: list[object] = []

    def run() -> None:
        try:
            ended.append(send().status_code)
        except requests.RequestException as exc:  # the emulator closed the connection
            ended.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, ended


def _token(emulator: Emulator) -> requests.Response:
    return requests.post(emulator.url + "/token", data={}, timeout=120)


def _read(emulator: Emulator, key: str, token: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{emulator.url}/v4/spreadsheets/{key}", headers=headers, timeout=120)


def _waiting(emulator: Emulator) -> bool:
    """Whether a request is in its hang (someone waits on the generation's event)."""
    return bool(emulator.faults.generation()._cond._waiters)  # type: ignore[attr-defined]


@pytest.mark.parametrize("next_test_hangs", [True, False], ids=["next-hangs", "next-does-not"])
@pytest.mark.parametrize("endpoint", ["token", "api"])
def test_a_request_accepted_before_a_reset_and_handled_after_it_ends_unlogged(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, endpoint: str, next_test_hangs: bool
) -> None:
    """The handler is held until the reset between two tests is done. Before, it then
    waited on the next test's hang (till that test's own reset), or, when the next test
    set none, was answered and logged in the next test's log."""
    token = emulator.issue_token()
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    entered, gate = threading.Event(), threading.Event()
    handle = emulator_server._Handler._handle

    def late(self: emulator_server._Handler, method: str) -> None:
        entered.set()  # accepted: the handler's thread runs
        assert gate.wait(60)
        handle(self, method)

    monkeypatch.setattr(emulator_server._Handler, "_handle", late)
    emulator.faults.token_latency_ms = emulator.faults.latency_ms = HANG_MS
    send = (
        (lambda: _token(emulator)) if endpoint == "token" else (lambda: _read(emulator, key, token))
    )
    thread, ended = _in_background(send)
    assert entered.wait(60)
    emulator.reset()  # this test's teardown and the next one's setup
    token = emulator.issue_token()
    if next_test_hangs:
        emulator.faults.token_latency_ms = emulator.faults.latency_ms = HANG_MS
    gate.set()
    thread.join(timeout=30)
    assert not thread.is_alive(), "waits on the next test's hang"
    assert len(ended) == 1 and not isinstance(ended[0], int), ended  # no answer
    assert emulator.log.requests == []


def test_a_reset_ends_an_api_requests_latency_unanswered_and_unlogged(
    emulator: Emulator,
) -> None:
    """``latency_ms`` hangs end at the reset like the token endpoint's: a test may hang the
    API for a minute without the next test waiting for it or finding it in its log."""
    token = emulator.issue_token()
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    emulator.faults.latency_ms = HANG_MS
    thread, ended = _in_background(lambda: _read(emulator, key, token))
    while not _waiting(emulator):  # the request is in its hang
        assert thread.is_alive(), ended
        thread.join(0.01)
    emulator.reset()
    thread.join(timeout=60)
    assert not thread.is_alive() and len(ended) == 1
    assert not isinstance(ended[0], int), ended  # the hang was cut, not served
    assert emulator.log.requests == []


def test_a_kept_alive_connection_serves_the_next_test(emulator: Emulator) -> None:
    """Only a connection's first request is of the generation it was accepted in: a
    client's pooled connection that idled across a reset serves the next test's request."""
    with requests.Session() as session:
        assert session.post(emulator.url + "/token", data={}, timeout=30).status_code == 400
        emulator.reset()
        again = session.post(emulator.url + "/token", data={}, timeout=30)
    assert again.status_code == 400  # answered on the same connection, and logged
    assert [(r.endpoint, r.status) for r in emulator.log.requests] == [("token", 400)]
