"""The domain stays pure (README, Layout): no module under ``sheets_sync/domain`` reads a
file, the clock, the environment or the network, so every rule is a function of its
arguments and ``as_of`` is the only "today" a score ever sees. Checked on the source, as
imports and calls, for the domain and for the few shared modules it may import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.layering import PACKAGE, dotted, imports, parsed, within

#: what the domain may build on: pure standard library, and these modules of ours
PURE_STDLIB = frozenset(
    {
        "__future__",
        "abc",
        "bisect",
        "collections",
        "contextlib",
        "dataclasses",
        "datetime",
        "decimal",
        "difflib",
        "enum",
        "fractions",
        "functools",
        "hashlib",
        "itertools",
        "math",
        "numbers",
        "operator",
        "pickle",
        "re",
        "statistics",
        "typing",
        "unicodedata",
    }
)
OURS = frozenset(
    {"sheets_sync.errors", "sheets_sync.grid", "sheets_sync.numfmt", "sheets_sync.pickling"}
)
#: calls that read the clock or the outside world with no import to show it (``time``,
#: ``os`` and ``pathlib`` are refused as imports): builtins, and ``dt.date.today()``
FORBIDDEN_CALLS = frozenset({"open", "input", "print", "now", "utcnow", "today"})


def _pure_modules() -> list[Path]:
    ours = [PACKAGE / f"{name.rsplit('.', 1)[1]}.py" for name in sorted(OURS)]
    return sorted((PACKAGE / "domain").glob("*.py")) + ours


def _allowed(module: str) -> bool:
    if module.partition(".")[0] in PURE_STDLIB:
        return True
    return any(within(module, ours) for ours in OURS) or within(module, "sheets_sync.domain")


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_domain_does_no_io(path: Path) -> None:
    tree = parsed(path)
    where = path.relative_to(PACKAGE).as_posix()
    bad_imports = [
        f"{where}:{line}: import {name}"
        for line, name in imports(tree, dotted(path))
        if not _allowed(name)
    ]
    calls = (n for n in ast.walk(tree) if isinstance(n, ast.Call))
    bad_calls = [
        f"{where}:{n.lineno}: calls {name}()"
        for n in calls
        if (name := _called_name(n)) in FORBIDDEN_CALLS
    ]
    assert not bad_imports + bad_calls


def test_the_check_sees_io() -> None:
    """The rule is not vacuous: a module that reads a file and the clock fails it."""
    tree = ast.parse(
        "import os\nfrom pathlib import Path\nimport datetime as dt\n"
        "x = dt.datetime.now()\nopen('f')\n"
    )
    assert [name for _, name in imports(tree) if not _allowed(name)] == ["os", "pathlib"]
    called = {_called_name(n) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert {"now", "open"} <= called & FORBIDDEN_CALLS


def test_the_check_sees_every_spelling_of_an_impure_import() -> None:
    """``from sheets_sync import sync`` named only ``sheets_sync``; a relative import was
    not looked at: both passed for pure."""
    tree = ast.parse(
        "from sheets_sync import errors, sync\nfrom .. import workspace\n"
        "from . import models\nfrom ..backends import excel\nfrom sheets_sync.errors import X\n"
    )
    found = [name for _, name in imports(tree, "sheets_sync.domain.probe") if not _allowed(name)]
    assert found == ["sheets_sync.sync", "sheets_sync.workspace", "sheets_sync.backends.excel"]


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_domain_imports_no_private_name(path: Path) -> None:
    """A name another module keeps private (``_describe``) is not the importer's to use:
    what two modules share is public where both find it (``values.describe``,
    ``values.check_error``, which ``confidence`` imported as private names until
    2026-12-07)."""
    where = path.relative_to(PACKAGE).as_posix()
    private = [
        f"{where}:{node.lineno}: from {node.module} import {alias.name}"
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.ImportFrom)
        and (node.level or (node.module or "").startswith("sheets_sync"))
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert not private


def test_the_google_backend_builds_on_no_excel_module() -> None:
    """What both backends read alike (a format code's percent rule) is in a shared pure
    module (``numfmt``): the Google backend imported it from the Excel one until
    2026-12-07."""
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{line}: import {name}"
        for path in sorted((PACKAGE / "backends" / "gsheets").glob("*.py"))
        for line, name in imports(parsed(path), dotted(path))
        if within(name, "sheets_sync.backends.excel")
    ]
    assert not found
