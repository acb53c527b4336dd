"""Numbers on another scale than meant (a fraction typed as a percentage, a percentage as
a whole number): the line a user sees for each, and the exit code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from sheets_sync.cli import cli
from tests.conftest import CONFIG, write_team


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_kpi_tolerance_typed_as_a_percentage_stops_the_night(tmp_path: Path) -> None:
    write_team(tmp_path / "teams" / "sales.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG + "scoring: {kpi_tolerance: 10}\n", encoding="utf-8")
    for command in (["config", "check"], ["sync", "--dry-run"]):
        code, out, err = run(*command, "--config", str(cfg))
        assert (code, out) == (2, "")
        assert err == (
            "error: sheets-sync.yaml: invalid configuration\n"
            "  sheets-sync.yaml: line 7: scoring.kpi_tolerance: 10 is above 1: a tolerance is a "
            "fraction of a KPI's target (0.1 is 10%), and above 1 the amber band of a "
            "higher-is-better KPI reaches below 0; type 0.1 for 10%\n"
        )


def _workspace(tmp_path: Path, okr_rows: list[list[object]], kpi_rows: list[list[object]]) -> Path:
    write_team(tmp_path / "teams" / "sales.xlsx", okr_rows, kpi_rows)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    return cfg


OKR = ["O1", "Grow", "committed", "CO-1", "KR1", "Pipeline", "Ann", "number", 0, 100, 50]
AS_OF = dt.date(2026, 11, 20)


def test_an_amber_threshold_typed_as_a_percentage_is_a_warning_on_its_cell(
    tmp_path: Path,
) -> None:
    deals = ["KPI-1", "Deals", "Ann", "lagging", "monthly", "deals", "higher", 100, None, None,
             "10%", 50, 40, AS_OF]  # fmt: skip
    cfg = _workspace(tmp_path, [OKR, [*OKR[:4], "KR2", "NPS", "Bo", "number", 0, 10, 5]], [deals])
    code, out, _ = run("validate", "--config", str(cfg), "--as-of", "2026-11-23")
    assert (code, out) == (
        0,
        "Sales: warning: sales.xlsx!KPIs!K2: Amber threshold 10% (stored 0.1) is a "
        "percentage, but KPI KPI-1 is counted in 'deals', so its amber band ends at 0.1; type "
        "the worst value still Amber (90 for 10% below the target 100), or leave it blank "
        "for the workspace's kpi_tolerance\n"
        "1 team: 0 errors, 1 warning\n",
    )


def test_a_key_result_fed_from_a_kpi_on_another_scale_is_a_warning_on_its_link(
    tmp_path: Path,
) -> None:
    """Marketing's KPI is a percentage, Sales' key result counts 30 to 45: it scored 0
    from 4.2% (0.042) without a word until 2026-12-06."""
    rate: list[object] = ["KPI-1", "Signup rate", "Mo", "leading", "monthly", "%", "higher",
                          "5%", None, None, None, "4.2%", "4%", AS_OF]  # fmt: skip
    write_team(tmp_path / "teams" / "marketing.xlsx", [OKR, [*OKR[:4], "KR2", *OKR[5:]]], [rate])
    fed = [*OKR[:4], "KR2", "Signups", "Bo", "number", 30, 45, None, None, 1, 7, None,
           "Marketing/KPI-1"]  # fmt: skip
    cfg = _workspace(tmp_path, [OKR, fed], [])
    with cfg.open("a", encoding="utf-8") as file:
        file.write("  - {name: Marketing, source: teams/marketing.xlsx}\n")
    code, out, _ = run("validate", "--config", str(cfg), "--team", "Sales", "--as-of", "2026-11-23")
    assert (code, out) == (
        0,
        "Sales: warning: sales.xlsx!OKRs!P3: current value comes from KPI Marketing/KPI-1, "
        "whose actual is 4.2% (stored 0.042), but key result KR2 runs from 30 to 45; it is "
        "scored as 0.042 against them: type its Start and Target as percentages (30%, 45%) "
        "if they are, or link a KPI on the key result's scale\n"
        "1 team: 0 errors, 1 warning\n",
    )


def test_a_share_beside_a_whole_percentage_weight_is_a_warning(tmp_path: Path) -> None:
    rows = [[*OKR, None, 0.4], [*OKR[:4], "KR2", "NPS", "Bo", "number", 0, 10, 5, None, 60]]
    cfg = _workspace(tmp_path, rows, [])
    code, out, _ = run("validate", "--config", str(cfg), "--as-of", "2026-11-23")
    assert (code, out) == (
        0,
        "Sales: warning: sales.xlsx!OKRs!M3: weight 60 is a whole number, but key result KR1 "
        "of objective O1 has weight 0.4 (a share of 1: 40%); type every weight of O1 as "
        "shares or as percentages\n"
        "1 team: 0 errors, 1 warning\n",
    )
