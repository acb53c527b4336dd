"""force_recalc_on_load: one flag spliced into workbook.xml, nothing else moved."""

from __future__ import annotations

import pytest

from sheets_sync.backends.excel.recalc import force_recalc_on_load
from tests.backends.excel.fixtures import without_recalc_flag

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
SHEETS = b'<sheets><sheet name="OKRs" sheetId="1" r:id="rId1"/></sheets>'


def book(inner: bytes, *, prefix: bytes = b"") -> bytes:
    ns = NS.replace(b"xmlns=", b"xmlns:" + prefix[:-1] + b"=") if prefix else NS
    sheets = SHEETS.replace(b"<sheet", b"<" + prefix + b"sheet").replace(
        b"</sheets", b"</" + prefix + b"sheets"
    )
    body = inner.replace(b"{SHEETS}", sheets).replace(b"<x:", b"<" + prefix)
    return (
        b"<?xml version='1.0'?>\n<"
        + prefix
        + b"workbook "
        + ns
        + b" "
        + R
        + b">"
        + body
        + (b"</" + prefix + b"workbook>")
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # Excel's usual calcPr: the flag joins its attributes, which keep their order
            b'{SHEETS}<calcPr calcId="191029"/><extLst/>',
            b'{SHEETS}<calcPr fullCalcOnLoad="1" calcId="191029"/><extLst/>',
        ),
        (  # an explicit "0" is replaced, not doubled
            b"{SHEETS}<calcPr calcId='1' fullCalcOnLoad='0' iterate=\"1\"/>",
            b'{SHEETS}<calcPr fullCalcOnLoad="1" calcId=\'1\' iterate="1"/>',
        ),
        (  # an open-and-close calcPr
            b'{SHEETS}<calcPr calcId="1"></calcPr>',
            b'{SHEETS}<calcPr fullCalcOnLoad="1" calcId="1"></calcPr>',
        ),
        (  # none yet: after definedNames, before what follows calcPr in the schema
            b'{SHEETS}<definedNames><definedName name="x">OKRs!$A$1</definedName>'
            b"</definedNames><oleSize ref='A1'/>",
            b'{SHEETS}<definedNames><definedName name="x">OKRs!$A$1</definedName>'
            b"</definedNames><calcPr fullCalcOnLoad=\"1\"/><oleSize ref='A1'/>",
        ),
        (  # none yet, nothing but sheets
            b"{SHEETS}",
            b'{SHEETS}<calcPr fullCalcOnLoad="1"/>',
        ),
    ],
)
def test_flag_spliced_in(before: bytes, after: bytes) -> None:
    out = force_recalc_on_load(book(before))
    assert out == book(after)
    assert without_recalc_flag(out) == book(before) or b"fullCalcOnLoad='0'" in before
    assert force_recalc_on_load(out) is out  # a second sync changes nothing


def test_prefixed_namespace() -> None:
    src = book(b"{SHEETS}<x:calcPr calcId='1'/>", prefix=b"x:")
    out = force_recalc_on_load(src)
    assert out == book(b"{SHEETS}<x:calcPr fullCalcOnLoad=\"1\" calcId='1'/>", prefix=b"x:")
    bare = book(b"{SHEETS}", prefix=b"x:")
    assert force_recalc_on_load(bare) == book(
        b'{SHEETS}<x:calcPr fullCalcOnLoad="1"/>', prefix=b"x:"
    )


@pytest.mark.parametrize("flag", [b'"1"', b"'true'"])
def test_already_set_is_left_alone(flag: bytes) -> None:
    src = book(b"{SHEETS}<calcPr calcId='1' fullCalcOnLoad=" + flag + b"/>")
    assert force_recalc_on_load(src) is src


def test_no_safe_place_leaves_it_alone() -> None:
    src = book(b"<bookViews/>")  # no <sheets>: nothing to anchor to
    assert force_recalc_on_load(src) is src


@pytest.mark.parametrize("quote", [b'"', b"'"])
def test_a_scripts_engine_id_goes_with_the_flag(quote: bytes) -> None:
    """Excel 2007 saved ``calcId="124519"``, the id XlsxWriter and openpyxl write beside
    their own flag, which the reader takes for placeholder 0s (``placeholders.py``): the
    sync's flag beside it made a real 0 read as no value on the next night (until
    2026-12-07). It becomes ``0``, as Apache POI's first ``setForceFormulaRecalculation``
    (3.8) set it to have Excel recalculate: lower than any Excel's id, so Excel
    recalculates on load either way."""
    q = quote
    src = book(b"{SHEETS}<calcPr calcId=" + q + b"124519" + q + b" iterate='1'/>")
    out = force_recalc_on_load(src)
    assert out == book(
        b'{SHEETS}<calcPr fullCalcOnLoad="1" calcId=' + q + b"0" + q + b" iterate='1'/>"
    )
    assert without_recalc_flag(out, script_id=True) == src
    assert force_recalc_on_load(out) is out
    other = book(b'{SHEETS}<calcPr calcId="1245190"/>')  # another id: kept
    assert force_recalc_on_load(other) == book(
        b'{SHEETS}<calcPr fullCalcOnLoad="1" calcId="1245190"/>'
    )
