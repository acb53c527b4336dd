"""Teams that share a workbook hit the read cache after the night's writes (``refile.py``).

Each team's write leaves the file at a digest the next team's write replaces; only the
last one is the file's. The earlier teams' reads are filed under the final digest too,
when no later write touched their tabs, and each such entry must be what a fresh parse of
the final file gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import TeamSpec, Workspace, load_workspace
from sheets_sync.sync import engine
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.readcache import CachedRead, ReadCache, cache_key
from sheets_sync.sync.reading import read_team
from sheets_sync.sync.refile import WriteChain, refile
from tests.sync.test_shared_workbook import shared_workspace

NIGHT = dt.date(2026, 11, 23)
BOOK = "shared.xlsx"
TEAMS = ("Sales", "Ops", "Eng")
OKR_TABS = [f"{team} OKRs" for team in TEAMS]


def three_teams(root: Path, more: int = 0) -> Path:
    """``teams/shared.xlsx`` with a tab for each of Sales, Ops and Eng (and a Notes tab)."""
    cfg = shared_workspace(root, more=more)
    path = root / "teams" / BOOK
    book = openpyxl.load_workbook(path)
    book.copy_worksheet(book["Sales OKRs"]).title = "Eng OKRs"
    book.save(path)
    (root / "mappings" / "eng.yaml").write_text(
        "name: eng\nokrs:\n  sheet: [Eng OKRs]\n", encoding="utf-8"
    )
    lines = cfg.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("  - {name: Ops,")) + 1
    lines.insert(at, "  - {name: Eng, source: teams/shared.xlsx, mapping: eng}\n")
    cfg.write_text("".join(lines), encoding="utf-8")
    return cfg


class Parses:
    """The first tab each parse was asked for (whose it was), in this process and in the
    workers it forks: a spy around the real parse, logging to a file."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def clear(self) -> None:
        self.log.write_text("", encoding="utf-8")

    def __call__(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Parses:
    seen = Parses(tmp_path / "parses.log")
    seen.clear()
    real = ExcelBackend.parse

    def spy(self: ExcelBackend, data: bytes, version: str, tabs: list[str], *rest: int) -> object:
        with seen.log.open("a", encoding="utf-8") as log:
            log.write(tabs[0] + "\n")
        return real(self, data, version, tabs, *rest)

    monkeypatch.setattr(ExcelBackend, "parse", spy)
    return seen


def night(cfg: Path, as_of: dt.date, workers: int = 1, parses: Parses | None = None) -> SyncResult:
    """One night; ``parses`` is cleared first (the checks between nights parse too)."""
    if parses is not None:
        parses.clear()
    return Sync(load_workspace(cfg)).run(SyncOptions(as_of=as_of, workers=workers, rollup=False))


def fresh(spec: TeamSpec, ws: Workspace) -> CachedRead:
    """What a parse of the file as it is now gives the team, as the cache keeps it."""
    state = read_team(spec, ws)
    assert state.data and state.extract and state.team_input, state.error
    return CachedRead(dataclasses.replace(state.data, version=""), state.extract, state.team_input)


def cached(spec: TeamSpec, ws: Workspace) -> CachedRead | None:
    """The team's entry for the file's bytes as they are now (None: a miss)."""
    assert spec.path is not None
    digest = hashlib.sha256(spec.path.read_bytes()).hexdigest()
    key = cache_key(digest, spec, ws.max_workbook_bytes, ws.period)
    return ReadCache(ws.state_dir / "cache").get(spec, key)


def assert_every_team_hits_a_fresh_parse(cfg: Path) -> None:
    ws = load_workspace(cfg)
    for spec in ws.teams:
        if spec.path is not None and spec.path.name == BOOK:
            assert cached(spec, ws) == fresh(spec, ws), spec.name


def outcomes(result: SyncResult) -> list[tuple[str, Outcome]]:
    return [(r.team, r.outcome) for r in result.runs]


@pytest.mark.parametrize(("workers", "packed"), [(1, False), (1, True), (2, False)])
def test_every_team_of_a_shared_workbook_hits_after_the_nights_writes(
    tmp_path: Path,
    parses: Parses,
    workers: int,
    packed: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``packed``: reads packed as in a worker (the writer stores the entry pickled at
    planning); 2 workers: the writes in a forked worker."""
    if packed:
        monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    cfg = three_teams(tmp_path, more=2 if workers > 1 else 0)
    first = night(cfg, NIGHT, workers)
    assert {o for _, o in outcomes(first)} == {Outcome.OK}
    assert_every_team_hits_a_fresh_parse(cfg)
    second = night(cfg, NIGHT + dt.timedelta(days=1), workers, parses)  # pace moved: written
    assert [o for t, o in outcomes(second) if t in TEAMS] == [Outcome.OK] * 3
    assert parses() == []
    assert_every_team_hits_a_fresh_parse(cfg)
    third = night(cfg, NIGHT + dt.timedelta(days=1), workers, parses)  # a quiet night
    assert {o for _, o in outcomes(third)} == {Outcome.UNCHANGED}
    assert parses() == []
    assert_every_team_hits_a_fresh_parse(cfg)


def test_a_users_edit_between_nights_is_a_miss_for_every_team_of_the_file(
    tmp_path: Path, parses: Parses
) -> None:
    cfg = three_teams(tmp_path)
    night(cfg, NIGHT)
    path = tmp_path / "teams" / BOOK
    book = openpyxl.load_workbook(path)
    book["Ops OKRs"]["B2"] = "Edited by Ops"  # another key result title: the file's bytes move
    book.save(path)
    result = night(cfg, NIGHT + dt.timedelta(days=1), parses=parses)
    assert sorted(parses()) == sorted(OKR_TABS)
    assert [o for _, o in outcomes(result)] == [Outcome.OK] * 3
    ops = next(r for r in result.runs if r.team == "Ops")
    assert ops.result is not None and "Edited by Ops" in str(ops.result)
    assert_every_team_hits_a_fresh_parse(cfg)
    night(cfg, NIGHT + dt.timedelta(days=1), parses=parses)
    assert parses() == []


@pytest.mark.parametrize("workers", [1, 2])
def test_teams_with_nothing_to_write_hit_after_another_teams_write(
    tmp_path: Path, parses: Parses, workers: int
) -> None:
    """Ops's current value edited on the same day: only Ops writes, Sales's and Eng's
    reads of the user's file (unchanged tonight) are filed under the bytes Ops left."""
    cfg = three_teams(tmp_path, more=2 if workers > 1 else 0)
    night(cfg, NIGHT, workers)
    path = tmp_path / "teams" / BOOK
    book = openpyxl.load_workbook(path)
    assert book["Ops OKRs"]["K1"].value == "Current"
    book["Ops OKRs"]["K2"] = 190
    book.save(path)
    result = night(cfg, NIGHT, workers, parses)
    assert sorted(t for t in parses() if t in OKR_TABS) == sorted(OKR_TABS)
    assert [(t, o) for t, o in outcomes(result) if t in TEAMS] == [
        ("Sales", Outcome.UNCHANGED),
        ("Ops", Outcome.OK),
        ("Eng", Outcome.UNCHANGED),
    ]
    assert_every_team_hits_a_fresh_parse(cfg)
    again = night(cfg, NIGHT, workers, parses)
    assert parses() == [] and {o for _, o in outcomes(again)} == {Outcome.UNCHANGED}


def test_a_conflict_in_the_middle_leaves_no_wrong_entry(
    tmp_path: Path, parses: Parses, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user saves the file after Sales's write: Ops and Eng conflict. Whatever the
    cache holds names bytes its read is right for; the next night parses the user's file
    and writes every team."""
    cfg = three_teams(tmp_path)
    night(cfg, NIGHT)
    real = ExcelBackend.write
    calls: list[str] = []

    def write_then_user_saves(self: ExcelBackend, *args: object) -> None:
        real(self, *args)  # type: ignore[arg-type]
        calls.append(self.display_name)
        if len(calls) == 1:
            book = openpyxl.load_workbook(self.path)
            book["Notes"]["A2"] = "saved by the user"
            book.save(self.path)

    monkeypatch.setattr(ExcelBackend, "write", write_then_user_saves)
    result = night(cfg, NIGHT + dt.timedelta(days=1))
    monkeypatch.setattr(ExcelBackend, "write", real)
    assert [o for _, o in outcomes(result)] == [Outcome.OK, Outcome.CONFLICTED, Outcome.CONFLICTED]
    assert_no_wrong_entry(cfg)
    again = night(cfg, NIGHT + dt.timedelta(days=1), parses=parses)
    assert sorted(parses()) == sorted(OKR_TABS)
    assert [o for _, o in outcomes(again)] == [Outcome.UNCHANGED, Outcome.OK, Outcome.OK]
    assert_every_team_hits_a_fresh_parse(cfg)


def test_a_refused_write_in_the_middle_leaves_no_wrong_entry(
    tmp_path: Path, parses: Parses
) -> None:
    """Ops's Score cells inside an array formula that also covers its Comment column (a
    formula the sync may not replace whole): its write is refused each night, Eng's
    lands on the file Sales's write left. Sales and Eng hit the next night; Ops, whose
    read is a miss each night (never cached after a refused write), parses."""
    from openpyxl.worksheet.formula import ArrayFormula

    cfg = three_teams(tmp_path)
    path = tmp_path / "teams" / BOOK
    book = openpyxl.load_workbook(path)
    column = [c.value for c in book["Ops OKRs"][1]].index("Score") + 1
    assert book["Ops OKRs"].cell(1, column - 1).value == "Comment"
    top, bottom = book["Ops OKRs"].cell(2, column - 1), book["Ops OKRs"].cell(3, column)
    book["Ops OKRs"][top.coordinate] = ArrayFormula(f"{top.coordinate}:{bottom.coordinate}", "=0")
    book.save(path)
    first = night(cfg, NIGHT)
    assert [o for _, o in outcomes(first)] == [Outcome.OK, Outcome.FAILED, Outcome.OK]
    assert_no_wrong_entry(cfg)
    second = night(cfg, NIGHT + dt.timedelta(days=1), parses=parses)
    assert [o for _, o in outcomes(second)] == [Outcome.OK, Outcome.FAILED, Outcome.OK]
    assert parses() == ["Ops OKRs"]
    assert_no_wrong_entry(cfg)


def assert_no_wrong_entry(cfg: Path) -> None:
    """Every slot's key names bytes whose fresh parse is the slot's read: checked for the
    file as it is (the only bytes a next night can look up)."""
    ws = load_workspace(cfg)
    for spec in ws.teams:
        hit = cached(spec, ws)
        if hit is not None:
            assert hit == fresh(spec, ws), spec.name


def test_a_read_is_not_refiled_past_a_write_to_its_own_tabs(tmp_path: Path) -> None:
    """The chain's facts only: an entry is moved when no write after its digest touched
    a tab the team reads (tab keys: case, spaces and punctuation ignored)."""
    ws = load_workspace(three_teams(tmp_path))
    sales = ws.team("Sales")
    cache = ReadCache(ws.state_dir / "cache")
    read = fresh(sales, ws)
    limit = ws.max_workbook_bytes
    cache.put(sales, cache_key("a" * 64, sales, limit), read)
    chain = WriteChain()
    chain.wrote("a" * 64, "b" * 64, frozenset({"opsokrs"}))
    chain.wrote("b" * 64, "c" * 64, frozenset({"salesokrs"}))
    chain.wrote("c" * 64, "d" * 64, frozenset({"engokrs"}))
    assert refile(cache, chain, [sales], limit) == 0
    assert cache.get(sales, cache_key("d" * 64, sales, limit)) is None
    gap = WriteChain()
    gap.wrote("a" * 64, "b" * 64, frozenset({"opsokrs"}))
    gap.wrote("x" * 64, "y" * 64, frozenset({"engokrs"}))  # not from "b": what came first?
    assert gap.digests == ["x" * 64, "y" * 64]
    assert refile(cache, gap, [sales], limit) == 0
    fine = WriteChain()
    fine.wrote("a" * 64, "b" * 64, frozenset({"opsokrs"}))
    fine.wrote("b" * 64, "c" * 64, frozenset({"engokrs"}))
    slot = next((ws.state_dir / "cache").glob("*.pickle"))
    intact = slot.read_bytes()
    slot.write_bytes(intact[:-1] + bytes([intact[-1] ^ 1]))  # damaged: not moved
    assert refile(cache, fine, [sales], limit) == 0
    slot.write_bytes(intact)
    assert refile(cache, fine, [sales], limit) == 1
    assert cache.get(sales, cache_key("c" * 64, sales, limit)) == read
