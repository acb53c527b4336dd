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
from pathlib import Path
from typing import Any

from bench.generate import AS_OF, PERIOD_END, PERIOD_START, write_team

PROJECT_N = (50, 200, 500, 2000)


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


def _per_key(emu: Any, keys: list[str]) -> tuple[float, str]:
    counts = Counter(r.spreadsheet_id for r in emu.log.requests if r.spreadsheet_id in set(keys))
    endpoints = Counter(r.endpoint for r in emu.log.requests if r.spreadsheet_id in set(keys))
    per_team = sum(counts.values()) / max(len(keys), 1)
    return per_team, ", ".join(f"{k} x{v}" for k, v in sorted(endpoints.items()))


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
        from sheets_sync.backends.gsheets.client import clear_clients, client_for, use_emulator
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
            kinds_unchanged = _per_kind(emu, keys)
            log(f"google: next night {outcomes2}, {per_unchanged:.2f} requests/team")
            result: dict[str, Any] = {
                "teams": teams,
                "outcomes_changed": dict(outcomes1),
                "outcomes_unchanged": dict(outcomes2),
                "per_team_changed": per_changed,
                "per_team_unchanged": per_unchanged,
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
                qcfg = _workspace(folder / "quota", emu.host, qkeys, 60, None)
                emu.faults.rate_limit_per_minute = 60
                emu.log.clear()
                clear_clients()
                qws = load_workspace(qcfg)
                t0 = time.perf_counter()
                run = Sync(qws).run(SyncOptions(as_of=AS_OF, rollup=False))
                seconds = time.perf_counter() - t0
                emu.faults.rate_limit_per_minute = None
                result["quota"] = {
                    "teams": quota_teams,
                    "seconds": seconds,
                    "requests": sum(1 for r in emu.log.requests if r.spreadsheet_id in set(qkeys)),
                    "throttled": sum(1 for r in emu.log.requests if r.status == 429),
                    "outcomes": dict(Counter(r.outcome.value for r in run.runs)),
                    # seconds the threads were held by our limiter, summed over threads
                    "waited": client_for(qws).limiter.waited,
                }
                log(f"google: quota run {result['quota']}")
            # A sliding one-minute window per quota (Google counts reads and writes apart):
            # about one read and one write per second once the first minute's burst is
            # spent, so N teams need ~max(reads, writes) seconds, a team's write going
            # beside the next team's read. The rollup follows the teams, a slot for each
            # of its requests (1 read + its batches, which grow with N once it is staged).
            calls = {n: 1 + len(plans[n]) if plans else rollup_requests for n in PROJECT_N}

            def teams_seconds(kinds: dict[str, float], n: int) -> float:
                return max(kinds.values()) * n

            result["projection"] = [
                (
                    n,
                    teams_seconds(kinds_changed, n) + calls[n],
                    teams_seconds(kinds_unchanged, n) + calls[n],
                )
                for n in PROJECT_N
            ]
            return result
    except Exception as exc:  # the Google backend is still being finished elsewhere
        log(f"google: skipped ({type(exc).__name__}: {exc})")
        return {"skipped": f"{type(exc).__name__}: {exc}"}
