"""``sheets-sync demo --google``: the six-team demo on Google Sheets, without an account.

The demo's sheets are created in an in-process Sheets API emulator on 127.0.0.1; the sync
then runs the real Google path (gspread, google-auth with a generated service-account key,
our retry and rate-limit layers) against it, exactly as it would against Google. When the
demo ends the emulator stops and its spreadsheets are saved to ``emulator-state.json``,
from which ``sheets-sync emulator --state`` serves them again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheets_sync.backends.gsheets.clients import use_emulator
from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.config import DEFAULT_CONFIG, load_workspace
from sheets_sync.domain.celltext import one_line, shell_word
from sheets_sync.emulator import Emulator, run_emulator
from sheets_sync.errors import ConfigError
from sheets_sync.sync.engine import SyncOptions, SyncResult
from sheets_sync.sync.run import run_sync
from sheets_sync.workspace.demo import demo_teams as all_demo_teams
from sheets_sync.workspace.demo import layout_tabs
from sheets_sync.workspace.demo_data import (
    COMPANY,
    COMPANY_OBJECTIVES,
    DESIGN_DAY,
    Formula,
    demo_period,
    moved_team,
)
from sheets_sync.workspace.init import ensure_gitignore, render_config

STATE_FILE = "emulator-state.json"
CREDENTIALS_FILE = "service-account.json"
SERVE_PORT = 8085  # the port the printed follow-up commands use (`sheets-sync emulator`)


@dataclass(frozen=True)
class GoogleDemo:
    """What ``run_google_demo`` did: the workspace it wrote and the sync it ran."""

    config: Path
    state_file: Path
    result: SyncResult
    team_keys: dict[str, str]  # team name -> spreadsheet key in the emulator
    rollup_key: str
    requests: dict[str, int] = field(default_factory=dict)  # emulator endpoint -> count

    def next_steps(self) -> str:
        """How to look at the saved spreadsheets again, for the person who ran the demo."""
        state = shell_word(str(self.state_file))  # a line break as $'...\n...'
        config = shell_word(str(self.config))
        return (
            f"The emulator has stopped; its spreadsheets are saved in "
            f"{one_line(str(self.state_file))}.\n"
            "To serve them again and sync against them:\n"
            f"  sheets-sync emulator --port {SERVE_PORT} --state {state} &\n"
            f"  GOOGLE_SHEETS_EMULATOR_HOST=127.0.0.1:{SERVE_PORT} "
            f"sheets-sync sync --config {config}\n"
            f"{CREDENTIALS_FILE} is a throwaway key that only the emulator accepts; "
            "for real Google Sheets see docs/google-sheets.md."
        )


def _cell(value: Any) -> Any:
    """What a person would have typed into Google Sheets for a demo cell."""
    if isinstance(value, Formula):
        return value.value  # the emulator evaluates only simple formulas
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check_empty(directory: Path) -> None:
    """Refuse before anything is started or written: a second demo into one folder would
    mix two sets of spreadsheets in one emulator state."""
    for name in (DEFAULT_CONFIG, STATE_FILE):
        if (directory / name).exists():
            raise ConfigError(
                f"{directory / name} already exists; choose an empty folder for the demo"
            )


def _write_private(path: Path, text: str) -> None:
    """A key file readable by its owner only (even a throwaway key)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def seed_demo(
    emu: Emulator, directory: Path, as_of: dt.date = DESIGN_DAY
) -> tuple[Path, dict[str, str], str]:
    """Create every demo team's spreadsheet and the rollup spreadsheet in the emulator and
    write the workspace, dated for ``as_of`` as the Excel demo is (``create_demo``);
    returns (config path, team -> key, rollup key)."""
    period = demo_period(as_of)
    _check_empty(directory)
    directory.mkdir(parents=True, exist_ok=True)
    info = fake_service_account_info(emu.host)
    _write_private(directory / CREDENTIALS_FILE, json.dumps(info))
    keys: dict[str, str] = {}
    entries = []
    for team in (moved_team(t, as_of) for t in all_demo_teams()):
        sheets = {
            tab.name: [[_cell(v) for v in row] for row in tab.rows]
            for tab in layout_tabs(team, period)
        }
        keys[team.name] = emu.create_spreadsheet(f"{team.name} goals", sheets)
        entries.append((team.name, f"gsheet:{keys[team.name]}", team.mapping))
    rollup_key = emu.create_spreadsheet(f"{COMPANY} rollup", {"Summary": []})
    text = render_config(COMPANY, period, entries, COMPANY_OBJECTIVES)
    rollup = f'output: "gsheet:{rollup_key}"'
    if "output: company.xlsx" not in text:  # pragma: no cover - render_config changed
        raise RuntimeError("demo: the rendered workspace has no rollup output to replace")
    text = text.replace("output: company.xlsx", rollup)
    text += f"\ngoogle:\n  credentials: {CREDENTIALS_FILE}\n"
    config = directory / DEFAULT_CONFIG
    config.write_text(text, encoding="utf-8")
    ensure_gitignore(directory)
    return config, keys, rollup_key


def run_google_demo(directory: Path, as_of: dt.date) -> GoogleDemo:
    """Seed the demo in a fresh emulator, sync it (write-back and rollup), stop the
    emulator and save its state next to the workspace. The demo is dated for ``as_of``
    (``create_demo``), so this sync shows its designed state."""
    demo_period(as_of)  # an as-of day the demo cannot be built for stops before the emulator
    _check_empty(directory)
    directory.mkdir(parents=True, exist_ok=True)
    state = directory / STATE_FILE
    with run_emulator(state_file=state) as emu, use_emulator(emu.host):
        config, keys, rollup_key = seed_demo(emu, directory, as_of)
        result = run_sync(load_workspace(config), SyncOptions(as_of=as_of))
        requests = dict(sorted(emu.log.counts.items()))
    return GoogleDemo(config, state, result, keys, rollup_key, requests)
