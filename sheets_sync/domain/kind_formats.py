"""The number format a rollup column of each kind shows its values in where its schema
names none (``Column.excel_format``): one table for the workbook (``rollup/workbook.py``)
and the Google rollup (``backends/gsheets/rollup.py``), which show the same.

Keyed by the kind's name (``rollup.schema.Kind`` is a ``StrEnum``: ``Kind.DATE`` finds
``"date"``) and kept here, pure, so the Google rollup's cells, which the team template
writes too, need neither the rollup package nor xlsxwriter (until 2026-12-07 each had a
copy of this table). Text and flags have none: ``General``, as a number's.
"""

from __future__ import annotations

KIND_FORMATS = {
    "number": "General",
    "count": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
