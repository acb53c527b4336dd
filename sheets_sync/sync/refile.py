"""Teams that share a workbook find their reads in the cache after the night's writes.

The teams of one workbook are written one after another (``team_steps.by_workbook``),
and each caches its read under the sha256 of the bytes its own write left: for all but the
last team a digest no file keeps, so each night that wrote they parsed again (~10 ms a
team). Once the workbook's last write lands, each team's read is filed under the final
digest too, when that provably is what a parse of the final file gives:

- ``WriteChain`` records only facts: a write patches exactly the bytes whose digest its
  version check names (``ExcelBackend.write``) into the bytes of ``written_sha256``, in
  the tabs it lists. A write from other bytes (a gap) starts the chain again.
- A patch (``patch.py``) changes the worksheets it writes, appends to ``styles.xml``
  (existing formats keep their index), drops ``calcChain`` entries of replaced formulas
  and sets ``workbook.xml``'s recalculate-on-open flag. It never adds, renames or moves a
  tab, nor touches shared strings. A read (``CachedRead``) holds from the whole file only
  the tab list and the format (``WorkbookData.sheet_names``, ``meta``), and otherwise the
  team's own tabs (their cells, and styles through their cells' existing indexes). So a
  read of digest ``k`` is the read of every later digest whose writes touched none of
  the team's tabs (by ``tab_key``, as the reader matches them).
- The cache's invariant does the rest: a slot under the key of digest ``k`` holds the
  read of those bytes. The slot is moved as it is (key replaced, the read's bytes and
  their sha256 check kept), atomically, never unpickled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sheets_sync.domain.models import Period
from sheets_sync.grid import tab_key
from sheets_sync.sync.readcache import ReadCache, cache_key
from sheets_sync.sync.reading import team_tabs
from sheets_sync.workspace_spec import TeamSpec


@dataclass
class WriteChain:
    """The bytes one workbook went through by tonight's writes, in order: each
    ``digests[k + 1]`` is ``digests[k]`` patched in the tabs ``tabs[k]`` (tab keys)."""

    digests: list[str] = field(default_factory=list)
    tabs: list[frozenset[str]] = field(default_factory=list)

    def wrote(self, before: str, after: str, tabs: frozenset[str]) -> None:
        """A write patched ``before``'s bytes (sha256 hex) into ``after``'s."""
        if not self.digests or self.digests[-1] != before:  # how ``before`` came: unknown
            self.digests, self.tabs = [before], []
        self.digests.append(after)
        self.tabs.append(tabs)


def refile(
    cache: ReadCache,
    chain: WriteChain,
    specs: Sequence[TeamSpec],
    limit: int,
    period: Period | None = None,
) -> int:
    """File each team's read under the chain's last digest when its slot holds the read of
    an earlier digest that no later write touched a tab of; returns how many moved.
    ``limit``, ``period``: the workspace's ``max_workbook_bytes`` and period (part of
    every key)."""
    if len(chain.digests) < 2:
        return 0
    final = chain.digests[-1]
    moved = 0
    for spec in specs:
        own = {tab_key(t) for t in team_tabs(spec)}
        olds: list[str] = []
        touched: set[str] = set()
        for k in range(len(chain.tabs) - 1, -1, -1):  # latest first
            touched |= chain.tabs[k]
            if touched & own:
                break
            olds.append(cache_key(chain.digests[k], spec, limit, period))
        if olds and cache.refile(spec, olds, cache_key(final, spec, limit, period)):
            moved += 1
    return moved
