"""Every cell of every workbook in a folder, to compare two runs' files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from python_calamine import CalamineWorkbook


def folder_cells(folder: Path) -> dict[str, Sequence[Sequence[object]]]:
    """``{"file.xlsx!Tab": rows}`` for each ``*.xlsx`` directly in ``folder``."""
    out: dict[str, Sequence[Sequence[object]]] = {}
    for path in sorted(folder.glob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            out[f"{path.name}!{name}"] = book.get_sheet_by_name(name).to_python()
    return out


def resave(path: Path) -> None:
    """The same workbook, other bytes (as a save that changed nothing of ours would be):
    a read-cache miss whose parse is what it was."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info))
    path.write_bytes(out.getvalue())
