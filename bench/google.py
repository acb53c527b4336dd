"""The Google path through the local emulator: API requests per team, quota-bound wall time
(Google's quotas: 60 read and 60 write requests a minute per user, counted apart).

Teams are the same generated workbooks, loaded into emulator spreadsheets as values
(formulas are not carried over; the request count does not depend on them). Runs in the
bench process itself: the emulator serves from a background thread.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.generate import AS_OF, PERIOD_END, PERIOD_START, write_team

PROJECT_N = (50, 200, 500, 2000)
#: Google's default quotas: 60 read and 60 write requests a minute per user, counted apart
GOOGLE_PER_MINUTE = 60
#: The quota run's quota, emulator's and client's: 10 reads and 10 writes a 10 s window,
#: Google's rate (60 a minute) with a sixth of its first burst, time scaled 6:1. The
#: default 40 changed teams (40 reads, 40 writes) then pass the window's free requests
#: and wait for the quota, in about 30 s. At Google's 60 a minute they fit the first
#: minute and measured no quota; reaching it there would take 120 teams and over a minute.
QUOTA_PER_WINDOW = 10
QUOTA_WINDOW_S = 10.0
#: The quota run's default changed teams (``--quota-teams``)
QUOTA_TEAMS = 40


def quota_seconds(
    reads: float, writes: float, per_window: int = GOOGLE_PER_MINUTE, window: float = 60.0
) -> float:
    """Wall time the quotas impose on a night of ``reads`` and ``writes`` requests: each
    quota lets its first ``per_window`` requests through at once (a sliding window that
    starts empty), then ``per_window`` a window; the busier quota sets the pace, the other
    keeps up beside it. A lower bound: the compute of a night that is not quota-bound
    (few teams) takes longer than this."""
    over = max(0.0, reads - per_window, writes - per_window)
    return window * over / per_window


def projection(
    kinds_changed: dict[str, float],
    kinds_unchanged: dict[str, float],
    rollup_writes: dict[int, int],
) -> list[tuple[int, float, float]]:
    """(N, seconds all changed, seconds none changed) at Google's quotas: the teams'
    requests by kind, and the rollup's after them (1 read, its batches on the write
    quota)."""

    def night(kinds: dict[str, float], n: int) -> float:
        reads = kinds.get("read", 0.0) * n + 1
        writes = kinds.get("write", 0.0) * n + rollup_writes[n]
        return quota_seconds(reads, writes)

    return [(n, night(kinds_changed, n), night(kinds_unchanged, n)) for n in PROJECT_N]


def _sheets(seed: int) -> dict[str, list[list[Any]]]:
    import python_calamine as pc

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.xlsx"
        write_team(path, seed)
        with pc.CalamineWorkbook.from_path(str(path)) as book:
            out = {}
            for tab in ("OKRs", "KPIs"):
                rows = book.get_sheet_by_name(tab).to_python()
                out[tab] = [
                    [v.isoformat()[:10] if isinstance(v, dt.date | dt.datetime) else v for v in r]
                    for r in rows
                ]
    return out


def _workspace(folder: Path, host: str, keys: list[str], rpm: int, rollup: str | None) -> Path:
    from sheets_sync.backends.gsheets.transport import fake_service_account_info

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sa.json").write_text(json.dumps(fake_service_account_info(host)))
    settings = {"credentials": "sa.json", "requests_per_minute": rpm, "concurrency": 4,
                "max_attempts": 5, "max_retry_seconds": 60}  # fmt: skip
    teams = "\n".join(f"  - {{name: G{i:04d}, source: 'gsheet:{k}'}}" for i, k in enumerate(keys))
    cfg = folder / "sheets-sync.yaml"
    cfg.write_text(
        "company: Bench Corp\n"
        f"period: {{name: 2026-Q4, start: {PERIOD_START}, end: {PERIOD_END}}}\n"
        f"teams:\n{teams}\n"
        f"google: {json.dumps(settings)}\n"
        + (f"rollup: {{output: 'gsheet:{rollup}'}}\n" if rollup else ""),
        encoding="utf-8",
    )
    return cfg


def _sheets_api(request: Any) -> bool:
    """A Sheets API request (its quotas); Drive's (the sync's version checks since
    2026-12-07) are on Drive's own quota and counted apart (``_drive_per_key``)."""
    return not str(request.endpoint).startswith("drive.")


def _per_key(emu: Any, keys: list[str]) -> tuple[float, str]:
    mine = [r for r in emu.log.requests if r.spreadsheet_id in set(keys) and _sheets_api(r)]
    endpoints = Counter(r.endpoint for r in mine)
    per_team = len(mine) / max(len(keys), 1)
    return per_team, ", ".join(f"{k} x{v}" for k, v in sorted(endpoints.items()))


def _drive_per_key(emu: Any, keys: list[str]) -> float:
    """Drive calls per team: the check of each sheet's version (``gsheets/guard.py``)."""
    mine = [r for r in emu.log.requests if r.spreadsheet_id in set(keys) and not _sheets_api(r)]
    return len(mine) / max(len(keys), 1)


def _per_kind(emu: Any, keys: list[str]) -> dict[str, float]:
    """Read and write requests per team, as the client's limiter counts them: Google
    keeps a quota for each."""
    from sheets_sync.backends.gsheets.ratelimit import READ, WRITE, quota_kind

    kinds = Counter(
        quota_kind(r.method, r.path) for r in emu.log.requests if r.spreadsheet_id in set(keys)
    )
    return {kind: kinds[kind] / max(len(keys), 1) for kind in (READ, WRITE)}


def rollup_plan(body: dict[str, Any], teams: int, n: int) -> list[int]:
    """Bytes of each batchUpdate that publishes the rollup of ``n`` teams like the measured
    ``teams``: every tab's data rows repeated in proportion (the last tab, the data
    dictionary, keeps its size), cut into batches by the code that publishes it."""
    from sheets_sync.backends.gsheets import staging
    from sheets_sync.backends.gsheets.rollup import place_tabs, rollup_requests

    cells = [r["updateCells"]["rows"] for r in body["requests"] if "updateCells" in r]
    tabs = []
    for i, rows in enumerate(cells):
        values = [r.get("values", []) for r in rows]
        data = values[1:]
        if i < len(cells) - 1 and data:
            data = [data[j % len(data)] for j in range(round(len(data) * n / max(teams, 1)))]
        tabs.append((f"tab {i}", values[:1] + data, 1))
    existing = {f"tab {i}": i + 1 for i in range(len(tabs))}
    placed = place_tabs(tabs, existing)
    single = {"requests": rollup_requests(placed)}
    if staging.size(single) <= staging.BATCH_BYTES:
        return [staging.size(single)]
    batches = staging.staged_batches(placed, [], set(existing.values()))
    return [staging.size({"requests": b}) for b in batches]


def bench_google(folder: Path, teams: int, quota_teams: int, log: Any) -> dict[str, Any]:
    try:
        from sheets_sync.backends.gsheets.clients import clear_clients, use_emulator
        from sheets_sync.config import load_workspace
        from sheets_sync.emulator import run_emulator
        from sheets_sync.sync.engine import Sync, SyncOptions
    except ImportError as exc:
        return {"skipped": f"the Google backend is not importable ({exc})"}
    try:
        with run_emulator() as emu, use_emulator(emu.host):
            sheets = [_sheets(i) for i in range(max(teams, quota_teams))]
            keys = [
                emu.create_spreadsheet(f"team {i}", sheets[i], value_input="RAW")
                for i in range(teams)
            ]
            out_key = emu.create_spreadsheet("company rollup", {"Sheet1": [["x"]]})
            cfg = _workspace(folder / "plain", emu.host, keys, 6000, out_key)
            options = SyncOptions(as_of=AS_OF)
            emu.log.clear()
            t0 = time.perf_counter()
            first = Sync(load_workspace(cfg)).run(options)
            changed_s = time.perf_counter() - t0
            outcomes1 = Counter(r.outcome.value for r in first.runs)
            per_changed, ep_changed = _per_key(emu, keys)
            drive_changed = _drive_per_key(emu, keys)
            kinds_changed = _per_kind(emu, keys)
            rollup_requests = sum(1 for r in emu.log.requests if r.spreadsheet_id == out_key)
            # one batchUpdate while it fits 8 MiB (Google refuses a body past 10 MiB): its
            # size a team says how many teams one request holds, and what N teams take
            written = [
                r.body
                for r in emu.log.requests
                if r.spreadsheet_id == out_key and r.endpoint == "spreadsheets.batchUpdate"
            ]
            rollup_bytes = max((len(json.dumps(b).encode("utf-8")) for b in written), default=0)
            plans = {n: rollup_plan(written[0], teams, n) for n in PROJECT_N} if written else {}
            log(f"google: first night {outcomes1}, {per_changed:.2f} requests/team")
            emu.log.clear()
            t0 = time.perf_counter()
            second = Sync(load_workspace(cfg)).run(options)
            unchanged_s = time.perf_counter() - t0
            outcomes2 = Counter(r.outcome.value for r in second.runs)
            per_unchanged, ep_unchanged = _per_key(emu, keys)
            drive_unchanged = _drive_per_key(emu, keys)
            kinds_unchanged = _per_kind(emu, keys)
            log(f"google: next night {outcomes2}, {per_unchanged:.2f} requests/team")
            result: dict[str, Any] = {
                "teams": teams,
                "outcomes_changed": dict(outcomes1),
                "outcomes_unchanged": dict(outcomes2),
                "per_team_changed": per_changed,
                "per_team_unchanged": per_unchanged,
                "drive_per_team_changed": drive_changed,
                "drive_per_team_unchanged": drive_unchanged,
                "per_team_kinds_changed": kinds_changed,
                "per_team_kinds_unchanged": kinds_unchanged,
                "changed_endpoints": ep_changed,
                "unchanged_endpoints": ep_unchanged,
                "rollup_requests": rollup_requests,
                "rollup_bytes": rollup_bytes,
                "rollup_plans": {str(n): plan for n, plan in plans.items()},
                "changed_seconds": changed_s,
                "unchanged_seconds": unchanged_s,
            }
            if quota_teams > 0:
                qkeys = [
                    emu.create_spreadsheet(f"quota team {i}", sheets[i], value_input="RAW")
                    for i in range(quota_teams)
                ]
                qcfg = _workspace(folder / "quota", emu.host, qkeys, QUOTA_PER_WINDOW, None)
                emu.faults.rate_limit_per_minute = QUOTA_PER_WINDOW
                emu.faults.rate_limit_window_s = QUOTA_WINDOW_S
                emu.log.clear()
                clear_clients()
                # the client's window as the emulator's (not a setting of the workspace file)
                qws = replace(load_workspace(qcfg), google_quota_window=QUOTA_WINDOW_S)
                t0 = time.perf_counter()
                run = Sync(qws).run(SyncOptions(as_of=AS_OF, rollup=False))
                seconds = time.perf_counter() - t0
                emu.faults.rate_limit_per_minute = None
                emu.faults.rate_limit_window_s = 60.0
                sent = [r for r in emu.log.requests if r.spreadsheet_id in set(qkeys)]
                drive = [r for r in sent if not _sheets_api(r)]
                sent = [r for r in sent if _sheets_api(r)]
                reads, writes = (kinds_changed[k] * quota_teams for k in ("read", "write"))
                result["quota"] = {
                    "teams": quota_teams,
                    "per_window": QUOTA_PER_WINDOW,
                    "window": QUOTA_WINDOW_S,
                    "seconds": seconds,
                    "requests": len(sent),
                    "drive_requests": len(drive),
                    # what the projection's model says this run's quota imposes
                    "model_seconds": quota_seconds(reads, writes, QUOTA_PER_WINDOW, QUOTA_WINDOW_S),
                    "throttled": sum(1 for r in emu.log.requests if r.status == 429),
                    "outcomes": dict(Counter(r.outcome.value for r in run.runs)),
                    # seconds the threads were held by our limiter, summed over threads
                    "waited": sum(q.waited for q in run.google_limiters),
                }
                log(f"google: quota run {result['quota']}")
            # The rollup follows the teams: 1 read and its batches (they grow with N once
            # it is staged), on the write quota.
            rollup_writes = {
                n: len(plans[n]) if plans else max(rollup_requests - 1, 0) for n in PROJECT_N
            }
            result["projection"] = projection(kinds_changed, kinds_unchanged, rollup_writes)
            return result
    except Exception as exc:  # the Google backend is still being finished elsewhere
        log(f"google: skipped ({type(exc).__name__}: {exc})")
        return {"skipped": f"{type(exc).__name__}: {exc}"}
