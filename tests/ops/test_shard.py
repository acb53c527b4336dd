"""Shards: parse K/N, stable team placement, results exchange and completeness checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import subprocess
import sys
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync import __version__
from sheets_sync.domain.models import KPI, KeyResult, TeamResult
from sheets_sync.domain.team import evaluate_team
from sheets_sync.errors import ConfigError
from sheets_sync.ops.shard import (
    FORMAT_VERSION,
    MAGIC,
    ShardResults,
    load_results,
    load_shards,
    parse_shard,
    results_file,
    save_results,
    select,
    shard_of,
)
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.outcome import (
    CellChange,
    CellChanges,
    Outcome,
    RunContext,
    TeamError,
    TeamRun,
    _unpickle_changes,
)
from tests.ops.conftest import MakeResult, team_input
from tests.support.hostile import assert_untouched, payloads

TEAMS = {"Sales": {"KR1": 0}, "Ops": {"KR1": 50}, "Finance": {"KR1": 100}, "HR": None}


@dataclass(frozen=True)
class Spec:
    name: str


@pytest.mark.parametrize(("text", "expected"), [("2/4", (2, 4)), (" 1 / 1 ", (1, 1))])
def test_parse_shard(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2", "must look like K/N"),
        ("a/b", "must look like K/N"),
        ("-1/4", "must look like K/N"),
        ("0/4", "between 1 and 4, not 0"),
        ("5/4", "between 1 and 4, not 5"),
        ("1/0", "at least 1, not 0"),
    ],
)
def test_parse_shard_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_shard(text)


@given(st.lists(st.text(min_size=1, max_size=20), max_size=30, unique_by=str.casefold))
def test_every_team_in_exactly_one_shard(names: list[str]) -> None:
    teams = [Spec(n) for n in names]
    for n in range(1, 9):
        shards = [select(teams, k, n) for k in range(1, n + 1)]
        placed = [t for shard in shards for t in shard]
        assert sorted(t.name for t in placed) == sorted(names)
        for k, shard in enumerate(shards, 1):
            assert all(shard_of(t.name, n) == k for t in shard)
            assert shard == [t for t in teams if t in shard]  # original order


def test_shard_is_stable_across_processes_and_case() -> None:
    names = ["Sales", "Marketing", "Ops", "Finance", "Ünicode Team"]
    here = [shard_of(n, 5) for n in names]
    code = f"from sheets_sync.ops.shard import shard_of;print([shard_of(n, 5) for n in {names!r}])"
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
        cwd=Path(__file__).parents[2],
    )
    assert other.stdout.strip() == str(here)
    assert here == [2, 1, 2, 2, 2]  # pinned: changing the hash moves teams between machines
    assert shard_of("SALES", 5) == shard_of("sales", 5)
    assert select([Spec("x")], 1, 1) == [Spec("x")]
    assert select(["a", "b"], 1, 1, name=str) == ["a", "b"]


def _split(make_result: MakeResult, n: int) -> list[SyncResult]:
    out = []
    for k in range(1, n + 1):
        mine = {t: v for t, v in TEAMS.items() if shard_of(t, n) == k}
        out.append(make_result(mine))
    return out


def test_save_load_round_trip(tmp_path: Path, make_result: MakeResult) -> None:
    full = make_result(TEAMS)
    shards = _split(make_result, 3)
    for k, result in enumerate(shards, 1):
        path = save_results(tmp_path, k, 3, result)
        assert path == results_file(tmp_path, k, 3) and path.read_bytes().startswith(MAGIC)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "shard-001-of-003.pickle",
        "shard-002-of-003.pickle",
        "shard-003-of-003.pickle",
    ]  # no temp files left behind
    context, runs = load_results(tmp_path)
    assert context == full.context
    assert sorted(runs, key=lambda r: r.team) == sorted(full.runs, key=lambda r: r.team)
    by_team = {r.team: r for r in runs}
    assert by_team["HR"].failed and by_team["Sales"].result == full.runs[0].result


def test_missing_shard(tmp_path: Path, make_result: MakeResult) -> None:
    save_results(tmp_path, 1, 3, make_result({}))
    with pytest.raises(ConfigError) as err:
        load_results(tmp_path)
    assert "missing shards 2/3, 3/3" in str(err.value)


def test_duplicate_shard_and_team(tmp_path: Path, make_result: MakeResult) -> None:
    save_results(tmp_path, 1, 2, make_result({"Sales": {"KR1": 0}}))
    save_results(tmp_path, 2, 2, make_result({"Ops": {"KR1": 0}}))
    copy = tmp_path / "shard-002-of-002 (copy).pickle"
    copy.write_bytes(results_file(tmp_path, 2, 2).read_bytes())
    with pytest.raises(ConfigError) as err:
        load_results(tmp_path)
    text = str(err.value)
    assert "shard 2/2 present 2 times" in text
    assert "team 'Ops' is in shards 2/2 and 2/2" in text


def test_mixed_runs_are_refused(tmp_path: Path, make_result: MakeResult) -> None:
    save_results(tmp_path, 1, 2, make_result({}))
    save_results(tmp_path, 1, 3, make_result({}))
    with pytest.raises(ConfigError, match="different runs"):
        load_results(tmp_path)
    for p in tmp_path.iterdir():
        p.unlink()
    save_results(tmp_path, 1, 2, make_result({}))
    save_results(tmp_path, 2, 2, make_result({}, as_of=dt.date(2026, 11, 16)))
    with pytest.raises(ConfigError, match="different as-of dates"):
        load_results(tmp_path)


def test_empty_missing_and_damaged(tmp_path: Path, make_result: MakeResult) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_results(tmp_path / "nope")
    with pytest.raises(ConfigError, match="no shard results"):
        load_results(tmp_path)
    (tmp_path / "shard-001-of-001.pickle").write_bytes(b"PK\x03\x04 not ours")
    with pytest.raises(ConfigError, match="not a sheets-sync shard results file"):
        load_results(tmp_path)
    path = save_results(tmp_path, 1, 1, make_result({}))
    path.write_bytes(path.read_bytes()[:60])
    with pytest.raises(ConfigError, match="damaged"):
        load_results(tmp_path)
    path.write_bytes(MAGIC + b"99\n" + pickle.dumps(None))
    with pytest.raises(ConfigError, match="format '99'"):
        load_results(tmp_path)
    # bytes that unpickle into a failing call or a bad string: damaged, not a traceback
    for payload in (b"\x80\x04K\x01)R.", b"\x80\x04\x8c\x02\xff\xfe."):
        path.write_bytes(MAGIC + f"{FORMAT_VERSION}\n".encode() + payload)
        with pytest.raises(ConfigError, match="damaged shard results"):
            load_results(tmp_path)
    # format 1 pickled runs whose result was a field of its own: refused, not unpickled
    path.write_bytes(MAGIC + b"1\n" + pickle.dumps(None))
    with pytest.raises(
        ConfigError, match=r"format '1', this sheets-sync reads format 7 \(or 6, 5, 4, 3, 2\);"
    ):
        load_results(tmp_path)


def test_format_2_results_still_merge(
    tmp_path: Path, make_result: MakeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards saved the night before an upgrade to format 3 merge after it: format 3 only
    added ``TeamRun.error_detail``, last, so a format-2 run loads with it None."""
    result = make_result({"Sales": {"KR1": 0}, "Ops": {"KR1": 1}})
    # format 2 had none of them (nor 3 to 5 the second, nor 3 to 6 the third)
    newer = {"error_detail", "recoloured", "drive_calls"}
    fields = [f.name for f in dataclasses.fields(TeamRun) if f.name not in newer]
    monkeypatch.setattr(TeamRun, "__reduce__", lambda run: (TeamRun, attrgetter(*fields)(run)))
    payload = ShardResults(1, 1, __version__, result.context, tuple(result.runs))
    path = results_file(tmp_path, 1, 1)
    path.write_bytes(MAGIC + b"2\n" + pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
    monkeypatch.undo()
    context, runs = load_results(tmp_path)
    assert context == result.context and tuple(runs) == result.runs
    assert [run.error_detail for run in runs] == [None, None]


def test_team_source_is_a_new_format_and_format_3_results_still_merge(
    tmp_path: Path, make_result: MakeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``TeamError.team_source`` made a failed team's pickle one argument longer, which a
    format-3 reader failed on as "damaged shard results (TypeError...)": the files say
    format 4, so that reader refuses them plainly; a format-3 file (no ``team_source``)
    still merges, its failed team's ``team_source`` None."""
    result = make_result({"Sales": {"KR1": 0}, "Ops": None})
    detail = TeamError("LayoutError", "no OKRs tab", "ops.xlsx", "OKRs", None, "ops.xlsx")
    result = replace(result, runs=(result.runs[0], replace(result.runs[1], error_detail=detail)))
    path = save_results(tmp_path, 1, 1, result)
    assert path.read_bytes().startswith(MAGIC + f"{FORMAT_VERSION}\n".encode())
    fields = [f.name for f in dataclasses.fields(TeamError) if f.name != "team_source"]
    monkeypatch.setattr(TeamError, "__reduce__", lambda e: (TeamError, attrgetter(*fields)(e)))
    payload = ShardResults(1, 1, __version__, result.context, tuple(result.runs))
    path.write_bytes(MAGIC + b"3\n" + pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
    monkeypatch.undo()
    _, runs = load_results(tmp_path)
    assert runs[1].error_detail == replace(detail, team_source=None)
    assert runs[0] == result.runs[0]


def test_recoloured_is_a_new_format_and_format_5_results_still_merge(
    tmp_path: Path, make_result: MakeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``TeamRun.recoloured`` made a run's pickle one argument longer: the files say
    format 6, and a format-5 file (no ``recoloured``) still merges, its runs' count 0."""
    result = make_result({"Sales": {"KR1": 0}})
    result = replace(result, runs=(replace(result.runs[0], recoloured=2),))
    path = save_results(tmp_path, 1, 1, result)
    assert path.read_bytes().startswith(MAGIC + b"7\n")  # FORMAT_VERSION, recorded
    assert [r.recoloured for r in load_results(tmp_path)[1]] == [2]
    fields = [f.name for f in dataclasses.fields(TeamRun) if f.name != "recoloured"]
    monkeypatch.setattr(TeamRun, "__reduce__", lambda run: (TeamRun, attrgetter(*fields)(run)))
    payload = ShardResults(1, 1, __version__, result.context, tuple(result.runs))
    path.write_bytes(MAGIC + b"5\n" + pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
    monkeypatch.undo()
    _, runs = load_results(tmp_path)
    assert [r.recoloured for r in runs] == [0]
    assert runs[0] == replace(result.runs[0], recoloured=0)


def test_drive_calls_is_a_new_format_and_format_6_results_still_merge(
    tmp_path: Path, make_result: MakeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``TeamRun.drive_calls`` made a run's pickle one argument longer, which a format-6
    reader fails on as "damaged": the files say format 7, and a format-6 file (no
    ``drive_calls``) still merges, its runs' count 0."""
    result = make_result({"Sales": {"KR1": 0}})
    result = replace(result, runs=(replace(result.runs[0], drive_calls=2, recoloured=1),))
    path = save_results(tmp_path, 1, 1, result)
    assert path.read_bytes().startswith(MAGIC + b"7\n")  # FORMAT_VERSION, recorded
    assert [r.drive_calls for r in load_results(tmp_path)[1]] == [2]
    fields = [f.name for f in dataclasses.fields(TeamRun) if f.name != "drive_calls"]
    monkeypatch.setattr(TeamRun, "__reduce__", lambda run: (TeamRun, attrgetter(*fields)(run)))
    payload = ShardResults(1, 1, __version__, result.context, tuple(result.runs))
    path.write_bytes(MAGIC + b"6\n" + pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
    monkeypatch.undo()
    _, runs = load_results(tmp_path)
    assert [(r.drive_calls, r.recoloured) for r in runs] == [(0, 1)]
    assert runs[0] == replace(result.runs[0], drive_calls=0)


def test_cell_formula_is_a_new_format_and_format_4_results_still_merge(
    tmp_path: Path, make_result: MakeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``CellChange.formula`` made a change's pickle one argument longer, which a format-4
    reader failed on as "damaged shard results (TypeError: CellChange.__init__() takes 5
    positional arguments but 6 were given)": the files say format 5, so that reader
    refuses them plainly; a format-4 file (no ``formula``) still merges, its changes'
    ``formula`` None, and a format-4 dry run's is still known for one."""
    result = make_result({"Sales": {"KR1": 0}})
    change = CellChange("OKRs", "R5", 1.0, 1.0, "=0.5+0.5")
    result = replace(result, runs=(replace(result.runs[0], changes=CellChanges([change])),))
    path = save_results(tmp_path, 1, 1, result)
    assert path.read_bytes().startswith(MAGIC + b"7\n")  # FORMAT_VERSION, recorded
    assert list(load_results(tmp_path)[1][0].changes) == [change]
    fields = [f.name for f in dataclasses.fields(CellChange) if f.name != "formula"]
    monkeypatch.setattr(CellChange, "__reduce__", lambda c: (CellChange, attrgetter(*fields)(c)))
    old = replace(result.runs[0], changes=CellChanges([change]))
    payload = ShardResults(1, 1, __version__, result.context, (old,))
    path.write_bytes(MAGIC + b"4\n" + pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
    monkeypatch.undo()
    _, runs = load_results(tmp_path)
    assert list(runs[0].changes) == [replace(change, formula=None)]
    path.rename(results_file(tmp_path, 1, 1, dry_run=True))
    path.write_bytes(MAGIC + b"4 dry-run\n" + pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
    with pytest.raises(ConfigError, match="only dry-run shard results"):
        load_results(tmp_path)


def test_round_trip_of_a_real_sync(workspace: Path, tmp_path: Path) -> None:
    from sheets_sync.config import load_workspace
    from sheets_sync.sync.engine import Sync, SyncOptions

    ws = load_workspace(workspace)
    result = Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False, dry_run=True))
    save_results(tmp_path / "results", 1, 1, result)
    context, runs = load_results(tmp_path / "results")
    assert context == result.context and tuple(runs) == result.runs
    assert runs[0].result is not None and runs[0].result.findings == result.runs[0].findings


@pytest.mark.parametrize("name", list(payloads(Path("x"))))
def test_hostile_results_are_refused(tmp_path: Path, make_result: MakeResult, name: str) -> None:
    """Results a stranger dropped into the folder run nothing, changing no class either."""
    marker = tmp_path / "marker"
    path = save_results(tmp_path / "results", 1, 1, make_result({"Sales": {"KR1": 0}}))
    path.write_bytes(MAGIC + f"{FORMAT_VERSION}\n".encode() + payloads(marker)[name])
    with pytest.raises(ConfigError) as err:
        load_results(tmp_path / "results")
    why = (
        f"it {name.strip()}, which no sheets-sync pickle does"
        if name.startswith("changes ")
        else f"it names {name}, which sheets-sync never writes"
    )
    assert str(err.value) == (
        f"{path}: sheets-sync refuses to load these shard results: {why}; "
        "check who can write to the results folder"
    )
    assert_untouched(marker)


def test_hostile_cell_changes_inside_results_are_refused(
    tmp_path: Path, make_result: MakeResult
) -> None:
    """A ``CellChanges`` holds a pickle of its own, loaded when the report reads it."""
    marker = tmp_path / "marker"
    result = make_result({"Sales": {"KR1": 0}})
    run = result.runs[0]
    changes = _unpickle_changes(payloads(marker)["posix.system"], 1)
    result = replace(result, runs=(replace(run, changes=changes),))
    path = save_results(tmp_path, 1, 1, result)
    with pytest.raises(ConfigError) as info:  # refused as the file is read, not later
        load_results(tmp_path)
    assert str(info.value) == (
        f"{path}: sheets-sync refuses to load these shard results: it names posix.system, "
        "which sheets-sync never writes; check who can write to the results folder"
    )
    assert_untouched(marker)


def test_a_dry_runs_results_are_marked_and_never_merged(
    tmp_path: Path, make_result: MakeResult
) -> None:
    """A dry run's results have a name and a header of their own: they never replace a
    real shard's results, a folder of them only is refused, saying so, and beside real
    ones they are left out. A real shard's file is unchanged (format 7)."""
    shards = _split(make_result, 2)
    dry = [save_results(tmp_path, k, 2, r, dry_run=True) for k, r in enumerate(shards, 1)]
    assert [p.name for p in dry] == ["shard-001-of-002-dry-run.pickle",
                                     "shard-002-of-002-dry-run.pickle"]  # fmt: skip
    assert dry[0].read_bytes().startswith(MAGIC + f"{FORMAT_VERSION} dry-run\n".encode())
    with pytest.raises(ConfigError) as err:
        load_results(tmp_path)
    assert str(err.value) == (
        f"{tmp_path}: only dry-run shard results (shard-001-of-002-dry-run.pickle, "
        "shard-002-of-002-dry-run.pickle): a dry run writes no team, so there is no night to "
        "merge; run the shards without --dry-run, then merge"
    )
    real = save_results(tmp_path, 1, 2, shards[0])
    assert real.name == "shard-001-of-002.pickle"
    assert real.read_bytes().startswith(MAGIC + b"7\n")  # FORMAT_VERSION, recorded
    with pytest.raises(ConfigError) as err:
        load_results(tmp_path)
    assert err.value.problems == [
        f"{tmp_path}: missing shard 2/2; did it fail or not finish? "
        "(shard-002-of-002-dry-run.pickle: a dry run's, not merged)"
    ]
    save_results(tmp_path, 2, 2, shards[1])
    dry[1].write_bytes(b"damaged")  # a dry run's are not read beside real ones
    context, runs = load_results(tmp_path)
    assert len(runs) == len(TEAMS) and context == shards[0].context
    # a dry run's results renamed as a real shard's are still a dry run's
    alone = tmp_path / "renamed"
    save_results(alone, 1, 1, shards[0], dry_run=True).rename(results_file(alone, 1, 1))
    with pytest.raises(
        ConfigError, match=r"only dry-run shard results \(shard-001-of-001\.pickle\)"
    ):
        load_results(alone)


def test_a_dry_runs_results_under_a_real_shards_name_are_named_in_the_missing_shard(
    tmp_path: Path, make_result: MakeResult
) -> None:
    """A dry run's results renamed as the missing real shard's: the merge said the shard
    was missing with no word of the file that has its name (the hint looked for the dry
    run's own name only)."""
    shards = _split(make_result, 2)
    save_results(tmp_path, 1, 2, shards[0])
    dry = save_results(tmp_path, 2, 2, shards[1], dry_run=True)
    dry.rename(results_file(tmp_path, 2, 2))
    with pytest.raises(ConfigError) as err:
        load_results(tmp_path)
    assert err.value.problems == [
        f"{tmp_path}: missing shard 2/2; did it fail or not finish? "
        "(shard-002-of-002.pickle: a dry run's, not merged)"
    ]


def test_the_merge_names_the_files_it_merged_by_their_header(
    tmp_path: Path, make_result: MakeResult
) -> None:
    """The merge's run report listed every results file not named as a dry run's, so a
    dry run's under another name was listed as merged; it lists what it read as real."""
    shards = _split(make_result, 2)
    for k, shard in enumerate(shards, 1):
        save_results(tmp_path, k, 2, shard)
    dry = save_results(tmp_path, 1, 2, shards[0], dry_run=True)
    dry.rename(tmp_path / "shard-001-of-002-tuesday.pickle")
    context, runs, merged = load_shards(tmp_path)
    assert len(runs) == len(TEAMS) and context == shards[0].context
    assert merged == ["shard-001-of-002.pickle", "shard-002-of-002.pickle"]


def test_load_results_keeps_its_shape(tmp_path: Path, make_result: MakeResult) -> None:
    """``load_results`` returns ``(context, runs)``, as docs/operations.md shows it: on
    2026-12-06 it grew a third value (the merged files' names, for the merge's report) and
    a caller's ``context, runs = load_results(d)`` failed, "too many values to unpack".
    The names are ``load_shards``' ``files`` (the test above)."""
    for k, result in enumerate(_split(make_result, 2), 1):
        save_results(tmp_path, k, 2, result)
    context, runs = load_results(tmp_path)
    merged = load_shards(tmp_path)
    assert (merged.context, merged.runs) == (context, runs) and len(runs) == len(TEAMS)
    assert merged.files == ["shard-001-of-002.pickle", "shard-002-of-002.pickle"]


def _scored_with_unread(make_result: MakeResult) -> tuple[RunContext, TeamResult]:
    """Sales scored, its key result's Due and its KPI's Frequency unread (format 6)."""
    base = team_input("Sales", {"KR1": 50})
    team = replace(
        base,
        key_results=tuple(replace(kr, unread=frozenset({"due"})) for kr in base.key_results),
        kpis=tuple(replace(kpi, unread=frozenset({"frequency"})) for kpi in base.kpis),
    )
    context = make_result({}).context
    return context, evaluate_team(team, period=context.period, as_of=context.as_of)


def test_unread_fields_are_a_new_format_and_format_5_results_still_merge(
    tmp_path: Path, make_result: MakeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``KeyResult.unread`` and ``KPI.unread`` made their pickles one argument longer, which
    a format-5 reader failed on as "damaged shard results (TypeError...)": the files say
    format 6, so that reader refuses them plainly; a format-5 file (no ``unread``) still
    merges, its key results' and KPIs' ``unread`` empty, as a row with no cell in error."""
    context, scored = _scored_with_unread(make_result)
    result = SyncResult(context, (TeamRun("Sales", "sales.xlsx", Outcome.OK, scored),), ())
    path = save_results(tmp_path, 1, 1, result)
    assert path.read_bytes().startswith(MAGIC + b"7\n")  # FORMAT_VERSION, recorded
    loaded = load_results(tmp_path)[1][0].result
    assert loaded is not None
    assert [kr.kr.unread for kr in loaded.key_results] == [frozenset({"due"})]
    assert [k.kpi.unread for k in loaded.kpis] == [frozenset({"frequency"})]
    for cls in (KeyResult, KPI):
        fields = [f.name for f in dataclasses.fields(cls) if f.name != "unread"]
        monkeypatch.setattr(cls, "__reduce__", lambda o, c=cls, f=fields: (c, attrgetter(*f)(o)))
    payload = ShardResults(1, 1, __version__, result.context, tuple(result.runs))
    path.write_bytes(MAGIC + b"5\n" + pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
    monkeypatch.undo()
    old = load_results(tmp_path)[1][0].result
    assert old is not None and old == scored
    assert [kr.kr.unread for kr in old.key_results] == [frozenset()]
    assert [k.kpi.unread for k in old.kpis] == [frozenset()]


def test_a_format_5_file_lacks_both_new_fields_and_still_merges(
    tmp_path: Path, make_result: MakeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A format-5 file as a format-5 sheets-sync wrote it has neither ``unread`` (key
    results, KPIs) nor ``recoloured`` (runs): the two tests above take out one each. It
    merges, its rows' ``unread`` empty and its run's count 0."""
    context, scored = _scored_with_unread(make_result)
    run = TeamRun("Sales", "sales.xlsx", Outcome.OK, scored, recoloured=2)
    path = save_results(tmp_path, 1, 1, SyncResult(context, (run,), ()))
    for cls in (KeyResult, KPI):
        fields = [f.name for f in dataclasses.fields(cls) if f.name != "unread"]
        monkeypatch.setattr(cls, "__reduce__", lambda o, c=cls, f=fields: (c, attrgetter(*f)(o)))
    fields = [f.name for f in dataclasses.fields(TeamRun) if f.name != "recoloured"]
    monkeypatch.setattr(TeamRun, "__reduce__", lambda r: (TeamRun, attrgetter(*fields)(r)))
    payload = ShardResults(1, 1, __version__, context, (run,))
    path.write_bytes(MAGIC + b"5\n" + pickle.dumps(payload, pickle.HIGHEST_PROTOCOL))
    monkeypatch.undo()
    (old,) = load_results(tmp_path)[1]
    assert old.recoloured == 0 and old == replace(run, recoloured=0)
    assert old.result is not None and old.result == scored
    assert [kr.kr.unread for kr in old.result.key_results] == [frozenset()]
    assert [k.kpi.unread for k in old.result.kpis] == [frozenset()]
