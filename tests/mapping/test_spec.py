"""Where the built-in mappings come from, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

from sheets_sync.mapping.spec import BUILTIN_DIR, builtin_mappings


def test_builtin_mappings_ship_inside_the_package() -> None:
    """A wheel has no top-level ``mappings/``: the package's own link must reach them."""
    top = Path(__file__).resolve().parents[2] / "mappings"
    assert BUILTIN_DIR.is_relative_to(Path(__file__).resolve().parents[2] / "sheets_sync")
    assert sorted(p.name for p in BUILTIN_DIR.glob("*.yaml")) == sorted(
        p.name for p in top.glob("*.yaml")
    )
    assert "standard" in builtin_mappings()
