"""``sheets-sync init``: a commented ``sheets-sync.yaml`` plus a template copy per team.

The config is written as text, not dumped from a dict, so every key carries a comment
explaining it; ``load_workspace`` accepts the result as is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path

from sheets_sync.atomic import why_not_written
from sheets_sync.backends.excel.files import NAME_ADDED
from sheets_sync.config import DEFAULT_CONFIG
from sheets_sync.domain.celltext import one_line, shell_word
from sheets_sync.domain.models import CompanyObjective, Period
from sheets_sync.errors import ConfigError
from sheets_sync.sync import stops
from sheets_sync.sync.options import path_arg
from sheets_sync.template.xlsx import build_workbook, deterministic_bytes

GITIGNORE_LINE = ".sheets-sync/"


def quarter_of(day: dt.date) -> Period:
    """The calendar quarter holding ``day``, e.g. 2026-Q4 (2026-10-01..2026-12-31)."""
    q = (day.month - 1) // 3
    start = dt.date(day.year, 3 * q + 1, 1)
    end = dt.date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1) - dt.timedelta(days=1)
    return Period(f"{day.year}-Q{q + 1}", start, end)


#: the longest file name, in bytes, that Linux file systems take (ext4, XFS, Btrfs)
NAME_MAX = 255
#: the longest workbook name, in UTF-8 bytes, that leaves room for the names of its
#: backups and temp files: 255 let through a name whose every backup failed, each night
WORKBOOK_NAME_MAX = NAME_MAX - NAME_ADDED


def team_filename(team: str) -> str:
    """A file name for a team workbook: letters, digits, spaces, dots, dashes, underscores."""
    stem = re.sub(r"[^\w .-]+", "", team).strip(" .")
    if not stem:
        raise ConfigError(f"team name {team!r} gives no usable file name")
    name = f"{stem}.xlsx"
    if (size := len(name.encode())) > WORKBOOK_NAME_MAX:  # ended init half done: teams/
        # made, the workbooks before it written, no sheets-sync.yaml, "File name too long";
        # up to 255 bytes the team failed every night, its backup's name too long
        shown = team if len(team) <= 40 else f"{team[:40]}..."
        raise ConfigError(
            f"team name {shown!r} makes a file name of {size:,} bytes, more than the "
            f"{WORKBOOK_NAME_MAX} that leave room for its backups' names ({NAME_MAX} a file "
            f"system takes, less {NAME_ADDED}); give a shorter team name"
        )
    return name


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML scalars


def _yaml_float(number: float) -> str:
    """``number`` as a YAML float that reads back exactly: the shortest ``repr`` (``:g``
    kept 6 digits, so 1/3 came back 0.333333), with the dot YAML 1.1 needs before an
    exponent (PyYAML reads ``1e+20`` as text)."""
    text = repr(float(number))
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text


def render_config(
    company: str,
    period: Period,
    teams: Sequence[tuple[str, str, str]],
    company_objectives: Sequence[CompanyObjective] = (),
) -> str:
    """The commented YAML; ``teams`` are (name, source, mapping) triples."""
    lines = [
        "# sheets-sync workspace. Paths are relative to this file.",
        "# Check it with: sheets-sync config check --config sheets-sync.yaml",
        "",
        f"company: {_q(company)}  # shown in reports and the company rollup",
        "",
        "# The OKR period: key results are paced linearly from start to end.",
        "period:",
        f"  name: {_q(period.name)}",
        f"  start: {period.start.isoformat()}",
        f"  end: {period.end.isoformat()}",
        "",
        "# Company objectives that team objectives align to (their 'Aligns to' column).",
        "# Leave the list empty to skip the alignment check.",
    ]
    if company_objectives:
        lines.append("company_objectives:")
        for obj in company_objectives:
            lines.append(f"  - id: {_q(obj.id)}")
            lines.append(f"    title: {_q(obj.title)}")
            if obj.weight != 1.0:
                weight = _yaml_float(obj.weight)
                lines.append(f"    weight: {weight}  # shown in the rollup; scores no team")
    else:
        lines += [
            "company_objectives: []",
            "#  - id: C1",
            "#    title: Grow revenue profitably",
        ]
    lines += [
        "",
        "# One entry per team. source: a workbook path or gsheet:<spreadsheet key>.",
        "# mapping: the sheet layout - standard (the template), objective-blocks,",
        "# flat-tracker, or a path to your own mapping YAML (see docs/mappings.md).",
    ]
    if teams:
        lines.append("teams:")
        for name, source, mapping in teams:
            lines += [
                f"  - name: {_q(name)}",
                f"    source: {_q(source)}",
                f"    mapping: {mapping}",
            ]
    else:
        lines.append("teams: []")
    lines += [
        "",
        "# Where the company rollup (all teams, all scores) is written.",
        "rollup:",
        "  output: company.xlsx",
        "",
        "# Scoring thresholds; these are the defaults (see docs/scoring.md).",
        "scoring:",
        "  green: 0.7         # score at or above: green",
        "  yellow: 0.4        # score at or above (below green): yellow; below: red",
        "  on_track_margin: 0.1  # up to this far behind the expected pace is On track",
        "  at_risk_margin: 0.25  # up to this far behind is At risk; further is Off track",
        "  aspirational_ambition: 0.7  # aspirational objectives are expected to reach this",
        "  kpi_tolerance: 0.1  # default amber band: 10% of a KPI's target",
        "  stale_grace_days: 3  # days past a KPI's frequency before it is Stale",
        "  low_confidence: 0.4  # warn about key results with confidence below this",
        "",
    ]
    return "\n".join(lines)


def ensure_gitignore(directory: Path) -> None:
    path = directory / ".gitignore"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if GITIGNORE_LINE not in text.splitlines():
        prefix = "" if not text or text.endswith("\n") else "\n"
        comment = "# sheets-sync run state: lock, backups, history snapshots\n"
        path.write_text(text + prefix + comment + GITIGNORE_LINE + "\n", encoding="utf-8")


@stops.ends_here
def init_workspace(
    dir: str | PathLike[str],
    teams: Sequence[str],
    *,
    company: str = "Our company",
    period: Period | None = None,
) -> Path:
    """Create ``dir/sheets-sync.yaml``, ``dir/teams/<team>.xlsx`` and ``.gitignore``.

    Refuses (ConfigError) when the config exists: it may hold a team's hand-made settings.
    Existing team workbooks are kept, never overwritten. ``dir`` may be a string.
    """
    dir = path_arg(dir, "dir")  # None was a TypeError (until 2026-12-07)
    if isinstance(teams, str):  # a Sequence[str] too: its letters were the teams
        raise ConfigError(f"teams: a list of team names, not one name: teams=[{teams!r}]")
    if not isinstance(teams, Iterable):  # None or 5: a TypeError (until 2026-12-07)
        raise ConfigError(f"teams: a list of team names, not {teams!r}")
    teams = list(teams)
    for team in teams:
        if not isinstance(team, str):
            raise ConfigError(f"teams: {team!r} is not a team name (a str)")
    if not isinstance(company, str):  # None or 5: an AttributeError (until 2026-12-07)
        raise ConfigError(f"company: a name (a str), not {company!r}")
    if period is not None and not isinstance(period, Period):
        raise ConfigError(f"period: a Period, not {period!r}")
    if not company.strip():  # wrote `company: ""`, which validate then refused
        raise ConfigError(
            f"company name {company!r} is blank; give the name reports and the rollup show"
        )
    config = dir / DEFAULT_CONFIG
    if config.exists():
        raise ConfigError(f"{config}: already exists; not overwriting it")
    files = [team_filename(t) for t in teams]
    seen: set[str] = set()
    for name, file in zip(teams, files, strict=True):
        if file.casefold() in seen:
            raise ConfigError(f"team {name!r} is given twice")
        seen.add(file.casefold())
    period = period or quarter_of(dt.date.today())
    teams_folder(dir)
    template = deterministic_bytes(build_workbook())
    for file in files:
        target = dir / "teams" / file
        if not target.exists():
            target.write_bytes(template)
    entries = [(name, f"teams/{file}", "standard") for name, file in zip(teams, files, strict=True)]
    config.write_text(render_config(company, period, entries), encoding="utf-8")
    ensure_gitignore(dir)
    return config


def teams_folder(dir: Path) -> Path:
    """``dir``'s ``teams/`` folder, made with its parents (``init``'s and ``demo``'s); one
    that cannot be made is a ``ConfigError`` naming ``dir`` and why."""
    teams = dir / "teams"
    try:  # said "acme/teams: Not a directory" of a folder acme that is a file
        teams.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = why_not_written(teams, exc, is_folder=True)
        raise ConfigError(f"{dir}: cannot create the workspace: {why}") from None
    return teams


def next_steps(config: Path) -> str:
    """What a newcomer does after ``init``: the command printed only the file it made, and
    the way from there (fill in, validate, sync) was in the README alone. A control
    character in a path is shown as its escape (``one_line``): a folder named with a line
    break split a step in two (until 2026-12-07). A command's path is one a shell reads
    back (``shell_word``): shown as ``'a\\nb/...'`` it named another path (until
    2026-12-07)."""
    quoted = shell_word(str(config))
    return (
        f"next:\n"
        f"  1. each team fills in its workbook in {one_line(str(config.parent / 'teams'))}/ "
        "(its Read me tab, docs/template.md)\n"
        f"  2. sheets-sync validate --config {quoted}   # every problem, nothing written\n"
        f"  3. sheets-sync sync --config {quoted}       # the nightly job (docs/scheduling.md)"
    )


TEMPLATE_NEXT_STEP = (
    "next: a team fills it in (its Read me tab), then list it under teams: in "
    "sheets-sync.yaml (docs/configuration.md)"
)
