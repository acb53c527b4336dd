"""A loaded workspace: its settings and teams, every path resolved (``config.py`` loads it).

What the rest of the tool is handed once ``sheets-sync.yaml`` is read and checked: frozen,
and touching the file system only to name a file's backup folders.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sheets_sync.config_models import GoogleModel, NotifyModel
from sheets_sync.domain.models import CompanyObjective, Period
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.domain.team_names import TeamNames, not_one_team
from sheets_sync.errors import ConfigError
from sheets_sync.mapping.spec import MappingSpec
from sheets_sync.sources import GSHEET_PREFIX, link_out_of, resolved_path


@dataclass(frozen=True)
class TeamSpec:
    name: str
    source: str
    mapping_name: str
    mapping: MappingSpec = field(compare=False, repr=False)
    path: Path | None = None  # None for Google sources; resolved when the workspace loads
    #: the resolved folders the file may really be in (``sources.confining_folders``),
    #: checked again each time it is read or written: it may become a link after the load
    confine: tuple[Path, ...] = field(default=(), compare=False)
    #: why the team fails alone, found when the workspace loaded: its file is a symbolic
    #: link to another team's workbook, whose tab it would read (``shared_workbooks``),
    #: or its source is a web address that names no Google Sheet (``NotASheetURLError``)
    linked: str | None = field(default=None, compare=False)
    #: why the team fails alone because its mapping did not load (a sync's workspace,
    #: ``config_resolve.resolve``): where the workspace names it, then the mapping's
    #: problems, ``teams[1].mapping: mine.yaml: kpis.requried: unknown key (...)``;
    #: ``mapping`` is then a stand-in no read uses
    mapping_error: str | None = field(default=None, compare=False)
    #: matched by ``teams_glob`` (no entry of its own): a file gone says so, not "give
    #: the team its new path"
    globbed: bool = field(default=False, compare=False)

    @property
    def outside(self) -> Path | None:
        """Where a symbolic link took the file when the workspace loaded, when that is
        out of ``confine``: the team then fails, read nor written."""
        return None if self.path is None else link_out_of(self.path, self.confine)

    @property
    def is_google(self) -> bool:
        return self.source.startswith(GSHEET_PREFIX)

    @property
    def google_key(self) -> str:
        return self.source[len(GSHEET_PREFIX) :]

    @property
    def path_or_sheet(self) -> Path | str | None:
        """The workbook the team reads, Excel or Google, as the teams that share one go
        to one shard (``ops.shard``): its path, resolved when the workspace loads (a
        symbolic link is the file it leads to), or its ``gsheet:`` source (a sheet's URL
        is its key by then); None for a team of neither (a web address that names no
        sheet), a shard's group alone. Never an inode: a link count changes while a
        backup is made, which could part one path's teams (two names of one file fail
        anyway, ``shared_workbooks.hard_linked``). The Excel writes group by ``path``
        alone (``team_steps.by_workbook``), the Google threads by ``google_key`` alone
        (``google_threads.sheet_turns``). Not ``shared_workbooks.workbook_key``, which
        compares files by inode when they have two names."""
        if self.path is not None:
            return self.path
        return self.source if self.is_google else None

    @property
    def display_name(self) -> str:
        if self.path is None:
            return self.source
        return self.path.name or str(self.path)  # "/" has no name


@dataclass(frozen=True)
class Workspace:
    """A loaded, validated workspace with every path resolved."""

    config_path: Path
    company: str
    period: Period
    company_objectives: tuple[CompanyObjective, ...]
    teams: tuple[TeamSpec, ...]
    rollup_output: str
    rules: ScoringRules
    google: GoogleModel
    max_workbook_bytes: int
    keep_backups: int
    notify: NotifyModel
    keep_snapshots: int
    #: the workspace folder resolved (``resolved_path``), once when it loads: the teams'
    #: files are resolved against it then, and their backup folders named after it
    root_real: Path
    prune_history_after: int | None = None
    keep_run_reports: int | None = 90  # newest in .sheets-sync/runs/; None: all
    #: Seconds of Google's quota windows (its quotas are a minute's): not in the workspace
    #: file. The bench shortens it with its emulator's ``rate_limit_window_s`` to reach the
    #: quota in seconds (``dataclasses.replace`` on a loaded workspace).
    google_quota_window: float = 60.0
    #: what loading said that fails nothing (a ``teams_glob``'s .ods files, which are no
    #: teams): ``config check``, ``validate`` and ``sync`` print them as warnings
    warnings: tuple[str, ...] = ()

    @property
    def root(self) -> Path:
        return self.config_path.parent

    @property
    def state_dir(self) -> Path:
        return self.root / ".sheets-sync"

    def backup_dir_for(self, path: Path) -> Path:
        """Where ``path``'s backups go: ``.sheets-sync/backups/`` plus the folders the file
        has under the workspace, so two teams' ``sales.xlsx`` in different folders never
        share a backup folder (each file's keeps its newest ``keep_backups``: a shared one
        pruned the other team's). A file outside the workspace gets a folder named after
        a digest of where it is."""
        return self.backup_dirs_for(path)[0]

    def flat_backup_dir_for(self, path: Path) -> Path | None:
        """Where ``path``'s backups went before each file had a folder (2026-11-23:
        ``.sheets-sync/backups/<name>.<stamp>.bak``), so its writes prune them too; None
        when another team file has the same name, since those backups cannot be told
        apart (they are few: each write pruned them to ``keep``)."""
        return self.backup_dirs_for(path)[1]

    def backup_dirs_for(self, path: Path) -> tuple[Path, Path | None]:
        """``backup_dir_for`` and ``flat_backup_dir_for`` with ``path`` resolved once, and
        the workspace folder once a run (three resolves a team were 0.4 s at 2,000). A
        team's backend asks as it writes (``open_backend``; until 2026-12-07 as it opened,
        on a night that writes nothing too)."""
        base = self.state_dir / "backups"
        real = resolved_path(path)
        folder = real.parent
        if folder.is_relative_to(self.root_real):
            where = base / folder.relative_to(self.root_real)
        else:
            digest = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
            where = base / "outside-the-workspace" / digest
        return where, base if self._team_files_named.get(real.name) == 1 else None

    @functools.cached_property
    def _team_files_named(self) -> dict[str, int]:
        """File name -> how many of the teams' files have it (teams sharing a file: one)."""
        return dict(Counter(p.name for p in {t.path for t in self.teams if t.path}))

    @property
    def rollup_is_google(self) -> bool:
        return self.rollup_output.startswith(GSHEET_PREFIX)

    @property
    def rollup_path(self) -> Path:
        return self.root / self.rollup_output

    def team(self, name: str) -> TeamSpec:
        """``--team NAME``'s, found as a KPI link finds one (``TeamNames``): two teams that
        differ only by outer spaces are an error, not the first one."""
        found = TeamNames(t.name for t in self.teams).find(name)
        if len(found) > 1:
            raise ConfigError(f"team {name!r} {not_one_team(found)}")
        if found:
            return next(t for t in self.teams if t.name == found[0])
        known = ", ".join(t.name for t in self.teams)
        raise ConfigError(f"no team named {name!r} in the workspace (teams: {known})")
