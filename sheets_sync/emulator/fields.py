"""Field masks (`fields=` on reads, `fields` in update requests), with '.', '/' and '()' forms."""

from __future__ import annotations

import copy
from typing import Any

from sheets_sync.emulator.errors import bad_request

Mask = dict[str, "Mask"]  # an empty mask selects the whole subtree


def parse_mask(text: str) -> Mask:
    tree: Mask = {}
    _parse_into(text.replace(" ", ""), 0, tree, top=True)
    return tree


def _parse_into(text: str, pos: int, tree: Mask, top: bool = False) -> int:
    path: list[str] = []
    token = ""
    while pos < len(text):
        ch = text[pos]
        if ch in "./":
            path.append(token)
            token = ""
        elif ch == "(":
            path.append(token)
            token = ""
            node = _descend(tree, path)
            pos = _parse_into(text, pos + 1, node)
            path = []
        elif ch in ",)":
            if token or path:
                path.append(token)
                _descend(tree, [p for p in path if p])
            path, token = [], ""
            if ch == ")":
                if top:
                    raise bad_request(f"Invalid field selection {text}")
                return pos
        else:
            token += ch
        pos += 1
    if token or path:
        path.append(token)
        _descend(tree, [p for p in path if p])
    return pos


def _descend(tree: Mask, path: list[str]) -> Mask:
    node = tree
    for i, part in enumerate(path):
        if i and part in ("", None):
            continue
        child = node.get(part)
        if child is None:
            child = {}
            node[part] = child
            # selecting a parent after a child widens back to the whole subtree
        node = child
    return node


def select(data: Any, mask: Mask) -> Any:
    """Keep only the masked fields (present keys stay even if their selection is empty, as
    Google keeps set messages); lists are filtered element-wise."""
    if not mask or "*" in mask:
        return copy.deepcopy(data)
    if isinstance(data, list):
        return [select(item, mask) for item in data]
    if not isinstance(data, dict):
        return copy.deepcopy(data)
    out: dict[str, Any] = {}
    for key, sub in mask.items():
        if key in data:
            out[key] = select(data[key], sub)
    return out


def apply_update(target: dict[str, Any], source: dict[str, Any], fields: str) -> None:
    """Copy masked fields from an update request onto stored properties ('*' copies all)."""
    if not fields:
        raise bad_request("At least one field must be updated, but 'fields' is empty.")
    mask = parse_mask(fields)
    if "*" in mask:
        for key in list(target):
            if key not in source and key not in ("sheetId",):
                del target[key]
        for key, val in source.items():
            target[key] = copy.deepcopy(val)
        return
    _apply(target, source, mask)


def _apply(target: dict[str, Any], source: dict[str, Any], mask: Mask) -> None:
    for key, sub in mask.items():
        if key not in source:
            target.pop(key, None)
        elif sub and isinstance(source[key], dict):
            node = target.setdefault(key, {})
            if not isinstance(node, dict):
                node = target[key] = {}
            _apply(node, source[key], sub)
            if not node:
                target.pop(key, None)
        else:
            target[key] = copy.deepcopy(source[key])
