"""Team sources and the rollup output as a workspace names them: a workbook's path, or a
Google spreadsheet's key after ``gsheet:``. Pure path and text rules, no reading."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

GSHEET_PREFIX = "gsheet:"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def is_team_workbook(path: Path) -> bool:
    """Folder globs skip Excel/LibreOffice lock files, our temp files and hidden files."""
    name = path.name
    if name.startswith(("~$", ".~lock.", ".")) or name.endswith("#"):
        return False
    return path.suffix.lower() in WORKBOOK_SUFFIXES


_SHEET_URL = re.compile(
    r"^(?:https?://)?docs\.google\.com/(?:a/[^/]+/)?spreadsheets/(?:u/\d+/)?d/(e/)?([\w-]+)",
    re.I,
)
_SHEET_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def sheet_source(source: str) -> str:
    """``gsheet:<key>`` as given, or with the key taken out of a pasted URL: anything else
    after ``gsheet:`` (spaces, ``/values/...``, ``?x=1``) went into the request's URL.
    A sheet's ``https://`` URL pasted bare is a sheet too: as a path it was "file not
    found", and no workbook path starts with ``https://docs.google.com/``."""
    if source.startswith(GSHEET_PREFIX):
        rest = source[len(GSHEET_PREFIX) :].strip()
    elif re.match(r"^\s*https?://docs\.google\.com/(?:a/[^/]+/)?spreadsheets/", source, re.I):
        rest = source.strip()
    elif re.match(r"^\s*https?://", source, re.I):  # a Drive link to an uploaded .xlsx, a
        raise ValueError(  # Google Doc: read as a path, it was "file not found (https://...)"
            "a web address that is no Google Sheet's URL: give a sheet's URL (docs.google.com/"
            "spreadsheets/d/<key>/edit) or a workbook's path; an .xlsx kept in Google Drive "
            "is opened in Google Sheets and saved as a Google Sheet first (File > Save as "
            "Google Sheets)"
        )
    else:
        return source
    if url := _SHEET_URL.match(rest):
        if url.group(1):  # .../d/e/2PACX-...: a published copy's id, unknown to the API
            raise ValueError(
                "a published-to-the-web link (.../spreadsheets/d/e/...) has no spreadsheet "
                "key: open the sheet itself and give its URL, docs.google.com/spreadsheets/"
                "d/<key>/edit"
            )
        rest = url.group(2)
    if not rest:
        raise ValueError("gsheet: needs a spreadsheet key")
    if not _SHEET_KEY.match(rest):
        raise ValueError(
            f"{rest!r} is not a spreadsheet key (letters, digits, - and _): give the key "
            "from the sheet's URL, docs.google.com/spreadsheets/d/<key>/edit, or the URL"
        )
    return GSHEET_PREFIX + rest


def resolved_path(path: Path) -> Path:
    """``path.resolve()``, or ``path`` made absolute where it cannot be resolved (a
    symbolic link loop: RuntimeError on Python 3.11, OSError later), so reading it is
    that team's error, not the whole run's traceback."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path.absolute()


def outside_message(real: Path) -> str:
    """The one line a team whose file leads out of its folder fails with, whether the
    workspace's load or the file's use finds it."""
    return (
        f"is a symbolic link to {real}, outside the workspace folder; not read or written "
        "(team files are followed only to files inside it)"
    )


def glob_base(pattern: str) -> Path:
    """The folder a ``teams_glob`` pattern names: its folders before the first wildcard
    (``teams/emea`` of ``teams/emea/*.xlsx``), never its last part, which is what matches
    (``teams/x.xlsx`` names the folder ``teams``, not a file the match is confined to)."""
    parts: list[str] = []
    for part in Path(pattern).parts[:-1]:
        if any(c in part for c in "*?["):
            break
        parts.append(part)
    return Path(*parts) if parts else Path()


def confining_folders(
    folder: Path, root: Path, root_real: Path, cache: dict[Path, tuple[Path, ...]] | None = None
) -> tuple[Path, ...]:
    """The resolved folders a team file the workspace names in ``folder`` (a listed
    file's folder or a glob's base, joined to ``root``, the workspace folder;
    ``root_real`` resolved) may really be in. Named inside the workspace: the workspace
    folder and its first component under it resolved (``teams`` of ``teams/emea``), so
    the admin's ``teams/`` linked to a mount is followed, while a deeper folder that
    anyone saving into ``teams/`` can swap for a link (``teams/emea``) may not lead out.
    Named outside it (absolute, ``..``): ``folder`` resolved (someone chose it).
    ``cache``: folder -> its answer, for one load (2,000 teams share a few)."""
    found = None if cache is None else cache.get(folder)
    if found is None:
        named = Path(os.path.abspath(folder))
        base = Path(os.path.abspath(root))
        if not named.is_relative_to(base):
            found = (resolved_path(named),)
        elif named == base:
            found = (root_real,)
        else:
            real = resolved_path(base / named.relative_to(base).parts[0])
            found = (root_real,) if real.is_relative_to(root_real) else (real, root_real)
        if cache is not None:
            cache[folder] = found
    return found


def is_confined(real: Path, folders: Sequence[Path]) -> bool:
    """``real`` (a resolved path) is in one of ``folders`` (``confining_folders``)."""
    return any(real.is_relative_to(folder) for folder in folders)


def link_out_of(real: Path, confine: Sequence[Path]) -> Path | None:
    """``real`` (a team file, resolved) when a symbolic link took it out of ``confine``
    (``confining_folders``), else None; None too when nothing confines it (a spec built
    by hand). Anyone who may save a file in the teams folder could otherwise send the
    nightly job's reads and writes to any workbook it may write."""
    return real if confine and not is_confined(real, confine) else None


def path_is(path: Path, test: Callable[[Path], bool]) -> bool:
    """``path.is_file()`` and the like, False for a path the OS refuses (too long)."""
    try:
        return test(path)
    except OSError:
        return False
