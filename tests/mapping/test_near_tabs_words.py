"""A near tab's words: a copy's (``Copy of``, ``(2)``, ``final``) in the tab list's own
names too, Excel's ``(2)`` that is no year, a quarter of a year's last two digits however
written (``Q4/26``, ``26-Q4``)."""

from __future__ import annotations

import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.near_tabs import near_tabs
from sheets_sync.mapping.spec import load_mapping
from tests.mapping.test_near_tabs import _book

FINAL_OKRS = load_mapping("standard").okrs.model_copy(update={"sheet": ("Final OKRs",)})


def test_a_copy_of_a_listed_name_with_a_copys_word_is_said() -> None:
    """``okrs.sheet: [Final OKRs]``: until 2026-12-07 the list's name kept ``final`` in
    its key (``finalokrs``) while a tab lost it (``okrs``): no tab was its copy."""
    book = _book("Final OKRs", "Copy of Final OKRs", "Final OKRs (2)", "KPIs")
    said = near_tabs(book, "okrs", FINAL_OKRS, "Final OKRs", ["Final OKRs"], None)
    assert [f.tab for f in said] == ["Copy of Final OKRs", "Final OKRs (2)"]


def test_did_you_mean_a_copy_of_a_listed_name_with_a_copys_word() -> None:
    mapping = load_mapping("standard")
    mapping = mapping.model_copy(update={"okrs": FINAL_OKRS})
    with pytest.raises(LayoutError) as caught:
        extract(_book("Final OKRs 2", "Copy of Final OKRs", "KPIs"), mapping)
    # "Final OKRs 2" is numbered (okrs2), no copy
    assert str(caught.value).endswith('; did you mean "Copy of Final OKRs"?')
