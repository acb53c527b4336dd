"""A small Excel 365 workbook built by hand, part by part, as Excel writes these features
(ECMA-376 and MS-XLSX): linked data types and a picture placed in a cell (``vm`` cells,
``xl/metadata.xml``, ``xl/richData/*``), a dynamic array formula (``cm``, XLDAPR), an
in-cell checkbox (feature property bag, an xf with an ``xfComplement``), a threaded
comment, sheet views under ``mc:Ignorable`` namespaces, x14 conditional formats and a
Table with a calculated column. Older corpora (openpyxl's, calamine's) lack all of them.

The OKRs tab: A ID, B Key result, C Country (Geography data type), D Done (checkbox),
E Top (a dynamic array spilling E2:E3), F Score and G Status (the sync's), H Photo (a
picture in the cell). A Table spans A1:H4; F has a calculated column formula.
"""

from __future__ import annotations

import io
import zipfile

from PIL import Image

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MS_REL17 = "http://schemas.microsoft.com/office/2017/06/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEET = "xl/worksheets/sheet1.xml"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
    f'<Override PartName="/xl/metadata.xml" ContentType="{CT}.sheetMetadata+xml"/>'
    f'<Override PartName="/xl/tables/table1.xml" ContentType="{CT}.table+xml"/>'
    f'<Override PartName="/xl/comments1.xml" ContentType="{CT}.comments+xml"/>'
    '<Override PartName="/xl/threadedComments/threadedComment1.xml" '
    'ContentType="application/vnd.ms-excel.threadedcomments+xml"/>'
    '<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.'
    'person+xml"/>'
    '<Override PartName="/xl/featurePropertyBag/featurePropertyBag.xml" '
    'ContentType="application/vnd.ms-excel.featurepropertybag+xml"/>'
    '<Override PartName="/xl/richData/rdrichvalue.xml" ContentType="application/vnd.'
    'ms-excel.rdrichvalue+xml"/>'
    '<Override PartName="/xl/richData/rdrichvaluestructure.xml" ContentType="application/'
    'vnd.ms-excel.rdrichvaluestructure+xml"/>'
    '<Override PartName="/xl/richData/rdRichValueTypes.xml" ContentType="application/'
    'vnd.ms-excel.rdrichvaluetypes+xml"/>'
    '<Override PartName="/xl/richData/richValueRel.xml" ContentType="application/vnd.'
    'ms-excel.richvaluerel+xml"/>'
    "</Types>"
)

_WORKBOOK = (
    f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'mc:Ignorable="x15 xr xr6 xr10 xr2" '
    'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
    'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
    'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
    '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="28127"/>'
    '<workbookPr defaultThemeVersion="166925"/>'
    '<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" '
    'windowHeight="15720" xr2:uid="{00000000-000D-0000-FFFF-FFFF00000000}"/></bookViews>'
    '<sheets><sheet name="OKRs" sheetId="1" r:id="rId1"/></sheets>'
    '<calcPr calcId="191029"/></workbook>'
)

_WORKBOOK_RELS = (
    f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId4" Type="{REL}/sheetMetadata" Target="metadata.xml"/>'
    '<Relationship Id="rId5" Type="http://schemas.microsoft.com/office/2017/10/'
    'relationships/person" Target="persons/person.xml"/>'
    '<Relationship Id="rId6" Type="http://schemas.microsoft.com/office/2022/11/'
    'relationships/FeaturePropertyBag" Target="featurePropertyBag/featurePropertyBag.xml"/>'
    f'<Relationship Id="rId7" Type="{MS_REL17}/rdRichValue" Target="richData/rdrichvalue.xml"/>'
    f'<Relationship Id="rId8" Type="{MS_REL17}/rdRichValueStructure" '
    'Target="richData/rdrichvaluestructure.xml"/>'
    f'<Relationship Id="rId9" Type="{MS_REL17}/rdRichValueTypes" '
    'Target="richData/rdRichValueTypes.xml"/>'
    '<Relationship Id="rId10" Type="http://schemas.microsoft.com/office/2022/10/'
    'relationships/richValueRel" Target="richData/richValueRel.xml"/>'
    "</Relationships>"
)

#: xf 1: the checkbox (its xfComplement names the feature property bag); xf 2: a percent
_STYLES = (
    f'<styleSheet xmlns="{MAIN_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'mc:Ignorable="x14ac x16r2 xr" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    'xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision">'
    '<fonts count="1" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/>'
    '<name val="Aptos Narrow"/><family val="2"/><scheme val="minor"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><extLst>'
    '<ext uri="{C7286773-470A-42A8-94C5-96B5CB345126}" '
    'xmlns:xfpb="http://schemas.microsoft.com/office/spreadsheetml/2022/featurepropertybag">'
    '<xfpb:xfComplement i="0"/></ext></extLst></xf>'
    '<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="1"><dxf><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill>'
    "</dxf></dxfs>"
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium2" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
)

_STRINGS = (
    f'<sst xmlns="{MAIN_NS}" count="12" uniqueCount="12">'
    + "".join(
        f"<si><t>{s}</t></si>"
        for s in (
            "ID",
            "Key result",
            "Country",
            "Done",
            "Top",
            "Score",
            "Status",
            "Photo",
            "KR1",
            "Grow sales",
            "KR2",
            "Hire two",
        )
    )
    + "</sst>"
)

#: the cells of rows 2 and 3; row 4 is the Table's totals-free last row
ROWS = (
    '<row r="1" spans="1:8" x14ac:dyDescent="0.3">'
    + "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABCDEFGH"))
    + "</row>"
    '<row r="2" spans="1:8" x14ac:dyDescent="0.3">'
    '<c r="A2" t="s"><v>8</v></c><c r="B2" t="s"><v>9</v></c>'
    '<c r="C2" t="e" vm="1"><v>#VALUE!</v></c>'
    '<c r="D2" s="1" t="b"><v>1</v></c>'
    '<c r="E2" cm="1"><f t="array" ref="E2:E3">_xlfn._xlws.SORT(_xlfn.UNIQUE(A2:A3))</f>'
    "<v>0</v></c>"
    '<c r="F2" s="2"><f>IF(D2,1,0.5)</f><v>1</v></c>'
    '<c r="G2" t="s"><v>8</v></c>'
    '<c r="H2" t="e" vm="2"><v>#VALUE!</v></c></row>'
    '<row r="3" spans="1:8" x14ac:dyDescent="0.3">'
    '<c r="A3" t="s"><v>10</v></c><c r="B3" t="s"><v>11</v></c>'
    '<c r="C3" t="e" vm="1"><v>#VALUE!</v></c>'
    '<c r="D3" s="1" t="b"><v>0</v></c><c r="E3"><v>0</v></c>'
    '<c r="F3" s="2"><f>IF(D3,1,0.5)</f><v>0.5</v></c></row>'
)

_SHEET = (
    f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'mc:Ignorable="x14ac xr xr2 xr3" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
    'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
    'xr:uid="{6B3E2C59-8F77-4B6D-9F0B-1D0A6E7C2A11}">'
    '<dimension ref="A1:H3"/>'
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
    '<selection activeCell="F2" sqref="F2"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="14.4" x14ac:dyDescent="0.3"/>'
    f"<sheetData>{ROWS}</sheetData>"
    '<conditionalFormatting sqref="F2:F3"><cfRule type="dataBar" priority="1"><dataBar>'
    '<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar><extLst>'
    '<ext uri="{B025F937-C7B1-47D3-B67F-A62EFF666E3E}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    "<x14:id>{1F0F7C53-7B0B-4C4B-9B55-2C3A3F6E2B11}</x14:id></ext></extLst></cfRule>"
    '<cfRule type="cellIs" dxfId="0" priority="2" operator="lessThan"><formula>0.3</formula>'
    "</cfRule></conditionalFormatting>"
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    '<legacyDrawing r:id="rId2"/>'
    '<tableParts count="1"><tablePart r:id="rId1"/></tableParts>'
    '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    "<x14:conditionalFormattings>"
    '<x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:cfRule type="dataBar" id="{1F0F7C53-7B0B-4C4B-9B55-2C3A3F6E2B11}">'
    '<x14:dataBar minLength="0" maxLength="100" border="1" '
    'negativeBarBorderColorSameAsPositive="0">'
    '<x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/><x14:borderColor rgb="FF638EC6"/>'
    '<x14:negativeFillColor rgb="FFFF0000"/><x14:negativeBorderColor rgb="FFFF0000"/>'
    '<x14:axisColor rgb="FF000000"/>'
    "</x14:dataBar></x14:cfRule><xm:sqref>F2:F3</xm:sqref></x14:conditionalFormatting>"
    "</x14:conditionalFormattings></ext></extLst></worksheet>"
)

_SHEET_RELS = (
    f'<Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/table" Target="../tables/table1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>'
    f'<Relationship Id="rId3" Type="{REL}/comments" Target="../comments1.xml"/>'
    '<Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2017/10/'
    'relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>'
    "</Relationships>"
)

_TABLE = (
    f'<table xmlns="{MAIN_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'mc:Ignorable="xr xr3" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
    'id="1" xr:uid="{2A1B5A7C-0C6E-4D0B-8B0E-9E7A1C3B2D10}" name="KRs" displayName="KRs" '
    'ref="A1:H3"><autoFilter ref="A1:H3"/><tableColumns count="8">'
    + "".join(
        f'<tableColumn id="{i + 1}" name="{n}"/>'
        if n != "Score"
        else f'<tableColumn id="{i + 1}" name="Score" dataDxfId="0">'
        "<calculatedColumnFormula>IF(KRs[[#This Row],[Done]],1,0.5)"
        "</calculatedColumnFormula></tableColumn>"
        for i, n in enumerate(
            ("ID", "Key result", "Country", "Done", "Top", "Score", "Status", "Photo")
        )
    )
    + '</tableColumns><tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" '
    'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
)

_PERSON_ID = "{5E3C1B0A-7D2F-4E8A-9C61-0F4B2A9D8E77}"
_THREAD_ID = "{A1C2E3F4-0B1D-4C5E-8F90-1A2B3C4D5E6F}"
_COMMENTS = (
    f'<comments xmlns="{MAIN_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'mc:Ignorable="xr" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/'
    f'revision"><authors><author>tc={_THREAD_ID}</author></authors><commentList>'
    f'<comment ref="F2" authorId="0" shapeId="0" xr:uid="{_THREAD_ID}"><text><t>'
    "[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; "
    "however, any edits to it will get removed if the file is opened in a newer version of "
    "Excel. Learn more: https://go.microsoft.com/fwlink/?linkid=870924\n\n"
    "Comment:\n    Why only half?</t></text></comment></commentList></comments>"
)

_VML = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
    'office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
    '<v:shape id="_x0000_s1025" type="#_x0000_t202" style="position:absolute;'
    "margin-left:59.25pt;margin-top:1.5pt;width:108pt;height:59.25pt;z-index:1;"
    'visibility:hidden" fillcolor="infoBackground [80]" o:insetmode="auto">'
    '<v:fill color2="infoBackground [80]"/><v:shadow color="none [81]" obscured="t"/>'
    '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
    '<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note">'
    "<x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>"
    "<x:Row>1</x:Row><x:Column>5</x:Column></x:ClientData></v:shape></xml>"
)

_THREADED = (
    '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
    'threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<threadedComment ref="F2" dT="2026-11-30T09:12:44.18" personId="{_PERSON_ID}" '
    f'id="{_THREAD_ID}"><text>Why only half?</text></threadedComment></ThreadedComments>'
)

_PERSONS = (
    '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
    'threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<person displayName="Alice Doe" id="{_PERSON_ID}" userId="alice@acme.test" '
    'providerId="AD"/></personList>'
)

_FEATURE_BAG = (
    '<FeaturePropertyBags xmlns="http://schemas.microsoft.com/office/spreadsheetml/2022/'
    'featurepropertybag"><bag type="Checkbox"/><bag type="XFControls">'
    '<bagId k="CellControl">0</bagId></bag><bag type="XFComplement">'
    '<bagId k="XFControls">1</bagId></bag><bag type="XFComplements" '
    'extRef="XFComplementsMapperExtRef"><a k="MappedFeaturePropertyBags"><bagId>2</bagId>'
    "</a></bag></FeaturePropertyBags>"
)

#: metadata type 1 XLDAPR (cell metadata of E2's dynamic array), type 2 XLRICHVALUE
#: (value metadata 1: the Geography entity rich value 0, 2: the picture, rich value 1)
_METADATA = (
    f'<metadata xmlns="{MAIN_NS}" '
    'xmlns:xlrd="http://schemas.microsoft.com/office/spreadsheetml/2017/richdata" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="2"><metadataType name="XLDAPR" minSupportedVersion="120000" '
    'copy="1" pasteAll="1" pasteValues="1" merge="1" splitFirst="1" rowColShift="1" '
    'clearFormats="1" clearComments="1" assign="1" coerce="1" cellMeta="1"/>'
    '<metadataType name="XLRICHVALUE" minSupportedVersion="120000" copy="1" pasteAll="1" '
    'pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" '
    'clearComments="1" assign="1" coerce="1"/></metadataTypes>'
    '<futureMetadata name="XLDAPR" count="1"><bk><extLst>'
    '<ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">'
    '<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk>'
    "</futureMetadata>"
    '<futureMetadata name="XLRICHVALUE" count="2">'
    '<bk><extLst><ext uri="{3e2802c4-a4d2-4d8b-9148-e3be6c30e623}"><xlrd:rvb i="0"/></ext>'
    "</extLst></bk>"
    '<bk><extLst><ext uri="{3e2802c4-a4d2-4d8b-9148-e3be6c30e623}"><xlrd:rvb i="1"/></ext>'
    "</extLst></bk></futureMetadata>"
    '<cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>'
    '<valueMetadata count="2"><bk><rc t="2" v="0"/></bk><bk><rc t="2" v="1"/></bk>'
    "</valueMetadata></metadata>"
)

_RD = "http://schemas.microsoft.com/office/spreadsheetml/2017/richdata"
#: the linked entity's values in its structure's key order: the service (an integer, as
#: Excel writes it: 536870912 is Geography), the entity, the name shown, culture, flags
_RICH_VALUES = (
    f'<rvData xmlns="{_RD}" count="2">'
    '<rv s="0"><v>536870912</v><v>geo:fr</v><v>France</v><v>en-US</v><v>5</v></rv>'
    '<rv s="1"><v>0</v><v>5</v></rv></rvData>'
)
_RICH_STRUCTURES = (
    f'<rvStructures xmlns="{_RD}" count="2">'
    '<s t="_linkedentity2"><k n="%EntityServiceId" t="i"/><k n="%EntityId" t="s"/>'
    '<k n="_DisplayString" t="s"/><k n="%EntityCulture" t="s"/><k n="_Flags" t="i"/></s>'
    '<s t="_localImage"><k n="_rvRel:LocalImageIdentifier" t="i"/>'
    '<k n="CalcOrigin" t="i"/></s></rvStructures>'
)
_RICH_TYPES = (
    '<rvTypesInfo xmlns="http://schemas.microsoft.com/office/spreadsheetml/2017/richdata2" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'mc:Ignorable="x" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<global><keyFlags><key name="_Self"><flag name="ExcludeFromFile" value="1"/>'
    '<flag name="ExcludeFromCalcComparison" value="1"/></key></keyFlags></global>'
    "</rvTypesInfo>"
)
_RICH_RELS = (
    '<richValueRels xmlns="http://schemas.microsoft.com/office/spreadsheetml/2022/'
    f'richvaluerel" xmlns:r="{REL}"><rel r:id="rId1"/></richValueRels>'
)
_RICH_RELS_RELS = (
    f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/image" '
    'Target="../media/image1.png"/></Relationships>'
)


def _png() -> bytes:
    """The picture in H2: 2x2 red pixels."""
    buf = io.BytesIO()
    Image.new("RGB", (2, 2), (255, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


def modern_parts() -> dict[str, bytes]:
    """Every part of the workbook, in the order Excel writes them."""
    text = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        SHEET: _SHEET,
        "xl/worksheets/_rels/sheet1.xml.rels": _SHEET_RELS,
        "xl/tables/table1.xml": _TABLE,
        "xl/comments1.xml": _COMMENTS,
        "xl/threadedComments/threadedComment1.xml": _THREADED,
        "xl/persons/person.xml": _PERSONS,
        "xl/styles.xml": _STYLES,
        "xl/sharedStrings.xml": _STRINGS,
        "xl/metadata.xml": _METADATA,
        "xl/featurePropertyBag/featurePropertyBag.xml": _FEATURE_BAG,
        "xl/richData/rdrichvalue.xml": _RICH_VALUES,
        "xl/richData/rdrichvaluestructure.xml": _RICH_STRUCTURES,
        "xl/richData/rdRichValueTypes.xml": _RICH_TYPES,
        "xl/richData/richValueRel.xml": _RICH_RELS,
        "xl/richData/_rels/richValueRel.xml.rels": _RICH_RELS_RELS,
    }
    out = {k: (XML_DECL + v).encode() for k, v in text.items()}
    out["xl/drawings/vmlDrawing1.vml"] = _VML.encode()
    out["xl/media/image1.png"] = _png()
    return out


def modern_workbook(parts: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (parts or modern_parts()).items():
            zf.writestr(name, data)
    return buf.getvalue()
