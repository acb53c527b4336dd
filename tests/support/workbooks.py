"""Every cell of every workbook in a folder, to compare two runs' files; a package with
one member rewritten, as the tests that hand-edit a worksheet's XML make theirs."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
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


def member_rewritten(data: bytes, name: str, edit: Callable[[bytes], bytes]) -> bytes:
    """The package ``data`` with member ``name``'s bytes passed through ``edit``, every
    member in its place with its own ``ZipInfo`` (so its compression as it was)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info)
            z.writestr(info, edit(body) if info.filename == name else body)
    return out.getvalue()
