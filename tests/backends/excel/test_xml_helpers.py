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


def _public_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_")}


def _names_taken_from_xmlutil(tree: ast.Module) -> set[str]:
    taken: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("excel.xmlutil"):
            taken.update(a.name for a in node.names)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "xmlutil"
        ):
            taken.add(node.attr)
    return taken


#: public for its tests: they call it directly, to count its scans (test_literal_scans.py)
_PUBLIC_FOR_TESTS = {"cdata_split"}


def test_every_public_name_of_xmlutil_is_used_by_another_module() -> None:
    # ``XSD_SPACE`` was public and read by xmlutil only (until 2026-12-07; ``QUOTED`` too
    # until references.py quoted with it, the same day)
    package = BACKEND.parents[1]
    source = Path(xmlutil.__file__)
    taken: set[str] = set()
    for path in package.rglob("*.py"):
        if path != source:
            taken |= _names_taken_from_xmlutil(ast.parse(path.read_text(encoding="utf-8")))
    public = _public_names(ast.parse(source.read_text(encoding="utf-8")))
    assert sorted(public - taken - _PUBLIC_FOR_TESTS) == []
