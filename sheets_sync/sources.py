"""Team sources and the rollup output as a workspace names them: a workbook's path, or a
Google spreadsheet's key after ``gsheet:``. Pure path and text rules, no reading."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from sheets_sync.regular_file import path_kind

GSHEET_PREFIX = "gsheet:"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def is_team_workbook(path: Path) -> bool:
    """Folder globs skip Excel/LibreOffice lock files, our temp files and hidden files."""
    name = path.name
    if name.startswith(("~$", ".~lock.", ".")) or name.endswith("#"):
        return False
    return path.suffix.lower() in WORKBOOK_SUFFIXES


_SHEET_URL = re.compile(
    r"^(?:https?://)?docs\.google\.com/(?:a/[^/]+/)?(?:u/\d+/)?spreadsheets/(?:u/\d+/)?d/(e/)?"
    r"([\w-]+)",
    re.I,
)
#: a sheet's older links: the legacy ``spreadsheet/ccc?key=`` and Drive's ``open?id=``
_KEY_URL = re.compile(
    r"^(?:https?://)?(?:docs\.google\.com/(?:a/[^/]+/)?(?:u/\d+/)?spreadsheet/ccc|"
    r"drive\.google\.com/(?:u/\d+/)?open)\?(?:[^#]*&)?(?:key|id)=([\w-]+)",
    re.I,
)
_SHEET_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_WEB = re.compile(r"^(?:https?://|docs\.google\.com/|drive\.google\.com/)", re.I)
_DRIVE_FILE = re.compile(r"^(?:https?://)?drive\.google\.com/(?:u/\d+/)?file/", re.I)
#: the other Google editors' links, which hold no spreadsheet
_OTHER_EDITOR = re.compile(
    r"^(?:https?://)?docs\.google\.com/(?:a/[^/]+/)?(?:u/\d+/)?(document|presentation|forms)/",
    re.I,
)
_EDITOR_FILE = {
    "document": "a Google Docs document",
    "presentation": "a Google Slides presentation",
    "forms": "a Google Forms form",
}
#: said of a form given as a team's source, whose answers were meant; not of one given as
#: the rollup's output, which is written to, not read
_FORM_ANSWERS = " (its answers go to a sheet of their own: give that one)"


class NotASheetURLError(ValueError):
    """A web address given where a workbook's path or a sheet goes, that names no Google
    Sheet: that team's failure under ``sync`` (like a missing file), an error in
    ``config check``."""


def not_a_sheet_message(url: str, output: bool = False) -> str:
    """What to give instead of ``url``: a Drive link to an uploaded .xlsx is saved as a
    Google Sheet; any other site's file (SharePoint, OneDrive) is synced to this machine.
    ``output``: ``url`` is the rollup's output, where a form's answers make no sense."""
    if _DRIVE_FILE.match(url):
        return (
            "a Google Drive link to an uploaded file, not a Google Sheet: open it in Google "
            "Sheets, save it as one (File > Save as Google Sheets) and give that sheet's URL, "
            "docs.google.com/spreadsheets/d/<key>/edit"
        )
    if other := _OTHER_EDITOR.match(url):
        kind = other.group(1).lower()
        hint = _FORM_ANSWERS if kind == "forms" and not output else ""
        return (
            f"the URL of {_EDITOR_FILE[kind]}{hint}, not of a spreadsheet: give a Google "
            "Sheet's URL, docs.google.com/spreadsheets/d/<key>/edit"
        )
    return (
        "a web address that is no Google Sheet's URL: give the workbook's local path (a "
        "SharePoint or OneDrive file synced to this machine first), or a Google Sheet's "
        "URL, docs.google.com/spreadsheets/d/<key>/edit"
    )


def sheet_source(source: str, output: bool = False) -> str:
    """``gsheet:<key>`` as given, or with the key taken out of a pasted URL: anything else
    after ``gsheet:`` (spaces, ``/values/...``, ``?x=1``) went into the request's URL.
    A sheet's URL pasted bare is a sheet too: as a path it was "file not found". Any
    other web address raises ``NotASheetURLError``; no workbook path starts with one.
    After ``gsheet:``, any other web address says what it is, as it does bare (it was
    "not a spreadsheet key"), as the ``ValueError`` of any bad key there. ``output``: the
    rollup's output (``not_a_sheet_message``)."""
    if source.startswith(GSHEET_PREFIX):
        rest = source[len(GSHEET_PREFIX) :].strip()
        if _WEB.match(rest) and not (_SHEET_URL.match(rest) or _KEY_URL.match(rest)):
            raise ValueError(not_a_sheet_message(rest, output))
    elif _WEB.match(source.strip()):
        rest = source.strip()
        if not (_SHEET_URL.match(rest) or _KEY_URL.match(rest)):
            raise NotASheetURLError(not_a_sheet_message(rest, output))
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
    elif url := _KEY_URL.match(rest):
        rest = url.group(1)
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


def not_a_file(path: Path) -> str | None:
    """Why ``path`` is no file to read, or None: "not found" for a folder or a pipe sent
    people looking for a file that is there."""
    if path_is(path, Path.is_file):
        return None
    if path_is(path, Path.is_dir):
        return "is a folder, not a file"
    if kind := path_kind(path):  # until 2026-12-06 "is not a file (a pipe, device or socket)"
        return f"is a {kind}, not a file"
    return "file not found"


def link_out(outside: Path | None) -> str | None:
    """config check's problem for a file a link takes out of its folders (sync fails
    that team alone), said as a missing file's is."""
    return None if outside is None else outside_message(outside)


#: said of an .ods a ``teams_glob`` passes over, as ``safety.ODS_NOT_WRITTEN`` is of one a
#: team names: its cells cannot be written back, so a folder's teams are its workbooks
#: (``{save}``: ``globbed_no_team``, the workbook the pattern takes)
ODS_GLOBBED = (
    "is an OpenDocument spreadsheet (.ods), which is not a team: teams_glob takes .xlsx and "
    ".xlsm files only, as an .ods's cells cannot be written back; {save}"
)


#: said of an .xls a ``teams_glob`` passes over (a team that saved in the old format)
XLS_GLOBBED = (
    "is an Excel 97-2003 workbook (.xls), which is not a team: teams_glob takes .xlsx and "
    ".xlsm files only, as an .xls cannot be read or written; open it in Excel and {save}"
)

#: the ends a pattern may take a team's workbook by, the first it takes advised
_TEAM_ENDS = (".xlsx", ".xlsm", ".XLSX", ".XLSM")


def globbed_no_team(path: Path, pattern: str) -> str:
    """What is said of a file ``ods_in_glob`` found by ``pattern``: ``ODS_GLOBBED`` or
    ``XLS_GLOBBED``, advising the workbook the pattern takes under the file's name
    (``more/*.xlsm``: an .xlsm; ``more/*.XLSX``: its end in capitals). Until 2026-12-07
    an .xlsx was advised whatever the pattern, and under ``more/*.xlsm`` it is no team
    either."""
    last = pattern.replace("\\", "/").rpartition("/")[2]
    end = next((e for e in _TEAM_ENDS if fnmatch.fnmatch(path.stem + e, last)), None)
    ods = path.suffix.lower() != ".xls"
    how = "LibreOffice File > Save As, Excel 2007-365" if ods else "File > Save As"
    said = end or ".xlsx"
    if said != said.lower():
        said += ", in capitals as teams_glob has it"
    if said.lower().startswith(".xlsm"):
        kind = f"macro-enabled workbook ({said}: {how}{' (macro-enabled)' if ods else ''})"
    else:
        kind = f"workbook ({said}: {how})"
    widen = "" if end is not None else f", and change teams_glob ({pattern!r}) to match it,"
    save = f"save it as an Excel {kind} beside it{widen} to make it a team"
    return (ODS_GLOBBED if ods else XLS_GLOBBED).format(save=save)


def caseless_end(pattern: str) -> str:
    """``pattern`` with the end of its last part (after its last dot) in any case:
    ``more/*.xl*`` finds ``Tax.XLS`` (until 2026-12-07 it did not, though the .ods and
    .xls beside a pattern's workbooks are found with their end in any case). A set keeps
    its meaning (``_caseless_set``): until 2026-12-07 ``[a-z]`` became ``[aA-zZ]``,
    whose ``A-z`` runs through ``[ \\ ] ^ _ ` `` in ASCII order."""
    head, dot, end = pattern.rpartition(".")
    if not dot or "/" in end or "\\" in end:
        return pattern
    out: list[str] = []
    i = 0
    while i < len(end):
        ch = end[i]
        if ch == "[":
            close = _set_end(end, i)
            if close is None:  # no set: a ``[`` of the name, as fnmatch reads it
                out.append("[[]")
            else:
                out.append(_caseless_set(end[i + 1 : close]))
                i = close
        else:
            out.append(f"[{ch.lower()}{ch.upper()}]" if _letter(ch) else ch)
        i += 1
    return f"{head}.{''.join(out)}"


def end_case_twins(
    matched: Sequence[Path], pattern: str, taken: Collection[Path] = ()
) -> dict[Path, Path]:
    """The files ``caseless_end(pattern)`` matched beside a file of the same name whose end
    the pattern spells exactly (``Sales.XLSX`` beside ``Sales.xlsx`` under ``*.xlsx``, or a
    listed team's file in ``taken``, resolved), each to that file: they are no teams, or
    one name were two teams and the whole workspace failed to load (on 2026-12-07, for a
    day; before, the pattern took the one it spells). Two files neither of which it spells
    (``Sales.XLSX``, ``Sales.Xlsx`` under ``*.xlsx``) are left as they are."""
    last = pattern.replace("\\", "/").rpartition("/")[2]
    # a listed file only when the pattern spells it too: a listed Revenue's Sales.xlsm
    # made Sales.XLSX under *.xlsx no team, said as "beside it is, the end teams_glob
    # spells" (found reading the whole change)
    spelled = {(p.parent, p.stem): p for p in taken if fnmatch.fnmatchcase(p.name, last)}
    for p in matched:
        if fnmatch.fnmatchcase(p.name, last):
            spelled.setdefault((resolved_path(p.parent), p.stem), p)
    twins: dict[Path, Path] = {}
    for p in matched:
        twin = spelled.get((resolved_path(p.parent), p.stem))
        if twin is not None and not fnmatch.fnmatchcase(p.name, last):
            twins[p] = twin
    return twins


def spells_end(path: Path, pattern: str) -> bool:
    """Whether the last part of ``pattern`` matches ``path``'s name as written, its end's
    case too: not only the end in any case (``caseless_end``) matched it."""
    last = pattern.replace("\\", "/").rpartition("/")[2]
    return fnmatch.fnmatchcase(path.name, last)


#: said of a file only ``caseless_end`` matched whose team name another team has
#: (``{file}``: a relative path; ``{team}``, ``{of}``: that team's name and source)
END_CASE_TAKEN = (
    "{file} is not a team: its end is not the one teams_glob spells, and its name is "
    "another team's, {team} ({of}); rename it if it is a team of its own"
)

#: said of a file ``end_case_twins`` gives (``{file}``, ``{twin}``: relative paths)
END_CASE_TWIN = (
    "{file} is not a team: {twin} beside it is, the end teams_glob spells, and one name "
    "is one team; remove or rename {name} if it is another team's"
)


def _set_end(text: str, start: int) -> int | None:
    """Where the set opened at ``start`` closes, as fnmatch reads one: a ``]`` first in
    it (after a ``!``) is one of its characters; None when nothing closes it."""
    j = start + 1
    if j < len(text) and text[j] == "!":
        j += 1
    if j < len(text) and text[j] == "]":
        j += 1
    close = text.find("]", j)
    return None if close < 0 else close


def _caseless_set(body: str) -> str:
    """The set ``[body]`` with each letter in both cases: ``[!x]`` as ``[!xX]``, a range
    with the other case of each ASCII letter in it, exactly, by code point: ``[a-z]`` as
    ``[a-zA-Z]``, ``[0-Z]`` as ``[0-Za-z]``, ``[Z-a]`` (``Z [ \\ ] ^ _ ` a``) as
    ``[Z-aA-Az-z]``; a range without letters as it is. Until 2026-12-07 a range with a
    letter at one end only, or one of each case, was not widened. The added ranges are
    whole ranges (``A-A``, not ``A``) right after the range: a ``-`` after them is one of
    the set's characters, as it was after the range."""
    negated = body.startswith("!")
    items = body[1:] if negated else body
    out: list[str] = []
    k = 0
    while k < len(items):
        if k + 2 < len(items) and items[k + 1] == "-":
            low, high = items[k], items[k + 2]
            out.append(f"{low}-{high}")
            out.extend(_other_case(low, high))
            k += 3
            continue
        ch = items[k]
        out.append(ch.lower() + ch.upper() if _letter(ch) else ch)
        k += 1
    return f"[{'!' if negated else ''}{''.join(out)}]"


def _other_case(low: str, high: str) -> list[str]:
    """The ranges of the other case of the ASCII letters from ``low`` to ``high``."""
    ranges: list[str] = []
    for first, last in (("a", "z"), ("A", "Z")):
        start, end = max(low, first), min(high, last)
        if start <= end:
            ranges.append(f"{start.swapcase()}-{end.swapcase()}")
    return ranges


def _letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def ods_in_glob(root: Path, pattern: str, teams: Collection[Path]) -> list[Path]:
    """The .ods and .xls files ``pattern`` (or, for a pattern of Excel files,
    ``teams/*.xlsx``, the same with ``.ods`` and ``.xls``) matches, but those a team of the
    same name in the same folder is read from (``teams``: a copy saved as .xlsx beside
    it). Until 2026-12-07 a ``Sales.ods`` in the folder was no team without a word, and
    a ``Sales.xls`` until later that day."""
    patterns = [caseless_end(pattern)]  # in any case: ``Support.ODS``, ``Tax.XLS``
    if (swapped := _EXCEL_END.sub(".[oO][dD][sS]", pattern)) != pattern:
        patterns.append(swapped)
        patterns.append(_EXCEL_END.sub(".[xX][lL][sS]", pattern))
    stems = {(p.parent, p.stem.casefold()) for p in teams}
    found: set[Path] = set()
    for each in patterns:
        try:
            found.update(
                p
                for p in root.glob(each)
                if p.suffix.lower() in (".ods", ".xls")
                and not p.name.startswith(("~$", ".~lock.", "."))
                and (p.parent, p.stem.casefold()) not in stems
                and p.is_file()
            )
        except (ValueError, NotImplementedError, IndexError, OSError, RecursionError):
            continue  # not a pattern: its own problem
    return sorted(found)


#: a pattern's Excel suffix (``*.xlsx``, ``*.XLSM``, ``*.xls[xm]``, ``*.xls?``)
_EXCEL_END = re.compile(r"\.xls(?:x|m|\[[xm]{2}\]|\?)$", re.I)


def folder_hint(root: Path, pattern: str) -> str:
    """What a ``teams_glob`` matching nothing may have meant when it names a folder
    (``teams``): a pattern for the workbooks in it, only one that matches some (they may
    all be in subfolders, ``teams/emea/x.xlsx``); else nothing."""
    folder = pattern.rstrip("/\\")
    if not folder or not path_is(root / folder, Path.is_dir):
        return ""
    for suggested in (f"{folder}/*.xlsx", f"{folder}/**/*.xlsx"):
        try:
            found = root.glob(caseless_end(suggested))  # as ``teams_glob`` globs it
            if any(is_team_workbook(p) and p.is_file() for p in found):
                return f": it is a folder; {suggested!r} matches the workbooks in it"
        except (ValueError, OSError):
            return ""
    return ""
