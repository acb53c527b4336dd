"""The bench's distinct-text shape: every team's texts its own (bench/texts.py), measured
by ``make bench`` beside the default shape (bench/cli.py ``bench_distinct``) and reported
(bench/report.py). Timings are not asserted: the workers are faked where they would run."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

import bench.cli as bench_cli
from bench.generate import Shape, generate_workspace, team_name, write_team
from bench.report import distinct_table, targets, write_report
from bench.texts import TeamTexts, capacity
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS

OKR_TEXTS = ("objective", "key_result", "owner", "comment")
KPI_TEXTS = ("name", "owner")


def _cells(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {tab: book.get_sheet_by_name(tab).to_python() for tab in ("OKRs", "KPIs", "Data")}


def _texts(cells: dict[str, list[list[Any]]]) -> set[str]:
    """The team's own texts: the OKR and KPI tabs' text columns, every non-empty cell."""
    found = set()
    for tab, fields, wanted in (("OKRs", OKR_FIELDS, OKR_TEXTS), ("KPIs", KPI_FIELDS, KPI_TEXTS)):
        columns = [i for i, (field, _) in enumerate(fields) if field in wanted]
        found |= {row[i] for row in cells[tab][1:] for i in columns if row[i] != ""}
    return found


def test_the_distinct_shape_is_seeded_and_each_teams_own(tmp_path: Path) -> None:
    distinct = Shape(distinct_texts=True)
    for name, shape in (("a", distinct), ("b", distinct), ("default", Shape())):
        for seed in (0, 1, 2):
            (tmp_path / name).mkdir(exist_ok=True)
            write_team(tmp_path / name / f"{seed}.xlsx", seed=seed, shape=shape)
    one = {seed: _cells(tmp_path / "a" / f"{seed}.xlsx") for seed in (0, 1, 2)}
    # the same seed, the same cells (the files differ only in their creation time)
    assert all(_cells(tmp_path / "b" / f"{seed}.xlsx") == one[seed] for seed in (0, 1, 2))
    texts = {seed: _texts(cells) for seed, cells in one.items()}
    # each team's objectives, KRs, owners, comments and KPI names: none another team's
    assert all(len(t) >= 5 + 20 + 5 + 15 for t in texts.values())
    assert not texts[0] & texts[1] and not texts[0] & texts[2] and not texts[1] & texts[2]
    assert any(not text.isascii() for text in texts[0] | texts[1] | texts[2])
    # beside the default shape: the same numbers, dates, formulas and IDs, texts apart
    for seed in (0, 1, 2):
        default = _cells(tmp_path / "default" / f"{seed}.xlsx")
        assert default["Data"] == one[seed]["Data"]
        for tab, fields, wanted in (
            ("OKRs", OKR_FIELDS, OKR_TEXTS),
            ("KPIs", KPI_FIELDS, KPI_TEXTS),
        ):
            keep = [i for i, (field, _) in enumerate(fields) if field not in wanted]
            assert [[r[i] for i in keep] for r in default[tab]] == [
                [r[i] for i in keep] for r in one[seed][tab]
            ]
        # where the default writes a comment, the distinct shape writes its own
        column = [f for f, _ in OKR_FIELDS].index("comment")
        blank = [[r[column] == "" for r in t["OKRs"]] for t in (default, one[seed])]
        assert blank[0] == blank[1]
    # the default's texts repeat across teams (what the distinct shape is for)
    default_texts = [_texts(_cells(tmp_path / "default" / f"{seed}.xlsx")) for seed in (0, 1)]
    assert default_texts[0] & default_texts[1]


def test_texts_stay_distinct_across_the_benchs_largest_workspace() -> None:
    """Every text of every kind, of 2,000 teams (the bench's largest size), distinct: the
    parts are chosen by a bijection of the slots, not drawn at random."""
    assert capacity() >= 2000
    kinds: dict[str, list[str]] = {"objective": [], "kr": [], "comment": [], "kpi": [], "owner": []}
    for seed in range(2000):
        t = TeamTexts(seed, 5, 4, 15)
        kinds["objective"] += [t.objective(o) for o in range(5)]
        kinds["kr"] += [t.key_result(o, k) for o in range(5) for k in range(4)]
        kinds["comment"] += [t.comment(o, k) for o in range(5) for k in range(4)]
        kinds["kpi"] += [t.kpi_name(k) for k in range(15)]
        kinds["owner"] += t.roster
    for kind, texts in kinds.items():
        assert len(set(texts)) == len(texts), kind
        assert sum(not t.isascii() for t in texts) > len(texts) // 10, kind
    # lengths as people write them, not "Indicator 3"
    median = {kind: statistics.median(len(t) for t in texts) for kind, texts in kinds.items()}
    assert 60 <= median["kr"] <= 110 and 60 <= median["comment"] <= 120
    assert 40 <= median["objective"] <= 90 and 30 <= median["kpi"] <= 70
    assert 10 <= median["owner"] <= 25
    # a team's same slot begins differently from team to team
    assert len({TeamTexts(s, 5, 4, 15).key_result(0, 1).split()[0] for s in range(40)}) > 5
    assert TeamTexts(7, 5, 4, 15).key_result(1, 2) == TeamTexts(7, 5, 4, 15).key_result(1, 2)


def test_the_distinct_shape_refuses_teams_past_its_capacity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past ``capacity()`` teams the parts' combinations run out and texts would repeat
    silently (8,000 teams: comments 153,835 of 160,000 distinct): refused instead, before
    any file is written, and by both command lines before any run."""
    import bench.rss as bench_rss

    cap = capacity()
    assert cap == 6400
    TeamTexts(cap - 1, 5, 4, 15)  # the last team that fits
    with pytest.raises(ValueError, match="6400 teams at most"):
        TeamTexts(cap, 5, 4, 15)
    with pytest.raises(ValueError, match="6400 teams at most"):
        write_team(tmp_path / "late.xlsx", seed=cap, shape=Shape(distinct_texts=True))
    assert not (tmp_path / "late.xlsx").exists()
    write_team(tmp_path / "default.xlsx", seed=cap, shape=Shape())  # the default: any number
    # a smaller shape has fewer slots a team: its own capacity
    assert capacity(2, 2, 5) > cap
    TeamTexts(cap, 2, 2, 5)
    with pytest.raises(ValueError, match="6400 teams at most"):
        generate_workspace(tmp_path / "ws", cap + 1, Shape(distinct_texts=True))
    assert not (tmp_path / "ws").exists()
    for main, args in (
        (bench_cli.main, ["--sizes", "10", "--distinct-sizes", f"10,{cap + 1}"]),
        (bench_rss.main, ["--sizes", f"{cap + 1}", "--distinct"]),
    ):
        with pytest.raises(SystemExit) as refused:
            main([*args, "--out", str(tmp_path)] if main is bench_cli.main else args)
        assert refused.value.code == 2
        assert "6400 teams at most" in capsys.readouterr().err


def test_the_distinct_runs_grow_one_workspace_and_copy_each_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One workspace, grown from size to size (teams already written are not written
    again); each scenario on a fresh copy of the size's first N teams (never on what an
    earlier scenario synced: the fake worker leaves a mark behind); naive only where
    asked; everything removed after."""
    grown: list[tuple[int, int, bool]] = []
    real_generate = generate_workspace

    def generate(root: Path, teams: int, shape: Shape, first: int = 0) -> Path:
        grown.append((first, teams, shape.distinct_texts))
        return real_generate(root, teams, shape, first)

    calls: list[tuple[str, int]] = []

    def fake_worker(args: list[str], timeout: float = 900.0) -> dict[str, Any]:
        root = Path(args[1])
        files = sorted(p.name for p in (root / "teams").iterdir())
        calls.append((args[0], len(files)))
        assert files == [f"{team_name(i)}.xlsx" for i in range(len(files))]
        assert (root / "sheets-sync.yaml").is_file()
        assert not (root / "synced").exists(), f"{args[0]} at {len(files)}: not a fresh copy"
        (root / "synced").write_text("a sync ran here", encoding="utf-8")
        return {"wall": 1.0, "rss_mb": 100.0 + len(files), "outcomes": {"ok": len(files)}}

    monkeypatch.setattr(bench_cli, "generate_workspace", generate)
    monkeypatch.setattr(bench_cli, "run_worker", fake_worker)
    out = bench_cli.bench_distinct((3, 1), (3,), tmp_path, lambda msg: None)
    assert grown == [(0, 1, True), (1, 3, True)]
    assert calls == [("ours", 1), ("ours", 3), ("naive", 3)]
    assert [row["n"] for row in out["sizes"]] == [1, 3]
    assert "naive" not in out["sizes"][0] and out["sizes"][1]["full"]["rss_mb"] == 103.0
    assert not (tmp_path / "distinct").exists()


def test_the_distinct_runs_start_afresh_in_a_reused_work_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--out`` names a folder an interrupted run left its distinct workspace and a copy
    in: both are cleared first, so each scenario gets the size's teams and no others."""
    stale = tmp_path / "distinct"
    (stale / "base" / "teams").mkdir(parents=True)
    for i in range(5):
        (stale / "base" / "teams" / f"{team_name(i)}.xlsx").write_bytes(b"left over")
    (stale / "full" / "teams").mkdir(parents=True)
    seen: list[tuple[str, int]] = []

    def fake_worker(args: list[str], timeout: float = 900.0) -> dict[str, Any]:
        teams = sorted((Path(args[1]) / "teams").iterdir())
        assert all(p.read_bytes() != b"left over" for p in teams)
        seen.append((args[0], len(teams)))
        return {"wall": 1.0, "rss_mb": 100.0}

    monkeypatch.setattr(bench_cli, "run_worker", fake_worker)
    bench_cli.bench_distinct((2, 1), (2,), tmp_path, lambda msg: None)
    assert seen == [("ours", 1), ("ours", 2), ("naive", 2)]
    assert not stale.exists()


def test_rss_measures_the_distinct_shape_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m bench.rss --distinct``: its own workspace beside the default's (both
    kept with ``--keep``), the distinct shape's texts in it."""
    import bench.rss as bench_rss

    seen: list[set[str]] = []

    def fake_worker(args: list[str], timeout: float = 900.0) -> dict[str, Any]:
        seen.append(_texts(_cells(Path(args[1]) / "teams" / "team-0001.xlsx")))
        return {"rss_mb": 100.0}

    monkeypatch.setattr(bench_rss, "run_worker", fake_worker)
    keep = ["--sizes", "2", "--rounds", "1", "--keep", str(tmp_path)]
    assert bench_rss.main([*keep, "--distinct"]) == 0
    assert bench_rss.main(keep) == 0
    assert (tmp_path / "n2" / "distinct").is_dir() and (tmp_path / "n2" / "base").is_dir()
    distinct, default = seen[0], seen[2]
    assert distinct == _texts(_cells(tmp_path / "n2" / "distinct" / "teams" / "team-0001.xlsx"))
    assert "Ann" in default and "Ann" not in distinct
    assert capsys.readouterr().out.splitlines()[-1] == "| 2 | 100.0 | 100.0 | 100.0 |"


@pytest.mark.parametrize(
    ("args", "sizes", "naive"),
    [
        (["--sizes", "50,200,500,2000"], (200, 500, 2000), (500,)),
        (["--sizes", "50,200"], (200,), ()),  # naive's 500 not among them: none
        (["--sizes", "500", "--distinct-sizes", "200,2000"], (200, 2000), ()),
        (["--quick"], (10,), (10,)),
        (["--sizes", "20", "--distinct-sizes", "20,50", "--distinct-naive", "50"], (20, 50), (50,)),
        (["--sizes", "200", "--distinct-sizes", ""], None, None),
    ],
)
def test_the_distinct_sizes_follow_the_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    sizes: tuple[int, ...] | None,
    naive: tuple[int, ...] | None,
) -> None:
    """By default the run's sizes among 200, 500 and 2,000 (naive at 500, if among them);
    a quick run's size with naive; or as asked, ``''`` for none."""
    asked: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    monkeypatch.setattr(bench_cli, "precompile", lambda: True)
    monkeypatch.setattr(bench_cli, "bench_size", lambda n, *a, **k: {"n": n})

    def fake_distinct(s: tuple[int, ...], n: tuple[int, ...], *rest: Any) -> dict[str, Any]:
        asked.append((s, n))
        return {"sizes": []}

    monkeypatch.setattr(bench_cli, "bench_distinct", fake_distinct)
    rest = ["--google-teams", "0", "--report", "-", "--out", str(tmp_path)]
    assert bench_cli.main([*args, *rest]) == 0
    assert asked == ([] if sizes is None else [(sizes, naive)])


@pytest.mark.parametrize(
    "args",
    [
        ["--sizes", "20", "--distinct-sizes", "20", "--distinct-naive", "20,50"],
        ["--sizes", "500", "--distinct-sizes", "", "--distinct-naive", "500"],
        ["--sizes", "50,200", "--distinct-naive", "500"],
    ],
)
def test_naive_sizes_outside_the_distinct_sizes_are_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
) -> None:
    """``--distinct-naive`` names sizes of the distinct shape's full syncs: one that is not
    among them would be ignored, so the command is refused before any run."""
    monkeypatch.setattr(bench_cli, "precompile", lambda: pytest.fail("ran"))
    with pytest.raises(SystemExit) as refused:
        bench_cli.main([*args, "--google-teams", "0", "--report", "-", "--out", str(tmp_path)])
    assert refused.value.code == 2
    assert "--distinct-naive" in capsys.readouterr().err


def _results() -> dict[str, Any]:
    sizes = [
        {"n": 200, "full": {"wall": 3.0, "rss_mb": 200.0}, "naive": {"wall": 11.0}},
        {
            "n": 500,
            "full": {"wall": 5.0, "walls": [5.0, 5.0, 5.0], "rss_mb": 210.0},
            "naive": {"wall": 22.0, "walls": [22.0, 22.0, 22.0]},
        },
        {"n": 2000, "full": {"wall": 21.0, "rss_mb": 260.0}, "naive": {"wall": 107.0}},
    ]
    distinct = [
        {"n": 200, "full": {"wall": 3.3, "rss_mb": 210.0, "phases": {"read": 1.0}}},
        {
            "n": 500,
            "full": {"wall": 6.0, "rss_mb": 230.0, "rss_children_mb": 95.0},
            "naive": {"wall": 24.0},
        },
        {"n": 2000, "full": {"wall": 25.0, "rss_mb": 330.0, "phases": {"rollup": 7.5}}},
    ]
    return {
        "machine": {"nproc": 2, "cpu": "x", "ram_gib": 1, "python": "3", "loadavg_at_start": []},
        "command": "python -m bench",
        "date": "today",
        "sizes": sizes,
        "distinct": {"sizes": distinct},
    }


def test_the_report_gives_the_distinct_shapes_ratios_beside_the_defaults(
    tmp_path: Path,
) -> None:
    results = _results()
    text = targets(results)
    lines = text.splitlines()
    default = lines.index("- full sync / naive at 500: 0.227x (target <= 0.25x): **met**")
    assert lines[default + 1] == (
        "- distinct texts (every team's own, one round): full sync / naive at 500: 0.250x "
        "(target <= 0.25x): **met**"
    )
    rss = lines.index("- peak RSS full sync 2000 / 200: 1.300x (target <= 1.5x): **met**")
    assert lines[rss + 1] == (
        "- distinct texts (every team's own, one round): peak RSS full sync 2000 / 200: "
        "1.571x (target <= 1.5x): **NOT met**"
    )
    table = distinct_table(results)
    assert "| N teams | full sync s | (default shape) | distinct / default | naive s " in table
    assert "| 200 | 3.30 | 3.00 | 1.10x | - | 11.00 | - | 0.27x | 210 | 200 | - | 1.00 | n/a |" in (
        table
    )
    assert "| 500 | 6.00 | 5.00 | 1.20x | 24.00 | 22.00 | 0.25x | 0.23x | 230 | 210 | 95 |" in table
    assert (
        "| 2000 | 25.00 | 21.00 | 1.19x | - | 107.00 | - | 0.20x | 330 | 260 | - | n/a | 7.50 |"
        in (table)
    )
    report = tmp_path / "BENCHMARKS.md"
    write_report(results, report)
    written = report.read_text(encoding="utf-8")
    assert "## Distinct texts: every team's own" in written and table in written
    assert written.index("## Distinct texts") < written.index("## Targets")
    # a run without the distinct shape: no section, no lines
    del results["distinct"]
    assert "distinct texts" not in targets(results)
    assert distinct_table(results) == "Not measured in this run.\n"
    write_report(results, report)
    assert "## Distinct texts" not in report.read_text(encoding="utf-8")


def test_the_distinct_targets_need_only_the_distinct_shapes_sizes() -> None:
    """The distinct shape's ratios are given whenever it ran the sizes they need, whatever
    sizes the default shape ran (``--sizes 500 --distinct-sizes 200,2000``); where it ran
    but not those sizes, they are said to be not measured."""
    results = _results()
    results["sizes"] = [row for row in results["sizes"] if row["n"] == 500]
    lines = targets(results).splitlines()
    assert "- peak RSS 2000 vs 200: needs both sizes in the run" in lines
    assert (
        "- distinct texts (every team's own, one round): peak RSS full sync 2000 / 200: "
        "1.571x (target <= 1.5x): **NOT met**"
    ) in lines
    results["sizes"] = []
    lines = targets(results).splitlines()
    assert "- ratios at 500 teams: N=500 not in this run" in lines
    assert (
        "- distinct texts (every team's own, one round): full sync / naive at 500: 0.250x "
        "(target <= 0.25x): **met**"
    ) in lines
    results["distinct"]["sizes"] = [results["distinct"]["sizes"][0]]  # 200 alone
    text = targets(results)
    assert (
        "- distinct texts (every team's own, one round): full sync / naive at 500: "
        "not measured in this run"
    ) in text
    assert (
        "- distinct texts (every team's own, one round): peak RSS full sync 2000 / 200: "
        "not measured in this run"
    ) in text
