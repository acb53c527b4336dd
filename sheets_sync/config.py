"""The workspace configuration (``sheets-sync.yaml``): load, validate, resolve.

Loading reports every problem at once, each with its YAML location
(``sheets-sync.yaml: teams[2].source: file not found``); unknown keys are errors,
because a misspelt key that is silently ignored is a setting that silently does nothing.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sheets_sync.config_models import GoogleModel, NotifyModel, ScoringModel, WorkspaceModel
from sheets_sync.domain.models import CompanyObjective, Period
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.errors import ConfigError, MappingError
from sheets_sync.mapping.spec import MappingSpec, load_mapping
from sheets_sync.shared_workbooks import Clash, Reading, fail_linked, shared_tabs
from sheets_sync.sources import (
    GSHEET_PREFIX,
    NotASheetURLError,
    confining_folders,
    folder_hint,
    glob_base,
    is_team_workbook,
    link_out,
    link_out_of,
    not_a_file,
    outside_message,
    path_is,
    resolved_path,
    sheet_source,
)
from sheets_sync.yamlio import load_yaml, not_settings, read_text, yaml_problem

DEFAULT_CONFIG = "sheets-sync.yaml"
CONFIG_ENV = "SHEETS_SYNC_CONFIG"


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
        the workspace folder once a run: every team's backend is opened with them, on a
        night that writes nothing too (three resolves a team were 0.4 s at 2,000)."""
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
        """``--team NAME``'s: case, then outer spaces ignored (a name keys its history)."""
        for key in (str.casefold, lambda n: n.strip().casefold()):
            if found := [t for t in self.teams if key(t.name) == key(name)]:
                return found[0]
        known = ", ".join(t.name for t in self.teams)
        raise ConfigError(f"no team named {name!r} in the workspace (teams: {known})")


def config_path(explicit: str | Path | None = None) -> Path:
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def has_workspace(explicit: str | Path | None = None) -> bool:
    """A workspace was named (``--config``, ``$SHEETS_SYNC_CONFIG``: loading it says if it
    is missing) or the default file is here. For a command that can do without one
    (``template --google``: a template is often made before any workspace)."""
    return bool(explicit or os.environ.get(CONFIG_ENV)) or Path(DEFAULT_CONFIG).is_file()


def _loc(parts: tuple[int | str, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read_yaml(path: Path) -> dict[str, Any]:
    if path_is(path, Path.is_dir) or (path_is(path, Path.exists) and not path.is_file()):
        what = "a folder" if path_is(path, Path.is_dir) else "a pipe, device or socket"
        raise ConfigError(f"{path}: the workspace configuration is {what}, not a file")
    if not path.is_file():
        raise ConfigError(
            f"{path}: workspace configuration not found (use --config or "
            f"{CONFIG_ENV}; `sheets-sync init DIR` creates one)"
        )
    try:
        data = load_yaml(read_text(path), path.name)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name}: {yaml_problem(exc)}") from None
    except UnicodeDecodeError as exc:  # as a mapping file's (mapping/spec.py)
        raise ConfigError(
            f"{path.name}: not UTF-8 text (byte {exc.start + 1} is not); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings at the top level")
    return data


def load_workspace(path: str | Path | None = None, *, files_must_exist: bool = True) -> Workspace:
    """The validated workspace; every problem at once in one ``ConfigError``.

    ``files_must_exist=False`` is for the commands that read the teams (``sync``,
    ``validate``, ``rollup``, ``export``): a listed team file that is missing is then that
    team's failure at read time ("file not found"), and the other teams go on; one
    renamed file must not stop the whole company's night. ``config check`` keeps it an
    error.
    """
    cfg = config_path(path).resolve()
    data = _read_yaml(cfg)
    if nul := _nul_strings(data, ()):  # a path with one makes the OS calls raise
        problems = [f"{cfg.name}: {_loc(loc)}: contains a NUL character" for loc in nul]
        raise ConfigError(f"{cfg.name}: invalid configuration", problems=problems)
    try:
        model = WorkspaceModel.model_validate(data)
    except ValidationError as exc:
        problems = [f"{cfg.name}: {_loc(e['loc'])}: {_message(e)}" for e in exc.errors()]
        stand_in = _with_stand_ins(data, exc.errors())
        if stand_in is not None:  # the files and mappings of the valid rest, same pass
            try:
                _resolve(cfg, stand_in, files_must_exist)
            except ConfigError as more:
                problems += [p for p in more.problems if p not in problems]
        raise ConfigError(f"{cfg.name}: invalid configuration", problems=problems) from None
    return _resolve(cfg, model, files_must_exist)


def load_rules(path: str | Path | None = None) -> ScoringRules:
    """The ``scoring`` section alone, for ``template``: the rest may not hold yet (see cli)."""
    data = _read_yaml(cfg := config_path(path).resolve())
    try:
        return ScoringModel.model_validate(data.get("scoring", {})).rules()
    except ValidationError as exc:
        bad = [f"{cfg.name}: {_loc(('scoring', *e['loc']))}: {_message(e)}" for e in exc.errors()]
        raise ConfigError(f"{cfg.name}: invalid configuration", problems=bad) from None


def check_config(path: str | Path | None = None) -> Workspace:
    """``sheets-sync config check``: the workspace with every file it names, and its
    Google key (read, not used: a sync fails only the Google teams without one); every
    problem at once in one ``ConfigError``."""
    from sheets_sync.backends.gsheets.keycheck import credentials_problems  # Google's libs

    ws = load_workspace(path)
    if problems := credentials_problems(ws):
        raise ConfigError(f"{ws.config_path.name}: invalid configuration", problems=problems)
    return ws


def _nul_strings(data: Any, loc: tuple[int | str, ...]) -> list[tuple[int | str, ...]]:
    if isinstance(data, str):
        return [loc] if "\x00" in data else []
    if isinstance(data, dict):
        return [found for k, v in data.items() for found in _nul_strings(v, (*loc, str(k)))]
    if isinstance(data, list):
        return [found for i, v in enumerate(data) for found in _nul_strings(v, (*loc, i))]
    return []


_STAND_INS: dict[str, Any] = {
    "company": "-",
    "period": {"name": "-", "start": "2000-01-01", "end": "2000-12-31"},
}


def _with_stand_ins(data: dict[str, Any], errors: Sequence[Any]) -> WorkspaceModel | None:
    """``data`` with each invalid part swapped for a stand-in that raises no problem of
    its own (a setting for its default, a team for a placeholder keeping the others'
    positions), so one pass names a misspelt key *and* a missing file, not the second only
    after the first is fixed. None when no such stand-in validates."""
    fixed = dict(data)
    bad_teams: set[int] = set()
    for error in errors:
        loc = error["loc"]
        if not loc:
            return None
        if loc[0] == "teams" and len(loc) > 1 and isinstance(loc[1], int):
            bad_teams.add(loc[1])
        elif loc[0] in _STAND_INS:
            fixed[loc[0]] = _STAND_INS[loc[0]]
        else:
            fixed.pop(loc[0], None)
    if bad_teams and isinstance(fixed.get("teams"), list):
        fixed["teams"] = [
            {"name": f"\x00{i}", "source": f"{GSHEET_PREFIX}\x00{i}"} if i in bad_teams else t
            for i, t in enumerate(fixed["teams"])
        ]
    try:
        return WorkspaceModel.model_validate(fixed)
    except ValidationError:
        return None


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key (check the spelling; see docs/configuration.md)"
    if error["type"] == "missing":
        return "required"
    if error["type"] == "model_type":  # `rollup: company.xlsx`
        return not_settings(error["input"], "docs/configuration.md")
    return str(error["msg"]).removeprefix("Value error, ")


def _resolve(cfg: Path, model: WorkspaceModel, files_must_exist: bool = True) -> Workspace:
    problems: list[str] = []
    root = cfg.parent
    mappings: dict[str, MappingSpec] = {}

    def mapping_for(name: str, where: str) -> MappingSpec | None:
        if name not in mappings:
            try:
                mappings[name] = load_mapping(name, root)
            except MappingError as exc:
                # Each problem with the team it is the mapping of: a mapping file that
                # five teams name otherwise printed one unlocated line five times.
                found = exc.problems or [exc.message]
                problems.extend(f"{cfg.name}: {where}: {p}" for p in found)
                return None
            except OSError as exc:  # a name the file system refuses (too long)
                problems.append(
                    f"{cfg.name}: {where}: cannot read mapping {name!r} ({exc.strerror})"
                )
                return None
        return mappings[name]

    teams: list[TeamSpec] = []
    origins: list[str] = []  # where each team comes from, for messages
    root_real = resolved_path(root)
    folders: dict[Path, tuple[Path, ...]] = {}  # 2,000 teams share a few folders
    for i, team in enumerate(model.teams):
        where = f"teams[{i}]"
        mapping = mapping_for(team.mapping, f"{where}.mapping")
        path = None
        source = team.source
        fails: str | None = None  # why the team fails alone (``TeamSpec.linked``)
        if not team.name.startswith("\x00"):  # a stand-in's source is no key
            try:
                source = sheet_source(source)
            except NotASheetURLError as exc:  # the team fails alone, like a missing file
                fails = str(exc)
            except ValueError as exc:
                problems.append(f"{cfg.name}: {where}.source: {exc}")
                if not source.startswith(GSHEET_PREFIX):  # a bare URL: a sheet's problem
                    source = GSHEET_PREFIX + source
        confine: tuple[Path, ...] = ()
        if fails is None and not source.startswith(GSHEET_PREFIX):
            path = resolved_path(root / team.source)
            confine = confining_folders((root / team.source).parent, root, root_real, folders)
            outside = link_out_of(path, confine)
            if files_must_exist and (what := not_a_file(path) or link_out(outside)):
                problems.append(f"{cfg.name}: {where}.source: {what} ({team.source})")
        if mapping is not None:
            teams.append(TeamSpec(team.name, source, team.mapping, mapping, path, confine, fails))
            origins.append(where)
    rollup_output = model.rollup.output
    try:  # a URL here stops the night: there is no company workbook to write
        rollup_output = sheet_source(rollup_output)
    except ValueError as exc:
        problems.append(f"{cfg.name}: rollup.output: {exc}")
        if not rollup_output.startswith(GSHEET_PREFIX):  # a URL: not also "folder not found"
            rollup_output = GSHEET_PREFIX + rollup_output
    rollup_local = not rollup_output.startswith(GSHEET_PREFIX)
    rollup_file = resolved_path(root / rollup_output) if rollup_local else None
    rollup_target = rollup_file if rollup_local else rollup_output
    globs = [model.teams_glob] if isinstance(model.teams_glob, str) else model.teams_glob or []
    listed = {t.path for t in teams if t.path is not None}  # a set: 2,000 files, once each
    #: the matches so far, and the files of those not a link themselves: a match that is
    #: a link to another match's file is a team of its own, which fails alone
    #: (``shared_workbooks``; it was dropped, or took that file from its team)
    named: set[Path] = set()
    real_named: set[Path] = set()
    mapping = mapping_for(model.default_mapping, "default_mapping") if globs else None
    for pattern in globs:
        try:
            matched = sorted(  # each file resolved once: a glob may match 2,000
                (p, real)
                for p in root.glob(pattern)  # the company workbook is never a team's
                if p.is_file() and is_team_workbook(p) and (real := p.resolve()) != rollup_file
            )
        except (ValueError, NotImplementedError, IndexError, OSError, RecursionError) as exc:
            problems.append(
                f"{cfg.name}: teams_glob: {pattern!r} is not a pattern relative to the "
                f"workspace folder, like 'teams/*.xlsx' ({exc})"
            )
            continue
        if not matched:
            hint = folder_hint(root, pattern)
            problems.append(f"{cfg.name}: teams_glob: {pattern!r} matches no workbook{hint}")
        base = root / glob_base(pattern)
        for p, resolved in matched:
            link = resolved != p and p.is_symlink()
            if (
                mapping is None
                or resolved in listed
                or p in named
                or (not link and resolved in real_named)
            ):  # a listed team's file, or one matched already (a linked folder's names)
                continue
            named.add(p)
            if not link:
                real_named.add(resolved)
            rel = str(p.relative_to(root))
            confine = confining_folders(base, root, root_real, folders)
            spec = TeamSpec(p.stem, rel, model.default_mapping, mapping, resolved, confine)
            if files_must_exist and spec.outside is not None:
                problems.append(f"{cfg.name}: teams_glob ({rel}): {outside_message(spec.outside)}")
            teams.append(spec)
            origins.append(f"teams_glob ({p.relative_to(root)})")
    seen: dict[str, int] = {}
    reading: Reading = {}
    clashes = [  # a web address (``linked`` already) reads no tab
        clash for t in teams if t.linked is None for clash in shared_tabs(t, reading)
    ]
    index = {id(t): i for i, t in enumerate(teams)}
    teams, left = fail_linked(teams, clashes, root)
    problem_clashes: dict[int, list[Clash]] = {}  # by the later team's index, in order
    for clash in left:
        problem_clashes.setdefault(index[id(clash.team)], []).append(clash)
    for i, (team_spec, where) in enumerate(zip(teams, origins, strict=True)):
        key = team_spec.name.casefold()
        if key in seen:
            problems.append(f"{cfg.name}: {where}.name: duplicate team name {team_spec.name!r}")
        seen[key] = i
        for clash in problem_clashes.get(i, []):
            problems.append(f"{cfg.name}: {where}.source: {clash.problem()}")
        if files_must_exist and team_spec.linked is not None:  # sync fails it alone
            problems.append(f"{cfg.name}: {where}.source: {team_spec.linked} ({team_spec.source})")
        if (team_spec.path if rollup_local else team_spec.source.strip()) == rollup_target:
            problems.append(
                f"{cfg.name}: rollup.output: is the workbook of team {team_spec.name!r} "
                f"({team_spec.source}); the company rollup would replace it"
            )
    ids = [o.id for o in model.company_objectives]
    for i, oid in enumerate(ids):
        if ids.index(oid) != i:
            problems.append(f"{cfg.name}: company_objectives[{i}].id: duplicate id {oid!r}")
    key_file = model.google.credentials
    if files_must_exist and key_file:  # config check: a sync fails just its Google teams
        from sheets_sync.backends.gsheets.keycheck import key_path_problem

        if what := key_path_problem(root / key_file):
            problems.append(f"{cfg.name}: google.credentials: {key_file}: {what}")
    if not rollup_output.startswith(GSHEET_PREFIX):
        out_dir = (root / rollup_output).parent
        if not path_is(out_dir, Path.is_dir):
            problems.append(f"{cfg.name}: rollup.output: folder not found ({out_dir})")
        elif Path(rollup_output).suffix.lower() != ".xlsx":  # company.csv got an xlsx
            problems.append(
                f"{cfg.name}: rollup.output: the company workbook is an .xlsx file, not "
                f"{rollup_output!r} (`sheets-sync export` writes CSV or Parquet)"
            )
        elif path_is(root / rollup_output, Path.is_dir):
            problems.append(f"{cfg.name}: rollup.output: is a folder ({rollup_output})")
    if problems:
        raise ConfigError(f"{cfg.name}: invalid configuration", problems=problems)
    return Workspace(
        config_path=cfg,
        company=model.company,
        period=Period(model.period.name, model.period.start, model.period.end),
        company_objectives=tuple(
            CompanyObjective(o.id, o.title, o.weight) for o in model.company_objectives
        ),
        teams=tuple(teams),
        rollup_output=rollup_output,
        rules=model.scoring.rules(),
        google=model.google,
        max_workbook_bytes=int(model.limits.max_workbook_mb * 2**20),
        keep_backups=model.backups.keep,
        notify=model.notify,
        keep_snapshots=model.history.keep_snapshots,
        root_real=root_real,
        prune_history_after=model.history.prune_after,
        keep_run_reports=model.run_reports.keep,
    )
