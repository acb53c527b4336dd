"""Where a problem of a workspace or mapping file is: the line of the key (or list item)
its key path names (``okrs.columns.target``), found in the node tree the file was read
from (``yamlio.load_yaml_nodes``). The key path alone had the author count keys down a
long file, where an editor goes to a line (until 2026-12-07 only invalid YAML had one).

The line is the key's, not its value's: ``header:`` with its settings on the lines under
it is named on the ``header:`` line, a list's item on the item's own line. A key path the
file does not hold to its end (a required key left out) is named at the nearest key it
does hold: the settings the key is missing from. A value written under an anchor
(``&base``) and used by an alias (``*base``, or merged in with ``<<: *base``) is named
where it is written, in the anchor; a key written beside the alias, where it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import yaml

from sheets_sync.yamlio import load_yaml_nodes, read_key


def line_of(root: yaml.Node | None, loc: Sequence[int | str], *, value: bool = False) -> int | None:
    """The line (from 1) of what ``loc`` names, or of the nearest key above it the file
    holds; None for the top level (the whole file) or with no tree. ``value``: the line of
    the value ``loc`` names, not of its key (a ``kr_fields`` pair's new name, under its key
    when the pair is written on two lines)."""
    at = place_of(root, loc, value=value)
    return None if at is None else at[0]


def place_of(
    root: yaml.Node | None, loc: Sequence[int | str], *, value: bool = False
) -> tuple[int, int] | None:
    """(line, column), from 1, of what ``line_of`` names: problems of one file sort by it
    into file order (two on one line, ``{fill_down: [zz], columns: {yy: [a]}}``, too)."""
    node, place = root, None
    for part in loc:
        found = _child(node, part)
        if found is None:
            return place
        held, node = found
        place = (held.start_mark.line + 1, held.start_mark.column + 1)
    if value and node is not None:
        place = (node.start_mark.line + 1, node.start_mark.column + 1)
    return place


def located(
    source: str, root: yaml.Node | None, loc: Sequence[int | str], said: str, *, value: bool = False
) -> tuple[tuple[int, int], str]:
    """(where, ``placed``) of ``said``, a problem of what ``loc`` names, from one walk of
    the tree: ``where`` puts a file's problems in file order (``in_file_order``; (0, 0),
    the whole file's, first). Until 2026-12-07 each problem was walked twice, for its
    place and again for its line."""
    place = place_of(root, loc, value=value)
    if place is None:
        return (0, 0), f"{source}: {said}"
    return place, f"{source}: line {place[0]}: {said}"


def in_file_order(problems: Iterable[tuple[tuple[int, int], str]]) -> list[str]:
    """The texts of ``located`` problems in file order; those of one place as given."""
    return [said for _, said in sorted(problems, key=lambda p: p[0])]


def placed(
    source: str, root: yaml.Node | None, loc: Sequence[int | str], said: str, *, value: bool = False
) -> str:
    """``source: line 8: said``, ``said`` being of what ``loc`` names (``line_of``), the way
    a line of invalid YAML is named; ``source: said`` with no line (the whole file's)."""
    return located(source, root, loc, said, value=value)[1]


#: a key path as a problem writes it (``yamlio.schema_loc``: ``teams[2].source``), then
#: what follows one: ``: problem``, or `` (detail): problem`` (``teams_glob (x.xlsx): ...``)
_LOC = re.compile(r"[^\s.\[\]:()]+(?:\[\d+\]|\.[^\s.\[\]:()]+)*(?=: | \()")
_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def with_line(source: str, root: yaml.Node | None, problem: str) -> str:
    """``problem`` (``source: teams[2].source: file not found``), a check's of a file that
    loaded, with the line of the key path it begins with, as ``placed`` gives a schema
    problem: the checks after the schema say where with the path alone. Unchanged when it
    begins with no key path the file holds (``source: teams 'A' and 'B' ...``)."""
    head = f"{source}: "
    if not problem.startswith(head) or (line := _line_at(root, problem, len(head))) is None:
        return problem
    return f"{head}line {line}: {problem[len(head) :]}"


def _line_at(root: yaml.Node | None, text: str, start: int) -> int | None:
    """The line of the key path ``text`` begins with at ``start``; None when it begins with
    no key path the file holds."""
    if (found := _LOC.match(text, start)) is None:
        return None
    loc = [int(i) if i else key for i, key in _PART.findall(found.group())]
    if line_of(root, loc[:1]) is None:  # not a key of the file: no key path
        return None
    return line_of(root, loc)


class Lines:
    """``with_line`` for the problems of a file that loaded, its node tree parsed again
    from its text the first time one needs it: the tree of a 4 MB workspace (43,599
    teams) kept alive through ``config_resolve`` took its traced peak from 161 to 192 MB
    on every load, where a file with no problem needs no line (until 2026-12-07)."""

    def __init__(self, source: str, text: str) -> None:
        self.source, self._text = source, text
        self._root: yaml.Node | None = None

    def with_line(self, problem: str) -> str:
        if not problem.startswith(f"{self.source}: "):  # another file's: no parse for it
            return problem
        return with_line(self.source, self._tree(), problem)

    def at(self, where: str) -> str:
        """``where``, a key path (``teams[1].mapping``), after its line: ``line 9:
        teams[1].mapping`` (``TeamSpec.mapping_error``, which no problem carries); as it is
        when the file holds no such key."""
        line = _line_at(self._tree(), f"{where}: ", 0)
        return f"line {line}: {where}" if line is not None else where

    def _tree(self) -> yaml.Node | None:
        if self._root is None:  # the text loaded once: it parses again as it did
            self._root = load_yaml_nodes(self._text, self.source)[1]
        return self._root


def _child(node: yaml.Node | None, part: int | str) -> tuple[yaml.Node, yaml.Node] | None:
    """(where it is written, the value) of ``part`` in ``node``: a mapping's key as YAML
    reads it, the last of it (a merge's pairs come first, the mapping's own after and win,
    as in the value); a list's item by its index."""
    if isinstance(node, yaml.MappingNode):
        found = None
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and _same_key(read_key(key), part):
                found = (key, value)
        return found
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part], node.value[part]
    return None


def _same_key(read: object, part: int | str) -> bool:
    """Whether a key read as ``read`` is ``part`` of a key path: pydantic's (``True`` and
    ``False`` as 1 and 0, None and a float as their text: ``'None'``, ``'1.5'``) or a
    problem's text (``teams``). Until 2026-12-07 the key's text was compared, and ``yes:``
    (true), ``~:`` (null), ``0x1:`` (1) were not found: no line, or their settings'."""
    return read == part or (not isinstance(read, str) and str(read) == str(part))
