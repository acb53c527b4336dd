"""One copy of each XML helper the excel backend's parts are read with (``xmlutil``):
four ``local_name`` helpers stood in ``blame``, ``richvalues``, ``sheetscan`` and
``workbookparts``, and ``odsscan`` imported ``sheetscan``'s private ``_iterparse`` and
``_local`` (until 2026-12-07)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sheets_sync.backends.excel import xmlutil

BACKEND = Path(xmlutil.__file__).parent
MODULES = sorted(BACKEND.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_but_xmlutil_defines_a_local_name_helper(path: Path) -> None:
    if path.name == "xmlutil.py":
        return
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"^def _?local(_name)?\(", text, re.M), path.name
    assert "def parser(" not in text and "def _iterparse(" not in text, path.name
    # an inline copy too: errorcodes read a ``<v>``'s name so (until a review on 2026-12-07)
    assert not re.search(r"""\.rsplit\(["']}["'], 1\)\[-1\]""", text), path.name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_imports_anothers_private_name(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sheets_sync"):
            private = [a.name for a in node.names if a.name.startswith("_")]
            assert not private, f"{path.name} imports {private} from {node.module}"


def test_local_name() -> None:
    assert xmlutil.local_name("{urn:x}c") == "c"
    assert xmlutil.local_name("row") == "row"
    assert xmlutil.local_name(None) == ""
