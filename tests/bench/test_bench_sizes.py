"""The benches' lists of team and process counts: a count given twice is refused before
anything runs (until 2026-12-08 ``--distinct-sizes 200,200`` generated and measured 200
twice, ``--sizes`` did the same, and ``--workers 1,1`` ran our sync twice a round into the
same report rows), and so is a word that is no count (it was a ``ValueError`` traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import bench.cli as bench_cli
import bench.rss as bench_rss


def _ran(*args: Any, **kwargs: Any) -> Any:
    pytest.fail("a bench ran")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--sizes", "200,200"], "argument --sizes: 200 given twice"),
        (["--sizes", "50, 200,50,200,10"], "argument --sizes: 50,200 given twice"),
        (["--distinct-sizes", "200,200"], "argument --distinct-sizes: 200 given twice"),
        (["--distinct-naive", "500,500"], "argument --distinct-naive: 500 given twice"),
        (["--sizes", "200,2k"], "argument --sizes: '2k' is not a number of teams"),
        (["--distinct-sizes", "-5"], "argument --distinct-sizes: '-5' is not a number of teams"),
        (["--sizes", "2²"], "argument --sizes: '2²' is not a number of teams"),
        (["--workers", "1,1"], "argument --workers: 1 given twice"),
        (["--workers", "1,x"], "argument --workers: 'x' is not a number of processes"),
        (["--workers", ""], "argument --workers: no process count given"),
    ],
)
def test_bench_refuses_a_size_twice(
    args: list[str],
    said: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(bench_cli, "precompile", _ran)
    with pytest.raises(SystemExit) as refused:
        bench_cli.main([*args, "--google-teams", "0", "--report", "-", "--out", str(tmp_path)])
    assert refused.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"python -m bench: error: {said}"


def test_bench_rss_refuses_a_size_twice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bench_rss, "measure", _ran)
    with pytest.raises(SystemExit) as refused:
        bench_rss.main(["--sizes", "2,3,2"])
    assert refused.value.code == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err == "python -m bench.rss: error: argument --sizes: 2 given twice"


def test_a_size_list_reads_as_before() -> None:
    """Spaces and empty items aside, the counts in their order ('' for none)."""
    assert bench_cli.size_list(" 200, 2000,,") == (200, 2000)
    assert bench_cli.size_list("") == ()


#: one size, no distinct shape, no Google, no report
_ONE_SIZE = ("--sizes", "10", "--distinct-sizes", "", "--google-teams", "0", "--report", "-")


class _MeasuredError(Exception):
    """Raised by the first bench in place of running it, with what it was given."""


@pytest.mark.parametrize(
    ("args", "workers"), [([], (0, 1)), (["--workers", "2, 0"], (2, 0)), (["--workers", "1"], (1,))]
)
def test_the_workers_read_as_before(
    args: list[str], workers: tuple[int, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default ``0,1`` too: argparse gives a string default to the option's type."""

    def measured(n: int, work: Path, given: tuple[int, ...], *rest: Any) -> Any:
        raise _MeasuredError(given)

    monkeypatch.setattr(bench_cli, "precompile", lambda: True)
    monkeypatch.setattr(bench_cli, "bench_size", measured)
    with pytest.raises(_MeasuredError) as ran:
        bench_cli.main([*args, *_ONE_SIZE, "--out", str(tmp_path)])
    assert ran.value.args == (workers,)
