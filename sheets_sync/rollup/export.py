"""CSV and Parquet copies of the rollup tables for finance's pipelines.

CSV is opened in Excel by people, so text cells that Excel would run as a formula get the
OWASP treatment (a leading single quote). Only text columns are touched: a real negative
number is a float column and stays a number. Parquet keeps the schema's exact types.

Which texts run was measured by opening the CSV in LibreOffice 7.4
(``tests/rollup/test_csv_formulas.py``): one starting ``=``, and, with the import dialog's
"Trim spaces" ticked, one starting with spaces and then ``=`` (`` =1+1`` shows 2).
Full-width ``＝`` (U+FF1D), small ``﹦`` (U+FE66), a no-break, ideographic or zero-width
space, a BOM or a line feed before the ``=`` leave it text, with or without trimming.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sheets_sync.atomic import atomic_write
from sheets_sync.domain.shown import shown_float
from sheets_sync.domain.values import CELL_CHARS, fit_cell
from sheets_sync.errors import ConfigError
from sheets_sync.regular_file import in_the_way, not_replaceable
from sheets_sync.rollup.schema import SCHEMA_VERSION, TABLES, Kind, runs_as_formula
from sheets_sync.rollup.tables import Rollup
from sheets_sync.sync.options import path_arg

_ARROW = {
    Kind.TEXT: pa.string(),
    Kind.NUMBER: pa.float64(),
    Kind.COUNT: pa.int64(),
    Kind.DATE: pa.timestamp("us"),
    Kind.DATETIME: pa.timestamp("us"),
    Kind.FLAG: pa.bool_(),
}


def escape_formula(value: str) -> str:
    """``=1+1`` -> ``'=1+1``, `` =1+1`` -> ``' =1+1``: Excel shows the text instead of
    evaluating it. The quote counts towards what a cell holds: a text already at 32,767
    (cut where the rollup is built) is cut a unit shorter, or the field ran to 32,768,
    past what Excel opens."""
    if not runs_as_formula(value):
        return value
    return "'" + fit_cell(value, CELL_CHARS - 1)


def arrow_schema(table: str) -> pa.Schema:
    fields = [pa.field(c.name, _ARROW[c.kind], nullable=True) for c in TABLES[table]]
    meta = {b"sheets_sync.schema_version": SCHEMA_VERSION.encode(), b"table": table.encode()}
    return pa.schema(fields, metadata=meta)


def check_export_paths(out_dir: Path, fmt: str, flag: str = "out_dir") -> None:
    """Refuse an ``out_dir`` (``flag``: the CLI says ``--out``) whose table files the
    renames would replace (``regular_file.not_replaceable``): ``summary.csv`` a named pipe
    a reader waits on, a device, a name in ``/proc``, ``/dev`` or ``/sys``. Until
    2026-12-06 each was replaced with the table, exit 0. An ``out_dir`` under a file
    (``notes.txt/x``) is refused too: every team was read, then the folder could not be
    made (``notes.txt/x: Not a directory``, exit 1, until 2026-12-07)."""
    if (blocked := in_the_way(out_dir)) is not None:
        there, why = blocked  # a link to nowhere, a loop: exit 1 at the end (until 2026-12-07)
        raise ConfigError(f"{flag} {out_dir}: {there} {why}; give {flag} a folder of files")
    for name in TABLES:
        path = out_dir / f"{name}.{fmt}"
        problem = not_replaceable(path)
        if problem:
            raise ConfigError(
                f"{flag} {out_dir}: {path.name} {problem}, not a file; each table is a new "
                f"file renamed into its place: give {flag} a folder of files"
            )
    if (blocked := in_the_way(out_dir, write=True)) is not None:  # read every team, then
        there, why = blocked  # Permission denied, exit 1 (until 2026-12-07)
        raise ConfigError(f"{flag} {out_dir}: {there} {why}; give {flag} a folder of files")


def export_tables(
    rollup: Rollup, out_dir: str | os.PathLike[str], fmt: Literal["csv", "parquet"]
) -> list[Path]:
    """Write every table as ``<table>.csv`` or ``<table>.parquet``; returns the paths.

    Each file is written to a temp name and renamed, so a reader never sees half a file.
    An unknown ``fmt`` or an ``out_dir`` that is no path is a ``ConfigError`` naming the
    argument (until 2026-12-07 a bare ``ValueError``, and a ``TypeError`` for a str).
    """
    if fmt not in ("csv", "parquet"):
        raise ConfigError(f"fmt: unknown export format {fmt!r} (csv or parquet)")
    out_dir = path_arg(out_dir, "out_dir")
    check_export_paths(out_dir, fmt)
    # '..' as text, as the checks and the atomic writes take it (lnk/.. is not lnk's target's)
    Path(os.path.abspath(out_dir)).mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in rollup.tables.items():
        path = out_dir / f"{name}.{fmt}"
        writer = _write_csv if fmt == "csv" else _write_parquet
        atomic_write(path, partial(writer, finite_numbers(frame, name), name))
        paths.append(path)
    return paths


def finite_numbers(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """``frame`` with each infinite number of its number columns blank, as the workbook's
    and the Google rollup's cells are (``cellxml.blank``): the CSV said ``inf`` and the
    Parquet held it (until 2026-12-08) where finance's pivot of the workbook saw a blank.
    NaN is blank already (CSV empty, Parquet null). The frame itself when none is.
    ``blank``'s rule a column at a time (each number as a double, as both files hold it),
    not ``blank`` a cell at a time: a Python call for each of a night's numbers."""
    out = frame
    for col in TABLES[table]:
        if col.kind is not Kind.NUMBER:
            continue
        values = frame[col.name]
        infinite = np.isinf(values.to_numpy(dtype="float64", na_value=np.nan))
        if infinite.any():  # np.isinf of the column itself refuses an object column's
            out = out.copy() if out is frame else out  # Decimal (until 2026-12-08)
            out[col.name] = values.where(~infinite)
    return out


def _write_csv(frame: pd.DataFrame, table: str, path: Path) -> None:
    out = frame.copy()
    for col in TABLES[table]:
        if col.kind is Kind.TEXT:
            out[col.name] = out[col.name].map(escape_formula, na_action="ignore")
        elif col.kind is Kind.NUMBER:  # the digits Excel shows: 0.6, not 0.6000000000000001
            out[col.name] = out[col.name].map(shown_float, na_action="ignore")
        elif col.kind is Kind.DATE:
            out[col.name] = out[col.name].dt.strftime("%Y-%m-%d")
        elif col.kind is Kind.DATETIME:
            out[col.name] = out[col.name].dt.strftime("%Y-%m-%dT%H:%M:%S")
    # utf-8-sig: Excel only detects UTF-8 with the BOM; pandas and Power Query skip it.
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _write_parquet(frame: pd.DataFrame, table: str, path: Path) -> None:
    arrow = pa.Table.from_pandas(frame, schema=arrow_schema(table), preserve_index=False)
    pq.write_table(arrow, path)
