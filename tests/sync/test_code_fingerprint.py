"""The code fingerprint the read cache keys its entries by (``code_version``): moved out of
test_read_cache.py, which reached the 500-line limit."""

from __future__ import annotations

from pathlib import Path

from sheets_sync import code_version


def test_the_code_fingerprint_names_every_source_file(tmp_path: Path) -> None:
    """A changed, added or renamed module gives another fingerprint; other files do not."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "sub" / "b.py").write_text("y = 2\n")
    seen = {code_version.source_digest(tmp_path)}
    (tmp_path / "notes.txt").write_text("not code")
    assert code_version.source_digest(tmp_path) in seen
    (tmp_path / "a.py").write_text("x = 2\n")
    seen.add(code_version.source_digest(tmp_path))
    (tmp_path / "c.py").write_text("")
    seen.add(code_version.source_digest(tmp_path))
    (tmp_path / "sub" / "b.py").rename(tmp_path / "sub" / "d.py")
    seen.add(code_version.source_digest(tmp_path))
    assert len(seen) == 4
    assert code_version.code_digest() == code_version.code_digest()
