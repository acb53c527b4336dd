"""The workspace configuration (``sheets-sync.yaml``): load, validate, resolve.

Loading reports every problem at once, each with its YAML location
(``sheets-sync.yaml: teams[2].source: file not found``); unknown keys are errors,
because a misspelt key that is silently ignored is a setting that silently does nothing.

Here: finding and reading the file, the schema's problems (``config_models.py``) with
their locations; ``config_resolve.py`` checks the files and teams it names and builds the
``Workspace`` (``workspace_spec.py``).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sheets_sync.config_models import ScoringModel, WorkspaceModel
from sheets_sync.config_resolve import resolve
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.errors import ConfigError
from sheets_sync.regular_file import path_kind
from sheets_sync.sources import GSHEET_PREFIX, path_is, resolved_path
from sheets_sync.sync import stops
from sheets_sync.sync.options import path_arg
from sheets_sync.workspace_spec import TeamSpec, Workspace
from sheets_sync.yamlio import (
    load_yaml_nodes,
    read_text,
    schema_loc,
    schema_problem,
    yaml_problem,
)
from sheets_sync.yamlmarks import Lines, in_file_order, located, placed

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_CONFIG",
    "TeamSpec",  # re-exported: tests and users import the loaded types from here
    "Workspace",
    "check_config",
    "config_path",
    "has_workspace",
    "load_rules",
    "load_workspace",
]

DEFAULT_CONFIG = "sheets-sync.yaml"
CONFIG_ENV = "SHEETS_SYNC_CONFIG"


def config_path(explicit: str | Path | None = None) -> Path:
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def has_workspace(explicit: str | Path | None = None) -> bool:
    """A workspace was named (``--config``, ``$SHEETS_SYNC_CONFIG``: loading it says if it
    is missing) or the default file is here. For a command that can do without one
    (``template --google``: a template is often made before any workspace)."""
    return bool(explicit or os.environ.get(CONFIG_ENV)) or Path(DEFAULT_CONFIG).is_file()


def _read_yaml(path: Path) -> tuple[dict[str, Any], yaml.Node | None, str]:
    """The file's settings, the node tree they were read from (``yamlmarks``: the line
    of each problem) and its text."""
    if path_is(path, Path.is_dir):
        raise ConfigError(f"{path}: the workspace configuration is a folder, not a file")
    if kind := path_kind(path):  # until 2026-12-06 "is a pipe, device or socket, not a file"
        raise ConfigError(f"{path}: the workspace configuration is a {kind}, not a file")
    if not path.is_file():
        try:  # a link that leads to itself is there, only not readable
            path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # was a RuntimeError traceback (Path.resolve)
                raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
        raise ConfigError(
            f"{path}: workspace configuration not found (use --config or "
            f"{CONFIG_ENV}; `sheets-sync init DIR` creates one)"
        )
    try:
        text = read_text(path)
        data, root = load_yaml_nodes(text, path.name)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path.name}: {yaml_problem(exc)}") from None
    except UnicodeDecodeError as exc:  # as a mapping file's (mapping/spec.py)
        raise ConfigError(
            f"{path.name}: not UTF-8 text (byte {exc.start + 1} is not); save it as UTF-8"
        ) from None
    except OSError as exc:  # its str named the path again: "[Errno 13] ...: 'sheets-sync.yaml'"
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if data is None:  # said "expected a mapping of settings", as a mapping file did not
        raise ConfigError(
            f"{path.name}: is empty; a workspace file has company:, period: and its teams "
            "(docs/configuration.md)"
        )
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings at the top level")
    return data, root, text


@stops.ends_here
def load_workspace(
    path: str | Path | None = None,
    *,
    files_must_exist: bool = True,
    mappings_must_load: bool | None = None,
) -> Workspace:
    """The validated workspace; every problem at once in one ``ConfigError``.

    ``files_must_exist=False`` is for the commands that read the teams (``sync``,
    ``validate``, ``rollup``, ``export``): a listed team file that is missing is then that
    team's failure at read time ("file not found"), and the other teams go on; one
    renamed file must not stop the whole company's night. ``config check`` keeps it an
    error. So is a mapping that does not load (``mappings_must_load``, default as
    ``files_must_exist``): False fails the teams that use it, each with the mapping's
    problems (``TeamSpec.mapping_error``); ``validate``, a set-up check, keeps it an error.
    """
    return _load(path, files_must_exist, mappings_must_load)


def _load(
    path: str | Path | None,
    files_must_exist: bool,
    mappings_must_load: bool | None,
    check: Callable[[Workspace], list[str]] | None = None,
) -> Workspace:
    """``load_workspace``; ``check``: more problems of the workspace that loaded (``config
    check``'s Google key), with their lines as ``resolve``'s."""
    if path is not None:  # None, and "", are the default file, as no --config
        path_arg(path, "path")
    cfg = resolved_path(config_path(path))
    data, root, text = _read_yaml(cfg)
    if nul := _nul_strings(data, ()):  # a path with one makes the OS calls raise
        said = "contains a NUL character"
        problems = [placed(cfg.name, root, loc, f"{schema_loc(loc)}: {said}") for loc in nul]
        raise ConfigError(f"{cfg.name}: invalid configuration", problems=problems)
    try:
        model = WorkspaceModel.model_validate(data)
    except ValidationError as exc:
        # in file order, as a mapping's unknown fields (until 2026-12-07 in the schema's:
        # `teams` before `run_reports` before `backups`, wherever each was written)
        problems = in_file_order(
            located(cfg.name, root, e["loc"], _problem(e)) for e in exc.errors()
        )
        stand_in = _with_stand_ins(data, exc.errors())
        if stand_in is not None:  # the files and mappings of the valid rest, same pass
            try:  # nothing runs: the mappings' problems are listed too
                _resolved(cfg, text, stand_in, files_must_exist, mappings_must_load=True)
            except ConfigError as more:
                problems += [p for p in more.problems if p not in problems]
        raise ConfigError(f"{cfg.name}: invalid configuration", problems=problems) from None
    del root  # parsed again for a problem's line (yamlmarks.Lines): RSS 250 -> 223 MB at 4 MB
    return _resolved(cfg, text, model, files_must_exist, mappings_must_load, check)


def _resolved(
    cfg: Path,
    text: str,
    model: WorkspaceModel,
    files_must_exist: bool,
    mappings_must_load: bool | None,
    check: Callable[[Workspace], list[str]] | None = None,
) -> Workspace:
    """``resolve``, then ``check``, their problems with the lines of the keys they name
    (``yamlmarks.Lines``, the file's ``text`` parsed again for them)."""
    lines = Lines(cfg.name, text)
    try:
        ws = resolve(cfg, model, files_must_exist, mappings_must_load, lines.at)
        if check is not None and (problems := check(ws)):
            raise ConfigError(f"{cfg.name}: invalid configuration", problems=problems)
        return ws
    except ConfigError as exc:
        exc.problems = [lines.with_line(p) for p in exc.problems]
        raise


def load_rules(path: str | Path | None = None) -> ScoringRules:
    """The ``scoring`` section alone, for ``template``: the rest may not hold yet (see cli)."""
    data, root, _ = _read_yaml(cfg := resolved_path(config_path(path)))
    try:
        return ScoringModel.model_validate(data.get("scoring", {})).rules()
    except ValidationError as exc:
        bad = in_file_order(
            located(cfg.name, root, ("scoring", *e["loc"]), _problem(e, ScoringModel, ("scoring",)))
            for e in exc.errors()
        )
        raise ConfigError(f"{cfg.name}: invalid configuration", problems=bad) from None


@stops.ends_here
def check_config(path: str | Path | None = None) -> Workspace:
    """``sheets-sync config check``: the workspace with every file it names, and its
    Google key (read, not used: a sync fails only the Google teams without one); every
    problem at once in one ``ConfigError``, the key's with its line as the others (until
    2026-12-07 ``google.credentials: sa.json: is not a service-account key`` had none)."""
    from sheets_sync.backends.gsheets.keycheck import credentials_problems  # Google's libs

    return _load(path, True, None, credentials_problems)


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
    positions; ``config_resolve`` knows its name by the NUL), so one pass names a
    misspelt key *and* a missing file, not the second only after the first is fixed.
    None when no such stand-in validates."""
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


def _problem(
    error: Any, model: type[BaseModel] = WorkspaceModel, where: tuple[str, ...] = ()
) -> str:
    """Pydantic's error in the file's words; ``model``: the one ``error`` is of."""
    return schema_problem(error, model, "docs/configuration.md", where)
