"""Fixture workbooks built by code, and the comparisons that prove a patch was surgical."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as XLImage
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image

from sheets_sync.grid import CellStyle, CellWrite

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
GREEN, YELLOW, RED, GREY = "C6EFCE", "FFEB9C", "FFC7CE", "D9D9D9"
STATUS = {"on track": GREEN, "at risk": YELLOW, "off track": RED, "no data": GREY}
ROWS = 48  # data rows on the OKRs tab


def build_team_workbook(path: Path) -> Path:
    """A typical team OKR workbook with everything a careless writer would lose."""
    wb = Workbook()
    okrs = wb.active
    okrs.title = "OKRs"
    data = wb.create_sheet("Data")
    wb.create_sheet("Notes")["A1"] = "Unrelated notes: do not touch <&> 'quoted'"
    summary = wb.create_sheet("Summary")
    head = [
        "Objective",
        "Key result",
        "Start",
        "Target",
        "Current",
        "Calc",
        "Owner",
        "Score",
        "Status",
    ]
    okrs.append(head)
    thin = Side(style="thin", color="000000")
    for i in range(1, ROWS + 1):
        r = i + 1
        data.append([f"KR{i}", i * 10, i * 3])
        okrs.append(
            [
                f"Objective {1 + i // 5}",
                f"Key result {i}",
                0,
                100,
                None,
                f"=IF(D{r}=C{r},0,(E{r}-C{r})/(D{r}-C{r}))",
                f"owner{i % 4}@acme.test",
            ]
        )
        okrs[f"E{r}"] = f"=Data!B{i}/2"
        okrs[f"H{r}"].border = Border(left=thin, right=thin, top=thin, bottom=thin)
    okrs["H2"] = "=F2*1"  # an owned cell holding a formula (the sync replaces it)
    okrs["I3"] = "stale"
    okrs["A1"].font = Font(bold=True)
    okrs.freeze_panes = "C2"
    okrs.column_dimensions["A"].width = 30
    okrs.column_dimensions["B"].width = 42
    okrs.column_dimensions["I"].width = 14
    okrs.row_dimensions[5].height = 24
    okrs.merge_cells("J1:K1")
    okrs["J1"] = "merged note"
    okrs["B2"].comment = Comment("Owner: please update weekly", "Alice")
    dv = DataValidation(type="list", formula1='"on track,at risk,off track"', allow_blank=True)
    okrs.add_data_validation(dv)
    dv.add(f"I2:I{ROWS + 1}")
    okrs.conditional_formatting.add(
        f"F2:F{ROWS + 1}",
        CellIsRule(operator="lessThan", formula=["0.3"], fill=PatternFill("solid", "F4B084")),
    )
    okrs.print_area = f"A1:I{ROWS + 1}"
    okrs.page_setup.orientation = "landscape"
    okrs.page_setup.fitToWidth = 1
    okrs.page_setup.fitToHeight = 0
    okrs.sheet_properties.pageSetUpPr.fitToPage = True
    okrs.print_title_rows = "1:1"
    wb.defined_names["TargetTotal"] = DefinedName(
        "TargetTotal", attr_text=f"OKRs!$D$2:$D${ROWS + 1}"
    )
    summary["A1"] = "Average progress"
    summary["B1"] = f"=AVERAGE(OKRs!F2:F{ROWS + 1})"
    summary["A2"] = "Targets"
    summary["B2"] = "=SUM(TargetTotal)"
    summary["A3"] = "Data total"
    summary["B3"] = f"=SUM(Data!B1:B{ROWS})"
    chart = BarChart()
    chart.add_data(Reference(data, min_col=2, min_row=1, max_row=10))
    summary.add_chart(chart, "D2")
    png = io.BytesIO()
    Image.new("RGB", (40, 20), (30, 90, 200)).save(png, format="PNG")
    summary.add_image(XLImage(io.BytesIO(png.getvalue())), "D20")
    wb.save(path)
    return path


def status_writes(sheet: str = "OKRs", rows: range = range(2, 14)) -> list[CellWrite]:
    """Scores and colour-coded statuses, as the nightly job writes them."""
    labels = list(STATUS)
    writes = []
    for n, r in enumerate(rows):
        label = labels[n % 4]
        writes.append(CellWrite(sheet, r, 8, 0.25 * (n % 5), CellStyle(number_format="0%")))
        writes.append(
            CellWrite(sheet, r, 9, label, CellStyle(fill=STATUS[label], bold=label == "off track"))
        )
    return writes


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def entry_meta(data: bytes) -> list[tuple[str, int, tuple[int, ...]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, i.compress_type, i.date_time) for i in zf.infolist()]


@dataclass(frozen=True)
class CellSnap:
    """What a cell is, as the XML says: type, style, formula, value, inline text."""

    t: str | None
    s: str | None
    f: str | None
    f_attrs: tuple[tuple[str, str], ...]
    v: str | None
    inline: str | None


def sheet_cells(xml: bytes) -> dict[str, CellSnap]:
    root = etree.fromstring(xml)
    out = {}
    for c in root.iter(MAIN + "c"):
        f = c.find(MAIN + "f")
        v = c.find(MAIN + "v")
        inline = c.find(MAIN + "is")
        out[c.get("r", "")] = CellSnap(
            c.get("t"),
            c.get("s"),
            f.text if f is not None else None,
            tuple(sorted(f.attrib.items())) if f is not None else (),
            v.text if v is not None else None,
            "".join(inline.itertext()) if inline is not None else None,
        )
    return out


_DIM = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")


def outside_sheet_data(xml: bytes) -> tuple[bytes, bytes]:
    """The raw bytes before <sheetData> and after </sheetData>, minus <dimension/>."""
    m = re.search(rb"<(?:\w+:)?sheetData\b", xml)
    assert m is not None
    end = re.search(rb"</(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\s*/>", xml)
    assert end is not None
    return _DIM.sub(b"", xml[: m.start()]), xml[end.end() :]


def row_open_tags(xml: bytes) -> dict[str, bytes]:
    return {
        m.group(1).decode(): m.group(0)
        for m in re.finditer(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*>', xml)
    }


def xf_count(styles: bytes) -> int:
    root = etree.fromstring(styles)
    xfs = root.find(MAIN + "cellXfs")
    return 0 if xfs is None else len(xfs)


def without_recalc_flag(workbook_xml: bytes, *, script_id: bool = False) -> bytes:
    """``workbook.xml`` with the flag ``patch_xlsx`` may add taken out again: what is left
    must be the original, byte for byte. ``script_id``: the original's ``calcId`` was
    ``124519``, which the flag turns to ``0`` (``recalc.py``), put back."""
    xml = re.sub(rb'<(\w+:)?calcPr fullCalcOnLoad="1"/>', b"", workbook_xml, count=1)
    if script_id:
        xml = re.sub(
            rb"""(<(?:\w+:)?calcPr fullCalcOnLoad="1"[^>]*?\scalcId=(["']))0\2""",
            rb"\g<1>124519\2",
            xml,
            count=1,
        )
    return xml.replace(b'calcPr fullCalcOnLoad="1"', b"calcPr", 1)
