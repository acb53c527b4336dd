"""Tell someone when the unattended nightly run needs a human.

A notification goes out only when a team failed or a KR turned Off track since the
team's last alerted night (``history_alerts.py``); a quiet night sends nothing, so
alerts keep meaning something.
Delivery never raises: a broken hook is reported as a problem string and must not turn
a good sync into a failed one. The command hook is run by ``hook.py``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import Status
from sheets_sync.domain.shown import shown_or_none
from sheets_sync.domain.values import without_lone_surrogates
from sheets_sync.loggers import get_logger
from sheets_sync.ops.hook import STDERR_KEPT, run_command  # STDERR_KEPT re-exported (__all__)
from sheets_sync.sync.outcome import first_runs, mapping_where, same_mapping_error

if TYPE_CHECKING:  # engine imports ops; at run time only annotations need it
    import requests

    from sheets_sync.sync.engine import SyncResult

__all__ = [
    "NOTIFICATION_VERSION",
    "STDERR_KEPT",
    "WEBHOOK_THREAD",
    "notification",
    "send",
    "turned_off_track",
    "turned_off_track_by_team",
]

T = TypeVar("T")
NOTIFICATION_VERSION = 1
_OFF = Status.OFF_TRACK.value
#: the thread a webhook POST runs in (``_within``)
WEBHOOK_THREAD = "sheets-sync-webhook"
log = get_logger("sheets_sync.ops")


def turned_off_track(
    result: SyncResult, previous: Mapping[tuple[str, str], str]
) -> list[dict[str, Any]]:
    """KRs Off track now that were not Off track in ``previous`` (team, KR id -> status):
    ``turned_off_track_by_team`` for the flat form ``previous_kr_status`` gives."""
    by_team: dict[str, dict[str, str]] = {}
    for (team, kr_id), status in previous.items():
        by_team.setdefault(team, {})[kr_id] = status
    return turned_off_track_by_team(result, by_team)


def turned_off_track_by_team(
    result: SyncResult, previous: Mapping[str, Mapping[str, str]]
) -> list[dict[str, Any]]:
    """KRs Off track now that were not Off track in ``previous`` (team -> KR id -> status,
    as ``HistoryStore.alert_baseline`` gives).

    A KR new to a team that has history counts (it starts Off track); a team with no
    history at all does not, so the very first run sets a baseline instead of alerting
    on everything. Keys match case-insensitively; a team's KR ids are case-folded only
    when one is not found as it is (a night's rerun holds every team's KRs). A team is
    its first listing, named as the history names it (``first_runs``): until 2026-12-07
    a result listing a team twice alerted from a listing the history and rollup leave
    out, or twice for one KR."""
    teams: dict[str, Mapping[str, str]] = {}
    for name, statuses in previous.items():  # names that differ only in case: one team
        key = name.casefold()
        teams[key] = {**teams[key], **statuses} if key in teams else statuses
    turned: list[dict[str, Any]] = []
    for run in first_runs(result.runs):
        krs = teams.get(run.team.casefold())
        if krs is None:
            continue
        folded: list[dict[str, str]] = []
        packed = run.packed  # its Off track KRs are known without unpacking it
        known = packed.off_track if packed is not None else None
        if known is not None and all(_was(krs, kr_id, folded) == _OFF for kr_id in known):
            continue
        team = run.result  # unpacks a packed one (``TeamRun.result``): known teams only
        if team is None:
            continue
        for objective in team.objectives:
            for kr in objective.key_results:
                if kr.status is not Status.OFF_TRACK:
                    continue
                was = _was(krs, kr.kr.id, folded)
                if was == _OFF:
                    continue
                turned.append(
                    {
                        "team": run.team,
                        "objective_id": objective.objective.id,
                        "objective": objective.objective.title,
                        "kr_id": kr.kr.id,
                        "description": kr.kr.description,
                        "owner": kr.kr.owner,
                        "previous_status": was,
                        "status": kr.status.value,
                        # the digits Excel shows: 0.6, not 0.6000000000000001
                        "score": shown_or_none(kr.score),
                        "progress": shown_or_none(kr.progress),
                        "expected": shown_or_none(kr.expected),
                    }
                )
    return turned


def _was(krs: Mapping[str, str], kr_id: str, folded: list[dict[str, str]]) -> str | None:
    """The KR's status last night; its id compared as ``id_key`` compares IDs only when
    not found as it is (``folded`` holds the team's statuses so keyed once made): a
    baseline keyed ``KR1`` names tonight's ``ＫＲ１`` (the sheet's reader wrote full-width
    IDs plain for a day, 2026-12-06, and one keyed ``ＫＲ１`` named no ``KR1``)."""
    was = krs.get(kr_id)
    if was is None:
        if not folded:
            folded.append({id_key(k): s for k, s in krs.items()})
        was = folded[0].get(id_key(kr_id))
    return was


def _summary(
    company: str,
    as_of: str,
    failed: list[dict[str, Any]],
    turned: list[Any],
    results_error: str | None = None,
) -> str:
    lines = [f"sheets-sync {company} {as_of}:"]
    if failed:
        lines.append(f"{len(failed)} team(s) failed:")
        lines += [
            f"- {f['team']}: {error}" for f, error in zip(failed, _shown(failed), strict=True)
        ]
    if turned:
        lines.append(f"{len(turned)} key result(s) turned Off track:")
        lines += [
            f"- {t['team']} {t['kr_id']} {t.get('description') or ''}".rstrip()
            + f" (was {t.get('previous_status') or 'new'})"
            for t in turned
        ]
    if results_error:  # a shard's: its teams are written, the merge will miss them
        lines.append(results_error)
    return "\n".join(lines)


def _shown(failed: list[dict[str, Any]]) -> list[object]:
    """The failed teams' errors as ``text`` tells them: a mapping that did not load whole
    once, at its first team, then ``the same mapping error as Sales (above)``, as the
    console does (``console.shown_errors``): 200 teams on a broken ``default_mapping`` were
    200 long lines (until 2026-12-06). ``failed_teams`` keeps each error whole."""
    first: dict[str, str] = {}  # a mapping's problems -> the first team with them
    shown: list[object] = []
    for f in failed:
        error = f["error"]
        if isinstance(error, str) and (found := _mapping_error(error)):
            error = same_mapping_error(first, str(f["team"]), *found) or error
        shown.append(error)
    return shown


def _mapping_error(error: str) -> tuple[str, str] | None:
    """(where, problems) of a team's error that is its mapping's: the workspace file's
    name, then ``TeamSpec.mapping_error`` (``outcome.mapping_where``, the console's
    parser too); None for another error. The name may hold ": " itself (``okrs: q4.yaml``:
    until 2026-12-07 its teams' one mapping error was told once a team), so each ": " is
    tried, the first that leaves a mapping error's form taken."""
    at = error.find(": ")
    while at >= 0:
        if (found := mapping_where(error[at + 2 :])) is not None:
            return f"{error[:at]}: {found[0]}", found[1]
        at = error.find(": ", at + 2)
    return None


def _first_listings(teams: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Each team's first listing in the report, as ``outcome.first_runs`` has it for the
    rollup, the history and the alerts (a lone surrogate as U+FFFD): until 2026-12-07 a
    failed later listing of a team listed twice was named in ``failed_teams``."""
    seen: set[object] = set()
    for t in teams:
        name = t.get("team")
        key = without_lone_surrogates(name) if isinstance(name, str) else name
        if key not in seen:
            seen.add(key)
            yield t


def notification(report: Mapping[str, Any], turned: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON to send for a run report (``sync.report.run_report``), or None when no
    team failed and nothing turned Off track. ``text`` is a ready-to-post summary (Slack
    and Teams incoming webhooks show it as is)."""
    failed = [
        {"team": t.get("team"), "source": t.get("source"), "error": t.get("error")}
        for t in _first_listings(report.get("teams", []))
        if t.get("outcome") == "failed"
    ]
    if not failed and not turned:
        return None
    company, as_of = str(report.get("company", "")), str(report.get("as_of", ""))
    return {
        "notification_version": NOTIFICATION_VERSION,
        "kind": "sheets-sync.sync",
        "company": company,
        "period": report.get("period"),
        "as_of": as_of,
        "generated_at": report.get("generated_at"),
        # the report's, every listing counted: a failed later listing of a team listed
        # twice is in outcomes, not in failed_teams (docs/operations.md says so)
        "totals": report.get("totals", {}),
        "failed_teams": failed,
        "turned_off_track": list(turned),
        "results_error": report.get("results_error"),
        # as in the report: a payload says a team left the rollup (it did not, until
        # 2026-12-07); it sends no notification of its own
        "teams_gone": report.get("teams_gone"),
        "text": _summary(company, as_of, failed, turned, report.get("results_error")),
    }


def _where(url: str) -> str:
    """A webhook URL without path or query: those often hold the secret (Slack, Teams)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # "http://[oops": the configuration check refuses it too
        return "webhook"
    return f"{parts.scheme}://{host}" if host else "webhook"


def _post(url: str, body: bytes, timeout: float, retry_delay: float) -> str | None:
    import requests  # here, not at import: ~0.1 s of every start, for nights that post

    where = _where(url)
    problem = ""
    for attempt in (1, 2):
        try:
            response = _post_once(url, body, timeout)
        except (requests.Timeout, TimeoutError):
            problem = f"no answer within {timeout:g} s"
        except requests.RequestException as exc:
            problem = f"cannot connect ({type(exc).__name__})"
        else:
            if response.status_code < 300:
                return None
            problem = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break  # the request itself is wrong; the same again will not help
        if attempt == 1:
            time.sleep(retry_delay)
    return f"notify webhook {where}: {problem}"


def _post_once(url: str, body: bytes, timeout: float) -> requests.Response:
    """One POST, bounded as a whole (``_within``), in a session of its own: its
    connections are shut if it is given up on."""
    import requests

    with requests.Session() as session:
        opened = _track_connections(session)
        return _within(
            timeout,
            lambda: session.post(
                url,
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=timeout,
                allow_redirects=False,
            ),
            give_up=lambda: _shut(opened),
        )


def _track_connections(session: Any) -> list[Any]:
    """The connections ``session`` opens, listed as each is made: one given up on is
    shut from outside (``_shut``), as closing the session closes only idle ones."""
    from requests.adapters import HTTPAdapter
    from urllib3 import HTTPConnectionPool, HTTPSConnectionPool

    opened: list[Any] = []

    def tracked(base: type[Any]) -> type[Any]:
        class Pool(base):  # type: ignore[misc]  # a base of type Any: urllib3's pool, one hook more
            def _new_conn(self) -> Any:
                conn = super()._new_conn()
                opened.append(conn)
                return conn

        return Pool

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {
                "http": tracked(HTTPConnectionPool),
                "https": tracked(HTTPSConnectionPool),
            }

    for scheme in ("http://", "https://"):
        session.mount(scheme, Adapter())
    return opened


def _shut(opened: list[Any]) -> None:
    """Shut the sockets of ``opened``: a read blocked on one returns at once (closing it
    from another thread would not wake it), and the request's thread ends."""
    for conn in list(opened):
        sock = getattr(conn, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _within(seconds: float, call: Callable[[], T], give_up: Callable[[], None]) -> T:
    """``call()`` in a thread of its own, waited for ``seconds`` at most (``TimeoutError``
    then): requests' timeout bounds each read of the socket, not the answer, and a server
    that sent its reply a header every few seconds held the night, and its workspace
    lock, for good. The wait is on a plain lock, which a stop signal interrupts.

    A request given up on is ended by ``give_up`` (its connection shut), waited for
    ``max(seconds, 5)`` at most: left running while the server trickled, it was one more
    thread in the process, and a library caller's next sync saw it
    (``workers._other_threads``) and synced without worker processes."""
    done = threading.Lock()
    done.acquire()
    answer: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            answer.append(call())
        except BaseException as exc:  # handed to the waiting thread, which raises it
            failed.append(exc)
        finally:
            done.release()

    thread = threading.Thread(target=run, name=WEBHOOK_THREAD, daemon=True)
    thread.start()
    if not done.acquire(timeout=seconds + 1):  # requests' own timeouts say it first
        deadline = time.monotonic() + max(seconds, 5)
        while thread.is_alive() and time.monotonic() < deadline:
            give_up()  # again: a connection made since (the connect is bounded)
            thread.join(0.1)
        raise TimeoutError
    thread.join(1)  # returning: gone before a next run counts this process's threads
    if failed:
        raise failed[0]
    return answer[0]


def send(
    payload: Mapping[str, Any],
    *,
    command: str | None,
    webhook: str | None,
    timeout: float = 10,
    retry_delay: float = 1.0,
) -> list[str]:
    """Deliver ``payload`` as JSON: on the command's stdin (no shell) and/or POSTed to
    the webhook (one retry on timeouts, 429 and 5xx). Returns the problems; never raises."""
    body = json.dumps(payload, default=str).encode("utf-8")
    problems: list[str] = []
    if command:
        problem = run_command(command, body, timeout)
        if problem:
            problems.append(problem)
    if webhook:
        problem = _post(webhook, body, timeout, retry_delay)
        if problem:
            problems.append(problem)
    return problems
