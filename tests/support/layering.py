"""The imports a module's source names, for the tests that keep the layers apart
(README, Layout): read from the syntax tree, so an import inside a function counts too."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sheets_sync"


def imports(tree: ast.Module, module: str = "") -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import. ``from a import b`` gives ``a.b``
    when that is a module of ours (``from sheets_sync import sync`` imports the sync
    layer, which naming only ``sheets_sync`` hid), else ``a``. A relative import is
    resolved against ``module``, the dotted name of the file the tree was parsed from
    (``dotted``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module)
            named = [f"{base}.{alias.name}" for alias in node.names]
            yield from ((node.lineno, name) for name in named if _ours(name))
            if not all(_ours(name) for name in named):  # a name in ``base``, or ``*``
                yield node.lineno, base


def _absolute(node: ast.ImportFrom, module: str) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".")[: -node.level]
    if not package:
        raise ValueError(f"line {node.lineno}: a relative import, and no module to resolve it")
    return ".".join([*package, *([node.module] if node.module else [])])


def _ours(module: str) -> bool:
    """``module`` is a module or package of ``sheets_sync``, as found on disk."""
    if not within(module, "sheets_sync"):
        return False
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def dotted(path: Path) -> str:
    """The module name of a file under ``PACKAGE`` (a package's ``__init__.py``: a child
    of it, ``__init__``, so that ``from . import x`` is resolved in the package itself)."""
    return ".".join(["sheets_sync", *path.relative_to(PACKAGE).with_suffix("").parts])


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def within(module: str, package: str) -> bool:
    """``module`` is ``package`` or inside it."""
    return module == package or module.startswith(f"{package}.")
