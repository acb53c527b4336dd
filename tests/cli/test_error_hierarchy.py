"""The error hierarchy drawn in ``errors.py``'s docstring (the one place a newcomer reads
which error ends a command with which exit code) is the hierarchy the CLI maps: every
class, its parent, and each ``(exit N)`` the drawing states."""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

import sheets_sync
import sheets_sync.errors as errors
from sheets_sync.errors import SheetsSyncError

#: a class's line of the drawing: the tree's prefix, its name, what it is
_LINE = re.compile(r"^(?P<tree>[ │├└─]*)(?P<name>[A-Z]\w+Error)\s+(?P<what>.*)$")


def _drawn(text: str = errors.__doc__ or "") -> dict[str, tuple[str | None, int | None]]:
    """Class name -> (its parent as drawn, the exit code the line states, if any)."""
    drawn: dict[str, tuple[str | None, int | None]] = {}
    parents: list[tuple[int, str]] = []  # (depth, name) of the open branches
    for line in text.splitlines():
        if not (m := _LINE.match(line.removeprefix("    "))):
            continue
        depth = len(m["tree"])
        while parents and parents[-1][0] >= depth:
            parents.pop()
        code = re.search(r"\(exit (\d)\)", m["what"])  # "(exit 1 at the end)" is the run's
        drawn[m["name"]] = (parents[-1][1] if parents else None, int(code[1]) if code else None)
        parents.append((depth, m["name"]))
    return drawn


def _real() -> dict[str, type[SheetsSyncError]]:
    found: dict[str, type[SheetsSyncError]] = {}
    todo: list[type[SheetsSyncError]] = [SheetsSyncError]
    while todo:
        cls = todo.pop()
        if cls.__module__ == errors.__name__:
            found[cls.__name__] = cls
            todo += cls.__subclasses__()
    return found


def test_the_drawing_names_every_error_class_once() -> None:
    assert sorted(_drawn()) == sorted(_real())


def test_each_class_hangs_from_its_real_parent() -> None:
    real = _real()
    for name, (parent, _) in _drawn().items():
        base = real[name].__bases__[0]
        assert parent == (None if base is Exception else base.__name__), name


def test_each_exit_code_drawn_is_the_class_exit_code() -> None:
    real = _real()
    stated = {name: code for name, (_, code) in _drawn().items() if code is not None}
    assert stated, "the drawing states exit codes"
    assert stated == {name: real[name].exit_code for name in stated}


def test_library_page_draws_the_same_hierarchy() -> None:
    """docs/library.md draws the tree for a program's ``except``: every class, each under
    its real parent (it had lost ``ServiceDisabledError`` and folded in others)."""
    page = (Path(__file__).parents[2] / "docs" / "library.md").read_text(encoding="utf-8")
    drawn = {name: parent for name, (parent, _) in _drawn(textwrap.indent(page, "    ")).items()}
    assert drawn == {name: parent for name, (parent, _) in _drawn().items()}


def test_every_error_class_is_public() -> None:
    """The page calls the error classes public and everything public importable from
    ``sheets_sync``: ``except sheets_sync.ConflictError`` must work, as for the others."""
    classes = {
        name for name, value in vars(errors).items()
        if inspect.isclass(value) and value.__module__ == errors.__name__
    }  # fmt: skip
    assert classes == set(_real()) | {"Interrupted"}
    assert classes <= set(sheets_sync.__all__), classes - set(sheets_sync.__all__)
    for name in classes:
        assert getattr(sheets_sync, name) is getattr(errors, name)


#: what each class needs besides its message (``ScratchFileError`` takes the reason alone)
_REQUIRED: dict[str, dict[str, str]] = {
    "ServiceDisabledError": {"service_title": "Google Sheets API", "activation_url": "https://x"},
}


def test_every_class_takes_the_place_the_page_promises() -> None:
    """The page: every class has ``.source``/``.tab``/``.cell``, the place. A program's own
    backend raising ``FileLockedError(..., tab="OKRs")``, ``CredentialsError(...,
    source=...)``, ``ScratchFileError(..., source=...)`` or ``ServiceDisabledError(...,
    cell=...)`` got a TypeError (an unexpected keyword argument)."""
    for name, cls in sorted(_real().items()):
        error = cls("why", source="s.xlsx", tab="OKRs", cell="J7", **_REQUIRED.get(name, {}))
        assert (error.source, error.tab, error.cell) == ("s.xlsx", "OKRs", "J7"), name
        assert str(error).startswith("s.xlsx!OKRs!J7: "), name
