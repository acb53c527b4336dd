"""Smart chips as the text people see in them.

A cell with a people chip ("@Ann") or a file chip holds the text ``@`` in its values, one
placeholder a chip, and the chips beside it in ``chipRuns`` (indices in UTF-16 code units).
Read as plain text, every chipped owner would be "@"; the chip's email (a file chip's
link) stands in for its placeholder, which is what the person chose and tells people apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_AT = "@".encode("utf-16-le")


def chip_label(chip: Mapping[str, Any]) -> str | None:
    person = chip.get("personProperties")
    if isinstance(person, dict) and person.get("email"):
        return str(person["email"])
    link = chip.get("richLinkProperties")
    if isinstance(link, dict) and link.get("uri"):
        return str(link["uri"])
    return None


def chip_text(text: str, runs: Sequence[Mapping[str, Any]]) -> str:
    """``text`` with each chip's placeholder replaced by its label; runs without a chip, or
    whose index is not an ``@``, leave the text as it is. A lone surrogate (a JSON reply can
    carry ``\ud83d``) passes through both ways: strict, it failed the team's whole read
    with UnicodeEncodeError (``values.parse_text`` shows it as U+FFFD)."""
    units = text.encode("utf-16-le", "surrogatepass")
    parts: list[str] = []
    done = 0
    for run in sorted(runs, key=lambda r: int(r.get("startIndex", 0))):
        start = int(run.get("startIndex", 0))
        label = chip_label(run.get("chip") or {})
        if label is None or start < done or units[2 * start : 2 * start + 2] != _AT:
            continue
        parts.append(units[2 * done : 2 * start].decode("utf-16-le", "surrogatepass"))
        parts.append(label)
        done = start + 1
    parts.append(units[2 * done :].decode("utf-16-le", "surrogatepass"))
    return "".join(parts)
