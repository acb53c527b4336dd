"""Backends sit below the orchestration (README, Layout): they read and write a team's
sheet (and the Google rollup) and know nothing of how a night runs them. A backend that
imported the sync engine (the Google demo did, until it moved to ``workspace/``) could not
be used, or tested, without the whole night behind it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.layering import PACKAGE, imports, parsed, within

#: the layers above the backends: they call backends, never the other way round
ABOVE = ("sheets_sync.sync", "sheets_sync.ops", "sheets_sync.workspace", "sheets_sync.cli")
MODULES = sorted((PACKAGE / "backends").rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_backends_do_not_import_the_layers_above(path: Path) -> None:
    where = path.relative_to(PACKAGE).as_posix()
    upward = [
        f"{where}:{line}: import {name}"
        for line, name in imports(parsed(path))
        if any(within(name, layer) for layer in ABOVE)
    ]
    assert not upward
