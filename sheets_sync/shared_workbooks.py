"""Teams whose sources are one workbook: a tab each is a layout, a tab shared a problem.

Two teams reading the same tab count one team's goals (or KPIs) twice in the rollup.
Named by the same path in the workspace file, that is a slip in the YAML: a configuration
error. Reached by a symbolic link from another team's name (a co-worker made
``teams/b.xlsx`` a link to ``a.xlsx``), it is one file of the teams folder: that team
alone fails, and the night goes on (until 2026-12-05 the whole night stopped, exit 2).
Two teams whose files are one file by two names (a hard link, ``ln a.xlsx b.xlsx``) both
fail, whichever tabs they read (``hard_linked``): a night's write replaces the name it is
given (``os.replace``), which parts the two names into two files, so the later team
failed one night and both were read as two workbooks the next (until 2026-12-07).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sheets_sync.grid import as_typed, tab_key

if TYPE_CHECKING:
    from sheets_sync.mapping.spec import TabNames
    from sheets_sync.workspace_spec import TeamSpec

Tabs = tuple[tuple[str, ...] | None, ...]  # the tab keys of a team's goals and KPIs
#: each workbook (``workbook_key``) -> its teams so far and their tabs
Reading = dict[object, list[tuple["TeamSpec", Tabs]]]


def workbook_key(team: TeamSpec) -> object:
    """The workbook ``team`` reads, as two teams' are compared: its file (``file_key``)
    or its ``gsheet:`` key."""
    if team.path is None:
        return team.source.strip()
    return file_key(team.path)


def file_key(path: Path) -> object:
    """The file at the resolved ``path``, as two are compared: its device and inode when
    it has more than one name (a hard link: two names resolved apart are one file), else
    ``path`` (a file of one name, one not made yet). Some file systems report inode 0 for
    every file (WinFsp and sshfs-win, some SMB mounts; CPython issue 78116): there the
    inode says nothing, and every team was one file, the workspace refused (until
    2026-12-07). A stat a team; the link count gates only the cost of a key."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return path
    if found.st_ino == 0 or found.st_nlink < 2:
        return path
    return (found.st_dev, found.st_ino)


def hard_linked(teams: Sequence[TeamSpec]) -> list[TeamSpec]:
    """``teams`` with every team whose file is another team's by another name (a hard
    link) marked to fail alone (``TeamSpec.linked``): both teams, whichever tabs they
    read, so nothing is written, the link stays and every night (and every shard) gives
    the same answer. Written, a hard link parted (``os.replace`` replaces one name), and
    the next night both names were read as two workbooks: the same tab counted twice in
    the rollup, a tab each two files that no longer see each other's edits. Two
    spellings of one name (case, or NFC and NFD, where the file system ignores them) are
    no hard link: the same workbook, whose shared tab stays the YAML's error
    (``shared_tabs``). Two spellings are two names only when each is, exactly, in its
    folder's listing (``_named``): on Linux ``Sales.xlsx`` and ``sales.xlsx`` can be one
    file by two names, which a casefold took for one name (until 2026-12-07). Each
    distinct path is looked at once."""
    keys: dict[Path, object] = {}
    by_file: dict[object, list[TeamSpec]] = {}
    for t in teams:
        if t.path is None or t.linked is not None:
            continue
        if t.path not in keys:
            keys[t.path] = file_key(t.path)
        if isinstance(key := keys[t.path], tuple):
            by_file.setdefault(key, []).append(t)
    listings: dict[Path, frozenset[str] | None] = {}
    marked: dict[int, str] = {}  # by id: names may repeat (a problem of their own)
    for group in by_file.values():
        # any two teams of the group, of any names: two other names' teams that share a
        # tab make "a tab each" no way out for this team either (until 2026-12-07 only
        # this team and each other name were looked at)
        clash = next(
            (c for i, t in enumerate(group) for o in group[:i] if (c := _meeting(t, o))), None
        )
        for t in group:
            others = [o for o in group if _two_names(t.path, o.path, listings)]
            names: dict[Path, list[str]] = {}  # each other name, and its teams
            for o in others:
                if o.path is not None:
                    names.setdefault(o.path, []).append(o.name)
            if names:
                own = len(group) - len(others)  # this team and those on its own name
                marked[id(t)] = hard_link_message(names, clash, own)
    return [dataclasses.replace(t, linked=marked[id(t)]) if id(t) in marked else t for t in teams]


def _two_names(a: Path | None, b: Path | None, listings: dict[Path, frozenset[str] | None]) -> bool:
    """Whether ``a`` and ``b``, paths of one file, are two of its names, not two
    spellings of one name: spelled apart, and each, exactly, a name its folders list."""
    if a is None or b is None or a == b:
        return False
    return _named(a, listings) and _named(b, listings)


def _named(path: Path, listings: dict[Path, frozenset[str] | None]) -> bool:
    """Whether every part of ``path`` is spelled as its folder lists it (``os.listdir``,
    once a folder in ``listings``); a folder that cannot be listed says nothing against."""
    for part in (path, *path.parents):
        folder = part.parent
        if folder == part:
            return True
        if folder not in listings:
            try:
                listings[folder] = frozenset(os.listdir(folder))
            except (OSError, ValueError):
                listings[folder] = None
        listed = listings[folder]
        if listed is not None and part.name not in listed:
            return False
    return True


def hard_link_message(
    names: dict[Path, list[str]], clash: Clash | None = None, own: int = 1
) -> str:
    """Why a team whose file is other teams' by other names fails (``hard_linked``):
    ``names``, each other name and its teams, all of them (with three names one was
    told, until 2026-12-07); ``clash``: a tab read by two teams of any of the names
    (this one's too), if any, named in the advice (until 2026-12-07 "give the copy the
    other team's goals", with three teams not saying which); ``own``: the teams of this
    team's own name, itself counted ("both teams" were three, until 2026-12-07). A plain
    ``cp`` of one name to the other fails ("are the same file"): one name is deleted
    first (until 2026-12-07 the advice said "replace one name by a copy"). With three
    names or more the advice is worded for them all: every name but one is deleted, the
    file left copied to each (until 2026-12-07 it said "delete one name, then copy the
    other file to it", which left two of three names one file, and "both teams")."""
    told = [f"{path}, the workbook of {_teams(teams)}" for path, teams in names.items()]
    if len(told) == 1:
        path, teams = next(iter(names.items()))
        other, parted = f"{path} (a hard link), the workbook of {_teams(teams)}", "two"
        delete, copy, list_it = (
            "Delete one name",
            "copy the other file to it",
            "delete one name and list the other for "
            + ("both teams" if len(teams) == 1 and own == 1 else "every team"),
        )
    else:
        other, parted = ", and as ".join(told) + " (hard links)", str(len(told) + 1)
        delete, copy, list_it = (
            "Delete every name but one",
            "copy the file left to each name deleted",
            "delete every name but one and list the one left for every team",
        )
    start = (
        f"is the same file as {other}; not read or written: a write would part the "
        f"{parted} names into {parted} files. {delete}, then {copy}"
    )
    if clash is None:
        return f"{start} (a file each), or {list_it} (a tab each)"
    tab, what = as_typed(clash.tab), clash.what
    pair = f"teams {clash.first.name!r} and {clash.team.name!r}"
    read, read_both = f"{pair} read the tab {tab}", f"{pair} both read the tab {tab}"
    if clash.theirs not in (None, what):  # one's goals tab the other's KPIs tab
        what = "goals and KPIs"  # "keep each team's goals" until 2026-12-07
        read = read_both = (
            f"team {clash.team.name!r} reads the tab {tab} as its {clash.what}, "
            f"team {clash.first.name!r} as its {clash.theirs}"
        )
    if len(told) == 1:
        return f"{start}, and keep each team's {what} in its own file ({read_both})"
    return f"{start}, and give each copy its team's {what} ({read})"


def _teams(names: list[str]) -> str:
    """``team 'A'``, ``teams 'A' and 'B'``, ``teams 'A', 'B' and 'C'``."""
    quoted = [repr(n) for n in names]
    if len(quoted) == 1:
        return f"team {quoted[0]}"
    return f"teams {', '.join(quoted[:-1])} and {quoted[-1]}"


def _meeting(team: TeamSpec, other: TeamSpec) -> Clash | None:
    """The tab ``team`` and ``other`` may both read (``_shared_tab``), or None."""
    named = [_named_tabs(t) for t in (team, other)]
    keys = [_keys(n) for n in named]
    return _shared_tab(team, named[0], keys[0], other, keys[1])


def _named_tabs(team: TeamSpec) -> TabNames:
    """The tabs ``team``'s mapping names for its goals and KPIs."""
    spec = team.mapping
    return (spec.okrs.sheet, None if spec.kpis is None else spec.kpis.sheet)


def _keys(named: TabNames) -> Tabs:
    """The tab keys of ``named``, as ``find_sheet`` finds a tab."""
    return tuple(None if names is None else tuple(map(tab_key, names)) for names in named)


#: why one team's goals tab may not be another's KPI tab
BOTH_WRITE = "both would write their results (Status, Sync notes) into that tab"


class Clash(NamedTuple):
    """``team`` may read the tab ``tab`` that ``first``, of the same workbook, reads."""

    team: TeamSpec
    first: TeamSpec
    tab: str
    what: str  # "goals" or "KPIs"
    exact: bool  # the same tab list, not merely a name in both
    #: what ``first`` reads the tab as, when not as ``what`` (its goals, this team's KPIs)
    theirs: str | None = None

    def problem(self) -> str:
        """The configuration problem, naming both teams, the workbook and the tab."""
        team, first, tab = self.team.name, self.first.name, as_typed(self.tab)
        if self.theirs is not None:
            reads = "reads" if self.exact else "can read"
            return (
                f"team {team!r} {reads} as its {self.what} the tab team {first!r} reads as its "
                f"{self.theirs} ({self.team.source}, tab {tab}); {BOTH_WRITE}"
            )
        if self.exact:
            return (
                f"team {team!r} reads the same tab of the same workbook as team {first!r} "
                f"({self.team.source}, tab {tab}); the rollup would count its "
                f"{self.what} twice"
            )
        return (
            f"team {team!r} can read the same tab of the same workbook as team {first!r} "
            f"({self.team.source}, tab {tab}, in both teams' tab lists: a team reads "
            f"the first of its tabs the workbook has); the rollup would count its "
            f"{self.what} twice"
        )


def linked_message(real: Path, holder: str, tab: str, what: str, theirs: str | None) -> str:
    """The one line a team whose file is a symbolic link to another
    team's workbook fails with: it would read ``tab`` as its ``what``, which ``holder``
    reads as its ``theirs`` when not as ``what`` (a goals tab that is the other's KPI
    tab, in ``Clash.problem``'s words: it said "count its goals twice" for that too
    until 2026-12-06). "the tab KPIs, which team 'Sales' reads": until 2026-12-07 the
    tab's name and the team ran together."""
    start = f"is a symbolic link to {real}, the workbook of team {holder!r}; not read or written"
    tab = as_typed(tab)
    if theirs is not None:
        return (
            f"{start} (it would read as its {what} the tab {tab}, which team {holder!r} reads "
            f"as its {theirs}; {BOTH_WRITE})"
        )
    return (
        f"{start} (it would read the same tab, {tab}, and the rollup would count its {what} twice)"
    )


def shared_tabs(team: TeamSpec, reading: Reading, named: TabNames | None = None) -> list[Clash]:
    """Why ``team`` may read a tab a team before it reads: one clash per such team, all
    at once as the other problems are, so fixing one does not just reveal the next on the
    following run (``reading``: the teams of each workbook so far and their tabs, which
    this adds ``team`` to). A pair meeting on both its goals and its KPIs tab (a
    copy-pasted team line) is one slip and gets one clash, about the goals.

    A team reads the *first* of its tab names the workbook has (``find_sheet``), so two
    lists sharing any name can meet on that tab: ``[Sales OKRs, OKRs]`` and ``[OKRs]`` do
    whenever ``Sales OKRs`` is missing or renamed.

    ``named``: the tabs, for a team whose mapping did not load (``TeamSpec.mapping``
    is then a stand-in), as its mapping file still names them (``named_tabs``).
    """
    if named is None:
        named = _named_tabs(team)
    mine = _keys(named)
    others = reading.setdefault(workbook_key(team), [])
    clashes = [
        clash
        for first, theirs in others
        if (clash := _shared_tab(team, named, mine, first, theirs))
    ]
    others.append((team, mine))
    return clashes


def _shared_tab(
    team: TeamSpec, sheets: TabNames, mine: Tabs, first: TeamSpec, theirs: Tabs
) -> Clash | None:
    """Why ``team`` may read a tab ``first`` (of the same workbook) reads, or None."""
    for tab, tabs, their_tabs, what in zip(sheets, mine, theirs, ("goals", "KPIs"), strict=True):
        if tab is None or tabs is None or their_tabs is None:
            continue
        if their_tabs == tabs:
            return Clash(team, first, tab[0], what, exact=True)
        named = zip(tab, tabs, strict=True)
        if (shared := next((n for n, k in named if k in their_tabs), None)) is not None:
            return Clash(team, first, shared, what, exact=False)
    # one team's goals tab the other's KPI tab: each wrote its own Status into the same
    # cells, and config check passed (until 2026-12-06)
    for tab, tabs, their_tabs, what, other in zip(
        sheets,
        mine,
        reversed(theirs),
        ("goals", "KPIs"),
        ("KPIs", "goals"),
        strict=True,
    ):
        if tab is None or tabs is None or their_tabs is None:
            continue
        named = zip(tab, tabs, strict=True)
        if (shared := next((n for n, k in named if k in their_tabs), None)) is not None:
            return Clash(team, first, shared, what, tabs == their_tabs, other)
    return None


def linked_side(clash: Clash, root: Path) -> TeamSpec | None:
    """Which team of ``clash`` reaches the workbook by a symbolic link from a name of its
    own (the later one when both do); None when both name it alike (a copy-pasted line,
    ``teams/../teams/x.xlsx`` too) or neither name is a link (one file named in two
    cases where case is ignored; a hard link failed both teams before, ``hard_linked``):
    those are the YAML's."""
    later, first = clash.team, clash.first
    if later.path is None or first.path is None:
        return None
    named = [Path(os.path.abspath(root / t.source)) for t in (later, first)]
    if named[0] == named[1]:
        return None
    linked = (t for t, n in zip((later, first), named, strict=True) if os.path.islink(n))
    return next(linked, None)


def fail_linked(
    teams: Sequence[TeamSpec], clashes: Sequence[Clash], root: Path
) -> tuple[list[TeamSpec], list[Clash]]:
    """``teams`` with each team a link makes share another's tab marked to fail alone
    (``TeamSpec.linked``), and the clashes left for the configuration to report."""
    marked: dict[int, str] = {}  # by id: names may repeat (a problem of their own)
    left: list[Clash] = []
    for clash in clashes:
        side = linked_side(clash, root)
        if side is None:
            left.append(clash)
            continue
        holder = clash.first if side is clash.team else clash.team
        # the clash is told as clash.team sees it: the link's team may be its first
        what, theirs = (clash.what, clash.theirs)
        if side is not clash.team and clash.theirs is not None:
            what, theirs = clash.theirs, clash.what
        if id(side) not in marked and side.path is not None:
            marked[id(side)] = linked_message(side.path, holder.name, clash.tab, what, theirs)
    new = [dataclasses.replace(t, linked=marked[id(t)]) if id(t) in marked else t for t in teams]
    return new, left


def unknown_tabs_message(team: TeamSpec, holder: str, root: Path) -> str:
    """Why ``team`` fails alone: ``holder``, of the same workbook, has a mapping that
    did not load and names no tabs we can read, so either may read the other's tab (it
    read into that team's tab, and the rollup counted the goals twice, until 2026-12-06)."""
    why = (
        f"not read or written: team {holder!r} of this workbook has a mapping that did not "
        "load, so which tab it reads is unknown"
    )
    if team.path is not None and os.path.islink(os.path.abspath(root / team.source)):
        return f"is a symbolic link to {team.path}, the workbook of team {holder!r}; {why}"
    return f"is also the workbook of team {holder!r}; {why}"
