"""What a person sees on the terminal: rich tables on a TTY, plain lines otherwise."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from sheets_sync.backends.excel.safety import ODS_ADVICE
from sheets_sync.domain.models import Finding
from sheets_sync.grid import quote_tab
from sheets_sync.logs import one_line
from sheets_sync.sync.outcome import (
    MAPPING_ERROR,
    Outcome,
    TeamRun,
    mapping_where,
    same_mapping_error,
)

if TYPE_CHECKING:  # the engine's imports are not needed to print
    from sheets_sync.sync.engine import SyncResult

OUTCOME_STYLE = {
    Outcome.OK: "green",
    Outcome.UNCHANGED: "green",  # says ok (``Outcome.status``)
    Outcome.CONFLICTED: "yellow",
    Outcome.SKIPPED_LOCKED: "yellow",
    Outcome.FAILED: "red",
}


#: a line of user text (team names, cell values, errors): printed as it is; as markup,
#: "[done]" vanished and a "[/b]" in a cell was a MarkupError, a traceback
_PLAIN: dict[str, Any] = {"markup": False, "highlight": False, "soft_wrap": True}


class PlainConsole(Console):
    """Prints each text it is given as ``one_line``: a cell value or team name never
    clears the terminal, writes its clipboard or adds a line of its own. Emoji codes are
    text: ``gsheet:abc:`` printed as ``gsheet🔤`` (rich's ``:abc:``) until 2026-12-06."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"emoji": False, **kwargs})

    def print(self, *objects: Any, **kwargs: Any) -> None:
        safe = [one_line(o) if isinstance(o, str) else o for o in objects]
        super().print(*safe, **kwargs)


class JsonLinesConsole(Console):
    """``--log-format json``: each line a command prints is a JSON log record on the
    stream it goes to (a shipper parsing the output dropped the plain ones), never a
    table. ``level``: the records' (``error`` for failures said on stderr); a line's own
    ``level`` (a failed team's in sync's report, on stdout) wins."""

    def __init__(self, *, stderr: bool = False, level: int = logging.INFO) -> None:
        super().__init__(stderr=stderr, force_terminal=False, highlight=False, soft_wrap=True)
        self.level = level

    @property
    def is_terminal(self) -> bool:
        return False

    def print(
        self,
        *objects: Any,
        sep: str = " ",
        markup: bool | None = None,
        level: int | None = None,
        **_: Any,
    ) -> None:
        from sheets_sync.logs import line_records

        text = one_line(sep.join(str(o) for o in objects))  # one record, as in the plain form
        if markup is not False:  # what the plain form shows: its markup rendered
            text = Text.from_markup(text, emoji=False).plain
        if text:
            self.file.write(line_records(text, level or self.level) + "\n")
        self.file.flush()


def output_console(log_format: str, *, stderr: bool = False, level: int = logging.INFO) -> Console:
    """Where a command prints: JSON records under ``--log-format json``, else plain."""
    if log_format == "json":
        return JsonLinesConsole(stderr=stderr, level=level)
    return PlainConsole(stderr=stderr, highlight=False, soft_wrap=True)


def _cell(text: str) -> str:
    """User text as a table cell: ``one_line``, its brackets not read as markup."""
    return escape(one_line(text))


def findings_table(runs: Sequence[TeamRun]) -> Table:
    table = Table(title="Findings", show_lines=False)
    for col in ("Team", "Severity", "Where", "Message"):
        table.add_column(col, overflow="fold")
    for run, error in zip(runs, shown_errors(runs), strict=True):
        if run.error and not run.scored:
            table.add_row(_cell(run.team), "[red]error[/]", _cell(run.source), _cell(error))
        for f in run.findings:
            colour = "red" if f.is_error else "yellow"
            table.add_row(
                _cell(run.team),
                f"[{colour}]{f.severity.value}[/]",
                _cell(f.location),
                _cell(f.message),
            )
    return table


def print_findings(console: Console, runs: Sequence[TeamRun]) -> None:
    if console.is_terminal:
        console.print(findings_table(runs))
        return
    whole = isinstance(console, JsonLinesConsole)
    for run, error in zip(runs, shown_errors(runs, whole), strict=True):
        if run.error and not run.scored:  # a team it could not read: what a shipper alerts on
            failed = f"{run.team}: error: {error}"
            if isinstance(console, JsonLinesConsole):
                console.print(failed, level=logging.ERROR, **_PLAIN)
            else:
                console.print(failed, **_PLAIN)
        for f in run.findings:
            console.print(f"{run.team}: {f.severity.value}: {f}", **_PLAIN)


def night_title(company: str, period: str, as_of: object) -> str:
    """``Acme · 2026-Q4 · as of 2026-11-23``: the title of a night's table."""
    return f"{company} · {period} · as of {as_of}"


def summary_table(
    result: SyncResult, *, dry_run: bool = False, runs: Sequence[TeamRun] | None = None
) -> Table:
    context = result.context
    title = night_title(context.company, context.period.name, context.as_of)
    return teams_table(title, result.runs if runs is None else runs, dry_run=dry_run)


def teams_table(title: str, runs: Sequence[TeamRun], *, dry_run: bool = False) -> Table:
    """A row per team: a night's summary table, or a stopped night's teams done."""
    table = Table(title=_cell(title))
    for col in (
        "Team",
        "Outcome",
        "Objectives",
        "Avg score",
        "Errors",
        "Warnings",
        "Cells that would change" if dry_run else "Cells changed",
        "Note",
    ):
        table.add_column(col, overflow="fold")
    for run, error in zip(runs, shown_errors(runs), strict=True):
        team = run.result  # unpacked once a row (``TeamRun.result``)
        scores = [o.score for o in team.objectives if o.score is not None] if team else []
        avg = f"{sum(scores) / len(scores):.2f}" if scores else "-"
        errors = [f for f in run.findings if f.is_error]
        table.add_row(
            _cell(run.team),
            f"[{OUTCOME_STYLE[run.outcome]}]{run.outcome.status}[/]",
            str(len(team.objectives)) if team else "-",
            avg,
            str(len(errors)),
            str(len(run.findings) - len(errors)),
            str(len(run.changes)) if _written(run) else f"0 ({len(run.changes)} not written)",
            _cell(error),
        )
    return table


def outcome_line(run: TeamRun, *, dry_run: bool = False, error: str | None = None) -> str:
    """``Sales: ok, 18 cells changed (1 error in the sheet)`` or ``Ops: failed: ops.xlsx: not
    an Excel workbook``; ``error``: the run's as ``shown_errors`` shows it. A team read from
    an .ods that the run does not fail says the warning that it is never written (``Sales:
    ok, 0 cells changed (1 warning in the sheet): sales.ods: an OpenDocument ...``)."""
    error = run.error if error is None else error
    if not error:
        error = next((str(f) for f in run.findings[:1] if f.message in ODS_ADVICE), "")
    if run.failed and not run.scored:
        return f"{run.team}: failed: {error}"
    verb = ("would change" if dry_run else "changed") if _written(run) else "not written"
    line = f"{run.team}: {run.outcome.status}, {counted(len(run.changes), 'cell')} {verb}"
    if run.recoloured and _written(run):  # a colour only: the file is written all the same
        line += f", {recoloured(run.recoloured, dry_run)}"
    found = finding_counts(run.findings)
    line += f" ({found} in the sheet)" if found else ""
    return f"{line}: {error}" if error else line


def recoloured(count: int, dry_run: bool) -> str:
    """``1 Status cell recoloured``: cells written for their colour alone (recoloured by
    hand), which the count of changed cells leaves out (no value changes)."""
    return f"{counted(count, 'Status cell')} {'would be recoloured' if dry_run else 'recoloured'}"


def failed_lines(runs: Sequence[TeamRun], whole: bool = False) -> list[str]:
    """``Ops: failed: ops.xlsx: not an Excel workbook``, a line per team that failed
    (``whole``: each error whole, for JSON records, ``shown_errors``)."""
    shown = shown_errors(runs, whole)
    return [f"{run.team}: failed: {shown[i]}" for i, run in enumerate(runs) if run.failed]


def shown_errors(runs: Sequence[TeamRun], whole: bool = False) -> list[str]:
    """Each run's error as printed (``""``: none). A mapping that did not load is told
    whole once, at the first team that uses it; each later one says so in a line:
    ``Ops: failed: sheets-sync.yaml: teams[1].mapping: the same mapping error as Sales
    (above)``, so a broken ``default_mapping`` under 200 teams is not 200 long lines.
    The run report keeps each team's whole error, and so does each JSON record (``whole``,
    ``--log-format json``): a shipper shows a record alone, with no "above" to point to
    (until 2026-12-06 a record said just "the same mapping error as Sales")."""
    first: dict[str, str] = {}  # a mapping's problems -> the first team with them
    shown = []
    for run in runs:
        text, detail = run.error or "", run.error_detail
        if whole:
            pass
        elif (
            detail is not None
            and detail.kind == MAPPING_ERROR
            and not run.scored
            and (parsed := mapping_where(detail.message))  # line 5: teams[1].mapping: ...
            and (same := same_mapping_error(first, run.team, *parsed))
        ):
            text = str(dataclasses.replace(detail, message=same))
        shown.append(text)
    return shown


def finding_counts(findings: Sequence[Finding]) -> str:
    """``1 error, 2 warnings``; empty without findings. A cron log shows what a terminal's
    table does: a team that synced can still have rows it could not score."""
    errors = sum(f.is_error for f in findings)
    counts = ((errors, "error"), (len(findings) - errors, "warning"))
    return ", ".join(counted(n, word) for n, word in counts if n)


def counted(n: int, noun: str) -> str:
    """``1 team``, ``2 teams``, ``0 cells``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _written(run: TeamRun) -> bool:
    """The run's changes are in the file, or would be after a dry run (conflicted, locked
    or failed: they are not; a dry run shows a file open in Excel as ``skipped-locked``)."""
    return run.outcome.written


def _writable(run: TeamRun) -> str:
    """When a dry run's refused team would be written: a workbook refused (``WorkbookError``:
    an .ods) once saved as Excel, a file open or read-only once it can be."""
    detail = run.error_detail
    if detail is None or detail.kind != "WorkbookError":
        return "it can be written"
    return f"saved as {'.xlsm' if run.source.lower().endswith('.xlsm') else '.xlsx'}"


def needs_a_look(run: TeamRun) -> bool:
    """A team ``-q`` still prints: anything but ok or unchanged (failed, or left alone for
    the next night: conflicted, open in Excel)."""
    return run.outcome not in (Outcome.OK, Outcome.UNCHANGED)


def validation_errors(runs: Sequence[TeamRun]) -> int:
    """``validate``'s errors: the error findings, and each team that could not be read."""
    return sum(sum(f.is_error for f in r.findings) + r.failed for r in runs)


def print_validation(console: Console, runs: Sequence[TeamRun], *, quiet: int = 0) -> None:
    """``validate``'s report: every finding, then ``6 teams: 2 errors, 2 warnings``
    (``-qq``: that line only when there are errors)."""
    print_findings(console, runs)
    errors = validation_errors(runs)
    warnings = sum(sum(not f.is_error for f in r.findings) for r in runs)
    if quiet < 2 or errors:
        console.print(
            f"{counted(len(runs), 'team')}: {counted(errors, 'error')}, "
            f"{counted(warnings, 'warning')}"
        )


def print_team_lines(
    console: Console,
    runs: Sequence[TeamRun],
    *,
    table: Callable[[Sequence[TeamRun]], Table],
    dry_run: bool = False,
    quiet: int = 0,
) -> None:
    """A line per team (the ``table`` of them on a terminal): every team, or with
    ``quiet`` only those that need a look. A night's and a stopped night's alike."""
    runs = [r for r in runs if needs_a_look(r)] if quiet else list(runs)
    if console.is_terminal:
        if runs or not quiet:
            console.print(table(runs))
    else:
        whole = isinstance(console, JsonLinesConsole)
        for run, error in zip(runs, shown_errors(runs, whole), strict=True):
            line = outcome_line(run, dry_run=dry_run, error=error)
            if run.failed and isinstance(console, JsonLinesConsole):  # what a shipper alerts on
                console.print(line, level=logging.ERROR, **_PLAIN)
            else:
                console.print(line, **_PLAIN)


#: the teams a stopped night's line names; the others are counted ("and 28 more")
NAMED_NOT_SYNCED = 10


def print_stopped(
    console: Console,
    title: str,
    runs: Sequence[TeamRun],
    not_synced: Sequence[str],
    *,
    dry_run: bool = False,
    quiet: int = 0,
) -> None:
    """A night stopped by a signal: the lines of the teams that finished, as a night
    prints them (``title``: its table's on a terminal), then the teams not synced,
    ``not synced (stopped): 28 teams: Ops, ... and 18 more``, at every ``quiet`` level
    (a stop is no clean night). The CLI's ``interrupted by ...`` line follows."""

    def table(shown: Sequence[TeamRun]) -> Table:
        return teams_table(f"{title} · stopped", shown, dry_run=dry_run)

    print_team_lines(console, runs, table=table, dry_run=dry_run, quiet=quiet)
    if not not_synced:
        return
    names = ", ".join(not_synced[:NAMED_NOT_SYNCED])
    more = len(not_synced) - NAMED_NOT_SYNCED
    names += f" and {more:,} more" if more > 0 else ""
    console.print(f"not synced (stopped): {counted(len(not_synced), 'team')}: {names}", **_PLAIN)


def print_summary(
    console: Console, result: SyncResult, *, dry_run: bool = False, quiet: int = 0
) -> None:
    """``dry_run``: nothing was written (``--dry-run``, or ``--no-write-back``), so the
    changes are what a sync would write. ``quiet`` (``-q``): only the teams that need a
    look, and the summary line; ``-qq``: the summary line too only when something failed
    or the notification was not delivered, so a clean night prints nothing (cron mails
    any output)."""
    print_team_lines(
        console,
        result.runs,
        dry_run=dry_run,
        quiet=quiet,
        table=lambda runs: summary_table(result, dry_run=dry_run, runs=runs),
    )
    if quiet > 1 and not result.failed and result.notify_error is None:
        return
    failed = sum(r.failed for r in result.runs)
    # left alone, open in Excel or LibreOffice (or read-only): each one's line said so,
    # the summary's count not (until 2026-12-06); said only when there is one
    locked = sum(r.outcome is Outcome.SKIPPED_LOCKED for r in result.runs)
    verb = "would change" if dry_run else "changed"
    cells = sum(len(r.changes) for r in result.runs if _written(r))
    left = f", {locked} {Outcome.SKIPPED_LOCKED.value}" if locked else ""
    painted = sum(r.recoloured for r in result.runs if _written(r))
    more = f", {recoloured(painted, dry_run)}" if painted else ""
    line = (
        f"{counted(len(result.runs), 'team')}, {failed} failed{left}, "
        f"{counted(cells, 'cell')} {verb}{more} in {result.seconds:.1f}s"
    )
    if result.rollup_error:
        line += f"; rollup failed: {result.rollup_error}"
    elif result.rollup_output:
        verb = "written to" if result.rollup_rewritten else "unchanged (same content) in"
        line += f"; rollup {verb} {result.rollup_output}"
    elif result.rollup_skipped:
        line += f"; rollup left as it was: {result.rollup_skipped}"
    found = finding_counts([f for r in result.runs for f in r.findings])
    if found:
        line += f"; {found} in team sheets (`sheets-sync validate` lists them)"
    if result.report_error:
        line += f"; {result.report_error}"
    if result.results_error:
        line += f"; {result.results_error}"
    if result.notify_error:
        line += f"; notification not delivered: {result.notify_error}"
    console.print(line, **_PLAIN)


def print_changes(console: Console, runs: Sequence[TeamRun]) -> None:
    """A dry run's cells, team by team: ``Sales (teams/sales.xlsx): 18 cells would
    change``; a team the night would leave alone (open in Excel, read-only) says ``... 18
    cells would change once it can be written``, as its line and the summary do not count
    them (until 2026-12-06 its header said ``would change`` and the summary ``0 cells``).
    Each cell is an A1 reference, its tab quoted as a formula quotes it (``'Q1 OKRs'!C3``;
    until 2026-12-07 ``Q1 OKRs!C3``). A team refused as a workbook (an .ods, never
    written) says ``once saved as .xlsx`` (``.xlsm`` under that name): until a review on
    2026-12-07 ``once it can be written``, which an .ods never can."""
    for run in runs:
        if not run.changes:
            continue
        cells = counted(len(run.changes), "cell")
        when = "" if _written(run) else f" once {_writable(run)}"
        console.print(f"{run.team} ({run.source}): {cells} would change{when}", **_PLAIN)
        for c in run.changes:
            at = f"{quote_tab(c.tab)}!{c.cell}"  # an A1 reference: 'Q1 OKRs'!C3
            console.print(f"  {at}: {c.shown_old()} -> {c.shown_new()}", **_PLAIN)


def print_error(
    document: Mapping[str, object] | None,
    log_format: str,
    message: str,
    text: str,
    *,
    problems: Sequence[str] = (),
    location: Mapping[str, str | None] | None = None,
) -> None:
    """An error that ends a command, in the form the command's output takes: under
    ``errors`` in its JSON ``document`` (``validate --json``), one JSON log record (``--log-
    format json``: ``message`` without its ``location``, which is in fields of its own),
    or plain ``error: <text>`` (a configuration error's ``problems`` indented below its
    ``message``)."""
    if document is not None:
        click.echo(json.dumps({**document, "errors": list(problems) or [text]}, indent=2))
    elif log_format == "json":
        from sheets_sync.logs import error_record

        fields = {**(location or {}), "problems": list(problems) or None}
        click.echo(error_record(message, **fields), err=True)
    else:
        err = PlainConsole(stderr=True, highlight=False, soft_wrap=True)
        lines = [f"error: {message}", *(f"  {p}" for p in problems)] if problems else []
        for line in lines or [f"error: {text}"]:
            err.print(line, markup=False)
