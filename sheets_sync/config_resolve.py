"""A validated ``sheets-sync.yaml`` resolved into a ``Workspace``: the teams' files (listed
and globbed), their mappings, the workbooks teams share, the rollup output, the Google key.

Every problem is collected, each with its YAML location, and raised at once in one
``ConfigError`` (``config.load_workspace`` adds them to the schema's own).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable
from pathlib import Path

from sheets_sync.backends.excel.safety import head_problem
from sheets_sync.config_models import WorkspaceModel
from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import CompanyObjective, Period
from sheets_sync.errors import ConfigError, MappingError
from sheets_sync.mapping.spec import MappingSpec, TabNames, load_mapping, named_tabs
from sheets_sync.regular_file import in_the_way
from sheets_sync.shared_workbooks import (
    Clash,
    Reading,
    fail_linked,
    file_key,
    hard_linked,
    shared_tabs,
    unknown_tabs_message,
    workbook_key,
)
from sheets_sync.sources import (
    END_CASE_TAKEN,
    END_CASE_TWIN,
    GSHEET_PREFIX,
    NotASheetURLError,
    caseless_end,
    confining_folders,
    end_case_twins,
    folder_hint,
    glob_base,
    globbed_no_team,
    is_team_workbook,
    link_out,
    link_out_of,
    not_a_file,
    ods_in_glob,
    outside_message,
    path_is,
    resolved_path,
    sheet_source,
    spells_end,
)
from sheets_sync.sync.outcome import same_mapping_error
from sheets_sync.workspace_spec import TeamSpec, Workspace


def resolve(
    cfg: Path,
    model: WorkspaceModel,
    files_must_exist: bool = True,
    mappings_must_load: bool | None = None,
    lined: Callable[[str], str] = str,
) -> Workspace:
    """``mappings_must_load`` (default: as ``files_must_exist``) False: a mapping that does
    not load fails the teams that use it (``TeamSpec.mapping_error``), not the workspace:
    one team's misspelt key stopped every team's night (until 2026-12-06). ``lined``: a
    key path after its line in ``cfg`` (``yamlmarks.Lines.at``), for ``mapping_error``,
    which says where as the problems do (until 2026-12-07 it had no line)."""
    problems: list[str] = []
    root = cfg.parent
    strict = files_must_exist if mappings_must_load is None else mappings_must_load
    mappings: dict[str, MappingSpec | list[str]] = {}  # a name's spec, or its problems

    said: dict[str, str] = {}  # a mapping's problems -> the first team told them (strict)

    def mapping_for(name: str, where: str, team: str) -> tuple[MappingSpec, str | None]:
        """The spec, and why the team fails alone (its ``where``: the problems). When the
        problems are the workspace's (``strict``) they are listed too, and the team kept,
        failing as a sync fails it, so the same-tab check says what the sync will refuse
        (the other teams of its workbook; until 2026-12-06 only ``sync`` said so)."""
        if name not in mappings:
            try:
                mappings[name] = load_mapping(name, root)
            except MappingError as exc:
                mappings[name] = exc.problems or [exc.message]
            except OSError as exc:  # a name the file system refuses (too long)
                mappings[name] = [f"cannot read mapping {name!r} ({exc.strerror})"]
        found = mappings[name]
        if isinstance(found, MappingSpec):
            return found, None
        told = "; ".join(found)
        if strict:
            # Each problem with the team it is the mapping of (a mapping file five teams
            # name printed one unlocated line five times), told whole once, as a sync's
            # lines tell it: each later team points up (it was told per team until
            # 2026-12-06, 200 times for a mapping 200 listed teams share)
            if same := same_mapping_error(said, team, where, told):
                problems.append(f"{cfg.name}: {same}")
            else:
                problems.extend(f"{cfg.name}: {where}: {p}" for p in found)
        return unread_mapping(), f"{lined(where)}: {told}"

    @functools.cache
    def tabs_named(name: str) -> TabNames | None:
        try:
            return named_tabs(name, root)
        except OSError:  # a name the file system refuses (too long): no tab it names is known
            return None

    teams: list[TeamSpec] = []
    origins: list[str] = []  # where each team comes from, for messages
    root_real = resolved_path(root)
    folders: dict[Path, tuple[Path, ...]] = {}  # 2,000 teams share a few folders
    for i, team in enumerate(model.teams):
        where = f"teams[{i}]"
        mapped = mapping_for(team.mapping, f"{where}.mapping", team.name)
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
            if files_must_exist and (
                what := not_a_file(path) or link_out(outside) or head_problem(path)
            ):  # a team sync fails alone, as a missing file's (Ops.csv: not an Excel workbook)
                problems.append(f"{cfg.name}: {where}.source: {what} ({team.source})")
        mapping, unmapped = mapped
        spec = TeamSpec(team.name, source, team.mapping, mapping, path, confine, fails)
        teams.append(dataclasses.replace(spec, mapping_error=unmapped) if unmapped else spec)
        origins.append(where)
    rollup_output = model.rollup.output
    try:  # a URL here stops the night: there is no company workbook to write
        rollup_output = sheet_source(rollup_output, output=True)
    except ValueError as exc:
        problems.append(f"{cfg.name}: rollup.output: {exc}")
        if not rollup_output.startswith(GSHEET_PREFIX):  # a URL: not also "folder not found"
            rollup_output = GSHEET_PREFIX + rollup_output
    rollup_local = not rollup_output.startswith(GSHEET_PREFIX)
    rollup_file = resolved_path(root / rollup_output) if rollup_local else None
    # the company workbook's file: a team's file that is it by another name (a hard link,
    # ``file_key``) is the error below. A glob skips the company workbook by its resolved
    # path only: skipped as the company's too, a hard link was read as a team the night
    # after the rollup's write parted the two names (until 2026-12-07)
    rollup_key = file_key(rollup_file) if rollup_file is not None else rollup_output
    globs = [model.teams_glob] if isinstance(model.teams_glob, str) else model.teams_glob or []
    warnings: list[str] = []  # a glob's .ods files: no teams, said (``Workspace.warnings``)
    ods_said: set[Path] = set()  # the .ods files said, once each
    listed = {t.path for t in teams if t.path is not None}  # a set: 2,000 files, once each
    #: the matches so far, and the files of those not a link themselves: a match that is
    #: a link to another match's file is a team of its own, which fails alone
    #: (``shared_workbooks``; it was dropped, or took that file from its team)
    named: set[Path] = set()
    real_named: set[Path] = set()
    # the matched files' mapping (a stand-in, and its problems, when it did not load),
    # loaded at the first match that becomes a team: a broken default mapping no team
    # uses fails no sync (config check and validate exited 2 for it until 2026-12-06)
    default: tuple[MappingSpec, str | None] | None = None
    at = len(problems)  # where its problems go: before the glob's, wherever it loads

    def default_mapping() -> tuple[MappingSpec, str | None]:
        before = len(problems)
        loaded = mapping_for(model.default_mapping, "default_mapping", "default_mapping")
        told = problems[before:]
        del problems[before:]
        problems[at:at] = told
        return loaded

    def is_one(p: Path, resolved: Path) -> bool:
        """A listed team's file, or one matched already (a linked folder's)."""
        link = resolved != p and p.is_symlink()
        return resolved in listed or p in named or (not link and resolved in real_named)

    def take(p: Path, resolved: Path, base: Path) -> None:
        """The matched file ``p`` as a team, unless it is one already."""
        nonlocal default
        if is_one(p, resolved):
            return
        link = resolved != p and p.is_symlink()
        if default is None:
            default = default_mapping()
        globbed, unmapped = default
        named.add(p)
        if not link:
            real_named.add(resolved)
        rel = str(p.relative_to(root))
        if (shown := not_utf8(rel)) is not None:  # the team fails alone, named escaped
            stem = not_utf8(p.stem) or p.stem
            spec = TeamSpec(
                stem, shown, model.default_mapping, globbed, linked=NOT_UTF8, mapping_error=unmapped
            )
            teams.append(spec)
            origins.append(f"teams_glob ({shown})")
            return
        confine = confining_folders(base, root, root_real, folders)
        spec = TeamSpec(
            p.stem,
            rel,
            model.default_mapping,
            globbed,
            resolved,
            confine,
            mapping_error=unmapped,
            globbed=True,
        )
        if files_must_exist and spec.outside is not None:
            problems.append(f"{cfg.name}: teams_glob ({rel}): {outside_message(spec.outside)}")
        elif files_must_exist and (what := head_problem(resolved)):
            problems.append(f"{cfg.name}: teams_glob ({rel}): {what}")
        teams.append(spec)
        origins.append(f"teams_glob ({rel})")

    widened: list[tuple[Path, Path, str, Path]] = []  # matched by the end in any case only
    for pattern in globs:
        try:
            matched = sorted(  # each file resolved once: a glob may match 2,000
                (p, real)
                # its end in any case (``Ops.XLSX`` under ``*.xlsx``: no team on a
                # case-sensitive disk until 2026-12-07); the company workbook is no team
                for p in root.glob(caseless_end(pattern))
                if p.is_file() and is_team_workbook(p) and (real := p.resolve()) != rollup_file
            )
        except (ValueError, NotImplementedError, IndexError, OSError, RecursionError) as exc:
            problems.append(
                f"{cfg.name}: teams_glob: {pattern!r} is not a pattern relative to the "
                f"workspace folder, like 'teams/*.xlsx' ({exc})"
            )
            continue
        odses = [  # a listed team's .ods is no glob's to tell of (it was, until 2026-12-07)
            p
            for p in ods_in_glob(root, pattern, [p for p, _ in matched])
            if p not in listed and resolved_path(p) not in listed
        ]
        no_teams = [f"{p.relative_to(root)} {globbed_no_team(p, pattern)}" for p in odses]
        for p, no_team in zip(odses, no_teams, strict=True):
            if matched and p not in ods_said:  # once a file: two patterns said it twice
                ods_said.add(p)
                warnings.append(f"{cfg.name}: teams_glob ({pattern!r}): {no_team}")
        if not matched:
            hint = f": {no_teams[0]}" if no_teams else folder_hint(root, pattern)
            problems.append(f"{cfg.name}: teams_glob: {pattern!r} matches no workbook{hint}")
        # Sales.XLSX beside the Sales.xlsx the pattern spells (or a listed team's): no
        # team, said (one name twice failed the workspace's load on 2026-12-07)
        unlisted = [p for p, real in matched if real not in listed]  # a listed one is its team's
        twins = end_case_twins(unlisted, pattern, listed)
        for p, twin in twins.items():
            if p not in ods_said:
                ods_said.add(p)
                twin_said = END_CASE_TWIN.format(
                    file=_shown(p, root), twin=_shown(twin, root), name=p.name
                )
                warnings.append(f"{cfg.name}: teams_glob ({pattern!r}): {twin_said}")
        base = root / glob_base(pattern)
        for p, resolved in matched:
            if p in twins:
                continue
            if not spells_end(p, pattern):  # a team after every spelled one, if its name is free
                widened.append((p, resolved, pattern, base))
                continue
            take(p, resolved, base)
    # a file only the end in any case matched (Sales.XLSX under teams/*.xlsx) never fails
    # the load: its name another team's (teams/a/Sales.xlsx under teams/*/*.xlsx, a listed
    # Sales), it is no team, said (until 2026-12-07 a duplicate team name, where the
    # pattern had run Sales before it took any end in any case)
    for p, resolved, pattern, base in widened:
        if is_one(p, resolved):
            continue  # another pattern spells it (teams/*.XLSX too), or a listed team's
        name = (not_utf8(p.stem) or p.stem).casefold()  # as the duplicate check compares
        owner = next((t for t in teams if t.name.casefold() == name), None)
        if owner is None:
            take(p, resolved, base)
        elif p not in ods_said:
            ods_said.add(p)
            taken = END_CASE_TAKEN.format(file=_shown(p, root), team=owner.name, of=owner.source)
            warnings.append(f"{cfg.name}: teams_glob ({pattern!r}): {taken}")
    if default is None and len(problems) > at:  # the glob fails the night (matches no
        default_mapping()  # workbook, not a pattern): all there is to fix, said at once
    seen: dict[str, int] = {}
    teams = hard_linked(teams)  # both teams of a hard link fail, whatever tabs they read
    reading: Reading = {}
    clashes: list[Clash] = []
    unknown: dict[object, tuple[int, str]] = {}  # a workbook -> a team whose tabs are unknown
    for i, t in enumerate(teams):
        if t.linked is not None:  # a web address (or a name no text) reads no tab
            continue
        tabs = None
        if t.mapping_error is not None:  # its tabs as its mapping file still names them
            tabs = tabs_named(t.mapping_name)
            if tabs is None:
                unknown.setdefault(book(t), (i, t.name))
                continue
        clashes.extend(shared_tabs(t, reading, tabs))
    index = {id(t): i for i, t in enumerate(teams)}
    teams, left = fail_linked(teams, clashes, root)
    teams = [
        dataclasses.replace(t, linked=unknown_tabs_message(t, holder[1], root))
        if unknown  # a stat a team, only when a mapping named no tabs
        and (holder := unknown.get(book(t))) is not None
        and holder[0] != i
        and t.linked is None
        and t.mapping_error is None
        else t
        for i, t in enumerate(teams)
    ]
    problem_clashes: dict[int, list[Clash]] = {}  # by the later team's index, in order
    broken = {book(t) for t in teams if t.mapping_error is not None}
    for clash in left:
        problem_clashes.setdefault(index[id(clash.team)], []).append(clash)
    for i, (team_spec, where) in enumerate(zip(teams, origins, strict=True)):
        # a matched file's origin names it already: `teams_glob (emea/b.xlsx).source: ...
        # (emea/b.xlsx)` named it twice, at keys no file has (until 2026-12-06)
        glob = where.startswith("teams_glob")
        name_at, source_at = (where, where) if glob else (f"{where}.name", f"{where}.source")
        key = team_spec.name.casefold()
        if key in seen:  # both named: until 2026-12-07 the later alone
            j = seen[key]
            other = origins[j]
            other = other if other.startswith("teams_glob") else f"{other} ({teams[j].source})"
            problems.append(
                f"{cfg.name}: {name_at}: duplicate team name {team_spec.name!r}, the name of"
                f" {other} too; rename one of them"
            )
        seen.setdefault(key, i)  # a third is named beside the first
        for clash in problem_clashes.get(i, []):
            problems.append(f"{cfg.name}: {source_at}: {clash.problem()}")
        if (
            team_spec.linked is not None  # sync fails it alone
            and team_spec.mapping_error is None  # its own mapping's error is said instead
            and (files_must_exist or (strict and bool(broken)))
        ):  # validate, when a mapping failed (exit 2 certain): every team sync refuses
            # (until 2026-12-06 only those of a workbook whose mapping failed were listed)
            shown = "" if glob else f" ({team_spec.source})"
            problems.append(f"{cfg.name}: {source_at}: {team_spec.linked}{shown}")
        if is_company(team_spec, rollup_file, rollup_key):
            problems.append(
                f"{cfg.name}: rollup.output: is the workbook of team {team_spec.name!r} "
                f"({team_spec.source}); the company rollup would replace it"
            )
    # compared as a team's Aligns to is (``id_key``): C1 and Ｃ１ would be one objective
    first_of: dict[str, int] = {}
    for i, o in enumerate(model.company_objectives):
        if (j := first_of.setdefault(id_key(o.id), i)) != i:
            before = model.company_objectives[j].id
            same = "" if before == o.id else f" (the same as {before!r})"
            problems.append(f"{cfg.name}: company_objectives[{i}].id: duplicate id {o.id!r}{same}")
    key_file = model.google.credentials
    if files_must_exist and key_file:  # config check: a sync fails just its Google teams
        from sheets_sync.backends.gsheets.keycheck import key_path_problem

        if what := key_path_problem(root / key_file):
            problems.append(f"{cfg.name}: google.credentials: {key_file}: {what}")
    if not rollup_output.startswith(GSHEET_PREFIX):
        out_dir = (root / rollup_output).parent
        # a file in the way said "folder not found" (until 2026-12-07), a named pipe too
        if (blocked := in_the_way(out_dir)) is not None:
            problems.append(f"{cfg.name}: rollup.output: {' '.join(map(str, blocked))}")
        elif not path_is(out_dir, Path.is_dir):
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
        warnings=tuple(warnings),
    )


def is_company(team: TeamSpec, rollup_file: Path | None, rollup_key: object) -> bool:
    """Whether ``team`` reads the company workbook: its path, or its file by another name
    (``rollup_key``). The path first: a link count changes while a backup is made, so a
    key alone could miss the very path (an inode only ever joins two names)."""
    if team.path is None or rollup_file is None:
        return team.path is None and team.source.strip() == rollup_key
    return team.path == rollup_file or file_key(team.path) == rollup_key


def book(team: TeamSpec) -> object:
    """The workbook ``team`` reads: its file (a hard link to another team's is that
    file), resolved path or ``gsheet:`` key (``shared_workbooks.workbook_key``)."""
    return workbook_key(team)


@functools.cache
def unread_mapping() -> MappingSpec:
    """The mapping of a team whose own did not load: a stand-in the team never reads
    with (``TeamSpec.mapping_error`` fails it first), the built-in ``standard``."""
    return load_mapping("standard")


#: Why a team whose file name is no UTF-8 text fails (``TeamSpec.linked``).
NOT_UTF8 = (
    "the file's name is not UTF-8 text (written in another encoding, such as Latin-1), "
    "which the reports and the rollup cannot show: rename the file"
)


def not_utf8(name: str) -> str | None:
    """``name`` with each byte that is no UTF-8 shown as ``\\xc9``, when it has one; else
    None. On Linux a file name is bytes: ``Équipe.xlsx`` written as Latin-1 is listed as
    ``\\udcc9quipe.xlsx``, which no UTF-8 text (a report, the rollup) holds; it failed
    ``validate``, ``sync`` and ``rollup`` with UnicodeEncodeError."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return os.fsencode(name).decode("utf-8", "backslashreplace")
        except UnicodeError:  # half a UTF-16 pair, not a byte (a Windows name)
            return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return None


def _shown(path: Path, root: Path) -> str:
    """``path`` as the workspace's warnings name a file: relative to its folder, a byte
    that is no UTF-8 shown as ``\\xfe`` (as the errors show it; ``\\udcfe`` until a read
    of the whole change)."""
    shown = str(path)
    for folder in (root, resolved_path(root)):
        try:
            shown = str(path.relative_to(folder))
            break
        except ValueError:
            pass
    return not_utf8(shown) or shown
