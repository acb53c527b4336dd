"""Split one night's teams over N machines, then merge their results for one rollup.

A team's shard is a hash of its casefolded name (hashlib, never ``hash()``, which is
salted per process), so every machine and every Python run agrees without talking to
each other, and adding a team never moves the others. The price: shards are not exactly
equal in size (with few teams some may be empty, which is fine).

Each shard saves its ``TeamRun`` list with the ``RunContext`` to a results folder; the
merge step loads all N and checks the set is complete. The files are pickles behind a
format header: shards of one sheets-sync version exchange them. They are loaded with
``unpickle``: a file naming anything but the tool's own data classes is refused, so one
dropped into the folder cannot run code (it can still make up results: keep the folder
writable only by the job).
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from sheets_sync import __version__, unpickle
from sheets_sync.atomic import atomic_write
from sheets_sync.errors import ConfigError
from sheets_sync.sync.outcome import RunContext, TeamRun

if TYPE_CHECKING:  # engine imports ops; at run time only annotations need it
    from sheets_sync.sync.engine import SyncResult
    from sheets_sync.workspace_spec import TeamSpec

T = TypeVar("T")
#: 2: a run holds its result as ``TeamRun.held`` (objects or packed); 3: a failed team's
#: ``TeamRun.error_detail``, which a format-2 reader failed on as "damaged"; 4:
#: ``TeamError.team_source``, which a format-3 reader failed on as "damaged" (a TypeError);
#: 5: ``CellChange.formula``, which a format-4 reader failed on as "damaged" (a TypeError);
#: 6: KeyResult.unread, KPI.unread and ``TeamRun.recoloured``, which a format-5 reader
#: failed on as "damaged" (a TypeError); 7: ``TeamRun.drive_calls``, which a format-6
#: reader failed on as "damaged" (a TypeError)
FORMAT_VERSION = 7
#: Formats this version loads. A format-2 file is format 3 without ``error_detail``, the
#: last field of ``TeamRun`` then, a format-3 file is format 4 without ``team_source``,
#: the last field of ``TeamError``, and a format-4 file is format 5 without ``formula``,
#: the last field of ``CellChange``; each defaults to None. A format-5 file is format 6
#: without ``unread``, the last field of ``KeyResult`` and of ``KPI`` (an empty set: no
#: cell in error), and without ``recoloured``, the last field of ``TeamRun`` (0). A
#: format-6 file is format 7 without ``drive_calls``, the last field of ``TeamRun`` (0).
#: The shards saved the night before an upgrade still merge after it
READS_FORMATS = (FORMAT_VERSION, 6, 5, 4, 3, 2)
MAGIC = b"sheets-sync shard results\n"
#: A dry run's results (``sync --dry-run --shard K/N --results-dir DIR``): the same
#: payload behind this header line instead of the format number, in a file of its own
#: name (``-dry-run``), so it never replaces a real shard's results of the night. The
#: merge refuses a folder of dry runs only, saying so (no team was written: there is no
#: night to publish), and leaves them out beside real ones. Real results keep the
#: format number alone as their header; a version before this one refuses the header as
#: an unknown format.
DRY_RUN_FORMAT = f"{FORMAT_VERSION} dry-run"
#: The dry-run headers this version loads: one per readable format since dry runs had one
DRY_RUN_FORMATS = frozenset(f"{n} dry-run".encode() for n in READS_FORMATS if n >= 4)
_DRY_RUN_SUFFIX = "-dry-run.pickle"
_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def _check(k: int, n: int) -> None:
    if n < 1:
        raise ValueError(f"shard count must be at least 1, not {n}")
    if not 1 <= k <= n:
        raise ValueError(f"shard number must be between 1 and {n}, not {k}")


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> ``(2, 4)``: the 2nd of 4 shards, counted from 1."""
    match = _SPEC.fullmatch(text)
    if match is None:
        raise ValueError(f"shard must look like K/N (e.g. 2/4), not {text!r}")
    k, n = int(match[1]), int(match[2])
    _check(k, n)
    return k, n


def shard_of(team_name: str, n: int) -> int:
    """The shard (1..n) that owns ``team_name``; the same everywhere, every time."""
    _check(1, n)
    digest = hashlib.sha256(team_name.casefold().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def _name(item: Any) -> str:
    return str(item.name)


def shard_keys(teams: Sequence[TeamSpec]) -> dict[str, str]:
    """Team name -> the name its shard is hashed by: its own, or, for teams that share a
    workbook, the first of them (in workspace order), so they land in one shard and are
    written one after another (``team_steps.by_workbook``) instead of by two processes
    that race to replace the same file. The same on every machine given the same YAML.
    Grouped by path, never by inode: a link count changes while another process writes
    (a backup link, then a rename), so a stat could part one path's teams across shards,
    even between two calls in one process. Two names of one file (a hard link) need no
    shard of their own: both teams fail in every shard (``hard_linked``)."""
    first: dict[Path | str, str] = {}
    return {t.name: first.setdefault(_workbook(t), t.name) for t in teams}


def _workbook(team: TeamSpec) -> Path | str:
    """What ``shard_keys`` groups by: the team's workbook (``TeamSpec.path_or_sheet``: a
    Google sheet's teams, a tab each, in two shards made each other CONFLICTED, until
    2026-12-07: one's write moved the version the other's check expected); else the
    team alone."""
    key = team.path_or_sheet
    return f"team:{team.name}" if key is None else key


def select(teams: Sequence[T], k: int, n: int, name: Callable[[T], str] = _name) -> list[T]:
    """The teams of shard ``k`` of ``n``, in their original order."""
    _check(k, n)
    return [t for t in teams if shard_of(name(t), n) == k]


@dataclass(frozen=True)
class ShardResults:
    """What one shard hands to the merge step."""

    k: int
    n: int
    version: str
    context: RunContext
    runs: tuple[TeamRun, ...]


def results_file(directory: Path, k: int, n: int, *, dry_run: bool = False) -> Path:
    return directory / f"shard-{k:03d}-of-{n:03d}{_DRY_RUN_SUFFIX if dry_run else '.pickle'}"


def save_results(
    directory: Path, k: int, n: int, result: SyncResult, *, dry_run: bool = False
) -> Path:
    """Write shard ``k``'s runs atomically (``atomic_write``); returns the file.
    ``dry_run``: marked as a dry run's (``DRY_RUN_FORMAT``), under a name of its own."""
    _check(k, n)
    directory.mkdir(parents=True, exist_ok=True)
    path = results_file(directory, k, n, dry_run=dry_run)
    payload = ShardResults(k, n, __version__, result.context, tuple(result.runs))
    header = DRY_RUN_FORMAT if dry_run else str(FORMAT_VERSION)

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            fh.write(MAGIC + f"{header}\n".encode())
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)

    atomic_write(path, write)
    return path


def _read(path: Path) -> tuple[ShardResults, bool]:
    """The shard's results, and whether a dry run wrote them (``DRY_RUN_FORMAT``)."""
    try:
        with path.open("rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                raise ConfigError(f"{path}: not a sheets-sync shard results file")
            line = fh.readline().strip()
            dry = line in DRY_RUN_FORMATS
            if not dry and line not in {str(n).encode() for n in READS_FORMATS}:
                older = ", ".join(str(n) for n in READS_FORMATS[1:])
                raise ConfigError(
                    f"{path}: results format {line.decode(errors='replace')!r}, this "
                    f"sheets-sync reads format {FORMAT_VERSION} (or {older}); rerun every shard "
                    "with the same version"
                )
            data = unpickle.load(fh)
            for run in data.runs if isinstance(data, ShardResults) else ():
                tuple(run.changes)  # each team's changes are a pickle of their own
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read shard results: {exc}") from None
    except ConfigError:
        raise
    except unpickle.RefusedPickle as exc:
        raise ConfigError(
            f"{path}: sheets-sync refuses to load these shard results: {exc.why}; "
            "check who can write to the results folder"
        ) from None
    except Exception as exc:  # a damaged pickle fails in as many ways as it has bytes
        why = f"{type(exc).__name__}: {exc}"[:200]
        raise ConfigError(f"{path}: damaged shard results ({why}); rerun that shard") from None
    if not isinstance(data, ShardResults):
        raise ConfigError(f"{path}: not a sheets-sync shard results file")
    if data.version != __version__:
        raise ConfigError(
            f"{path}: written by sheets-sync {data.version}, this is {__version__}; "
            "run every shard and the merge with the same version"
        )
    return data, dry


class MergedShards(NamedTuple):
    """What ``load_shards`` read: the night's context, every team's run (shard by shard),
    and the names of the files merged, for the merge's run report."""

    context: RunContext
    runs: list[TeamRun]
    files: list[str]


def load_results(directory: Path) -> tuple[RunContext, list[TeamRun]]:
    """``load_shards`` without the file names, in the shape this call has always had
    (docs/operations.md): a caller's ``context, runs = load_results(d)`` keeps working."""
    context, runs, _ = load_shards(directory)
    return context, runs


def load_shards(directory: Path) -> MergedShards:
    """All N shards of one run, checked complete: same N, same as-of, each shard once,
    each team once, and the names of the files merged, for the merge's run report: by
    their header, not their name (a dry run's under another name was listed as merged
    until 2026-12-06). Raises ``ConfigError`` naming what is wrong and how to fix it."""
    if not directory.is_dir():
        raise ConfigError(f"{directory}: results folder not found")
    files = sorted(directory.glob("shard-*.pickle"))
    if not files:
        raise ConfigError(f"{directory}: no shard results (shard-K-of-N.pickle) in the folder")
    # a dry run's are not read (one of another version or damaged blocks no merge), but
    # for their header: a dry run's results renamed as a real shard's are still a dry run's
    dry_runs = {p.name for p in files if p.name.endswith(_DRY_RUN_SUFFIX)}
    read = [(path, *_read(path)) for path in files if path.name not in dry_runs]
    shards = [(path, s) for path, s, dry in read if not dry]
    dry_runs.update(path.name for path, _, dry in read if dry)
    if not shards:
        raise ConfigError(
            f"{directory}: only dry-run shard results ({', '.join(sorted(dry_runs))}):"
            " a dry run writes no team, so there is no night to merge; run the shards "
            "without --dry-run, then merge"
        )
    counts = sorted({s.n for _, s in shards})
    if len(counts) > 1:
        raise ConfigError(
            f"{directory}: shards of different runs (N = {', '.join(map(str, counts))}); "
            "use one results folder per run"
        )
    dates = sorted({s.context.as_of.isoformat() for _, s in shards})
    if len(dates) > 1:
        raise ConfigError(
            f"{directory}: shards for different as-of dates ({', '.join(dates)}); "
            "use one results folder per run"
        )
    n = counts[0]
    by_k: dict[int, list[Path]] = {}
    for path, s in shards:
        by_k.setdefault(s.k, []).append(path)
    problems = [
        f"{directory}: shard {k}/{n} present {len(paths)} times "
        f"({', '.join(p.name for p in paths)})"
        for k, paths in sorted(by_k.items())
        if len(paths) > 1
    ]
    missing = [k for k in range(1, n + 1) if k not in by_k]
    if missing:
        # its dry run's, or a dry run's renamed as the real shard's (read: its header)
        named = (
            results_file(directory, k, n, dry_run=d).name for k in missing for d in (True, False)
        )
        dry = [name for name in named if name in dry_runs]
        problems.append(
            f"{directory}: missing shard{'s' if len(missing) > 1 else ''} "
            f"{', '.join(f'{k}/{n}' for k in missing)}; did it fail or not finish?"
            + (f" ({', '.join(dry)}: a dry run's, not merged)" if dry else "")
        )
    ordered = sorted((s for _, s in shards), key=lambda s: s.k)
    seen: dict[str, int] = {}
    runs: list[TeamRun] = []
    for s in ordered:
        for run in s.runs:
            key = run.team.casefold()
            if key in seen:
                problems.append(
                    f"{directory}: team {run.team!r} is in shards {seen[key]}/{n} and {s.k}/{n}"
                    " (did the team list change between shards?)"
                )
            seen[key] = s.k
            runs.append(run)
    if problems:
        raise ConfigError(f"{directory}: incomplete shard results", problems=problems)
    return MergedShards(ordered[0].context, runs, sorted(path.name for path, _ in shards))


def check_night(
    directory: Path, context: RunContext, runs: Sequence[TeamRun], company: str,
    teams: Sequence[str],
) -> None:  # fmt: skip
    """Refuse results that are not this workspace's whole night: another company's, or
    not every team of it (shards run with ``--team``, a team added since they ran). The
    merge would publish them as the company workbook and record them in its history."""
    problems = []
    if context.company != company:
        problems.append(
            f"{directory}: results of company {context.company!r}, this workspace is {company!r}"
        )
    have = {run.team.casefold(): run.team for run in runs}
    want = {name.casefold(): name for name in teams}
    unknown = [have[k] for k in have if k not in want]
    missing = [want[k] for k in want if k not in have]
    if unknown:
        problems.append(f"{directory}: teams this workspace does not list: {', '.join(unknown)}")
    if missing:
        problems.append(
            f"{directory}: no results for {', '.join(missing)} (shards run with --team, or "
            "teams added since they ran?); run every shard of the night again"
        )
    if problems:
        raise ConfigError(f"{directory}: not this workspace's whole night", problems=problems)
