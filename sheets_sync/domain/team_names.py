"""A team as a person names it: ``--team Sales``, a library's ``Workspace.team("Sales")``
and a KR's ``KPI link`` ``Sales/KPI-3`` all find one here, the same way. A name is kept as
written (it is the rollup's ``Team`` and keys the history), so " Sales " is found by
``Sales``; two teams that differ only by outer spaces are never told apart by a guess."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def team_key(name: str) -> str:
    """A team's name as it is found at last: case and outer spaces ignored."""
    return name.strip().casefold()


class TeamNames:
    """The workspace's team names, by the name as written (case ignored) and by
    ``team_key``."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.written: dict[str, str] = {}
        self.by_key: dict[str, list[str]] = {}
        for name in dict.fromkeys(names):
            self.written.setdefault(name.casefold(), name)
            self.by_key.setdefault(team_key(name), []).append(name)

    def __bool__(self) -> bool:
        return bool(self.written)

    def find(self, name: str) -> list[str]:
        """The team written as ``name`` (case ignored), else those ``name`` gives without
        outer spaces: none, one, or several (``not_one_team`` says so)."""
        if (written := self.written.get(name.casefold())) is not None:
            return [written]
        return self.by_key.get(team_key(name), [])


def not_one_team(found: Sequence[str]) -> str:
    """Why a name that finds several teams (``TeamNames.find``) names none of them."""
    teams = " and ".join(repr(name) for name in sorted(found))
    return (
        f"names no single team: {teams} differ only by outer spaces (rename one in the workspace)"
    )
