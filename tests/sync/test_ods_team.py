"""A team workbook saved as .ods (LibreOffice's own format) is read and scored, but its
cells cannot be written back: the night says so, and what to do, in the team's words."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.config import load_workspace
from sheets_sync.console import outcome_line
from sheets_sync.domain.models import Finding, Severity
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellWrite
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.run import validate_workspace
from tests.conftest import write_team
from tests.support.libreoffice import convert, needs_libreoffice
from tests.sync.test_engine import AS_OF, sync

ADVICE = (
    "an OpenDocument spreadsheet (.ods) is read, but its cells cannot be written back; "
    "save it as an Excel workbook (.xlsx: LibreOffice File > Save As, Excel 2007-365) "
    "and point the team's source at that file"
)


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


def test_writing_an_ods_says_what_to_do() -> None:
    """Until 2026-12-07: `the package has no workbook part (is it an .xlsx/.xlsm?)`, every
    night, for a file the same night had read."""
    with pytest.raises(WorkbookError) as err:
        patch_xlsx(_ods(), [CellWrite("OKRs", 2, 18, 0.5)])
    assert str(err.value) == ADVICE


def _ods_team(workspace: Path, scratch: Path, synced: bool = False) -> Path:
    """The workspace's team saved by LibreOffice as .ods, and its source named so
    (``synced``: after a night wrote its cells, so the next has nothing to write)."""
    team = workspace.parent / "teams" / "sales.xlsx"
    okr = ["O1", "Grow", "committed", "CO-1", "KR1", "Deals", "Ann", "number", 0, 10, 4]
    write_team(team, okr_rows=[okr])
    if synced:
        assert sync(workspace)[0].outcome is Outcome.OK
    ods = workspace.parent / "teams" / "sales.ods"
    ods.write_bytes(convert(team, "ods", scratch).read_bytes())
    team.unlink()
    config = workspace.read_text(encoding="utf-8")
    workspace.write_text(config.replace("teams/sales.xlsx", "teams/sales.ods"), encoding="utf-8")
    return ods


@needs_libreoffice
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_team_saved_as_ods_fails_with_the_advice(
    workspace: Path, tmp_path: Path, dry_run: bool
) -> None:
    """A dry run shows the team as the night does: until 2026-12-07 it said `ok, 3 cells
    would change`, and the night failed the team."""
    ods = _ods_team(workspace, tmp_path / "lo")
    before = ods.read_bytes()
    run = sync(workspace, dry_run=dry_run)[0]
    assert (run.outcome, run.error) == (Outcome.FAILED, f"sales.ods: {ADVICE}")
    assert run.changes  # read and scored: the cells it would write are listed
    assert ADVICE not in [f.message for f in run.findings]  # said once, as its error
    assert ods.read_bytes() == before


def _with_twin_pictures(ods: Path) -> None:
    """Two images whose names differ only in case, legal in ODF (read since 2026-12-05)."""
    with zipfile.ZipFile(ods) as z:
        members = [(info, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(ods, "w") as out:
        for info, body in members:
            out.writestr(info, body)
        out.writestr("Pictures/logo.png", b"\x89PNG\r\n\x1a\nAAAA")
        out.writestr("Pictures/Logo.png", b"\x89PNG\r\n\x1a\nBBBB")


@needs_libreoffice
@pytest.mark.parametrize("dry_run", [False, True])
def test_an_ods_with_twin_pictures_fails_the_night_as_the_dry_run_says(
    workspace: Path, tmp_path: Path, dry_run: bool
) -> None:
    """Until 2026-12-07 the dry run gave the advice and the night `the zip holds two
    members for one part ('Pictures/logo.png' and 'Pictures/Logo.png')`."""
    ods = _ods_team(workspace, tmp_path / "lo")
    _with_twin_pictures(ods)
    before = ods.read_bytes()
    run = sync(workspace, dry_run=dry_run)[0]
    assert (run.outcome, run.error) == (Outcome.FAILED, f"sales.ods: {ADVICE}")
    assert ods.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("sales.ods", f"sales.ods: {ADVICE}"),
        (
            "Sales.xlsx",
            "Sales.xlsx: is an OpenDocument spreadsheet (.ods), whatever its name: read, but "
            "its cells cannot be written back; save it as an Excel workbook under the same "
            "name (LibreOffice File > Save As, Excel 2007-365)",
        ),
    ],
)
def test_the_patch_names_the_ods_it_refuses(name: str, said: str) -> None:
    """The patch's own check (a file the read took for an .xlsx, an .ods at the write):
    until a review on 2026-12-07 the .ods words whatever the file's name, none named."""
    with pytest.raises(WorkbookError) as err:
        patch_xlsx(_ods(), [CellWrite("OKRs", 2, 18, 0.5)], name=name)
    assert str(err.value) == said


@needs_libreoffice
@pytest.mark.parametrize("run_as", ["night", "dry run", "validate"])
def test_an_ods_with_nothing_to_write_is_warned_each_night(
    workspace: Path, tmp_path: Path, run_as: str
) -> None:
    """In the failure's words, as a warning, and on the team's line: until a review on
    2026-12-07 `Sales: ok, 0 cells changed`, night after night, and validate said nothing,
    until the first night a cell changed failed the team without warning."""
    _ods_team(workspace, tmp_path / "lo", synced=True)
    if run_as == "validate":
        run = validate_workspace(load_workspace(workspace), as_of=AS_OF).runs[0]
    else:
        run = sync(workspace, dry_run=run_as == "dry run")[0]
    assert (run.outcome, run.error, run.changes) == (Outcome.UNCHANGED, None, ())
    warning = Finding(Severity.WARNING, ADVICE, "sales.ods")
    assert run.findings[0] == warning and warning not in run.findings[1:]
    verb = "changed" if run_as == "night" else "would change"
    assert outcome_line(run, dry_run=run_as != "night") == (
        f"Sales: ok, 0 cells {verb} (2 warnings in the sheet): sales.ods: {ADVICE}"
    )
