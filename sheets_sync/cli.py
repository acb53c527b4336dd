"""The command line: a thin layer over the library, one command per library call.

Errors are mapped to messages and exit codes in one place (``cli_support.SyncGroup``):
0 ok, 1 some teams failed (or validation found errors), 2 usage or configuration error,
3 another run holds the workspace lock. Bad input never shows a traceback, and neither
does the machine failing under a run (a full disk: exit 1 with the file and the reason).
stdout carries a command's result, stderr the rest (README, "Output streams").

This module is the root group and the process's entry point (``main``); the commands are
in modules by what they do: ``cli_check`` (read, write nothing), ``cli_night`` (the
night: sync, rollup, export), ``cli_setup`` (files to start from: template, init, demo).
"""

from __future__ import annotations

import sys

import click

from sheets_sync import __version__
from sheets_sync.cli_check import config, validate
from sheets_sync.cli_night import export, rollup, sync
from sheets_sync.cli_setup import demo, init, template
from sheets_sync.cli_support import (
    STOPPED_BY,
    SyncGroup,
    die_by_signal,
    hand_back,
    keep_stops_lost_in_finalizers,
    setup_logging,
    stop_at_once_from_now,
    stop_handlers,
    stop_on_signals,
    survive_lost_console,
)
from sheets_sync.native_threads import for_this_process
from sheets_sync.sync.stops import dropped_unraised


@click.group(cls=SyncGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sheets-sync")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "-q",
    "--quiet",
    count=True,
    help="Less output: only problems and the summary line (-qq: nothing on a clean run).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="json: every line (log and output) one JSON object, for log shippers.",
)
def cli(verbose: int, quiet: int, log_format: str) -> None:
    """Keep OKRs and KPIs in the spreadsheets your teams already use.

    \b
    Quick start:
      sheets-sync demo demo-ws          # a realistic workspace with six teams
      sheets-sync sync --config demo-ws/sheets-sync.yaml
    """
    setup_logging(verbose, quiet, log_format)


for _command in (config, validate, sync, rollup, export, template, init, demo):
    cli.add_command(_command)


def _register_optional() -> None:
    try:
        from sheets_sync.emulator.cli import emulator_command
    except ImportError:  # pragma: no cover - emulator is part of the package
        return
    cli.add_command(emulator_command, "emulator")


_register_optional()


def main() -> None:
    """The command run by a program in its own process (a script, Airflow's
    PythonOperator, a test): the stop handlers it had are put back as this is left,
    however (a return, an exception, ``SystemExit``), and its exit stays its own."""
    before = stop_handlers()
    try:
        _run()
    finally:
        hand_back(before)


def entry() -> None:
    """The ``sheets-sync`` command's process (the console script, ``python -m
    sheets_sync``, the checkout's ``cli.py``): once the command is done, a stop signal
    ends it at once up to its last instant. Handed back as ``main`` does, Python's Ctrl-C
    handler was in as the interpreter shut down (joining threads, before any exit
    handler), and a Ctrl-C there was "Exception ignored ... KeyboardInterrupt" and exit 0
    (until 2026-12-08)."""
    _run()


def _run() -> None:
    for_this_process()  # the tool's own process: children inherit them too
    survive_lost_console()
    stop_on_signals()
    unraisable = keep_stops_lost_in_finalizers()
    unwinding: BaseException | None = None
    try:
        cli()
    except BaseException as exc:
        unwinding = exc
        raise
    finally:
        stop_at_once_from_now()
        sys.unraisablehook = unraisable
        if STOPPED_BY:  # said and cleaned up: now die by it, as the shell expects
            die_by_signal(STOPPED_BY[-1])
        if (lost := dropped_unraised()) is not None:  # the work was done: die by it now
            _say_unwinding(unwinding)
            die_by_signal(lost)


def _say_unwinding(exc: BaseException | None) -> None:
    """An error ``SyncGroup`` has no line for (a bug: ``RuntimeError``, a corrupt
    ``sqlite3`` file), said as Python would before the process dies by a stop kept as it
    unwound (``undo.undo_night``): dying first, it was never said (2026-12-08,
    review), though the line before says "stopping once the error is said"."""
    if exc is not None and not isinstance(exc, (SystemExit, KeyboardInterrupt)):
        sys.excepthook(type(exc), exc, exc.__traceback__)
