# Run sheets-sync from a checkout: .venv/bin/python cli.py --help (after `make run`)
from __future__ import annotations

import importlib.util
import shlex
import sys
from pathlib import Path

# What pyproject.toml's dependencies are imported as (a test keeps the two alike). Checked
# before anything runs: commands import them as they run, so a Python without them would
# fail mid-command with a traceback, and catching that would hide a real import bug too.
DEPENDENCIES = (
    "click",
    "defusedxml",
    "google.auth",
    "gspread",
    "isal",
    "lxml",
    "openpyxl",
    "pandas",
    "pyarrow",
    "pydantic",
    "python_calamine",
    "requests",
    "rich",
    "xlsxwriter",
    "yaml",
)


def missing_dependency() -> str | None:
    """The first dependency this Python cannot import, or None."""
    for name in DEPENDENCIES:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except ModuleNotFoundError:  # google.auth without google
            return name
    return None


if __name__ == "__main__":
    if (missing := missing_dependency()) is not None:
        here = Path(__file__).resolve().parent
        print(
            f"error: this Python cannot import {missing} ({sys.executable}); run "
            f"`make -C {shlex.quote(str(here))} .venv/.installed` once, then "
            f"`{shlex.quote(str(here / '.venv/bin/python'))} {shlex.quote(str(here / 'cli.py'))}"
            f" ...` or `{shlex.quote(str(here / '.venv/bin/sheets-sync'))} ...`",
            file=sys.stderr,
        )
        sys.exit(2)
    from sheets_sync.cli import entry  # what the sheets-sync command runs: signals and all

    entry()
