"""Google teams whose KRs read other teams' KPIs, released as soon as those teams are read.

A Google sheet has no version a write can be checked against (docs/google-sheets.md), so
the shorter the time between a team's read and its write, the smaller the chance that a
row inserted meanwhile moves owned cells. A team standing alone is written right after its
read. A team whose KRs name other teams' KPIs needs their reads first: ``LinkedWrites``
holds it until the last of those arrives, not until every team of the night is read (at
500 teams and 60 requests a minute, 8 minutes), and hands it to the thread that delivered
that read. A team naming a team that is not a Google team of this run (a local workbook,
a team outside ``--team`` or a shard, a misspelt name) is not held here: the end of the
reads plans it, as before.

Held at all only when the teams it reads come later in the night's reads. Each night keeps
who read whom (``.sheets-sync/google-links.json``), and the next night reads a team after
the teams it read the night before (``read_order``), so an unchanged link costs no wait.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from sheets_sync.atomic import atomic_write_text, remove_stale, temp_files_of
from sheets_sync.domain.models import TeamInput
from sheets_sync.domain.team_names import team_key
from sheets_sync.loggers import get_logger
from sheets_sync.sync.reading import TeamRead

log = get_logger("sheets_sync.sync")
LINKS_FILE = "google-links.json"

Ready = list[tuple[TeamRead, list[TeamInput]]]


def linked_teams(team: TeamInput) -> frozenset[str]:
    """The names (``team_key``: casefolded, without outer spaces) that this team's KRs
    may mean as the team of a ``Team/KPI`` link: a team's name may hold a slash itself
    ("Sales/EMEA/KPI-1"), so each part before a slash is a candidate. A candidate no team
    has is harmless to whoever looks it up."""
    names: set[str] = set()
    for kr in team.key_results:
        link = kr.kpi_link or ""
        cut = link.find("/")
        while cut >= 0:
            names.add(team_key(link[:cut]))
            cut = link.find("/", cut + 1)
    return frozenset(names)


class LinkedWrites:
    """Thread-safe: every read thread reports its read here."""

    def __init__(self, teams: Iterable[str], every_team: Iterable[str]) -> None:
        """``teams``: the Google teams of this run; ``every_team``: the workspace's."""
        self._teams = frozenset(t.casefold() for t in teams)
        #: ``team_key`` -> the teams' names casefolded: " Sales " is read for ``Sales/NPS``;
        #: only ``arrived`` reads it, for Google teams: without them, none (a set a team)
        self._known: dict[str, frozenset[str]] = {}
        for name in every_team if self._teams else ():
            key = team_key(name)
            self._known[key] = self._known.get(key, frozenset()) | {name.casefold()}
        self._lock = threading.Lock()
        self._inputs: dict[str, TeamInput | None] = {}
        self._waiting: list[tuple[TeamRead, frozenset[str]]] = []
        self.links: dict[str, list[str]] = {}  # team -> the teams its KRs read

    def arrived(
        self, state: TeamRead, team: TeamInput | None, needs: frozenset[str] = frozenset()
    ) -> Ready:
        """Note ``state``'s read (``team``: its input, None when the read failed), held
        when it ``needs`` teams not read yet (when none of them is a team: not held).
        Returns every held team whose named teams are now all read, with their inputs
        (failed reads have none: their KPIs give no data, as at the end of the reads)."""
        # the teams the candidates may be (``linked_teams``): every one, spaces or not
        needs = frozenset().union(*(self._known.get(n, ()) for n in needs))
        with self._lock:
            self._inputs[state.spec.name.casefold()] = team
            if team is not None:  # every team named, in this run or not: a --team night
                self.links[state.spec.name] = sorted(needs)  # must not drop the others' links
            if needs and needs <= self._teams:
                self._waiting.append((state, needs))
            ready = [(s, n) for s, n in self._waiting if n <= self._inputs.keys()]
            if not ready:
                return []
            self._waiting = [w for w in self._waiting if all(w[0] is not s for s, _ in ready)]
            return [
                (s, [i for name in sorted(n) if (i := self._inputs[name]) is not None])
                for s, n in ready
            ]


def read_order(names: Sequence[str], links: Mapping[str, Iterable[str]]) -> list[int]:
    """Indexes of ``names`` in the order to read them: each team after the teams it
    ``links`` to (casefolded names), the rest as given. Teams that read each other keep
    their given order between them: one of them has to wait either way."""
    index = {name.casefold(): i for i, name in enumerate(names)}
    needs = [
        {index[n] for n in links.get(name, ()) if n in index} - {i} for i, name in enumerate(names)
    ]
    depth = [0] * len(names)
    for _ in range(len(names)):  # a chain is at most every team long; a cycle stops there
        deeper = [min(len(names), 1 + max((depth[j] for j in n), default=-1)) for n in needs]
        if deeper == depth:
            break
        depth = deeper
    return sorted(range(len(names)), key=depth.__getitem__)


def load_links(path: Path) -> dict[str, list[str]]:
    """Last night's ``LinkedWrites.links``; empty when there are none (or they are damaged:
    they only order reads)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(team): [str(n) for n in names]
        for team, names in data.items()
        if isinstance(names, list)
    }


def save_links(
    path: Path,
    links: Mapping[str, list[str]],
    teams: Iterable[str],
    old: Mapping[str, list[str]],
) -> None:
    """Merge tonight's ``links`` into ``old`` (the file's, as ``load_links`` gave them at
    the start of the night): the other ``teams`` of the workspace (not in this run) keep
    theirs, teams no longer in it go."""
    # a run killed between writing the temp file and renaming it left it for good; swept
    # each night, as most nights' links are the same and write nothing
    remove_stale(temp_files_of(path))
    merged = {t: links[t] if t in links else old[t] for t in teams if t in links or t in old}
    if merged == old:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(merged, indent=1, sort_keys=True))
    except OSError as exc:  # a full disk: the teams are synced; tomorrow reads in config order
        log.warning("cannot keep tonight's KPI links in %s (%s)", path, exc.strerror or exc)


__all__ = ["LINKS_FILE", "LinkedWrites", "linked_teams", "load_links", "read_order", "save_links"]
