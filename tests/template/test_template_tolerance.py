"""The template's help quotes the workspace's KPI tolerance: a blank Amber threshold is
``scoring.kpi_tolerance`` of the target, and the Read me's Amber threshold row said 10%
whatever it was set to (the column has no prompt: only columns with options get one)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from sheets_sync.backends.gsheets.template import readme_requests
from sheets_sync.cli import cli
from sheets_sync.config import load_workspace
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.errors import ConfigError
from sheets_sync.template.spec import TEMPLATE, template_for
from sheets_sync.template.xlsx import write_template
from sheets_sync.workspace.demo import create_demo

#: a range KPI's blank amber band is the tolerance of the range's width (domain/kpi.py),
#: which "of the target" alone got wrong (until 2026-12-06)
FIVE = "Blank = 5% of the target (a range KPI: of the range's width)."
TEN = "Blank = 10% of the target (a range KPI: of the range's width)."


def _amber_texts(path: Path) -> list[str]:
    """The Read me's Amber threshold row."""
    book = openpyxl.load_workbook(path)
    return [
        str(b) for a, b in book["Read me"].iter_rows(values_only=True) if a == "Amber threshold"
    ]


def test_write_template_with_a_workspaces_rules(tmp_path: Path) -> None:
    write_template(tmp_path / "t.xlsx", rules=ScoringRules(kpi_tolerance=0.05))
    (text,) = _amber_texts(tmp_path / "t.xlsx")
    assert text.endswith(FIVE)


def test_the_default_rules_give_the_template_itself(tmp_path: Path) -> None:
    """Byte for byte: templates/team.xlsx and init's copies do not change."""
    assert template_for() is TEMPLATE and template_for(ScoringRules()) is TEMPLATE
    assert template_for(ScoringRules(green=0.8)) is TEMPLATE  # only the tolerance is quoted
    write_template(tmp_path / "a.xlsx")
    write_template(tmp_path / "b.xlsx", rules=ScoringRules())
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert _amber_texts(tmp_path / "a.xlsx")[0].endswith(TEN)


def test_the_template_command_quotes_the_workspaces_tolerance(
    tmp_path: Path, workspace: Path
) -> None:
    text = workspace.read_text(encoding="utf-8")
    assert "scoring" not in text
    workspace.write_text(text + "scoring: {kpi_tolerance: 0.05}\n", encoding="utf-8")
    out = tmp_path / "team.xlsx"
    result = CliRunner().invoke(cli, ["template", "--config", str(workspace), str(out)])
    assert result.exit_code == 0, result.output
    (said,) = _amber_texts(out)
    assert said.endswith(FIVE)
    tab = template_for(ScoringRules(kpi_tolerance=0.05)).kpis
    assert tab.column("amber_threshold").help.endswith(FIVE)


def test_without_a_workspace_the_template_says_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHEETS_SYNC_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["template", "team.xlsx"])
    assert result.exit_code == 0, result.output
    assert _amber_texts(tmp_path / "team.xlsx")[0].endswith(TEN)


def test_the_google_template_renders_the_rules_template() -> None:
    def readme(rules: ScoringRules | None) -> str:
        return repr(readme_requests(3, template_for(rules)))

    assert FIVE in readme(ScoringRules(kpi_tolerance=0.05)) and TEN not in readme(
        ScoringRules(kpi_tolerance=0.05)
    )
    assert readme(None) == repr(readme_requests(3))


PERIOD = "company: Acme\nperiod: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"


def _template_here(
    folder: Path, monkeypatch: pytest.MonkeyPatch, settings: str, *args: str
) -> tuple[Path, Result]:
    """``sheets-sync template [args] new/team.xlsx`` in ``folder``, whose ./sheets-sync.yaml
    holds ``settings`` (found implicitly, as most people run it)."""
    (folder / "sheets-sync.yaml").write_text(PERIOD + settings, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.delenv("SHEETS_SYNC_CONFIG", raising=False)
    (folder / "new").mkdir()
    result = CliRunner().invoke(cli, ["template", *args, "new/team.xlsx"])
    return folder / "new" / "team.xlsx", result


@pytest.mark.parametrize(
    "rest",
    [
        "teams_glob: new/*.xlsx\n",  # the first team file of a glob workspace: this one
        "teams: [{name: Sales, source: sales.xlsx}]\nrollup: {output: out/company.xlsx}\n",
        "teams: [{name: Sales, source: sales.xlsx}]\nrolup: {output: company.xlsx}\n",
    ],
    ids=["glob-matches-nothing-yet", "rollup-folder-not-made", "misspelt-key-elsewhere"],
)
def test_the_template_reads_only_the_scoring_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rest: str
) -> None:
    """Until 2026-12-06 the whole workspace had to load (exit 2): a glob workspace could
    not make its first team file with `template`. The rest of the file is not its business."""
    out, result = _template_here(tmp_path, monkeypatch, rest + "scoring: {kpi_tolerance: 0.05}\n")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert _amber_texts(out)[0].endswith(FIVE)


def test_a_bad_scoring_section_found_implicitly_is_a_note_and_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, result = _template_here(tmp_path, monkeypatch, "scoring: {kpi_tolerence: 0.05}\n")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "note: sheets-sync.yaml: line 3: scoring.kpi_tolerence: unknown key (did you mean "
        "'kpi_tolerance'? see docs/configuration.md); the template's help quotes the default "
        "KPI tolerance, 10%\n"
    )
    assert _amber_texts(out)[0].endswith(TEN)


def test_a_bad_scoring_section_named_by_config_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--config asks for that workspace's tolerance: the help must not quote another."""
    out, result = _template_here(
        tmp_path, monkeypatch, "scoring: {kpi_tolerance: 10}\n", "--config", "sheets-sync.yaml"
    )
    assert result.exit_code == 2
    assert "sheets-sync.yaml: line 3: scoring.kpi_tolerance: 10 is above 1" in result.stderr
    assert not out.exists()


def test_rules_that_are_no_scoring_rules_are_a_config_error(tmp_path: Path) -> None:
    """``rules=ws`` (the workspace, not its ``ws.rules``) was an AttributeError
    (``'Workspace' object has no attribute 'kpi_tolerance'``); nothing is written."""
    ws = load_workspace(create_demo(tmp_path / "ws", as_of=dt.date(2026, 11, 23)))
    for wrong, kind in ((ws, "Workspace"), ("strict", "str"), ({"kpi_tolerance": 0.05}, "dict")):
        with pytest.raises(ConfigError) as caught:
            write_template(tmp_path / "team.xlsx", rules=wrong)  # type: ignore[arg-type]
        assert str(caught.value) == f"rules: a ScoringRules (a workspace's ws.rules), not a {kind}"
    assert not (tmp_path / "team.xlsx").exists()
