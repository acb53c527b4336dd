"""CSV (formula-injection safe) and Parquet (typed) exports."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sheets_sync.domain.models import KPI, KeyResult, KRType, Objective, Origin, TeamInput
from sheets_sync.domain.team import evaluate_team
from sheets_sync.rollup import TABLES, Rollup, build_rollup, export_tables
from sheets_sync.rollup.export import escape_formula
from sheets_sync.rollup.schema import SCHEMA_VERSION, columns, dtypes
from sheets_sync.sync.outcome import Outcome, TeamRun
from tests.rollup.fixtures import AS_OF, PERIOD, context


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1-2", "'+1-2"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (" =1+1", "' =1+1"),  # LibreOffice's "Trim spaces" runs it
        ("\n\t @x", "'\n\t @x"),
        (" plain", " plain"),
        ("\uff1d1+1", "\uff1d1+1"),  # full-width =: text in LibreOffice
    ],
)
def test_escape_formula(raw: str, safe: str) -> None:
    assert escape_formula(raw) == safe


def test_csv_escapes_text_but_keeps_negative_numbers(rollup: Rollup, tmp_path: Path) -> None:
    paths = export_tables(rollup, tmp_path, "csv")
    assert [p.name for p in paths] == [f"{t}.csv" for t in TABLES]
    with open(tmp_path / "key_results.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == columns("key_results")
    by_id = {r["KR ID"]: r for r in rows}
    assert by_id["S-KR1"]["Description"] == "'" + '=HYPERLINK("http://x","y")'
    assert by_id["O-KR1"]["Description"] == "'-5"
    assert by_id["S-KR3"]["Description"] == "'+1-2"
    assert by_id["S-KR4"]["Description"] == "'@SUM(A1)"
    assert by_id["S-KR1"]["As of"] == "2025-08-15"
    with open(tmp_path / "kpis.csv", encoding="utf-8-sig", newline="") as handle:
        kpis = {r["KPI ID"]: r for r in csv.DictReader(handle)}
    assert float(kpis["NPS"]["Variance"]) == -3.0  # a real negative number: not quoted
    assert kpis["NPS"]["Variance"].startswith("-")


def test_parquet_round_trip_keeps_dtypes(rollup: Rollup, tmp_path: Path) -> None:
    export_tables(rollup, tmp_path, "parquet")
    for table, frame in rollup.tables.items():
        path = tmp_path / f"{table}.parquet"
        back = pd.read_parquet(path)
        assert {c: str(t) for c, t in back.dtypes.items()} == dtypes(table)
        pd.testing.assert_frame_equal(back, frame)
        meta = pq.read_schema(path).metadata
        assert meta[b"sheets_sync.schema_version"] == SCHEMA_VERSION.encode()


def test_empty_run_exports_typed_empty_files(tmp_path: Path) -> None:
    export_tables(build_rollup([], context()), tmp_path, "parquet")
    back = pd.read_parquet(tmp_path / "kpis.parquet")
    assert back.empty and {c: str(t) for c, t in back.dtypes.items()} == dtypes("kpis")


def test_unknown_format_is_refused(rollup: Rollup, tmp_path: Path) -> None:
    """Until 2026-12-07 a bare ValueError, naming no argument."""
    from sheets_sync.errors import ConfigError

    unknown = r"^fmt: unknown export format 'xlsx' \(csv or parquet\)$"
    with pytest.raises(ConfigError, match=unknown):
        export_tables(rollup, tmp_path, "xlsx")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("out_dir", [5, None, b"out", "o\x00ut"])
def test_an_out_dir_that_is_no_path_is_a_config_error(rollup: Rollup, out_dir: object) -> None:
    """A number or None was a bare TypeError from ``pathlib``; a NUL a ValueError."""
    from sheets_sync.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^out_dir: "):
        export_tables(rollup, out_dir, "csv")  # type: ignore[arg-type]


def test_a_str_out_dir_is_taken_as_a_path(rollup: Rollup, tmp_path: Path) -> None:
    """A str ``out_dir`` was a TypeError (``str / str``) once the format was checked."""
    paths = export_tables(rollup, str(tmp_path / "out"), "csv")
    assert sorted(p.name for p in paths) == sorted(f"{name}.csv" for name in TABLES)
    assert all(isinstance(p, Path) and p.is_file() for p in paths)


def test_contrived_finite_numbers_export_no_inf(tmp_path: Path) -> None:
    """Start 0, target 1e-308, current 1e308 made a Progress of inf, and a KPI target of
    1e-320 a Variance % of inf: ``inf`` in the CSV and the Parquet file, where the schema
    says a number. They are clamped to Excel's largest number now, as in the workbook."""
    team = TeamInput(
        team="Lab",
        source="lab.xlsx",
        objectives=(Objective("L-O1", "Odd numbers", origin=Origin("lab.xlsx", "OKRs", 2)),),
        key_results=(
            KeyResult("L-O1", "L-KR1", "Tiny span", "Ann", KRType.NUMBER, 0.0, 1e-308, 1e308),
            KeyResult("L-O1", "L-KR2", "Huge span", "Ann", KRType.NUMBER, -1e308, 1e308, 1e308),
        ),
        kpis=(KPI("L-K1", "Tiny target", "Ann", target=1e-320, actual=1.0),),
    )
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    rollup = build_rollup([TeamRun("Lab", "lab.xlsx", Outcome.OK, result)], context())
    export_tables(rollup, tmp_path, "parquet")
    krs = pd.read_parquet(tmp_path / "key_results.parquet").set_index("KR ID")
    assert krs["Progress"].to_dict() == {"L-KR1": 9.99999999999999e307, "L-KR2": 1.0}
    kpis = pd.read_parquet(tmp_path / "kpis.parquet")
    assert kpis["Variance %"].tolist() == [9.99999999999999e307]  # Excel's largest
    export_tables(rollup, tmp_path, "csv")
    for table in TABLES:
        numbers = [c for c, t in dtypes(table).items() if t == "float64"]
        for frame in (
            pd.read_csv(tmp_path / f"{table}.csv", encoding="utf-8-sig", usecols=numbers),
            pd.read_parquet(tmp_path / f"{table}.parquet", columns=numbers),
        ):
            assert not frame.abs().eq(float("inf")).any().any(), table


def test_an_unknown_format_is_a_config_error_before_any_team_is_read(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library caller's ``"xlsx"`` was a bare ValueError from ``export_tables``, once
    ``export_workspace`` had read every team."""
    from sheets_sync.config import load_workspace
    from sheets_sync.errors import ConfigError
    from sheets_sync.sync import run
    from sheets_sync.sync.engine import Sync

    read: list[object] = []
    monkeypatch.setattr(Sync, "run", lambda *a: read.append(a))
    unknown = r"^fmt: unknown export format 'xlsx' \(csv or parquet\)$"  # as export_tables says
    with pytest.raises(ConfigError, match=unknown):
        run.export_workspace(load_workspace(workspace), tmp_path / "out", "xlsx", as_of=AS_OF)  # type: ignore[arg-type]
    assert read == [] and not (tmp_path / "out").exists()


def test_csv_numbers_have_the_digits_excel_shows_and_parquet_the_exact_value(
    tmp_path: Path,
) -> None:
    """A progress of 6 of 10 from 0 is 0.6000000000000001 in floating point: written so
    into the CSV finance loads (Excel showed 0.6) until 2026-12-06. Parquet holds the
    value the company workbook's cells do: until 2026-12-07 the exact value, now, for a
    number the rollup computes, its 15 digits Excel shows (docs/rollup.md); a typed
    value (Start, Current) is exact there."""
    team = TeamInput(
        team="Lab",
        source="lab.xlsx",
        objectives=(Objective("L-O1", "Noise", origin=Origin("lab.xlsx", "OKRs", 2)),),
        key_results=(
            KeyResult("L-O1", "L-KR1", "Six of ten", "Ann", KRType.NUMBER, 0.2, 1.2, 0.8),
        ),
    )
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    noisy = result.key_results[0].progress
    assert noisy is not None and repr(noisy) == "0.6000000000000001"
    rollup = build_rollup([TeamRun("Lab", "lab.xlsx", Outcome.OK, result)], context())
    export_tables(rollup, tmp_path, "csv")
    with open(tmp_path / "key_results.csv", encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["Progress"] == "0.6" and row["Start"] == "0.2" and row["Current"] == "0.8"
    export_tables(rollup, tmp_path, "parquet")
    krs = pd.read_parquet(tmp_path / "key_results.parquet")
    assert krs["Progress"].tolist() == [0.6] != [noisy]
    assert krs["Start"].tolist() == [0.2] and krs["Current"].tolist() == [0.8]


def test_the_workbook_alone_does_not_import_parquet() -> None:
    """A night that writes only the company workbook imports no ``pyarrow.parquet``
    (bench/notes.md, twenty-ninth pass); ``export_tables`` is there when asked for."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import sheets_sync.rollup.workbook, sheets_sync.rollup.fingerprint\n"
        "from sheets_sync.rollup import build_rollup\n"
        "assert 'pyarrow.parquet' not in sys.modules, 'parquet imported'\n"
        "from sheets_sync.rollup import export_tables\n"
        "assert 'pyarrow.parquet' in sys.modules and callable(export_tables)\n"
    )
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
