"""Notifications: what turned Off track, when to send, and real delivery (HTTP + command)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.ops.history import HistoryStore
from sheets_sync.ops.notify import (
    WEBHOOK_THREAD,
    notification,
    send,
    turned_off_track,
    turned_off_track_by_team,
)
from sheets_sync.sync.report import run_report
from sheets_sync.sync.team_rows import kept_run, packed_run
from sheets_sync.sync.workers import _other_threads
from tests.ops.conftest import MakeResult

D1, D2 = dt.date(2026, 11, 14), dt.date(2026, 11, 15)


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers with the queued status codes."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []
        self.statuses: list[int] = []
        #: cleared, each answer waits for it (set again on close; 60 s at most): a client's
        #: timeout meets a server that is not there yet however slow the machine, where a
        #: fixed delay raced the client's timer
        self.answer = threading.Event()
        self.answer.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.bodies.append(json.loads(body))
                receiver.answer.wait(60)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/SECRET-TOKEN"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.answer.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def test_turned_off_track_compares_with_the_previous_snapshot(make_result: MakeResult) -> None:
    result = make_result({"Sales": {"KR1": 0, "KR2": 0, "KR3": 0, "KR4": 60}, "Ops": {"KR1": 0}})
    previous = {
        ("sales", "kr1"): "On track",  # case-insensitive keys
        ("Sales", "KR2"): "Off track",  # already Off track: not news
        ("Sales", "KR4"): "On track",
    }
    turned = turned_off_track(result, previous)
    assert [(t["team"], t["kr_id"], t["previous_status"]) for t in turned] == [
        ("Sales", "KR1", "On track"),
        ("Sales", "KR3", None),  # new KR of a team with history
    ]  # Ops has no history at all: its first run is the baseline
    assert turned[0]["status"] == "Off track" and turned[0]["objective_id"] == "O1"
    assert turned_off_track(result, {}) == []
    # the by-team form a night uses gives the same, names and ids matched in any case
    by_team = {"sales": {"kr1": "On track"}, "Sales": {"KR2": "Off track", "KR4": "On track"}}
    assert turned_off_track_by_team(result, by_team) == turned


def test_packed_results_give_the_same_alerts_unpacked_only_where_one_turned(
    make_result: MakeResult,
) -> None:
    result = make_result({"Sales": {"KR1": 0, "KR2": 0, "KR3": 60}, "Ops": {"KR1": 0}})
    packed = [kept_run(packed_run(r, result.context, None, digest=False)) for r in result.runs]
    # Ops's only Off track KR was Off track already: its result need not be unpacked (a
    # damaged pickle shows it is not); the ids match in any case, as unpacked
    ops = packed[1].packed
    assert ops is not None and ops.off_track == ("KR1",)
    packed[1] = dataclasses.replace(packed[1], held=dataclasses.replace(ops, result=b"x"))
    night = dataclasses.replace(result, runs=tuple(packed))
    sales = dataclasses.replace(result, runs=result.runs[:1])
    for previous, turned in (
        ({"Sales": {"KR1": "Off track", "KR2": "On track"}, "Ops": {"KR1": "Off track"}}, ["KR2"]),
        ({"sales": {"kr1": "Off track", "kr2": "Off track"}, "OPS": {"kr1": "Off track"}}, []),
    ):
        want = turned_off_track_by_team(sales, previous)
        assert turned_off_track_by_team(night, previous) == want
        assert [t["kr_id"] for t in want] == turned
    assert [t["kr_id"] for t in turned_off_track_by_team(night, {"Sales": {}})] == ["KR1", "KR2"]


def test_turned_off_track_with_the_history_store(tmp_path: Path, make_result: MakeResult) -> None:
    store = HistoryStore(tmp_path / "h.sqlite")
    store.record(make_result({"Sales": {"KR1": 60, "KR2": 0}}, D1))
    now = make_result({"Sales": {"KR1": 0, "KR2": 0}}, D2)
    turned = turned_off_track(now, store.previous_kr_status(D2))
    assert [t["kr_id"] for t in turned] == ["KR1"]


def test_no_notification_on_a_quiet_night(make_result: MakeResult) -> None:
    assert notification(run_report(make_result({"Sales": {"KR1": 60}})), []) is None


def test_the_notification_carries_the_teams_gone(make_result: MakeResult) -> None:
    """As the run report has them (null: not looked for); a team gone sends none."""
    failed = run_report(make_result({"Ops": None}))
    assert failed["teams_gone"] is None
    payload = notification(failed, [])
    assert payload is not None and "teams_gone" in payload
    assert payload["teams_gone"] is None
    payload = notification({**failed, "teams_gone": ["People"]}, [])
    assert payload is not None and payload["teams_gone"] == ["People"]
    quiet = run_report(make_result({"Sales": {"KR1": 60}}))
    assert notification({**quiet, "teams_gone": ["People"]}, []) is None


def test_notification_names_failures_and_turned_krs(make_result: MakeResult) -> None:
    result = make_result({"Sales": {"KR1": 0}, "Ops": None})
    turned = turned_off_track(result, {("Sales", "KR1"): "At risk"})
    payload = notification(run_report(result), turned)
    assert payload is not None
    assert payload["failed_teams"] == [
        {"team": "Ops", "source": "Ops.xlsx", "error": "cannot read"}
    ]
    assert [t["kr_id"] for t in payload["turned_off_track"]] == ["KR1"]
    assert payload["as_of"] == "2026-11-15" and payload["company"] == "Acme"
    assert "Ops: cannot read" in payload["text"] and "Sales KR1" in payload["text"]
    json.dumps(payload)  # JSON-ready
    only_failed = notification(run_report(make_result({"Ops": None})), [])
    assert only_failed is not None and only_failed["turned_off_track"] == []


def test_a_mapping_error_many_teams_share_is_told_once_in_the_text() -> None:
    """As on the console: whole at its first team, then a short line per team (200 teams
    on a broken default_mapping were 200 long lines until 2026-12-06); ``failed_teams``
    keeps each error whole, for a program."""
    problems = "mine.yaml: kpis.requried: unknown key (did you mean 'required'?)"
    errors = {
        "Sales": f"sheets-sync.yaml: teams[0].mapping: {problems}",
        "Ops": f"sheets-sync.yaml: teams[1].mapping: {problems}",
        "Web": "web.xlsx: file not found",
        "a": f"sheets-sync.yaml: default_mapping: {problems}",
        "b": f"sheets-sync.yaml: default_mapping: {problems}",
        "Legal": "sheets-sync.yaml: teams[3].mapping: mapping 'nope' not found",
    }
    teams = [
        {"team": t, "source": f"{t}.xlsx", "outcome": "failed", "error": e}
        for t, e in errors.items()
    ]
    payload = notification({"company": "Acme", "as_of": "2026-11-23", "teams": teams}, [])
    assert payload is not None
    assert [t["error"] for t in payload["failed_teams"]] == list(errors.values())
    assert payload["text"].splitlines() == [
        "sheets-sync Acme 2026-11-23:",
        "6 team(s) failed:",
        f"- Sales: sheets-sync.yaml: teams[0].mapping: {problems}",
        "- Ops: sheets-sync.yaml: teams[1].mapping: the same mapping error as Sales (above)",
        "- Web: web.xlsx: file not found",
        "- a: sheets-sync.yaml: default_mapping: the same mapping error as Sales (above)",
        "- b: sheets-sync.yaml: default_mapping: the same mapping error as Sales (above)",
        "- Legal: sheets-sync.yaml: teams[3].mapping: mapping 'nope' not found",
    ]


def test_a_mapping_error_with_its_line_is_told_once_too() -> None:
    """A mapping's error names the line of the key that names the mapping (since
    2026-12-07, review 3): ``sheets-sync.yaml: line 5: teams[1].mapping: ...``, folded as
    one without (a results file of an earlier version)."""
    problems = "mine.yaml: line 4: okrs.layout: should be 'rows' or 'objective_blocks'"
    errors = {
        "Sales": f"sheets-sync.yaml: line 4: teams[0].mapping: {problems}",
        "Ops": f"sheets-sync.yaml: line 5: teams[1].mapping: {problems}",
        "a": f"sheets-sync.yaml: line 7: default_mapping: {problems}",
        "b": f"sheets-sync.yaml: teams[3].mapping: {problems}",
    }
    teams = [
        {"team": t, "source": f"{t}.xlsx", "outcome": "failed", "error": e}
        for t, e in errors.items()
    ]
    payload = notification({"company": "Acme", "as_of": "2026-11-23", "teams": teams}, [])
    assert payload is not None
    assert payload["text"].splitlines()[2:] == [
        f"- Sales: sheets-sync.yaml: line 4: teams[0].mapping: {problems}",
        "- Ops: sheets-sync.yaml: line 5: teams[1].mapping: the same mapping error as Sales "
        "(above)",
        "- a: sheets-sync.yaml: line 7: default_mapping: the same mapping error as Sales (above)",
        "- b: sheets-sync.yaml: teams[3].mapping: the same mapping error as Sales (above)",
    ]


def test_a_team_listed_twice_is_its_first_listing() -> None:
    """As the rollup, the history and the alerts have it (``outcome.first_runs``): until
    2026-12-07 a failed later listing of a team whose first listing synced was named in
    ``failed_teams`` and the text, a failure no other part of the night showed. Two names
    that are one once a lone surrogate is U+FFFD are one team too."""

    def team(name: str, error: str | None) -> dict[str, object]:
        outcome = "failed" if error else "ok"
        return {"team": name, "source": "s.xlsx", "outcome": outcome, "error": error}

    report = {"company": "Acme", "as_of": "2026-11-23"}
    later = [team("Sales", None), team("Sales", "s.xlsx: file not found")]
    assert notification({**report, "teams": later}, []) is None
    first = [
        team("Ops", "o.xlsx: file not found"),
        team("Ops", None),
        team("Ops", "o.xlsx: locked"),
        team("\udcc9quipe", None),
        team("\ufffdquipe", "e.xlsx: file not found"),
    ]
    payload = notification({**report, "teams": first}, [])
    assert payload is not None
    assert payload["failed_teams"] == [
        {"team": "Ops", "source": "s.xlsx", "error": "o.xlsx: file not found"}
    ]
    said = payload["text"].splitlines()[1:]
    assert said == ["1 team(s) failed:", "- Ops: o.xlsx: file not found"]


def test_webhook_receives_the_json(receiver: Receiver) -> None:
    assert send({"text": "hi"}, command=None, webhook=receiver.url) == []
    assert receiver.bodies == [{"text": "hi"}]


def test_webhook_retries_once_on_a_server_error(receiver: Receiver) -> None:
    receiver.statuses = [503, 200]
    assert send({"n": 1}, command=None, webhook=receiver.url, retry_delay=0) == []
    assert len(receiver.bodies) == 2


def test_webhook_failure_is_reported_without_the_secret(receiver: Receiver) -> None:
    receiver.statuses = [500, 502]
    problems = send({"n": 1}, command=None, webhook=receiver.url, retry_delay=0)
    assert problems == ["notify webhook http://127.0.0.1: HTTP 502"]
    assert "SECRET" not in problems[0]
    receiver.statuses = [404]
    assert send({}, command=None, webhook=receiver.url, retry_delay=0) == [
        "notify webhook http://127.0.0.1: HTTP 404"
    ]
    assert len(receiver.bodies) == 3  # a 4xx is not retried


def test_webhook_timeout_is_bounded(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    """The receiver answers only once ``send`` is back: a 0.6 s delay was answered before
    the client's 0.2 s timeout fired on a loaded machine (1 run in 3 under CPU stalls).
    Each attempt is bounded by the timeout given, recorded where it is handed to
    requests and to the whole answer's wait (``_within``), not measured: an elapsed
    bound (30 s, until 2026-12-07) told a slow machine from a hang, not the timeout."""
    import requests

    from sheets_sync.ops import notify

    posted: list[object] = []
    waited: list[float] = []
    post, within = requests.Session.post, notify._within

    def recorded_post(self: requests.Session, *args: Any, **kwargs: Any) -> Any:
        posted.append(kwargs.get("timeout"))
        return post(self, *args, **kwargs)

    def recorded_within(seconds: float, *args: Any, **kwargs: Any) -> Any:
        waited.append(seconds)
        return within(seconds, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "post", recorded_post)
    monkeypatch.setattr(notify, "_within", recorded_within)
    receiver.answer.clear()
    problems: list[list[str]] = []
    done = threading.Event()

    def deliver() -> None:
        problems.append(send({}, command=None, webhook=receiver.url, timeout=0.2, retry_delay=0))
        done.set()

    threading.Thread(target=deliver, daemon=True).start()
    # a hang guard: the receiver holds each attempt 60 s, a run bounded by 0.2 s does not
    assert done.wait(100), "send() waited for the receiver's answer"
    receiver.answer.set()
    assert problems == [["notify webhook http://127.0.0.1: no answer within 0.2 s"]]
    assert posted == [0.2, 0.2] and waited == [0.2, 0.2]  # two attempts, each bounded


@contextlib.contextmanager
def trickling_server() -> Iterator[str]:
    """A webhook URL whose server sends a reply's headers, then its body a byte every
    0.2 s to each connection until the block ends (or the client goes)."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            while not stop.wait(0.2):
                conn.sendall(b".")

    threads: list[threading.Thread] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while not stop.is_set():
                conn, _ = listener.accept()
                threads.append(threading.Thread(target=trickle, args=(conn,), daemon=True))
                threads[-1].start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    finally:
        stop.set()
        with contextlib.suppress(OSError):  # wakes the accept: a close would not
            socket.create_connection(listener.getsockname(), timeout=30).close()
        acceptor.join(30)
        listener.close()
        for thread in threads:  # gone before the next test counts this process's threads
            thread.join(30)
        assert not acceptor.is_alive() and not any(t.is_alive() for t in threads)


def test_a_webhook_that_trickles_its_answer_is_given_up_on() -> None:
    """requests' timeout bounds each read of the socket: a server sending its reply a
    byte every 0.2 s never let one time out, and the night (holding the workspace lock)
    waited for good. Now the whole answer is bounded."""
    problems: list[list[str]] = []
    done = threading.Event()
    with trickling_server() as url:

        def deliver() -> None:
            problems.append(send({}, command=None, webhook=url, timeout=0.5, retry_delay=0))
            done.set()

        threading.Thread(target=deliver, daemon=True).start()
        assert done.wait(30), "send() still waits for the trickled answer"
    assert problems == [["notify webhook http://127.0.0.1: no answer within 0.5 s"]]


def test_a_webhook_given_up_on_leaves_no_thread_behind() -> None:
    """Each request given up on was left to its thread, its socket open while the server
    trickled: a library caller's next sync saw those threads (``_other_threads``) and
    synced without worker processes. Its connection is shut now, and the thread ends."""
    with trickling_server() as url:  # still trickling as the threads are counted
        problems = send({}, command=None, webhook=url, timeout=0.5, retry_delay=0)
        assert problems == ["notify webhook http://127.0.0.1: no answer within 0.5 s"]
        deadline = time.monotonic() + 30  # only a thread left running reaches it
        while WEBHOOK_THREAD in _other_threads() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert WEBHOOK_THREAD not in _other_threads()


def test_unreachable_webhook() -> None:
    problems = send({}, command=None, webhook="http://127.0.0.1:9/x", timeout=1, retry_delay=0)
    assert problems == ["notify webhook http://127.0.0.1: cannot connect (ConnectionError)"]


def test_command_gets_the_json_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "got it.json"  # a space: the command is split like a shell would
    script = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_bytes(sys.stdin.buffer.read())"
    command = f"{sys.executable} -c '{script}' '{out}'"
    assert send({"text": "hi; rm -rf /"}, command=command, webhook=None) == []
    assert json.loads(out.read_text()) == {"text": "hi; rm -rf /"}


def test_command_problems_never_raise(tmp_path: Path, receiver: Receiver) -> None:
    fail = f"{sys.executable} -c 'import sys; sys.exit(\"hook broke\")'"
    assert send({}, command=fail, webhook=None) == [
        f"notify command {sys.executable!r} exited with 1: hook broke"
    ]
    assert send({}, command="/no/such/hook", webhook=None) == [
        "notify command '/no/such/hook': not found"
    ]
    assert send({}, command="echo 'unclosed", webhook=None)[0].startswith(
        'notify command "echo \'unclosed": cannot parse'
    )
    slow = f"{sys.executable} -c 'import time; time.sleep(5)'"
    assert "stopped" in send({}, command=slow, webhook=None, timeout=0.3)[0]
    # both channels are tried even when the first one fails
    problems = send({"n": 1}, command="/no/such/hook", webhook=receiver.url)
    assert len(problems) == 1 and receiver.bodies == [{"n": 1}]


def test_a_webhook_no_parser_takes_is_a_problem_not_a_traceback() -> None:
    """`http://[oops/hook` passed `config check`, then raised ValueError from urlsplit
    after every team was written. send() reports it; the configuration refuses it."""
    problems = send({"text": "x"}, command=None, webhook="http://[oops/hook", timeout=1)
    assert problems == ["notify webhook webhook: cannot connect (InvalidURL)"]


@pytest.mark.parametrize("url", ["http://[oops/hook", "hooks.example/x", "ftp://host/x"])
def test_the_configuration_refuses_a_webhook_that_is_no_http_url(workspace: Path, url: str) -> None:
    from sheets_sync.config import load_workspace
    from sheets_sync.errors import ConfigError

    workspace.write_text(workspace.read_text() + f'notify: {{webhook: "{url}"}}\n')
    with pytest.raises(ConfigError) as info:
        load_workspace(workspace)
    assert info.value.problems == [
        "sheets-sync.yaml: line 7: notify: webhook must be an http(s) URL, such as "
        "https://hooks.example/..."
    ]


def test_the_notification_shows_numbers_with_the_digits_excel_shows(
    make_result: MakeResult,
) -> None:
    """Mid-period a key result is expected at 45/91 of the way, 0.4945054945054945 in
    the payload (and a chat bot's message built from it) until 2026-12-06."""
    result = make_result({"Sales": {"KR1": 7}})
    turned = turned_off_track(result, {("Sales", "KR1"): "At risk"})
    payload = notification(run_report(result), turned)
    assert payload is not None
    [kr] = payload["turned_off_track"]
    assert (kr["score"], kr["progress"], kr["expected"]) == (0.07, 0.07, 0.494505494505495)
    assert '"expected": 0.494505494505495}' in json.dumps(payload)
