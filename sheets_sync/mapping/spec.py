"""The mapping file format (``mappings/*.yaml``), validated with pydantic.

A mapping says, per tab: which sheet, where the header row is, which header words mean
which field, which fields fill down from the row above, and which row shape the tab has.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, PrivateAttr, ValidationError, field_validator

from sheets_sync.config_models import Strict
from sheets_sync.errors import MappingError
from sheets_sync.logs import one_line
from sheets_sync.mapping.fields import (
    FILL_DOWN_DEFAULT,
    KPI_FIELDS,
    KPI_REQUIRED,
    OKR_FIELDS,
    OKR_REQUIRED,
    normalise_header,
)
from sheets_sync.mapping.spec_checks import checked
from sheets_sync.yamlio import (
    as_yaml,
    load_yaml,
    load_yaml_nodes,
    read_text,
    schema_problem,
    yaml_problem,
)
from sheets_sync.yamlmarks import in_file_order, located, placed, with_line

# ``resources/mappings`` links to the top-level ``mappings/`` in a checkout; a wheel copies it.
BUILTIN_DIR = Path(__file__).resolve().parents[1] / "resources" / "mappings"


class _Strict(Strict):
    """The workspace file's rules (``config_models.Strict``): unknown keys, yes/no for a
    number (``header: {row: yes}`` was row 1, ``{search: no}`` "greater than or equal to
    1", until 2026-12-06), numbers not finite."""


#: the last row of a sheet (Excel's; no tab has more): a fixed header ``row`` below it
#: (``row: 10000000000``) had no bound, and the team failed every night on "missing
#: column ... in header row 10000000000" (until 2026-12-07)
MAX_ROWS = 1_048_576


class HeaderSpec(_Strict):
    """Either a fixed ``row`` or ``search``: the first row within N holding the required headers."""

    row: int | None = Field(
        default=None, ge=1, le=MAX_ROWS, json_schema_extra={"le": "Excel's last row"}
    )
    search: int | None = Field(default=None, ge=1, le=200)


class BlocksSpec(_Strict):
    """Objective header rows followed by their KR rows.

    A row is an objective row when every field in ``objective_when_blank`` is blank.
    Shared columns (e.g. one "#" column holding "O1" and "O1.1") are renamed per row kind.
    """

    objective_when_blank: tuple[str, ...] = ("target", "current")
    objective_fields: dict[str, str] = Field(default_factory=dict)
    kr_fields: dict[str, str] = Field(default_factory=dict)


class TabSpec(_Strict):
    sheet: tuple[str, ...]
    required: bool = True
    header: HeaderSpec = HeaderSpec(row=1)
    columns: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    required_columns: tuple[str, ...] = ()
    fill_down: tuple[str, ...] = ()
    layout: Literal["rows", "objective_blocks"] = "rows"
    blocks: BlocksSpec | None = None
    example_prefix: str = "example"
    #: what the mapping's checks say of this tab's settings (``spec_checks``): no key of
    #: the file, so none in its dump
    _said: tuple[str, ...] = PrivateAttr(default=())
    _named: dict[str, str] = PrivateAttr(default_factory=dict)  # ``named``: nor these
    _file: tuple[str, bool] = PrivateAttr(default=("", False))  # ``mapping_file``: nor it

    @property
    def said(self) -> tuple[str, ...]:
        """Warnings of the mapping file's keys, each naming the file and key, said at the
        tab of every team read with it (``extract_tab``)."""
        return self._said

    def saying(self, said: tuple[str, ...]) -> TabSpec:
        tab = self.model_copy()
        tab._said = said
        return tab

    @property
    def named(self) -> dict[str, str]:
        """The fields whose headers the mapping file names itself, each with its key as
        said (``mine.yaml: okrs.columns.weight``): an optional one the sheet lacks is said
        at the tab. None for a built-in mapping, whose headers a sheet may lack."""
        return self._named

    def naming(self, named: dict[str, str]) -> TabSpec:
        tab = self.model_copy()
        tab._named = named
        return tab

    @property
    def mapping_file(self) -> tuple[str, bool]:
        """The mapping file's name (``mine.yaml``; "" for a spec made in code) and whether
        it is a built-in one: a missing tab's error says where to name the tab
        (``near_tabs.missing_tab``; until 2026-12-07 `the mapping's okrs.sheet`)."""
        return self._file

    def from_file(self, source: str, builtin: bool) -> TabSpec:
        tab = self.model_copy()
        tab._file = (source, builtin)
        return tab

    @field_validator("sheet", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        """``sheet: 2026`` (a tab named by a year) was "should be a list ..., not 2026"."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(
                f"should be a tab name or a list of them, not {as_yaml(value)}; put a name "
                f"that is a number in quotes ('{as_yaml(value)}')"
            )
        return (value,) if isinstance(value, str) else value

    @field_validator("columns", mode="before")
    @classmethod
    def _aliases(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: (v,) if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("example_prefix")
    @classmethod
    def _prefix(cls, prefix: str) -> str:
        """Every row's text starts with "": ``example_prefix: ""`` skipped every row as an
        example, and the team read as 0 rows and 0 findings (until 2026-12-06)."""
        if not prefix.strip():
            raise ValueError(
                "is blank, so every row would be skipped as an example; give the word "
                "example rows start with (the default: example)"
            )
        return prefix

    @field_validator("sheet")
    @classmethod
    def _names_a_tab(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        """``sheet: []`` failed each team with "no tab named " and nothing after it (a
        ``kpis`` one with an internal error), until 2026-12-06."""
        if not names:
            raise ValueError("names no tab; give one or more tab names, as sheet: [OKRs]")
        if any(not name.strip() for name in names):
            raise ValueError("a tab name is blank")
        return names

    @field_validator("columns")
    @classmethod
    def _has_headers(cls, columns: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        """``target: []`` failed each team with an internal error (IndexError), and a
        header of no letter or digit (``""``, ``"-"``) matched every such cell, until
        2026-12-06."""
        for name, headers in columns.items():
            if not headers:
                raise ValueError(f"{name} has no header; give one or more, as {name}: [Goal]")
            for header in headers:
                if not normalise_header(header):
                    raise ValueError(
                        f"{name}: header {header!r} has no letter or digit (nor % or #)"
                    )
        return columns


class MappingSpec(_Strict):
    name: str
    description: str = ""
    okrs: TabSpec
    kpis: TabSpec | None = None


def _with_defaults(spec: MappingSpec) -> MappingSpec:
    """Fill in default header words and required columns the file does not mention."""

    def complete(
        tab: TabSpec,
        fields: tuple[tuple[str, str], ...],
        required: tuple[str, ...],
        fill: tuple[str, ...],
    ) -> TabSpec:
        columns = dict(tab.columns)
        for name, header in fields:
            columns.setdefault(name, (header,))
        return tab.model_copy(
            update={
                "columns": columns,
                "required_columns": tab.required_columns or required,
                # ``fill_down: []`` is none (until 2026-12-07 the default, silently)
                "fill_down": tab.fill_down if "fill_down" in tab.model_fields_set else fill,
            }
        )

    okrs = complete(
        spec.okrs, OKR_FIELDS, OKR_REQUIRED, FILL_DOWN_DEFAULT if spec.okrs.layout == "rows" else ()
    )
    kpis = complete(spec.kpis, KPI_FIELDS, KPI_REQUIRED, ()) if spec.kpis else None
    if kpis is not None and kpis.layout != "rows":  # said (spec_checks.unread): until
        # 2026-12-07 KPIs were read as key results in blocks, a row each, their percent
        # cells checked as a key result's (Start, Target, Current)
        kpis = kpis.model_copy(update={"layout": "rows"})
    return spec.model_copy(update={"okrs": okrs, "kpis": kpis})


def mapping_path(name_or_path: str, base_dir: Path | None = None) -> Path | None:
    """A mapping given by path (relative to the workspace) or by built-in name."""
    candidates = []
    raw = Path(name_or_path)
    if raw.suffix in (".yaml", ".yml"):
        candidates.append(raw if raw.is_absolute() or base_dir is None else base_dir / raw)
    else:
        if base_dir is not None:
            candidates.append(base_dir / "mappings" / f"{name_or_path}.yaml")
        candidates.append(BUILTIN_DIR / f"{name_or_path}.yaml")
    return next((c for c in candidates if c.is_file()), None)


def builtin_mappings() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))


def _named(given: TabSpec, kind: str, source: str, builtin: bool) -> dict[str, str]:
    """``TabSpec.named``: the fields of ``given`` (the file's own columns), but those whose
    headers a built-in mapping gives the field as they are (a copy of flat-tracker.yaml
    lists headers a sheet may lack, as the built-in does)."""
    if builtin:
        return {}
    defaults = _builtin_headers()
    return {
        f: f"{source}: {kind}.columns.{f}"
        for f, headers in given.columns.items()
        if tuple(headers) not in defaults.get((kind, f), ())
    }


@functools.cache
def _builtin_headers() -> dict[tuple[str, str], frozenset[tuple[str, ...]]]:
    """Each field's header lists in the built-in mappings, by (kind, field)."""
    found: dict[tuple[str, str], set[tuple[str, ...]]] = {}
    for path in BUILTIN_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in ("okrs", "kpis"):
            columns = (data.get(kind) or {}).get("columns") or {}
            for f, headers in columns.items():
                found.setdefault((kind, f), set()).add(tuple(map(str, headers)))
    return {k: frozenset(v) for k, v in found.items()}


def _meant_file(name: str, base_dir: Path | None) -> str:
    """``mappings/banner``, a name holding a ``/``, is looked up as a name (in
    ``mappings/``, then built-in), so a path typed without .yaml was "not found" with no
    hint (until 2026-12-07): the file it may mean, if there is one."""
    if "/" not in name and "\\" not in name:
        return ""
    for suffix in (".yaml", ".yml"):
        file = Path(f"{name}{suffix}")
        if (file if file.is_absolute() or base_dir is None else base_dir / file).is_file():
            return f"; did you mean {name}{suffix}?"
    return ""


def load_mapping(name_or_path: str, base_dir: Path | None = None) -> MappingSpec:
    if not name_or_path.strip():  # said "mapping '' not found" (until 2026-12-07)
        raise MappingError(
            f"is blank; give a mapping's name (built-in: {', '.join(builtin_mappings())}) or "
            "a path to a .yaml file, or leave the key out for standard"
        )
    path = mapping_path(name_or_path, base_dir)
    raw = Path(name_or_path)
    if path is None and raw.suffix in (".yaml", ".yml"):
        given = raw if raw.is_absolute() or base_dir is None else base_dir / raw
        if given.is_dir():  # said "not found" (until 2026-12-07)
            raise MappingError(f"{name_or_path}: is a folder, not a mapping file")
    named = None if base_dir is None else base_dir / "mappings" / f"{name_or_path}.yaml"
    if path is None and named is not None and named.is_dir():  # a name: its file in mappings/
        raise MappingError(f"mappings/{name_or_path}.yaml: is a folder, not a mapping file")
    if path is None:
        known = ", ".join(builtin_mappings())
        hint = _meant_file(name_or_path, base_dir)
        raise MappingError(f"mapping {name_or_path!r} not found{hint} (built-in: {known})")
    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:  # saved by an old editor in Latin-1, say
        raise MappingError(
            f"{path.name}: not UTF-8 text (byte {exc.start + 1} is not); save it as UTF-8"
        ) from None
    builtin = raw.suffix not in (".yaml", ".yml") and path.parent == BUILTIN_DIR
    shown = _shown(name_or_path, path, base_dir, builtin)
    return parse_mapping(text, source=path.name, builtin=builtin, file=shown)


def _shown(name_or_path: str, path: Path, base_dir: Path | None, builtin: bool) -> str:
    """The mapping file as a missing tab's advice names it (``TabSpec.mapping_file``):
    relative to the workspace (``custom/mine.yaml``, ``mappings/standard.yaml``, a
    workspace's own copy of a built-in), a file outside it by its whole path, a built-in
    looked up by name by its name (``standard.yaml``). Until a review on 2026-12-07 each
    by its base name alone: a workspace's ``mappings/standard.yaml`` read as the built-in,
    and the built-in given by path was to be copied to ``mappings/``, which its path
    would not read."""
    if builtin:
        return path.name
    if base_dir is not None:
        with contextlib.suppress(ValueError):
            return path.relative_to(base_dir).as_posix()
    return path.as_posix() if path.is_absolute() else Path(name_or_path).as_posix()


def parse_mapping(
    text: str, *, source: str, builtin: bool = False, file: str | None = None
) -> MappingSpec:
    """``builtin``: a mapping of ``BUILTIN_DIR`` looked up by name, whose headers are
    defaults a sheet may lack (``TabSpec.named`` none). ``file``: the file as a missing
    tab's advice names it (``TabSpec.mapping_file``; ``source`` when not given)."""
    try:
        data, root = load_yaml_nodes(text, source)
    except yaml.YAMLError as exc:
        raise MappingError(f"{source}: {yaml_problem(exc)}") from None
    if not isinstance(data, dict):  # said "Input should be a valid dictionary or instance
        # of MappingSpec", the class's name, as the workspace file says this one
        what = "is empty" if data is None else "expected a mapping of settings at the top level"
        raise MappingError(f"{source}: {what}; a mapping has name: and okrs: (docs/mappings.md)")
    # the field names are checked on the file's own data, so a misspelt key elsewhere
    # (`requird:`) does not hide a misspelt field: every problem is reported at once
    problems = _unknown_fields(data, source, root)
    try:
        spec = MappingSpec.model_validate(data)
    except ValidationError as exc:
        doc = "docs/mappings.md"
        schema = [
            placed(source, root, e["loc"], schema_problem(e, MappingSpec, doc))
            for e in exc.errors()
        ]
        raise MappingError(f"{source}: invalid mapping", problems=schema + problems) from None
    if problems:
        raise MappingError(f"{source}: invalid mapping", problems=problems)
    full = _with_defaults(spec)
    problems, said = checked(spec, full, source)
    if problems:
        placed_problems = [with_line(source, root, p) for p in problems]
        raise MappingError(f"{source}: invalid mapping", problems=placed_problems)
    goals = full.okrs.model_copy(update={"required": True})  # spec_checks.goals_optional
    okrs = goals.saying(said["okrs"]).naming(_named(spec.okrs, "okrs", source, builtin))
    shown = source if file is None else file
    okrs = okrs.from_file(shown, builtin)
    kpis = None
    if full.kpis is not None and spec.kpis is not None:
        kpis = full.kpis.saying(said["kpis"]).naming(_named(spec.kpis, "kpis", source, builtin))
        kpis = kpis.from_file(shown, builtin)
    return full.model_copy(update={"okrs": okrs, "kpis": kpis})


def _unknown_fields(data: dict[Any, Any], source: str, root: yaml.Node | None) -> list[str]:
    """Field names a mapping uses that no tab has: a misspelt ``tagret`` would otherwise
    map nothing, silently (as unknown keys in the workspace file are errors too). Read
    from the file's data, not the validated spec, so they are reported beside its other
    problems; a part of the wrong shape is the schema's problem and is passed over here.
    In file order (until 2026-12-07 in the order of the code: ``okrs`` before ``kpis``,
    ``columns`` before ``fill_down``, ``objective_fields`` before ``kr_fields``, wherever
    each was written)."""
    problems: list[tuple[tuple[int, int], str]] = []
    for kind, fields in (("okrs", OKR_FIELDS), ("kpis", KPI_FIELDS)):
        known = [name for name, _ in fields]
        told: set[tuple[str, str]] = set()  # a name once a place (`fill_down: [a, a]`)
        for where, name, at, value in _used_fields(data.get(kind)):
            if name not in known and (where, name) not in told:
                told.add((where, name))
                near = difflib.get_close_matches(name, known, n=1)
                hint = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(known)}"
                said = f"{kind}.{where}: unknown field {as_yaml(one_line(name))} ({hint})"
                problems.append(located(source, root, (kind, *at), said, value=value))
    return in_file_order(problems)


#: where a field name is used, the name, the key path it is written at, and whether it is
#: the value there (a ``kr_fields`` pair's new name), not the key or the list's item
_Used = tuple[str, str, tuple[int | str, ...], bool]


def _used_fields(tab: object) -> list[_Used]:
    """Every field name a tab's settings use, in file order, each at its own place: a
    ``columns`` key, a list's item, the key or the value of one ``kr_fields`` pair (until
    2026-12-07 the first key or value of that text under ``columns`` or ``blocks`` gave
    the line: a header ``[tagret]`` above the key ``tagret``)."""
    if not isinstance(tab, dict):
        return []
    used: list[tuple[str, object, tuple[int | str, ...], bool]] = []
    if isinstance(columns := tab.get("columns"), dict):
        used += [("columns", n, ("columns", n), False) for n in columns]
    for key in ("required_columns", "fill_down"):
        used += [(key, n, (key, i), False) for i, n in enumerate(_listed(tab.get(key)))]
    if isinstance(blocks := tab.get("blocks"), dict):
        blank = enumerate(_listed(blocks.get("objective_when_blank")))
        used += [
            ("blocks.objective_when_blank", n, ("blocks", "objective_when_blank", i), False)
            for i, n in blank
        ]
        for key in ("objective_fields", "kr_fields"):
            if isinstance(pairs := blocks.get(key), dict):
                for old, new in pairs.items():
                    at = ("blocks", key, old)
                    used += [(f"blocks.{key}", old, at, False), (f"blocks.{key}", new, at, True)]
    return [(where, n, at, value) for where, n, at, value in used if isinstance(n, str)]


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


#: the tab names of a mapping's goals and KPIs (None: it reads no KPI tab)
TabNames = tuple[tuple[str, ...], tuple[str, ...] | None]


def named_tabs(name_or_path: str, base_dir: Path | None = None) -> TabNames | None:
    """The tabs a mapping that does not load still names (``okrs.sheet``, ``kpis.sheet``),
    or None when they are unknown (no file, a YAML slip, a ``sheet`` of the wrong shape):
    a team whose mapping failed still holds its tabs against the other teams of its
    workbook (``shared_workbooks``), which read into them otherwise (until 2026-12-06)."""
    path = mapping_path(name_or_path, base_dir)
    if path is None:
        return None
    try:
        data = load_yaml(read_text(path), path.name)
    except (OSError, ValueError, yaml.YAMLError, RecursionError):  # ValueError: not UTF-8
        return None
    if not isinstance(data, dict):
        return None

    def sheets(tab: object) -> tuple[str, ...] | None:
        names = tab.get("sheet") if isinstance(tab, dict) else None
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not names:
            return None
        if not all(isinstance(n, str) and n.strip() for n in names):
            return None
        return tuple(names)

    okrs = sheets(data.get("okrs"))
    kpis = None if data.get("kpis") is None else sheets(data["kpis"])
    if okrs is None or (kpis is None and data.get("kpis") is not None):
        return None
    return okrs, kpis
