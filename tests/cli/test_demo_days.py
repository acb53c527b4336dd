"""``make run`` (``sheets-sync demo`` the first time, then ``sync``, both as of today) ends
as README's Quick start says, whatever today is: ``2 errors, 2 warnings in team sheets``.

Every other CLI test pins ``--as-of 2026-11-23``, the day the demo's rows were designed
for; built and synced on 2026-12-05, the demo showed 4 warnings (two weekly KPIs stale)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.test_ops_cli import run

SUMMARY = "2 errors, 2 warnings in team sheets (`sheets-sync validate` lists them)"
README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_quotes_the_summary_checked_here() -> None:
    """The tests below check the line the README quotes, not a copy that could drift."""
    assert f"its summary ends ``{SUMMARY}``" in README


def test_make_run_today_ends_as_the_readme_says(tmp_path: Path) -> None:
    cfg = tmp_path / "ws" / "sheets-sync.yaml"
    code, out, err = run("demo", str(cfg.parent))  # as Makefile's run target calls them
    assert code == 0, out + err
    code, out, err = run("sync", "--config", str(cfg))
    assert code == 0, out + err
    assert out.splitlines()[-1].endswith(f"; {SUMMARY}")
    code, out, err = run("validate", "--config", str(cfg))
    assert out.splitlines()[-1] == "6 teams: 2 errors, 2 warnings"
    code, out, err = run("sync", "--config", str(cfg))  # run again: nothing to change
    assert code == 0, out + err
    assert out.count(": ok, 0 cells changed") == 6


@pytest.mark.parametrize("day", ["2026-12-05", "2027-03-10", "2028-02-29", "2027-06-30"])
def test_demo_as_of_a_day_validates_as_of_that_day_as_designed(tmp_path: Path, day: str) -> None:
    cfg = tmp_path / "ws" / "sheets-sync.yaml"
    code, out, err = run("demo", str(cfg.parent), "--as-of", day)
    assert code == 0, out + err
    assert f"; {SUMMARY}" in out
    code, out, err = run("validate", "--config", str(cfg), "--as-of", day)
    assert code == 1  # the demo's two errors
    assert out.splitlines()[-1] == "6 teams: 2 errors, 2 warnings"
    assert "stale" not in out


def test_demo_as_of_a_day_it_cannot_be_dated_for_says_so(tmp_path: Path) -> None:
    code, out, err = run("demo", str(tmp_path / "ws"), "--as-of", "9999-12-31")
    assert (code, out) == (2, "")
    assert "the demo can be built as of 1901-01-01 to 9998-12-31, not 9999-12-31" in err
    assert "Traceback" not in err
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("day", ["2026-11-23", "2026-12-09", "2027-03-10", "2028-02-29"])
def test_readme_dry_run_example_names_the_status_cell(tmp_path: Path, day: str) -> None:
    """The README's `sync --dry-run` line shows a status change in the column the
    template's Status is in: it showed `OKRs!S5`, the Expected column, whose values are
    fractions. The demo built as of a day is synced as of that day, as `make run` does (a
    dry run as of today on a demo dated 2026-11-23 judged its pace weeks on)."""
    shown = re.search(r"`OKRs!([A-Z]+)\d+: 'On track' -> 'At risk'`", README)
    assert shown is not None
    cfg = tmp_path / "ws" / "sheets-sync.yaml"
    assert run("demo", str(cfg.parent), "--as-of", day)[0] == 0
    code, out, err = run(
        "sync", "--config", str(cfg), "--dry-run", "--team", "Sales", "--as-of", day
    )
    assert code == 0, out + err
    statuses = re.findall(r"^  OKRs!([A-Z]+)\d+: \(empty\) -> 'On track'$", out, flags=re.M)
    assert statuses
    assert set(statuses) == {shown[1]}
