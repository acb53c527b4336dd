"""Backends sit below the orchestration (README, Layout): they read and write a team's
sheet (and the Google rollup) and know nothing of how a night runs them. A backend that
imported the sync engine (the Google demo did, until it moved to ``workspace/``) could not
be used, or tested, without the whole night behind it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.layering import PACKAGE, dotted, imports, parsed, within

#: the layers above the backends: they call backends, never the other way round
ABOVE = (
    "sheets_sync.sync",
    "sheets_sync.ops",
    "sheets_sync.workspace",
    *(f"sheets_sync.{p.stem}" for p in PACKAGE.glob("cli*.py")),  # cli.py and its parts
)
MODULES = sorted((PACKAGE / "backends").rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_backends_do_not_import_the_layers_above(path: Path) -> None:
    where = path.relative_to(PACKAGE).as_posix()
    upward = [f"{where}:{line}: import {name}" for line, name in _upward(parsed(path), path)]
    assert not upward


def _upward(tree: ast.Module, path: Path) -> list[tuple[int, str]]:
    found = imports(tree, dotted(path))
    return [(line, name) for line, name in found if any(within(name, layer) for layer in ABOVE)]


@pytest.mark.parametrize(
    "source",
    [
        "import sheets_sync.sync.engine",
        "from sheets_sync.ops.history import HistoryStore",
        "from sheets_sync import sync, errors",  # names only the package, imports the layer
        "from sheets_sync import cli as c",
        "from ... import workspace",  # relative: from backends/excel/, the package's top
        "from ...sync import engine",
        "def f():\n    from sheets_sync import ops\n",
    ],
)
def test_the_check_sees_every_spelling_of_an_upward_import(source: str) -> None:
    path = PACKAGE / "backends" / "excel" / "probe.py"
    assert _upward(ast.parse(source), path), source


def test_the_check_lets_backends_import_below_them() -> None:
    source = "from sheets_sync import errors, grid\nfrom . import backend\nfrom .. import base\n"
    assert not _upward(ast.parse(source), PACKAGE / "backends" / "excel" / "__init__.py")
