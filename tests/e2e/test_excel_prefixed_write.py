"""The write side of a worksheet saved with a namespace prefix (``<x:c>``, ``<x:f>``, as
the Open XML SDK writes it): a shared formula dragged down Score is shown by the dry run
and replaced by the sync exactly as in the unprefixed twin. Until 2026-12-07 the reader
searched for ``<f`` only, so the prefixed file's formulas went unseen."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.test_excel_power_users import (
    AS_OF,
    OKRS,
    Parts,
    cli_run,
    parts_of,
    sales_workspace,
    with_dragged_score_formula,
)

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def with_prefixed_score_formula(parts: Parts) -> None:
    """``with_dragged_score_formula``, then every unprefixed tag of the OKRs sheet named
    with ``x:``."""
    with_dragged_score_formula(parts)
    text = parts[OKRS].decode().replace(NS, NS.replace("xmlns=", "xmlns:x="), 1)
    text = re.sub(r"<(/?)([A-Za-z]\w*)(?=[\s/>])", r"<\1x:\2", text)
    assert "<x:f " in text and "<f " not in text
    parts[OKRS] = text.encode()


def _values(sheet: bytes) -> list[tuple[str, str]]:
    """(cell, value) of each Score cell (column R), without the prefix."""
    plain = sheet.replace(b"<x:", b"<").replace(b"</x:", b"</").decode()
    return re.findall(r'<c r="(R\d+)"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', plain)


def test_a_prefixed_shared_score_formula_is_shown_and_replaced(tmp_path: Path) -> None:
    prefixed = sales_workspace(tmp_path / "x", with_prefixed_score_formula)
    plain = sales_workspace(tmp_path / "plain", with_dragged_score_formula)
    code, out = cli_run("sync", "--config", str(prefixed), "--dry-run", *AS_OF)
    assert code == 0, out
    assert '  OKRs!R2: =IF(J2="","",0.5) (0.5) -> 0.65\n' in out
    assert "  OKRs!R3: a formula (0.5) -> " in out  # the group's other cell
    for config in (prefixed, plain):
        code, out = cli_run("sync", "--config", str(config), *AS_OF)
        assert code == 0, out
    after = {
        name: parts_of((config.parent / "teams" / "Sales.xlsx").read_bytes())[OKRS]
        for name, config in (("x", prefixed), ("plain", plain))
    }
    for sheet in after.values():  # the Score formulas are gone, the other formulas kept
        plain_tags = sheet.replace(b"<x:", b"<").replace(b"</x:", b"</")
        assert not re.search(rb'<c r="R\d+"[^>]*>(?:(?!</c>).)*<f', plain_tags)
    assert after["x"].count(b"<x:f>") == after["plain"].count(b"<f>") > 0
    assert _values(after["x"]) == _values(after["plain"])
    assert ("R2", "0.65") in _values(after["x"])
