"""A night through the CLI on an Excel team whose key result has an ambiguous Due date
(``03/04/2026`` in a column showing both ``15/02/2026`` and ``3/31/2026``) and an Owner
showing ``#REF!``, and whose KPI has a Frequency in error: each error is said as before
(file, tab, cell; validate exits 1, sync 0), and the key result and the KPI are still
in the night's scores, the team sheet's Status and the company workbook (until 2026-12-07
both were left out)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.cli.test_ops_cli import run

AS_OF = ["--as-of", "2026-02-15"]
OKR_HEAD = ["Objective ID", "Objective", "KR ID", "Key result", "Owner", "Start", "Target"]
OKR_HEAD += ["Current", "Due date", "Score", "Expected", "Status", "Sync notes"]
KPI_HEAD = ["KPI ID", "KPI", "Owner", "Frequency", "Target", "Actual", "As of"]
KPI_HEAD += ["Status", "Variance", "Trend", "Sync notes"]
DUE_ERROR = (
    'Sales.xlsx!OKRs!I2: expected a date like 2026-12-31, got "03/04/2026"; day and month '
    "could be either way round: type 2026-04-03 or 2026-03-04; in this column I3 is day "
    "first, I4 month first, so this one's order is not guessed"
)

REF_ERROR = (
    "Sales.xlsx!OKRs!E2: the cell shows the error #REF! (the cell holds the error value "
    "itself, with no formula: it was typed, or pasted as a value from a formula's result; "
    "type the value in its place)"
)
FREQUENCY_ERROR = (
    'Sales.xlsx!KPIs!D2: "bimonthly" is ambiguous (every two months, or twice a month?): '
    "type biweekly for twice a month, monthly or quarterly for every two months"
)


def _workspace(root: Path) -> Path:
    (root / "teams").mkdir()
    wb = openpyxl.Workbook()
    okrs = wb.active
    assert okrs is not None
    okrs.title = "OKRs"
    okrs.append(OKR_HEAD)
    okrs.append(["O1", "Grow", "KR1", "Sign ups", "#REF!", 0, 100, 50, "03/04/2026"])
    okrs.append(["O1", "Grow", "KR2", "Calls", "Bob", 0, 10, 10, "15/02/2026"])
    okrs.append(["O1", "Grow", "KR3", "Demos", "Cy", 0, 10, 0, "3/31/2026"])
    kpis = wb.create_sheet("KPIs")
    kpis.append(KPI_HEAD)
    kpis.append(["KPI-1", "NPS", "Ann", "bimonthly", 40, 41, "2026-01-02"])
    wb.save(root / "teams" / "Sales.xlsx")
    config = root / "sheets-sync.yaml"
    config.write_text(
        "company: Acme\nperiod: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        "teams:\n  - {name: Sales, source: teams/Sales.xlsx, mapping: standard}\n",
        encoding="utf-8",
    )
    return config


def _table(path: Path, tab: str) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(book[tab].iter_rows(values_only=True))
    finally:
        book.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_key_result_and_kpi_are_scored_and_their_errors_said(tmp_path: Path) -> None:
    config = _workspace(tmp_path)
    code, out, err = run("validate", "--config", str(config), *AS_OF)
    assert code == 1, out + err
    said = [line for line in out.splitlines() if line.startswith("Sales: error: ")]
    assert said == [
        f"Sales: error: {REF_ERROR}",
        f"Sales: error: {DUE_ERROR}",
        f"Sales: error: {FREQUENCY_ERROR}",
    ]

    code, out, err = run("sync", "--config", str(config), *AS_OF)
    assert code == 0, out + err  # as before: a sheet's errors fail validate, not the night
    assert "3 errors in team sheets" in out
    krs = {row["KR ID"]: row for row in _table(tmp_path / "company.xlsx", "Key results")}
    assert set(krs) == {"KR1", "KR2", "KR3"}
    assert (krs["KR1"]["Score"], krs["KR1"]["Status"]) == (0.5, "On track")
    assert (krs["KR1"]["Due date"], krs["KR1"]["Owner"]) == (None, None)
    (objective,) = _table(tmp_path / "company.xlsx", "Objectives")
    assert objective["Score"] == 0.5  # (0.5 + 1 + 0) / 3
    (kpi,) = _table(tmp_path / "company.xlsx", "KPIs")
    assert (kpi["KPI ID"], kpi["Status"], kpi["Frequency"]) == ("KPI-1", "Green", None)

    book = openpyxl.load_workbook(tmp_path / "teams" / "Sales.xlsx")
    try:
        okrs, kpis = book["OKRs"], book["KPIs"]
        assert okrs["J2"].value == 0.5 and okrs["L2"].value == "On track"
        notes = str(okrs["M2"].value)
        assert notes.startswith("Error E2: the cell shows the error #REF!")
        assert f"; Error I2: {DUE_ERROR.split(': ', 1)[1]}" in notes
        assert kpis["H2"].value == "Green" and str(kpis["K2"].value).startswith("Error D2: ")
    finally:
        book.close()
