"""The reader's modules import no private name of another (a review on 2026-12-07 found
``errorcodes._stand_ins`` imported by reader.py, ``formulas._TAG_GOES_ON`` and
``_cell_tag_before`` by placeholders.py): what a module shares, it names public."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sheets_sync

EXCEL = Path(sheets_sync.__file__).parent / "backends" / "excel"


@pytest.mark.parametrize("module", ["reader.py", "placeholders.py"])
def test_no_private_name_is_imported_from_another_module(module: str) -> None:
    tree = ast.parse((EXCEL / module).read_text(encoding="utf-8"))
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sheets_sync")
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == []
