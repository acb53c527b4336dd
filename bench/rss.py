"""``python -m bench.rss``: the full and quiet nights' peak RSS alone, without the timings.

    .venv/bin/python -m bench.rss                   # N = 200, 2000; 2 rounds each
    .venv/bin/python -m bench.rss --sizes 2000 --rounds 3 --keep /tmp/ws
    .venv/bin/python -m bench.rss --distinct        # the distinct-text shape (bench/texts.py)

Memory, unlike time, hardly moves with the shared box's load, so a change to it can be
measured apart from ``make bench``: each size's workspace is generated once (bench's
generator), and each round copies it, runs a full sync and then a quiet re-sync, each in
a fresh ``bench.worker`` process as ``make bench`` does, and prints their ``ru_maxrss``.
With ``--keep`` the generated workspaces stay (and are reused) there.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench.cli import run_worker, size_list
from bench.generate import Shape, generate_workspace
from bench.texts import check_capacity


def _base(folder: Path, n: int, distinct: bool = False) -> Path:
    base = folder / f"n{n}" / ("distinct" if distinct else "base")
    if not (base / "sheets-sync.yaml").exists():
        shutil.rmtree(base, ignore_errors=True)
        generate_workspace(base, n, Shape(distinct_texts=distinct))
    return base


def measure(
    folder: Path, n: int, rounds: int, workers: int, distinct: bool = False
) -> dict[str, list[float]]:
    """Each round's peak RSS (MB) of the full night and of the quiet one after it."""
    base = _base(folder, n, distinct)
    peaks: dict[str, list[float]] = {"full": [], "quiet": []}
    for _ in range(rounds):
        ws = folder / f"n{n}" / "run"
        shutil.rmtree(ws, ignore_errors=True)
        shutil.copytree(base, ws)
        for night in ("full", "quiet"):
            out = run_worker(["ours", str(ws), "--workers", str(workers)])
            peaks[night].append(out["rss_mb"])
        shutil.rmtree(ws)
    return peaks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.rss", description=__doc__.split("\n")[0], allow_abbrev=False
    )
    parser.add_argument(
        "--sizes", type=size_list, default="200,2000", help="comma-separated team counts"
    )
    parser.add_argument("--rounds", type=int, default=2, help="full + quiet nights per size")
    parser.add_argument("--workers", type=int, default=0, help="0: one per CPU (the default)")
    parser.add_argument("--keep", type=Path, help="folder for the workspaces (kept, reused)")
    parser.add_argument("--distinct", action="store_true",
                        help="the distinct-text shape: every team's texts its own")  # fmt: skip
    args = parser.parse_args(argv)
    sizes: tuple[int, ...] = args.sizes
    if args.distinct:
        try:  # the distinct shape's texts repeat past its capacity
            check_capacity(max(sizes, default=0))
        except ValueError as e:
            parser.error(str(e))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="sheets-sync-rss-"))
    print("| N | full MB (rounds) | quiet MB (rounds) | quiet median |")
    print("|---:|---|---|---:|")
    try:
        for n in sizes:
            peaks = measure(folder, n, max(1, args.rounds), args.workers, args.distinct)
            full, quiet = (", ".join(f"{p:.1f}" for p in peaks[k]) for k in ("full", "quiet"))
            median = statistics.median(peaks["quiet"])
            print(f"| {n} | {full} | {quiet} | {median:.1f} |", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
