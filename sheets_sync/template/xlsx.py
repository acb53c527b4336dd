"""Render ``TEMPLATE`` as an .xlsx file, byte for byte the same on every run.

Determinism matters because ``templates/team.xlsx`` is committed and a test checks it
for drift: openpyxl stamps the save time into the zip entries and ``docProps/core.xml``,
so the saved package is re-zipped with fixed timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from os import PathLike
from pathlib import Path

from sheets_sync.native_threads import import_quietly

# ruff: noqa: E402 (numpy, which openpyxl imports, first: its native threads kept from starting)
import_quietly("numpy")

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sheets_sync.atomic import atomic_write, commit_new, stage, why_not_written
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.errors import ConfigError
from sheets_sync.sync import stops
from sheets_sync.sync.options import path_arg
from sheets_sync.template.spec import (
    DATA_ROWS,
    EXAMPLE_FONT,
    GREEN,
    GREY,
    HEADER_FILL,
    HEADER_FONT,
    OWNED_FILL,
    OWNED_FONT,
    OWNED_NOTE,
    RED,
    TEMPLATE,
    YELLOW,
    ReadMeSpec,
    TabTemplate,
    TemplateSpec,
    template_for,
)

FIXED_TIME = dt.datetime(2026, 1, 1)
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_AUTHOR = "sheets-sync"
_SWATCHES = {"Green": GREEN, "Yellow": YELLOW, "Red": RED, "Grey": GREY, "Grey-blue": OWNED_FILL}


def _fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


def _write_tab(ws: Worksheet, tab: TabTemplate) -> None:
    ws.freeze_panes = "A2"
    last = DATA_ROWS + 1
    for col, spec in enumerate(tab.columns, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = spec.width
        head = ws.cell(row=1, column=col, value=spec.header)
        head.alignment = Alignment(vertical="center", wrap_text=True)
        if spec.owned:
            head.fill = _fill(OWNED_FILL)
            head.font = Font(bold=True, color=OWNED_FONT)
            head.comment = Comment(f"{OWNED_NOTE}\n{spec.help}", _AUTHOR, width=260, height=110)
        else:
            head.fill = _fill(HEADER_FILL)
            head.font = Font(bold=True, color=HEADER_FONT)
        for row in range(2, last + 1):
            cell = ws.cell(row=row, column=col)
            cell.number_format = spec.number_format
            if spec.owned:
                cell.fill = _fill(OWNED_FILL)
        example = ws.cell(row=2, column=col, value=tab.example[col - 1])
        example.font = Font(italic=True, color=EXAMPLE_FONT)
        if spec.options:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(spec.options) + '"',
                allow_blank=True,
                showDropDown=False,  # openpyxl's name is inverted: False shows the arrow
                errorStyle="warning",  # synonyms like "stretch" are still accepted
                errorTitle=spec.header,
                error=f"Expected one of: {', '.join(spec.options)}",
                promptTitle=spec.header,
                prompt=spec.help[:255],
            )
            dv.showInputMessage = True
            dv.showErrorMessage = True
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 30


def _write_readme(ws: Worksheet, readme: ReadMeSpec) -> None:
    ws.column_dimensions["A"].width = readme.widths[0]
    ws.column_dimensions["B"].width = readme.widths[1]
    for row, (heading, text) in enumerate(readme.rows, start=1):
        head = ws.cell(row=row, column=1, value=heading)
        if not text:
            head.font = Font(bold=True, size=14 if row == 1 else 12, color=OWNED_FONT)
            continue
        head.font = Font(bold=True)
        head.alignment = Alignment(vertical="top")
        body = ws.cell(row=row, column=2, value=text)
        body.alignment = Alignment(wrap_text=True, vertical="top")
        swatch = next((rgb for name, rgb in _SWATCHES.items() if heading.startswith(name)), None)
        if swatch is not None:
            head.fill = _fill(swatch)


def build_workbook(spec: TemplateSpec = TEMPLATE) -> Workbook:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    _write_tab(wb.create_sheet(spec.okrs.name), spec.okrs)
    _write_tab(wb.create_sheet(spec.kpis.name), spec.kpis)
    _write_readme(wb.create_sheet(spec.readme.name), spec.readme)
    wb.active = 0
    wb.properties.creator = _AUTHOR
    wb.properties.title = "Team OKRs and KPIs"
    wb.properties.created = FIXED_TIME
    return wb


def deterministic_bytes(wb: Workbook) -> bytes:
    """Save ``wb`` with fixed zip timestamps and a fixed modified date in core.xml."""
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()


def _exists(path: Path) -> ConfigError:
    return ConfigError(
        f"{path}: already exists; not overwriting it (it may be a team's workbook; "
        "--force replaces it)"
    )


@stops.ends_here
def write_template(
    path: str | PathLike[str], *, overwrite: bool = False, rules: ScoringRules | None = None
) -> None:
    """Write the team template workbook to ``path`` (deterministic bytes, atomically).

    An existing file is refused (``ConfigError``) unless ``overwrite``: it may be a team's
    workbook, and a blank template over it would lose the team's goals. So is a name not
    ending in ``.xlsx``: Excel opens the macro-free workbook only under that name (as
    ``.xlsm`` it refuses it, as ``.csv`` it shows garbage).
    ``rules``: the workspace's, whose KPI tolerance the help quotes (``template_for``);
    None, the defaults.
    """
    path = path_arg(path, "path")
    if rules is not None and not isinstance(rules, ScoringRules):  # ``rules=ws``: an
        # AttributeError, after the name was checked
        raise ConfigError(
            f"rules: a ScoringRules (a workspace's ws.rules), not a {type(rules).__name__}"
        )
    if path.suffix.lower() != ".xlsx":  # `template team.csv` wrote a workbook named so
        raise ConfigError(
            f"{path}: the template is an Excel workbook; give it a name ending in .xlsx "
            "(Excel opens it only under such a name)"
        )
    written = Path(os.path.normpath(path))  # ``..`` as text, as ``atomic`` writes it
    try:
        there = written.exists()
    except OSError:  # a name too long, a folder not searchable: raised as it was; the
        there = False  # write below fails too, and says why about the path's folders
    if there and not overwrite:
        raise _exists(path)
    data = deterministic_bytes(build_workbook(template_for(rules)))

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    try:
        written.parent.mkdir(parents=True, exist_ok=True)  # lnk/..: beside lnk
        if overwrite:
            atomic_write(path, write)
        else:  # linked, not renamed: a file made there since the check above stays
            tmp = stage(path, write)
            try:
                commit_new(tmp, path)
            except FileExistsError:
                raise _exists(path) from None
    except OSError as exc:  # named the temp file (``/srv/.t.xlsx.k2j1.tmp: Permission
        # denied``), or for a folder that is a file only ``t.xlsx: File exists``
        raise ConfigError(
            f"{path}: cannot write the template: {why_not_written(written, exc)}"
        ) from None
