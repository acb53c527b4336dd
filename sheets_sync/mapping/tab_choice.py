"""Which tab of a workbook a mapping's tab list reads: the first name the workbook has,
never one tab for both kinds. Split from ``extract`` to keep it readable in one sitting."""

from __future__ import annotations

from sheets_sync.errors import LayoutError
from sheets_sync.grid import WorkbookData, as_typed, tab_key
from sheets_sync.mapping.spec import MappingSpec, TabSpec


def find_sheet(data: WorkbookData, spec: TabSpec) -> str | None:
    """The first of the spec's tab names the workbook has (``grid.tab_key``: the backends
    read the tabs by the same key, so a tab found here was read)."""
    by_key: dict[str, str] = {}
    for name in data.sheet_names:
        by_key.setdefault(tab_key(name), name)
    return next((by_key[k] for k in map(tab_key, spec.sheet) if k in by_key), None)


def refuse_one_tab(goals: str, kpis: str, mapping: MappingSpec, source: str) -> None:
    """The key results and the KPIs read from one tab, by a tab name both lists hold as a
    fallback (``[OKRs, Sheet1]``, ``[KPIs, Sheet1]``) in a workbook with neither first
    name: both kinds' owned columns (Status, Sync notes) would be written into that tab.
    Refused for this team only; the mapping loads, as other workbooks have both tabs."""
    if tab_key(goals) != tab_key(kpis):
        return
    assert mapping.kpis is not None
    okrs, kpi_tab = as_typed(mapping.okrs.sheet[0]), as_typed(mapping.kpis.sheet[0])
    okr_list = ", ".join(map(as_typed, mapping.okrs.sheet))
    kpi_list = ", ".join(map(as_typed, mapping.kpis.sheet))
    raise LayoutError(
        "the key results and the KPIs would both be read from this tab, the first of "
        f"okrs.sheet ({okr_list}) and of kpis.sheet ({kpi_list}) the workbook has; each is "
        f"read from a tab of its own: add a tab named {okrs} or {kpi_tab}",
        source=source,
        tab=kpis,
    )


def mapping_sheets(mapping: MappingSpec) -> tuple[str, ...]:
    """Every tab name the mapping gives, of both kinds."""
    kpis = mapping.kpis.sheet if mapping.kpis is not None else ()
    return (*mapping.okrs.sheet, *kpis)
