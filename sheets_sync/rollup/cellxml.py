"""Sheet XML for cells, rendered a column chunk at a time (``bulk.py`` splices them in).

One comprehension a value kind (text, number, bool, auto): the common value types are
rendered inline (a finite float is the only float with ``v - v == 0``) and anything else
goes through ``_cell``, the general path, so the output is ``_cell``'s for every value.
Strings go inline (``inlineStr``) and are escaped as Excel itself writes them; numbers are
``repr`` of a float (the shortest text that reads back as the same double), and so are
the numbers xlsxwriter writes itself (``ExactWorkbook``: the Summary, Charts and Trends
tabs), which it writes with ``%.16G``.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE = re.compile(_SPECIAL.pattern + r"|_x[0-9A-Fa-f]{4}_")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_NA = pd.NA

Values = pd.Series | np.ndarray | Sequence[Any]


def _escape_one(m: re.Match[str]) -> str:
    text = m.group(0)
    if text in _ENTITIES:
        return _ENTITIES[text]
    if len(text) > 1:  # a literal "_x0041_" would read back as "A": escape its underscore
        return "_x005F" + text
    return f"_x{ord(text):04X}_"  # control characters, as Excel itself writes them


_sub = _ESCAPE.sub


def escape(text: str) -> str:
    return _sub(_escape_one, text)


#: Integral doubles below this are written without ``.0``: every integer up to 2**53 is
#: exactly a double, and ``2`` is what Excel itself writes for a count of 2.
_EXACT_INT = 2.0**53


def number_text(v: float) -> str:
    """The cell text of a finite double: ``2`` for 2.0 (a count, a date serial; until
    2026-12-06 they were ``2.0``), else ``repr``, the shortest text that reads back as
    the same double."""
    return str(int(v)) if v.is_integer() and -_EXACT_INT < v < _EXACT_INT else repr(v)


def blank(v: Any) -> bool:
    """Whether ``v`` is a blank cell, in the workbook, the Google rollup and the export
    alike (``export.finite_numbers``): a missing value, an empty text, and a number that
    is not finite (NaN, inf, -inf): an .xlsx number cell holds a finite double only,
    and JSON, which the Sheets API reads, has no number for one."""
    if v is None:
        return True
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, str):
        return v == ""  # xlsxwriter writes an empty string as no value too
    if isinstance(v, Decimal):  # not a Real; float() of a signalling NaN raises
        return not v.is_finite()
    if isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral):
        # a numpy float32, float16: pd.isna sees their NaN only, and their infinity
        # reached xlsxwriter, which refuses it (until 2026-12-08); an int is finite,
        # and float() of one past 1e308 would raise
        return not math.isfinite(float(v))
    return bool(pd.isna(v))


def _cell(letters: str, r: str, v: Any, style: str, kind: str) -> str:
    """One cell of any value: the general (slow) path behind the renderers below."""
    if blank(v):
        return ""
    if kind == "auto":
        is_number = isinstance(v, int | float) and not isinstance(v, bool)
        kind = "bool" if isinstance(v, bool) else "number" if is_number else "text"
    ref = f"{letters}{r}"
    if kind == "text":
        text = escape(str(v))
        inline = f'<is><t xml:space="preserve">{text}</t></is>'
        return f'<c r="{ref}"{style} t="inlineStr">{inline}</c>'
    if kind == "bool":
        return f'<c r="{ref}"{style} t="b"><v>{int(bool(v))}</v></c>'
    number = float(v)  # not a float (a numpy float32, a Decimal), so not asked above
    return f'<c r="{ref}"{style}><v>{number_text(number)}</v></c>' if math.isfinite(number) else ""


#: (column letters, row numbers as text, values, style attributes) -> cells
Renderer = Callable[[str, Sequence[str], list[Any], Iterable[str]], list[str]]


def _escaped(values: list[Any]) -> list[Any]:
    """``values`` with their strings escaped. Usually none needs it, and one scan of them
    all (a match cannot span the "\\n" joining them) is cheaper than a ``sub`` a value."""
    text = "\n".join([v for v in values if v.__class__ is str])
    if _SPECIAL.search(text) is None and "_x" not in text:
        return values
    return [_sub(_escape_one, v) if v.__class__ is str else v for v in values]


def _texts(
    letters: str, rows: Sequence[str], values: list[Any], styles: Iterable[str]
) -> list[str]:
    return [
        f'<c r="{letters}{r}"{s} t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>'
        if v.__class__ is str and v
        else ""
        if v is _NA or v is None
        else _cell(letters, r, v, s, "text")
        for r, v, s in zip(rows, _escaped(values), styles, strict=False)  # styles may repeat
    ]


def _numbers(
    letters: str, rows: Sequence[str], values: list[Any], styles: Iterable[str]
) -> list[str]:
    return [
        (f'<c r="{letters}{r}"{s}><v>{number_text(v)}</v></c>' if v - v == 0 else "")
        if v.__class__ is float
        else ""
        if v is _NA or v is None
        else _cell(letters, r, v, s, "number")
        for r, v, s in zip(rows, values, styles, strict=False)
    ]


def _bools(
    letters: str, rows: Sequence[str], values: list[Any], styles: Iterable[str]
) -> list[str]:
    return [
        f'<c r="{letters}{r}"{s} t="b"><v>1</v></c>'
        if v is True
        else f'<c r="{letters}{r}"{s} t="b"><v>0</v></c>'
        if v is False
        else ""
        if v is _NA or v is None
        else _cell(letters, r, v, s, "bool")
        for r, v, s in zip(rows, values, styles, strict=False)
    ]


def _autos(
    letters: str, rows: Sequence[str], values: list[Any], styles: Iterable[str]
) -> list[str]:
    return [
        f'<c r="{letters}{r}"{s} t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>'
        if v.__class__ is str and v
        else (f'<c r="{letters}{r}"{s}><v>{number_text(v)}</v></c>' if v - v == 0 else "")
        if v.__class__ is float
        else ""
        if v is _NA or v is None
        else _cell(letters, r, v, s, "auto")
        for r, v, s in zip(rows, _escaped(values), styles, strict=False)
    ]


def number_texts(values: np.ndarray) -> list[str | None]:
    """``number_text`` of each of ``values`` (float64), None for NaN and the infinities,
    made once a distinct value: a company's numbers repeat (targets, scores, dates; at 500
    teams a chunk of a column holds ~3 cells a distinct value), and the text was most of a
    number cell's CPU. Equal doubles have one text (0.0 and -0.0 both ``0``)."""
    distinct, index = np.unique(values, return_inverse=True)
    texts = np.array([number_text(v) if v - v == 0 else None for v in distinct.tolist()], object)
    return list(texts[index.reshape(-1)].tolist())


def float_numbers(
    letters: str, rows: Sequence[str], values: np.ndarray, styles: Iterable[str]
) -> list[str]:
    """``_numbers`` of a float64 column chunk, its texts made by ``number_texts``."""
    return [
        "" if t is None else f'<c r="{letters}{r}"{s}><v>{t}</v></c>'
        for r, t, s in zip(rows, number_texts(values), styles, strict=False)
    ]


RENDERERS: dict[str, Renderer] = {
    "text": _texts,
    "number": _numbers,
    "bool": _bools,
    "auto": _autos,
}


def python_values(values: Values, start: int, stop: int) -> list[Any]:
    """``values[start:stop]`` as Python objects (what ``tolist`` gives for the whole; a
    missing text of an Arrow text column is None)."""
    chunk: list[Any]
    if isinstance(values, pd.Series) and _arrow_text(values.dtype):
        # from the Arrow array itself, a missing one None (as NA or NaN, a blank cell):
        # a third of the CPU of ``tolist`` through pandas (a Series a chunk, NA filled in)
        arrow = cast(Any, values.array).__arrow_array__()  # its own: no copy
        chunk = arrow.slice(start, stop - start).to_numpy(zero_copy_only=False).tolist()
    elif isinstance(values, pd.Series):
        chunk = values.iloc[start:stop].tolist()
    elif isinstance(values, np.ndarray):
        chunk = values[start:stop].tolist()
    else:
        chunk = list(values[start:stop])
    return chunk


def _arrow_text(dtype: Any) -> bool:
    """A text dtype held in Arrow (``str``, ``string[pyarrow]``)."""
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def style_attr(style: int) -> str:
    return f' s="{style}"' if style else ""


class ExactWorksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter has no type hints
    """A worksheet whose number cells read back as the very doubles written: xlsxwriter's
    ``%.16G`` keeps 16 significant digits, so a Summary score of 0.15000000000000002 came
    back 0.15 while the long tables and the Parquet export keep it. The cost is small:
    about 0.05 s of CPU a million cells, and these tabs have ~20 numbers a team
    (docs/rollup.md)."""

    def _xml_number_element(self, number: float, attributes: Any = ()) -> None:
        """xlsxwriter's own (``XMLwriter._xml_number_element``), but for the number."""
        attr = ""
        for key, value in attributes:
            attr += f' {key}="{self._escape_attributes(value)}"'
        self.fh.write(f"<c{attr}><v>{number_text(float(number))}</v></c>")


class ExactWorkbook(Workbook):  # type: ignore[misc]  # xlsxwriter has no type hints
    """An xlsxwriter workbook of ``ExactWorksheet``s."""

    worksheet_class = ExactWorksheet
