"""``StyleBook``'s answers remembered across the teams a process patches.

A ``StyleBook`` is a pure function of its ``styles.xml`` and of the ``xf_for`` calls made
on it, in their order: the xf a call returns and what ``render`` writes depend on nothing
else (new entries are appended in call order, each compared by value). Teams made from
one template share their ``styles.xml`` and ask for the same few status formats in one of
a few orders, so the calls of a night are a small tree: 4,479 calls of 500 teams on a
first night, 228 distinct (styles.xml, calls so far) states. ``SharedStyleBook`` walks
that tree and builds a real ``StyleBook`` (replaying the calls so far) only where a team
leaves it; a state's rendered ``styles.xml`` is kept with it. Each team's ``styles.xml``
is byte-identical to what its own ``StyleBook`` writes (``tests/backends/excel/
test_style_memo.py`` holds it so).

Bounded for a long-lived process: 64 trees (the oldest goes first, and goes too when a new
one finds every state taken), 1,024 states a tree and 16,384 in all, 16 MB of renders. At
those limits it holds ~29 MB (tracemalloc, after a collection: 16 trees of a 60 KB
styles.xml with 1,024 states each, or 46 trees of 64 KB with ~356 each; a state ~0.75 KB),
under 33 MB by the sum of its bounds (16 MB of renders, ~12 MB of states, 64 keys of 64 KB).
Before the states of all trees were capped it reached 65,536 states and ~45 MB.
"""

from __future__ import annotations

import threading

from sheets_sync.backends.excel.styles import StyleBook
from sheets_sync.grid import CellStyle

#: a styles.xml is kept (as the key of its tree) up to this size, as ``styles._parse``'s
_MAX_KEPT = 64 << 10
_MAX_TREES = 64  # distinct (styles.xml, part) a process keeps; the oldest goes first
_MAX_STATES = 1024  # a tree's states: past that, new ones are not kept
_MAX_ALL_STATES = 16384  # the states of every tree together (~0.75 KB each, traced)
#: the rendered styles.xml kept, all trees together (a first night keeps ~1 MB: 55 renders)
_MAX_RENDERED = 16 << 20
_UNRENDERED = b"\x00unrendered"  # a state's render not yet known (None is an answer)


class _State:
    """A book's state after some calls: the calls that moved it on, and its render."""

    __slots__ = ("after", "rendered", "tree")

    def __init__(self, tree: _Tree) -> None:
        self.after: dict[tuple[int, CellStyle], tuple[int, _State]] = {}
        self.rendered: bytes | None = _UNRENDERED
        self.tree = tree


class _Tree:
    __slots__ = ("key", "parsed", "rendered", "root", "states")

    def __init__(self, key: tuple[bytes, str]) -> None:
        self.key = key  # its (styles.xml, part) in _TREES while it is kept
        self.states = 1
        self.rendered = 0  # bytes of its states' renders
        self.root = _State(self)
        self.parsed = False  # a StyleBook was made of it: its styles.xml is no error


_TREES: dict[tuple[bytes, str], _Tree] = {}
_LOCK = threading.Lock()
_KEPT = [0]  # bytes of the renders every tree keeps
_STATES = [0]  # the states every tree keeps


def _root(xml: bytes, part: str) -> _State | None:
    if len(xml) > _MAX_KEPT:
        return None
    key = (xml, part)
    with _LOCK:
        tree = _TREES.get(key)
        if tree is None:
            while len(_TREES) >= _MAX_TREES or (_TREES and _STATES[0] >= _MAX_ALL_STATES):
                gone = _TREES.pop(next(iter(_TREES)))
                _KEPT[0] -= gone.rendered
                _STATES[0] -= gone.states
            tree = _TREES[key] = _Tree(key)
            _STATES[0] += 1
        return tree.root


class SharedStyleBook:
    """``StyleBook``'s ``xf_for`` and ``render``, answered from the states other books of
    the same ``styles.xml`` passed through where they can."""

    def __init__(self, xml: bytes, part: str = "xl/styles.xml") -> None:
        self.xml, self.part = xml, part
        self._state = _root(xml, part)
        self._calls: list[tuple[int, CellStyle]] = []  # those that moved the state on
        self._seen: dict[tuple[int, CellStyle], int] = {}  # StyleBook's own memo
        self._book = None
        if self._state is None or not self._state.tree.parsed:
            # made here, as a StyleBook was: a styles.xml it refuses is refused here
            self._book = StyleBook(xml, part)
            if self._state is not None:
                self._state.tree.parsed = True

    def xf_for(self, base_xf: int, style: CellStyle) -> int:
        key = (base_xf, style)
        xf = self._seen.get(key)
        if xf is not None:  # the book answers from its memo: its state stays as it was
            return xf
        state = self._state
        step = state.after.get(key) if state is not None else None
        if step is not None and self._book is None:
            xf, self._state = step
        else:  # the real book answers (and is kept in step once it is built)
            xf = self._live().xf_for(base_xf, style)
            self._state = step[1] if step is not None else self._record(state, key, xf)
        self._calls.append(key)
        self._seen[key] = xf
        return xf

    def render(self) -> bytes | None:
        state = self._state
        if state is not None and state.rendered is not _UNRENDERED:
            return state.rendered
        rendered = self._live().render()
        if state is not None:
            size = len(rendered or b"")
            with _LOCK:  # counted only while its tree is kept: a tree that went was counted down
                kept = _TREES.get(state.tree.key) is state.tree
                if kept and state.rendered is _UNRENDERED and _KEPT[0] + size <= _MAX_RENDERED:
                    state.rendered = rendered
                    state.tree.rendered += size
                    _KEPT[0] += size
        return rendered

    def _live(self) -> StyleBook:
        """The real book, in the state the calls so far left it."""
        if self._book is None:
            book = StyleBook(self.xml, self.part)
            for base_xf, style in self._calls:
                book.xf_for(base_xf, style)
            self._book = book
        return self._book

    @staticmethod
    def _record(state: _State | None, key: tuple[int, CellStyle], xf: int) -> _State | None:
        if state is None:
            return None
        tree = state.tree
        with _LOCK:
            step = state.after.get(key)  # another book of the tree recorded it meanwhile
            if step is not None:
                return step[1]
            if tree.states >= _MAX_STATES or _STATES[0] >= _MAX_ALL_STATES:
                return None
            if _TREES.get(tree.key) is not tree:  # it went: its states were counted down
                return None
            tree.states += 1
            _STATES[0] += 1
            after = _State(tree)
            state.after[key] = (xf, after)
        return after
