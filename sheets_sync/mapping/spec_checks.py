"""A mapping's checks once it has loaded (``spec.parse_mapping``): settings that each
make sense alone but not together, all of them reported at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sheets_sync.grid import as_typed, tab_key
from sheets_sync.mapping.fields import (
    KPI_OWNED,
    KPI_REQUIRED,
    OKR_OWNED,
    OKR_REQUIRED,
    normalise_header,
)

if TYPE_CHECKING:
    from sheets_sync.mapping.spec import MappingSpec, TabSpec


#: (okrs or kpis, a warning of that tab's settings)
Said = list[tuple[str, str]]


def checked(
    given: MappingSpec, full: MappingSpec, source: str
) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """The problems of a loaded mapping (it can never work: an error at load), and the
    warnings of each tab's settings (read another way than written, or not at all: the
    team is told at the tab, and the mapping reads as it did). Until 2026-12-07 the
    settings warned of were passed over without a word; for that day they were errors,
    and a team whose mapping had synced cleanly failed every night."""
    problems = shared_headers(given, full, source) + shared_tab(given, source)
    shadows, said = shadowed(given, full, source)
    problems += shadows + no_objective_rule(given, source)
    said += (
        goals_optional(given, source)
        + header_both(given, source)
        + unread(given, source)
        + passed_over(given, source)
    )
    return problems, {k: tuple(m for t, m in said if t == k) for k in ("okrs", "kpis")}


def no_objective_rule(spec: MappingSpec, source: str) -> list[str]:
    """``objective_when_blank: []``: every row is blank in each of no fields, so every row
    was an objective row, each key result read as an objective with none (until
    2026-12-07). Checked here, not as the schema is read, so it is said with the rest.
    Under the rows layout ``blocks`` is not read (``unread`` warns of it), and a mapping
    that synced so fails nothing."""
    blocks = spec.okrs.blocks
    if blocks is None or blocks.objective_when_blank or spec.okrs.layout != "objective_blocks":
        return []
    return [
        f"{source}: okrs.blocks.objective_when_blank: names no field, so every row would be "
        "read as an objective; give the fields an objective row leaves blank, as [start, "
        "target, current]"
    ]


def goals_optional(spec: MappingSpec, source: str) -> Said:
    """``okrs.required: false``: a team is its goals, so a workbook with no OKR tab cannot
    be read; it reads as ``true`` (``parse_mapping``), and the team is told. Until
    2026-12-07 such a workbook failed as an internal error (an assertion); for a day the
    line was refused at load, and a team whose mapping said it failed every night."""
    if spec.okrs.required:
        return []
    return [
        (
            "okrs",
            f"{source}: okrs.required: false has no effect: a team is read for its key "
            "results; delete the line",
        )
    ]


def header_both(spec: MappingSpec, source: str) -> Said:
    """``header: {row: 3, search: 10}`` reads row 3; the search is not read."""
    said: Said = []
    for kind in ("okrs", "kpis"):
        tab: TabSpec | None = getattr(spec, kind)
        if tab is not None and tab.header.row is not None and tab.header.search is not None:
            said.append(
                (
                    kind,
                    f"{source}: {kind}.header: gives both row and search; row "
                    f"{tab.header.row} is used, search is not read",
                )
            )
    return said


def passed_over(spec: MappingSpec, source: str) -> Said:
    """``required_columns: []`` reads as the default list (the header row is found by
    the required columns, and none is no rule), and owned fields are named where only
    read fields mean something: required, a sheet with no Score column failed "missing
    column Score" (a sheet with one read as without it); filled down, passed over."""
    said: Said = []
    for kind, default, owned in (
        ("okrs", OKR_REQUIRED, OKR_OWNED),
        ("kpis", KPI_REQUIRED, KPI_OWNED),
    ):
        tab: TabSpec | None = getattr(spec, kind)
        if tab is None:
            continue
        if "required_columns" in tab.model_fields_set and not tab.required_columns:
            said.append(
                (
                    kind,
                    f"{source}: {kind}.required_columns: names no field, so the default is "
                    f"used ({', '.join(default)}); leave the key out, or name the columns "
                    "the header row holds",
                )
            )
        for name in dict.fromkeys(n for n in tab.required_columns if n in owned):
            said.append(
                (
                    kind,
                    f"{source}: {kind}.required_columns: {name} is written by the sync, not "
                    "read, yet a sheet without its column fails as missing it (the sync "
                    "would add it); leave it out",
                )
            )
        unread_fill = kind == "okrs" and tab.layout == "objective_blocks"  # said whole
        for name in dict.fromkeys(n for n in tab.fill_down if n in owned and not unread_fill):
            said.append(
                (
                    kind,
                    f"{source}: {kind}.fill_down: {name} is written by the sync, not read, "
                    "so it is not filled down; leave it out",
                )
            )
    return said


def unread(spec: MappingSpec, source: str) -> Said:
    """Settings the tab's layout does not read: ``blocks`` under the rows layout (a
    mapping that forgot ``layout: objective_blocks`` fails each row "objective ID is
    missing"), ``fill_down`` under objective blocks, and objective blocks for KPIs,
    which are read a row each."""
    said: Said = []
    for kind in ("okrs", "kpis"):
        tab: TabSpec | None = getattr(spec, kind)
        if tab is None:
            continue
        if kind == "kpis" and tab.layout == "objective_blocks":
            said.append(
                (
                    kind,
                    f"{source}: kpis.layout: KPIs are read a row each; objective_blocks is a "
                    "layout of okrs only, so it is not read; remove layout"
                    + (" and blocks" if tab.blocks is not None else ""),
                )
            )
        elif tab.blocks is not None and kind == "kpis":  # "add layout" was refused next
            said.append(
                (
                    kind,
                    f"{source}: kpis.blocks: is not read (KPIs are read a row each); remove blocks",
                )
            )
        elif tab.blocks is not None and tab.layout == "rows":
            said.append(
                (
                    kind,
                    f"{source}: {kind}.blocks: is read only with layout: objective_blocks "
                    "(this tab's layout is rows), so it is not read; add layout: "
                    "objective_blocks, or remove blocks",
                )
            )
        if kind == "okrs" and tab.fill_down and tab.layout == "objective_blocks":
            said.append(
                (
                    kind,
                    f"{source}: okrs.fill_down: is not read with layout: objective_blocks (a "
                    "key result takes its objective's cells from its objective row); remove "
                    "fill_down",
                )
            )
    return said


def shared_tab(spec: MappingSpec, source: str) -> list[str]:
    """A tab named first for both the goals and the KPIs: their owned columns share
    headers (Status, Sync notes), so the sync wrote a key result's status and then a
    KPI's into one cell (until 2026-12-06). A name both lists hold further on (a shared
    fallback: ``[OKRs, Sheet1]``, ``[KPIs, Sheet1]``) meets only in a workbook with
    neither first name, so it is refused at read time, for that team alone
    (``extract``): refused here it stopped every team, with workbooks that had both tabs.
    The tab is named in words as the team types it (``OKRs``, ``"Q1 OKRs"``: ``as_typed``;
    until 2026-12-07 Python's repr, ``'OKRs'``, then for a day a formula's quoting)."""
    if spec.kpis is None:
        return []
    name = spec.kpis.sheet[0]
    if tab_key(name) != tab_key(spec.okrs.sheet[0]):
        return []
    return [
        f"{source}: kpis.sheet: {as_typed(name)} is a tab of okrs.sheet too; the key results "
        "and the "
        "KPIs are each read from a tab of their own"
    ]


def shared_headers(given: MappingSpec, full: MappingSpec, source: str) -> list[str]:
    """A header given to two fields of one tab. Only one of them got the column, the one
    listed last, without a word: ``comment: [Notes]`` beside ``score: [Notes]`` had the
    sync write scores over the team's Notes (until 2026-12-06). A field's default header
    (a field the file does not list) counts too: ``score: [Comment]`` added a second
    Comment column for the scores.

    Only a header shared with a field the sync writes is refused: mappings list fallback
    headers a sheet may not have (``key_result: [Key result, KR, Comment]``,
    ``kr_id: [KR ID, ID]`` beside ``objective_id: [Objective ID, ID]``), and two fields
    that are only read share one as they did before, the field listed last taking the
    column if the sheet has it, with nothing overwritten."""
    problems = []
    for kind, owned in (("okrs", OKR_OWNED), ("kpis", KPI_OWNED)):
        tab: TabSpec | None = getattr(full, kind)
        if tab is None:
            continue
        listed = getattr(given, kind).columns
        owner: dict[str, str] = {}
        for name, headers in tab.columns.items():
            for header in headers:
                first = owner.setdefault(normalise_header(header), name)
                if first != name and (first in owned or name in owned):
                    default = "" if name in listed else f" (the default header of {name})"
                    problems.append(
                        f"{source}: {kind}.columns: header {header!r} is given for both "
                        f"{first} and {name}{default}; a column is read as one field, so "
                        "give each field headers of its own"
                    )
    return list(dict.fromkeys(problems))


def shadowed(given: MappingSpec, full: MappingSpec, source: str) -> tuple[list[str], Said]:
    """A listed field none of whose headers it would ever take: of two fields sharing a
    header, the one listed last takes the column (a field the file does not list, by its
    default header, comes after every listed one). ``target: [Goal]`` beside ``current:
    [Goal]`` failed the team with "missing column Goal" in a row with a Goal column, and
    ``objective_id: [Objective]`` lost the column to the title's default header; a field
    that is not required read as blank, silently (until 2026-12-07). A header shared with
    a field the sync writes is ``shared_headers``' problem, not told twice here."""
    problems: list[str] = []
    said: Said = []
    for kind, owned in (("okrs", OKR_OWNED), ("kpis", KPI_OWNED)):
        tab: TabSpec | None = getattr(full, kind)
        if tab is None:
            continue
        listed = getattr(given, kind).columns
        taker = {normalise_header(h): n for n, headers in tab.columns.items() for h in headers}
        renamed: set[str] = set()  # objective blocks: read through another's column too
        if tab.blocks is not None and tab.layout == "objective_blocks":
            renamed = {*tab.blocks.objective_fields.values(), *tab.blocks.kr_fields.values()}
        for name in listed:
            if name in owned or name in renamed:
                continue
            others = {h: taker[normalise_header(h)] for h in tab.columns[name]}
            if name in others.values() or set(others.values()) & set(owned):
                continue
            if len(others) == 1:
                ((header, other),) = others.items()
                default = "" if other in listed else " (its default header)"
                told = f"header {header!r} is given to {other} too{default}, which takes"
            else:
                each = [
                    f"{h!r} (to {o}{'' if o in listed else ', its default header'})"
                    for h, o in others.items()
                ]
                told = (
                    f"headers {', '.join(each[:-1])} and {each[-1]} are given to other "
                    "fields too, which take"
                )
            told = (
                f"{source}: {kind}.columns: {name}: {told} the column (the field listed last "
                f"does), so {name} is never read"
            )
            mend = f"give {name} a header of its own"
            if name in tab.required_columns:  # never found: the team fails
                problems.append(f"{told}; {mend}")
            else:  # read blank, as before
                said.append((kind, f"{told} (it reads blank); {mend}"))
    return problems, said
