"""The benches' lists of team counts: a size given twice is refused before anything runs
(until 2026-12-08 ``--distinct-sizes 200,200`` generated and measured 200 twice, and
``--sizes`` did the same), and so is a word that is no count (it was a ``ValueError``
traceback)."""

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
