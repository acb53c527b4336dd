"""`sheets-sync emulator` / `python -m sheets_sync.emulator`: serve the emulator in the
foreground until interrupted."""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import NoReturn

import click

from sheets_sync.cli_support import EXIT_USAGE  # as `sheets-sync`: usage or configuration


@click.command("emulator", context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--port",
    default=8085,
    show_default=True,
    type=click.IntRange(0, 65535),  # beyond it, bind() raised a traceback
    help="Port on 127.0.0.1 (0 = any free).",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON file to load state from and save it to after each change.",
)
@click.option(
    "--fail-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Fraction of API calls failing with 429/500/503.",
)
@click.option(
    "--rate-limit",
    default=None,
    type=click.IntRange(min=0),
    help="Read requests, and apart from them write requests, allowed per sliding minute "
    "(Google's two quotas); 429 beyond.",
)
@click.option(
    "--latency-ms",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),  # a negative one failed every request (time.sleep)
    help="Fixed delay added to every API call.",
)
@click.option("--no-auth", is_flag=True, help="Accept requests without a bearer token.")
@click.option("--verbose", is_flag=True, help="Log every request to stderr.")
def emulator_command(
    port: int,
    state_file: Path | None,
    fail_rate: float,
    rate_limit: int | None,
    latency_ms: int,
    no_auth: bool,
    verbose: bool,
) -> None:
    """Run a local Google Sheets API v4 emulator (plus OAuth token and Drive v3 basics).

    \b
    Example: sheets-sync emulator --port 8085 --state emu.json
    then:    GOOGLE_SHEETS_EMULATOR_HOST=127.0.0.1:8085 sheets-sync sync
    """
    from sheets_sync.emulator.faults import Faults  # loaded here: see the package docstring
    from sheets_sync.emulator.server import Emulator
    from sheets_sync.emulator.state import StateFileError

    faults = Faults(fail_rate=fail_rate, rate_limit_per_minute=rate_limit, latency_ms=latency_ms)
    try:
        emu = Emulator(
            port, state_file=state_file, require_auth=not no_auth, verbose=verbose, faults=faults
        )
    except StateFileError as exc:  # left as it is, so it can be looked at or restored
        _refuse(str(exc))
    except OSError as exc:  # binding: was a traceback, or "Address already in use" (exit 1)
        if exc.errno == errno.EADDRINUSE:
            _refuse(
                f"port {port} on 127.0.0.1 is in use (an emulator already running?); "
                "pick another --port, or --port 0 for any free one"
            )
        why = exc.strerror or str(exc)  # EACCES: a port below 1024 needs root
        _refuse(f"cannot listen on port {port} of 127.0.0.1 ({why}); pick another --port")
    click.echo(
        f"Sheets API emulator on http://{emu.host}  (export GOOGLE_SHEETS_EMULATOR_HOST={emu.host})"
    )
    try:
        emu.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()


def _refuse(message: str) -> NoReturn:
    """End the command with one ``error:`` line and exit 2, nothing served."""
    from sheets_sync.errors import ConfigError

    if click.get_current_context().parent is not None:  # `sheets-sync emulator`: its
        raise ConfigError(message) from None  # errors' one form (``SyncGroup``), JSON too
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)
