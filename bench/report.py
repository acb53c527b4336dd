"""Render ``results.json`` as ``BENCHMARKS.md`` (tables, ratios, targets, machine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTES = Path(__file__).with_name("notes.md")
TARGET_N = 500


def _get(row: dict[str, Any], key: str, field: str = "wall") -> float | None:
    value = row.get(key, {}).get(field)
    return float(value) if value is not None else None


def ratio(row: dict[str, Any], a: str, b: str) -> float | None:
    """``a`` / ``b`` of one size. With rounds (``walls``), the median of each round's
    ratio: a round's two runs are close in time, so the VM's drift between rounds cancels
    out, where a ratio of the two median runs may set a fast round against a slow one."""
    walls_a, walls_b = row.get(a, {}).get("walls"), row.get(b, {}).get("walls")
    if walls_a and walls_b and len(walls_a) == len(walls_b) > 1:
        ratios = sorted(float(x) / float(y) for x, y in zip(walls_a, walls_b, strict=True))
        return ratios[(len(ratios) - 1) // 2]
    return _div(_get(row, a), _get(row, b))


def _ratio(value: float | None) -> str:
    return f"{value:.2f}x" if value is not None else "n/a"


def _mb(v: float | None) -> str:
    return f"{v:.0f}" if v else "-"


def _s(v: float | None) -> str:
    return f"{v:.2f}" if v is not None else "n/a"


def summary_table(results: dict[str, Any], suffix: str = "") -> str:
    head = (
        "| N teams | full sync s | no-op s | naive s | floor s | full/naive | no-op/naive "
        "| full/floor | RSS full MB | RSS no-op MB | RSS naive MB | RSS floor MB "
        "| RSS largest worker MB |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for row in results["sizes"]:
        full, noop = _get(row, f"full{suffix}"), _get(row, f"noop{suffix}")
        naive, floor = _get(row, "naive"), _get(row, "floor")
        rss = [_get(row, k, "rss_mb") for k in (f"full{suffix}", f"noop{suffix}", "naive", "floor")]
        lines.append(
            f"| {row['n']} | {_s(full)} | {_s(noop)} | {_s(naive)} | {_s(floor)} "
            f"| {_ratio(ratio(row, f'full{suffix}', 'naive'))} "
            f"| {_ratio(ratio(row, f'noop{suffix}', 'naive'))} "
            f"| {_ratio(_div(full, floor))} | "
            + " | ".join(f"{r:.0f}" if r is not None else "n/a" for r in rss)
            + f" | {_mb(_get(row, f'full{suffix}', 'rss_children_mb'))} |"
        )
    return head + "\n".join(lines) + "\n"


def night_table(results: dict[str, Any]) -> str:
    """The steady state: the night after the first, with 12 nights of history shown."""
    rows = [row for row in results["sizes"] if "night" in row]
    if not rows:
        return "Not measured in this run.\n"
    head = (
        "| N teams | night s | night / full | History rows | RSS night MB "
        "| night: read | night: rollup |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for row in rows:
        night, phases = row["night"], row["night"].get("phases", {})
        lines.append(
            f"| {row['n']} | {_s(_get(row, 'night'))} | {_ratio(ratio(row, 'night', 'full'))} "
            f"| {night.get('history_rows', 0):,} | {_mb(_get(row, 'night', 'rss_mb'))} "
            f"| {_s(phases.get('read'))} | {_s(phases.get('rollup'))} |"
        )
    return head + "\n".join(lines) + "\n"


def _rest(run: dict[str, Any]) -> float | None:
    """Score + write-back: the run's work minus config, read and rollup (with worker
    processes the per-team calls happen in the children, out of the parent's timers)."""
    phases, work = run.get("phases", {}), run.get("work_seconds")
    if work is None:
        return None
    return float(work) - sum(float(phases.get(k, 0.0)) for k in ("config", "read", "rollup"))


def phase_table(results: dict[str, Any], suffix: str = "") -> str:
    head = (
        "| N | full: read | full: score+write+rest | full: rollup "
        "| no-op: read | no-op: score+write+rest | no-op: rollup | naive: load x2 | naive: save "
        "| naive: rollup |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for row in results["sizes"]:
        f = row.get(f"full{suffix}", {}).get("phases", {})
        o = row.get(f"noop{suffix}", {}).get("phases", {})
        nv = row.get("naive", {}).get("phases", {})
        cells = [
            f.get("read"),
            _rest(row.get(f"full{suffix}", {})),
            f.get("rollup"),
            o.get("read"),
            _rest(row.get(f"noop{suffix}", {})),
            o.get("rollup"),
            (nv.get("load_values", 0) + nv.get("load_edit", 0)) or None,
            nv.get("save"),
            nv.get("rollup"),
        ]
        lines.append(f"| {row['n']} | " + " | ".join(_s(c) for c in cells) + " |")
    return head + "\n".join(lines) + "\n"


def targets(results: dict[str, Any]) -> str:
    by_n = {row["n"]: row for row in results["sizes"]}
    out = []

    def check(label: str, value: float | None, limit: float) -> None:
        if value is None:
            out.append(f"- {label}: not measured in this run")
        else:
            verdict = "met" if value <= limit else "NOT met"
            out.append(f"- {label}: {value:.3f}x (target <= {limit}x): **{verdict}**")

    # The distinct shape's lines, each under the default's (or where it would be): they
    # need its own sizes alone (--distinct-sizes 200,2000 beside --sizes 500).
    by_d = _distinct_by_n(results)
    ran_distinct = bool(by_d)

    def distinct_time() -> None:
        row = by_d.get(TARGET_N, {})
        if ran_distinct:
            value = ratio(row, "full", "naive") if _get(row, "naive") is not None else None
            check(DISTINCT + " full sync / naive at 500", value, 0.25)

    def distinct_memory() -> None:
        if ran_distinct:
            big, small = by_d.get(2000, {}), by_d.get(200, {})
            value = _div(_get(big, "full", "rss_mb"), _get(small, "full", "rss_mb"))
            check(DISTINCT + " peak RSS full sync 2000 / 200", value, 1.5)

    row = by_n.get(TARGET_N)
    if row:
        check("full sync / naive at 500", ratio(row, "full", "naive"), 0.25)
        distinct_time()
        check("no-op re-sync / naive at 500", ratio(row, "noop", "naive"), 0.10)
        check("full sync / floor at 500", _div(_get(row, "full"), _get(row, "floor")), 3.0)
        phases = row.get("noop", {}).get("phases", {})
        read = phases.get("read_files", phases.get("read"))  # before 2026-12-03: "read"
        floor_read = _get(row, "floor", "work_seconds")
        if read is not None and floor_read:
            out.append(
                f"- quiet-night reads / the floor's read at 500: {read / floor_read:.2f}x "
                "(not a target of the issue: the restated floor target the notes propose, "
                "<= 3x, pending the owner's decision)"
            )
        one = ratio(row, "full_w1", "naive") if _get(row, "full_w1") is not None else None
        if one is not None:  # what a one-CPU machine gets
            out.append(
                f"- full sync, one process / naive at 500: {one:.3f}x "
                "(not a target of the issue: `--workers 1`, for one-CPU machines)"
            )
        out += _rounds_detail(row)
    else:
        out.append("- ratios at 500 teams: N=500 not in this run")
        distinct_time()
    if 2000 in by_n and 200 in by_n:
        check(
            "peak RSS full sync 2000 / 200",
            _div(_get(by_n[2000], "full", "rss_mb"), _get(by_n[200], "full", "rss_mb")),
            1.5,
        )
        distinct_memory()
        # the issue names the full sync; the same 1.5x, applied to the other nights
        for key, label in (("noop", "the no-op re-sync"),
                           ("night", "the steady night (12 nights of history)")):  # fmt: skip
            grew = _div(_get(by_n[2000], key, "rss_mb"), _get(by_n[200], key, "rss_mb"))
            if grew is not None:
                out.append(
                    f"- peak RSS of {label} 2000 / 200: {grew:.3f}x "
                    "(the same <= 1.5x, applied to what a workspace runs every night)"
                )
    else:
        out.append("- peak RSS 2000 vs 200: needs both sizes in the run")
        distinct_memory()
    return "\n".join(out) + "\n"


DISTINCT = "distinct texts (every team's own, one round):"


def _distinct_by_n(results: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {row["n"]: row for row in (results.get("distinct") or {}).get("sizes", [])}


def distinct_table(results: dict[str, Any]) -> str:
    """The distinct-text shape's runs, each beside the default shape's at its size."""
    rows = (results.get("distinct") or {}).get("sizes", [])
    if not rows:
        return "Not measured in this run.\n"
    default = {row["n"]: row for row in results["sizes"]}
    head = (
        "| N teams | full sync s | (default shape) | distinct / default | naive s "
        "| (default shape) | full/naive | (default shape) | RSS full MB | (default shape) "
        "| RSS largest worker MB | full: read | full: rollup |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for row in rows:
        d = default.get(row["n"], {})
        phases = row.get("full", {}).get("phases", {})
        naive = _get(row, "naive")
        cells = [
            _s(_get(row, "full")),
            _s(_get(d, "full")),
            _ratio(_div(_get(row, "full"), _get(d, "full"))),
            _s(naive) if naive is not None else "-",
            _s(_get(d, "naive")),
            _ratio(ratio(row, "full", "naive")) if naive is not None else "-",
            _ratio(ratio(d, "full", "naive")),
            _mb(_get(row, "full", "rss_mb")),
            _mb(_get(d, "full", "rss_mb")),
            _mb(_get(row, "full", "rss_children_mb")),
            _s(phases.get("read")),
            _s(phases.get("rollup")),
        ]
        lines.append(f"| {row['n']} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


def _rounds_detail(row: dict[str, Any]) -> list[str]:
    """Each round's ratios, and the ratios of the median runs, for the reader to weigh."""
    out = []
    for key, label in (("full", "full sync"), ("noop", "no-op")):
        walls_a, walls_b = row.get(key, {}).get("walls"), row.get("naive", {}).get("walls")
        if not walls_a or not walls_b or len(walls_a) != len(walls_b) or len(walls_a) < 2:
            continue
        each = ", ".join(f"{x / y:.3f}x" for x, y in zip(walls_a, walls_b, strict=True))
        runs = _div(_get(row, key), _get(row, "naive"))
        out.append(
            f"- {label} / naive at 500, round by round: {each} (median run against median "
            f"run: {runs:.3f}x)"
        )
    return out


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def google_section(g: dict[str, Any] | None) -> str:
    if not g:
        return "Not measured in this run.\n"
    if g.get("skipped"):
        return f"Skipped: {g['skipped']}\n"
    lines = [
        f"- teams: {g['teams']} in the emulator; requests per team, first night (every team "
        f"changed): **{g['per_team_changed']:.2f}** ({g['changed_endpoints']})",
        f"- requests per team, next night (nothing changed): **{g['per_team_unchanged']:.2f}** "
        f"({g['unchanged_endpoints']})",
        f"- Drive calls per team (the check of a sheet's version, on Drive's own quota): "
        f"{g.get('drive_per_team_changed', 0):.2f} changed, "
        f"{g.get('drive_per_team_unchanged', 0):.2f} unchanged",
        f"- rollup to a Google sheet: {g.get('rollup_requests', 'n/a')} requests" + _rollup_size(g),
        f"- unthrottled wall time: {g['changed_seconds']:.2f} s changed, "
        f"{g['unchanged_seconds']:.2f} s unchanged ({g['teams']} teams)",
    ]
    q = g.get("quota")
    if q:
        waited = f", {q['waited']:.0f} s held by our limiter (all threads)" if "waited" in q else ""
        model = (
            f" (the projection's model: {q['model_seconds']:.0f} s of quota)"
            if "model_seconds" in q
            else ""
        )
        if "window" in q:
            quotas = (
                f"the emulator's and our limiter's quotas at {q['per_window']} reads and "
                f"{q['per_window']} writes a {q['window']:.0f} s window (Google's rate of 60 "
                "a minute, time scaled so that the run passes the first window's free "
                "requests in seconds)"
            )
        else:
            quotas = "the emulator's quotas at 60 read and 60 write requests/minute"
        lines.append(
            f"- with {quotas}: {q['teams']} changed teams, {q['requests']} requests, "
            f"**{q['seconds']:.1f} s** wall{model}, {q['throttled']} answered 429{waited}"
        )
    lines.append("")
    lines.append("Projected time the quotas impose on a night at 60 read and 60 write "
                 "requests/minute (Google's two per-user quotas: the first 60 of each pass "
                 "at once, then 60 a minute; the rollup's batches on the write quota). A "
                 "night takes at least this, or its compute if longer (a few teams fit the "
                 "first minute: 0.0 min):")  # fmt: skip
    lines.append("")
    lines.append("| N teams | all changed | none changed |\n|---:|---:|---:|")
    for n, changed, unchanged in g["projection"]:
        lines.append(f"| {n} | {changed / 60:.1f} min | {unchanged / 60:.1f} min |")
    return "\n".join(lines) + "\n"


def _rollup_size(g: dict[str, Any]) -> str:
    """One batchUpdate holds a rollup up to 8 MiB (Google refuses a body past 10 MiB); a
    larger one is staged over several and published by one more: what N teams cost."""
    size = g.get("rollup_bytes") or 0
    if not size:
        return ""
    per_team = size / g["teams"]
    text = (
        f"; its batchUpdate {size / 1_048_576:.2f} MB for {g['teams']} teams "
        f"({per_team / 1024:.0f} KB a team): one request of 8 MiB holds about "
        f"{8 * 1_048_576 / per_team:.0f} such teams, a larger rollup is staged in several "
        "(Google refuses a request past 10 MiB)"
    )
    for n, plan in (g.get("rollup_plans") or {}).items():
        if int(n) != 500:
            continue
        sizes = ", ".join(f"{b / 1_048_576:.2f}" for b in plan[:-1])
        text += (
            f". At {n} teams: {1 + len(plan)} requests (1 read, {len(plan) - 1} staging "
            f"batches of {sizes} MB, a final batch of {plan[-1] / 1024:.1f} KB), "
            f"{sum(plan) / 1_048_576:.1f} MB in all: at the end of a night at 60 read and "
            f"60 write requests/minute, about {1 + len(plan)} s of quota, plus the upload"
        )
    return text


def _machine(results: dict[str, Any]) -> str:
    m = results["machine"]
    return (
        f"- machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python "
        f"{m['python']}, load average at start {m['loadavg_at_start']} (shared box)\n"
        f"- command: `{results['command']}`\n- date: {results['date']}\n"
        f"- whole run: {results.get('total_seconds', 0) / 60:.1f} min\n"
    )


def _rounds(results: dict[str, Any]) -> str:
    """How the seconds were taken when scenarios ran in several rounds."""
    repeat = results.get("repeat") or {}
    if repeat.get("rounds", 1) <= 1:
        return ""
    return (
        f" At N <= {repeat['up_to']} every scenario ran {repeat['rounds']} times in "
        "interleaved rounds (ours, naive, ours, naive...) on fresh copies; each figure is "
        "the run with the median wall time, and each ratio to naive the median of the "
        "rounds' ratios, a round's two runs being close in time (all runs' times are in "
        "results.json, `walls`)."
    )


def write_report(
    results: dict[str, Any], path: Path, baseline: dict[str, Any] | None = None
) -> None:
    parts = [
        "# Benchmarks\n",
        "Generated by `make bench` (`.venv/bin/python -m bench`, see `bench/cli.py`); the "
        "prose sections below the tables come from `bench/notes.md`.\n",
        _machine(results),
        "Per team: 5 objectives x 4 KRs + 15 KPIs, formulas with cached values on a Data tab. "
        "Every scenario runs in a fresh process; seconds are the process's wall time "
        "(interpreter start and imports included, as a cron job pays them"
        + (
            ": from modules compiled once before the scenarios, as an installed copy has them"
            if results.get("precompiled")
            else ""
        )
        + "); RSS is that "
        "process's own peak (`ru_maxrss`); our sync forks one worker process per CPU for "
        "reading and writing team files (`--workers`), whose largest peak is its own column."
        + _rounds(results)
        + "\n",
        "- **full sync**: `run_sync` (read + score + write-back + rollup), first night: every "
        "team gets its owned cells written.\n"
        "- **no-op**: the same again with nothing changed (reads, scores, writes nothing, "
        "leaves the rollup alone: same content, see docs/rollup.md).\n"
        "- **naive**: `bench/naive.py`, openpyxl load (x2: values + editable) + score + "
        "write + save per team, then `pd.concat` + `to_excel`. It has no change detection, so "
        "its no-op night costs the same.\n"
        "- **floor**: python-calamine reading the two tabs of every file, nothing else.\n"
        "- **night** (default workers only): the night after the no-op, one day later (the "
        "pace moves, so every team has cells to write), with 12 nights in the history store "
        "(the first night's snapshot copied to the 11 dates before it, `bench/history.py`): "
        "what a workspace that has run for two weeks pays every night, the company "
        "workbook's History and Trends tabs at their default 12 nights.\n",
        "## Results\n",
        summary_table(results),
    ]
    for w in (1, 2, 4):
        if any(f"full_w{w}" in row for row in results["sizes"]):
            parts += [
                f"\nWith `--workers {w}` ({'one process' if w == 1 else f'{w} processes'}):\n",
                summary_table(results, f"_w{w}"),
            ]
    parts += ["\n## A night in the steady state (12 nights of history)\n", night_table(results)]
    if results.get("distinct"):
        parts += [
            "\n## Distinct texts: every team's own\n",
            "The same workbooks, numbers and formulas, but every team's objective titles, key "
            "result names, owners, comments and KPI names its own (`bench/texts.py`: key results "
            "and comments some 45 to 190 characters, owners such as `Łukasz M. Virtanen`, a "
            "third or more of each kind with non-ASCII characters), where the default shape "
            "writes some 20 distinct texts a column across all teams. One round each, a full "
            "sync at every size, naive where shown; each column headed (default shape) "
            "gives the default shape's figure at the same size (its median run, its "
            "rounds' median ratio), the column before it the distinct shape's.\n",
            distinct_table(results),
        ]
    parts += ["\n## Targets\n", targets(results)]
    parts += ["\n## Where the time goes (seconds, in-process)\n", phase_table(results)]
    if baseline:
        parts += [
            "\n## Before the optimisations\n",
            _machine(baseline),
            summary_table(baseline),
            "\n",
            phase_table(baseline),
        ]
    parts += ["\n## Google Sheets path (emulator)\n", google_section(results.get("google"))]
    if NOTES.exists():
        parts += ["\n", NOTES.read_text(encoding="utf-8")]
    path.write_text("\n".join(parts), encoding="utf-8")
