"""The CLI's plumbing, apart from its commands (``cli.py``): the one place errors become
messages and exit codes (``SyncGroup``), logging, and the consoles every command prints
through, so ``--log-format json`` turns each line a command prints into a JSON record."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import signal
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

import click

from sheets_sync.domain.values import CellValueError, no_such_day, not_before_first_date
from sheets_sync.errors import ConfigError, Interrupted, SheetsSyncError
from sheets_sync.loggers import get_logger
from sheets_sync.sync import stops

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
#: the signals that stop a command cleanly; after its cleanup and its line the process
#: dies by the same signal, so a shell stops its script (Ctrl-C), systemd counts a stop
#: as clean, and ``$?`` is 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP). No SIGHUP on Windows.
STOP_SIGNALS = tuple(
    s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None
)
log = get_logger("sheets_sync")

#: ``ctx.meta`` key: the JSON document of a command whose output is one (``validate
#: --json``); an error is printed in it, so a script reading stdout gets JSON either way.
ERROR_DOCUMENT = "sheets_sync.error_document"
#: the stop signal that ended the command, for ``cli.main`` to die by once click unwound
STOPPED_BY: list[int] = []


class SyncGroup(click.Group):
    """Maps every SheetsSyncError to its message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SheetsSyncError as exc:
            problems = exc.problems if isinstance(exc, ConfigError) else []
            where = {"source": exc.source, "tab": exc.tab, "cell": exc.cell}
            _error(ctx, exc.message, str(exc), problems=problems, location=where)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:  # ``Interrupted``, or a Ctrl-C before main()'s handler
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
            done = f": {exc.done}" if isinstance(exc, Interrupted) and exc.done else ""
            text = f"interrupted by {signal.Signals(signum).name}{done}"
            _error(ctx, text, text)
            STOPPED_BY.append(signum)
            sys.exit(128 + signum)
        except OSError as exc:  # the machine's, not the input's: a full disk, a lost mount
            log.debug("stopped by an OS error", exc_info=True)
            reason = exc.strerror or str(exc)
            path = f"{exc.filename}: " if exc.filename else ""
            _error(ctx, reason, f"{path}{reason}", location={"source": exc.filename})
            sys.exit(EXIT_FAILED)
        except click.ClickException as exc:  # a usage error: click prints those itself
            exc = _global_option_hint(self, exc)
            if ctx.meta.get(ERROR_DOCUMENT) is None and ctx.params.get("log_format") != "json":
                raise exc from None  # as ever: the usage line, then "Error: ..."
            text = exc.format_message()
            _error(ctx, text, text)
            sys.exit(exc.exit_code)


def _global_option_hint(group: click.Group, exc: click.ClickException) -> click.ClickException:
    """``sheets-sync sync -q`` (as a crontab line is often written) said only "No such
    option '-q'": say where the group's own options go."""
    if not isinstance(exc, click.NoSuchOption) or exc.ctx is None:
        return exc
    own = ("verbose", "quiet", "log_format")
    param = next((p for p in group.params if p.name in own and exc.option_name in p.opts), None)
    if param is None:
        return exc
    typed = exc.option_name
    if isinstance(param.type, click.Choice):  # --log-format json, as it would be typed
        typed += f" {param.type.choices[-1]}"
    words, sub = [], exc.ctx
    while sub.parent is not None:
        words.append(sub.info_name or "")
        sub = sub.parent
    command = " ".join(reversed(words))
    hint = (
        f"No such option {exc.option_name!r} for `{command}`: -v, -q and --log-format go "
        f"before the command, e.g. sheets-sync {typed} {command}"
    )
    return click.NoSuchOption(exc.option_name, hint, ctx=exc.ctx)


class DocumentCommand(click.Command):
    """A command whose output is a JSON document when ``--json`` is given: the document
    is chosen before the options are parsed, so an option click refuses (``validate
    --json --bogus``) is an error in the document too, not click's usage text."""

    def __init__(self, *args: Any, document: dict[str, object], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document = document

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = args[: args.index("--")] if "--" in args else args
        if "--json" in options:
            ctx.meta[ERROR_DOCUMENT] = dict(self.document)
        return super().parse_args(ctx, args)


def _error(ctx: click.Context, message: str, text: str, **details: Any) -> None:
    """In the form the command's output takes: its JSON document, or the log's format."""
    from sheets_sync.console import print_error

    form = str(ctx.params.get("log_format", "text"))
    print_error(ctx.meta.get(ERROR_DOCUMENT), form, message, text, **details)


def setup_logging(verbose: int, quiet: int, log_format: str) -> None:
    level = logging.WARNING + 10 * (quiet - verbose)
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        from sheets_sync.logs import JsonFormatter

        handler.setFormatter(JsonFormatter())
    else:
        from sheets_sync.logs import PlainFormatter

        handler.setFormatter(PlainFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("sheets_sync")
    root.handlers[:] = [handler]
    root.setLevel(max(logging.DEBUG, min(logging.CRITICAL, level)))


class LosableStream:
    """``sys.stdout`` or ``sys.stderr`` for a console that may go away: the reader of a
    pipe exits (``| head -1``, a ``tee`` that died) and every later write fails with
    EPIPE. The first such write points the stream's descriptor at ``/dev/null`` (Python's
    recipe for EPIPE), so the command finishes its work and exits with the code the work
    earned, with no traceback and no "Exception ignored ... BrokenPipeError" at exit;
    raised out of the write instead, it stopped the command wherever it printed."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._lose()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._lose()

    def _lose(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        finally:
            os.close(devnull)
        with contextlib.suppress(OSError):  # what the failed write left goes to /dev/null
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, buffer...
        return getattr(self._stream, name)


def survive_lost_console() -> None:
    """Install ``LosableStream`` for stdout and stderr (``cli.main``): the one place a
    closed pipe is handled, for every command and every way of printing (click, rich,
    logging)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, LosableStream):
            setattr(sys, name, LosableStream(stream))


def _interrupt(signum: int, _frame: object) -> None:
    if stops.note(signum):  # raised again at the run's next check if this one is lost
        raise Interrupted(signum)


def keep_stops_lost_in_finalizers() -> Callable[[sys.UnraisableHookArgs], Any]:
    """While the command runs (``cli.main``), a stop's ``Interrupted`` that CPython drops
    because it was raised in a finalizer (a ``__del__``, a weakref callback, a
    ``multiprocessing`` ``Finalize``) is not printed: it was "Exception ignored in: ...
    Traceback ... Interrupted: 15" in the user's cron log, though the run raises that
    stop again at its next check (``stops``). Anything else, and an ``Interrupted`` not
    noted (which no check would raise), goes to the hook before, as ever. Returns that
    hook, for ``cli.main`` to put back: a library caller's own stays theirs. A stop
    dropped after the run's last check, or in a command that makes none (``rollup``),
    is ``stops.dropped_unraised`` once the command is done: ``cli.main`` dies by it (so
    the stop is not lost unseen, now that no traceback says it came)."""
    before = sys.unraisablehook
    stops.arrived()  # an earlier command's stop (a library's second ``cli.main``) is not this one's

    def hook(unraisable: sys.UnraisableHookArgs) -> Any:
        exc = unraisable.exc_value
        if isinstance(exc, Interrupted) and stops.noted(exc.signum):
            stops.dropped(exc.signum)  # first: a second stop may cut the rest short
            try:
                name = signal.Signals(exc.signum).name
                log.debug("a stop (%s) landed in a finalizer; %s", name, _STOPPING)
            except KeyboardInterrupt as second:  # Ctrl-C after systemctl's SIGTERM
                _dropped_too(second)
            return None
        return before(unraisable)

    sys.unraisablehook = hook
    return before


#: where a dropped stop ends the command: one that makes no check (``config check``,
#: ``rollup``) dies by it once done; "at the next check" alone was untrue there
_STOPPING = "stopping at the next check, or as the command ends"


def _dropped_too(second: KeyboardInterrupt) -> None:
    """A second stop raised in the hook as it logs the first: raised out of it, it was
    "Exception ignored in sys.unraisablehook" and a traceback on stderr, and the first
    was lost with it (the command exited 0, until 2026-12-06, review). Its handler
    noted it; it is dropped too, for the run's next check or ``cli.main``."""
    signum = second.signum if isinstance(second, Interrupted) else signal.SIGINT
    if not stops.noted(signum):  # a bare KeyboardInterrupt: no handler of ours noted it
        stops.note(signum)
    stops.dropped(signum)


def die_by_signal(signum: int) -> None:
    """End the process by ``signum`` itself, not by exit 128+N: a shell running
    ``sheets-sync sync; next`` stops at a Ctrl-C only if the child died by it, and systemd
    counts a SIGTERM death on ``systemctl stop`` as clean (exit 143 marked the unit
    failed and fired ``OnFailure=``). Every line was flushed as it was printed."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)  # not reached where the signal kills; a fallback elsewhere


def _die_now(signum: int, _frame: object) -> None:
    die_by_signal(signum)


def _ours(signum: int) -> bool:
    """A signal ignored when the process started (``nohup``, a background job of a
    non-interactive shell) stays ignored: it was a stop until 2026-12-05."""
    return signal.getsignal(signum) is not signal.SIG_IGN


def stop_at_once_from_now() -> None:
    """The command has finished (``cli.main``, as it exits): a stop signal now has no
    work to stop cleanly, and raised from an exit handler or the interpreter's shutdown
    it was a traceback ("Exception ignored in atexit callback") or a silent 130. The
    process dies by it at once."""
    for signum in STOP_SIGNALS:
        if _ours(signum):
            signal.signal(signum, _die_now)


def stop_handlers() -> dict[int, Any]:
    """Each stop signal's handler before ``cli.main`` puts in its own, for ``hand_back``.
    One put in from C (``None``, not Python's) cannot be put back, and is left out."""
    return {s: h for s in STOP_SIGNALS if (h := signal.getsignal(s)) is not None}


def hand_back(handlers: dict[int, Any]) -> None:
    """The handlers ``stop_handlers`` found put back as ``cli.main`` is left, however: a
    program that runs the command in its own process (a script, Airflow's
    PythonOperator, a test) keeps its own after it. Until 2026-12-08 the command's
    stop-at-once ones stayed, and a Ctrl-C long after the command ended that program at
    once, no ``KeyboardInterrupt`` for it to catch. Its exit is its own too: no exit
    handler of ours takes its handlers over as its own cleanup runs (one did on
    2026-12-08). The ``sheets-sync`` command's process keeps the stop-at-once ones
    (``cli.entry``)."""
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


def stop_on_signals() -> None:
    """Each of ``STOP_SIGNALS`` raises ``Interrupted`` in the main thread (``cli.main``):
    SIGTERM and SIGHUP killed the process where it stood, leaving the prepared rollup's
    temp file and the run's scratch folder behind; Ctrl-C printed click's bare
    "Aborted!" and exit 1. Unwinding runs every cleanup (temp files, the spill folder,
    the lock) and ``SyncGroup`` says, in one line, what happened. Worker processes stop
    after the team in hand (``sync/parallel.py``)."""
    for signum in STOP_SIGNALS:
        if _ours(signum):
            signal.signal(signum, _interrupt)


# --- what every command shares: options, dates, printing --------------------------


def log_format() -> str:
    return str(click.get_current_context().find_root().params.get("log_format", "text"))


def quiet_level() -> int:
    """``-q`` counted (``-v`` takes one back): 1 drops the lines of what went well and keeps
    problems and the summary; 2 drops the summary too unless something failed."""
    params = click.get_current_context().find_root().params
    return max(0, int(params.get("quiet", 0)) - int(params.get("verbose", 0)))


def say(*lines: str, err: bool = False, level: int = logging.INFO) -> None:
    """Lines a command prints, each made ``one_line`` (a name or error from a file never
    adds a line): as they are, or one JSON log record a line under ``--log-format json``,
    so a shipper parsing the output gets nothing but records."""
    from sheets_sync.logs import line_records, one_line

    text = "\n".join(map(one_line, lines))
    if log_format() != "json":
        click.echo(text, err=err)
    elif text:
        click.echo(line_records(text, level), err=err)


def command_console() -> Console:
    """Where the console helpers print: plain, or JSON records (``output_console``)."""
    from sheets_sync.console import output_console

    return output_console(log_format())


#: ``--as-of``'s one shape, the workspace file's (``yamlio.DATE_WANTED``)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def as_of_date(value: dt.date | None) -> dt.date:
    """``--as-of``'s date (today without it), as ``AsOfDate`` gave it."""
    return dt.date.today() if value is None else value


if TYPE_CHECKING:  # generic from click 8.2 (mypy sees the installed one); not in 8.1
    _DateParam = click.ParamType[dt.date]
else:
    _DateParam = click.ParamType


class AsOfDate(_DateParam):
    """``--as-of``: a date written YYYY-MM-DD, parsed by click before the command runs, so a
    bad one is its usage error (exit 2) whatever else is wrong (until 2026-12-07 a string
    each command parsed once its workspace had loaded). One before 1900-03-01 (a typo) is
    refused as a team's date cell is: the rollup's As of went into the workbook as a
    negative day number, Excel's ``####``."""

    name = "date"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.datetime):  # a default, or a caller's: its day (a datetime
            value = value.date()  # went through as one until 2026-12-07), checked as text is
        if isinstance(value, dt.date):  # (one before 1900-03-01 went through)
            return self._checked(value, param, ctx)
        text = str(value)
        try:  # YYYY-MM-DD only, as the workspace file's dates: ``fromisoformat`` alone took
            # ``20261123`` and ``2026-W48-1`` (until 2026-12-07), which the message and the
            # file refuse
            if not _ISO_DAY.fullmatch(text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            why = no_such_day(text)  # 2026-02-29: the shape is right, the day is not
            msg = f"{text!r} {why}" if why else f"{text!r} is not a date like 2026-11-23"
            raise click.BadParameter(msg, ctx, param, param_hint="--as-of") from None
        return self._checked(day, param, ctx)

    @staticmethod
    def _checked(day: dt.date, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        try:
            return not_before_first_date(day)
        except CellValueError as exc:
            raise click.BadParameter(str(exc), ctx, param, param_hint="--as-of") from None


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Workspace file (default: $SHEETS_SYNC_CONFIG or ./sheets-sync.yaml).",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    type=AsOfDate(),
    metavar="YYYY-MM-DD",
    default=None,
    help="Judge pace and staleness on this date (default: today).",
)
