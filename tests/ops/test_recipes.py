"""Scheduling recipes in deploy/: parsed, verified, and run for real where this machine can."""

from __future__ import annotations

import ast
import configparser
import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
import yaml

from sheets_sync.sync.lock import RunLock
from tests.support.scripts import HANG

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = ROOT / ".venv" / "bin" / "sheets-sync"
INSTALLED = "/opt/sheets-sync/.venv/bin/sheets-sync"
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def _cron_field_ok(field: str, low: int, high: int) -> bool:
    for part in field.split(","):
        base, _, step = part.partition("/")
        if step and (not step.isdigit() or int(step) == 0):
            return False
        if base == "*":
            continue
        bounds = base.split("-")
        if len(bounds) > 2 or not all(b.isdigit() for b in bounds):
            return False
        values = [int(b) for b in bounds]
        if not all(low <= v <= high for v in values) or values != sorted(values):
            return False
    return True


def _cron_jobs() -> list[tuple[list[str], str]]:
    jobs = []
    for raw in (DEPLOY / "cron" / "sheets-sync.cron").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or re.match(r"^[A-Z_]+=", line):
            continue
        fields = line.split(None, 5)
        jobs.append((fields[:5], fields[5]))
    return jobs


def test_cron_comment_lists_every_exit_code_of_the_readme() -> None:
    """The cron file's comment listed 0 to 3 and not the codes of a run stopped by a
    signal (130, 143, 129), which a log or a MAILTO reader then could not place."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    codes = {c for row in table.splitlines()[2:] for c in re.findall(r"\d+", row.split("|")[1])}
    assert codes == {"0", "1", "2", "3", "130", "143", "129"}
    lines = (DEPLOY / "cron" / "sheets-sync.cron").read_text().splitlines()
    comment = " ".join(line.lstrip("# ") for line in lines if line.startswith("#"))
    listed = comment.split("Exit codes", 1)[1]
    assert codes <= set(re.findall(r"\b\d+\b", listed))


def _localise(text: str, ws: Path) -> str:
    """Point a recipe's install and workspace paths at this checkout and a temp workspace."""
    return text.replace(INSTALLED, str(VENV_BIN)).replace("/srv/okrs", str(ws.parent))


def test_cron_line_parses_and_runs_a_real_sync(workspace: Path, tmp_path: Path) -> None:
    (fields, command), *others = _cron_jobs()
    assert not others
    assert all(
        _cron_field_ok(f, lo, hi) for f, (lo, hi) in zip(fields, CRON_RANGES, strict=True)
    ), fields
    assert "%" not in command  # cron turns % into newlines
    argv = shlex.split(command)
    assert Path(argv[0]).name == "sheets-sync" and argv[1:3] == ["sync", "--config"]
    assert argv[3].endswith("sheets-sync.yaml")

    log = tmp_path / "log"
    log.mkdir()
    local = _localise(command, workspace).replace("/var/log/sheets-sync", str(log))
    # a hang's bound, not the sync's speed: on a loaded box (two test processes and other
    # jobs) this one-team sync took more than 60 s
    done = subprocess.run(["/bin/sh", "-c", local], check=False, timeout=240)
    assert done.returncode == 0, (log / "sync.log").read_text()
    assert (workspace.parent / ".sheets-sync" / "last-run.json").is_file()
    assert (workspace.parent / "company.xlsx").is_file()
    assert "Sales: ok" in (log / "sync.log").read_text()


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def test_systemd_units_keys() -> None:
    service, timer = _unit("sheets-sync.service"), _unit("sheets-sync.timer")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["SuccessExitStatus"].split() == ["3"]
    argv = shlex.split(service["Service"]["ExecStart"])
    assert Path(argv[0]).name == "sheets-sync" and argv[1:3] == ["sync", "--config"]
    assert argv == shlex.split(_cron_jobs()[0][1].split(">>")[0])  # same job as cron
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Unit"] == "sheets-sync.service"
    assert timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    for name in ("sheets-sync.service", "sheets-sync.timer"):
        text = (DEPLOY / "systemd" / name).read_text()
        (tmp_path / name).write_text(_localise(text, tmp_path / "x.yaml"))
    done = subprocess.run(
        ["systemd-analyze", "verify", "sheets-sync.service", "sheets-sync.timer"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=HANG,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


#: Nights whose clocks spring forward (the hour skipped: 02:00-03:00 in Berlin, New York
#: and Sydney, 03:00-04:00 in Helsinki, 00:00-01:00 in Santiago).
SPRING_FORWARD = [
    ("Europe/Berlin", "2027-03-28"),
    ("America/New_York", "2027-03-14"),
    ("Australia/Sydney", "2026-10-04"),
    ("Europe/Helsinki", "2027-03-28"),
    ("America/Santiago", "2026-09-06"),
]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize(("zone", "night"), SPRING_FORWARD)
def test_systemd_timer_fires_on_the_spring_forward_night(zone: str, night: str) -> None:
    """systemd skips a calendar time the clock jumps over (systemd#5595): 02:30 local did
    not run at all on that night in 152 time zones, all of the US and central Europe."""
    when = _unit("sheets-sync.timer")["Timer"]["OnCalendar"]
    done = subprocess.run(
        ["systemd-analyze", "calendar", f"--base-time={night} 00:00:00", when],
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        check=True,
        timeout=HANG,
    )
    elapse = re.search(r"Next elapse: \w+ (\S+)", done.stdout)
    assert elapse is not None, done.stdout
    assert elapse[1] == night


def test_systemd_timer_time_exists_every_night_everywhere() -> None:
    """The timer's wall-clock time is never skipped by a clock change, in any time zone,
    2026-2030 (the check needs no systemd: a skipped local time does not round-trip)."""
    when = _unit("sheets-sync.timer")["Timer"]["OnCalendar"]
    match = re.fullmatch(r"\*-\*-\* (\d\d):(\d\d):00", when)
    assert match is not None, when
    at = dt.time(int(match[1]), int(match[2]))
    skipped = []
    for name in sorted(zoneinfo.available_timezones()):
        zone = zoneinfo.ZoneInfo(name)
        day, last = dt.date(2026, 1, 1), dt.date(2030, 12, 31)
        while day <= last:
            local = dt.datetime.combine(day, at, tzinfo=zone)
            back = local.astimezone(dt.UTC).astimezone(zone)
            if back.replace(tzinfo=None) != local.replace(tzinfo=None):
                skipped.append(f"{name} {day}")
            day += dt.timedelta(days=1)
    assert skipped == []


def _workflow() -> dict[Any, Any]:
    data = yaml.safe_load((DEPLOY / "github-actions" / "nightly-sync.yml").read_text())
    assert isinstance(data, dict)
    return data


def test_github_actions_workflow_shape() -> None:
    data = _workflow()
    on: dict[str, Any] = data.get("on") or data[True]  # YAML 1.1 reads a bare `on` as True
    (schedule,) = on["schedule"]
    assert len(schedule["cron"].split()) == 5
    steps = data["jobs"]["sync"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "sheets-sync sync --config" in runs and "--report run-report.json" in runs
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    paths = {s["with"]["path"] for s in uploads}
    assert paths == {"${{ env.WORKSPACE }}/company.xlsx", "run-report.json"}
    assert all(s.get("if") == "always()" for s in uploads)  # uploaded even when teams fail
    assert not (ROOT / ".github" / "workflows" / "nightly-sync.yml").exists()


def test_github_actions_sync_step_treats_exit_3_as_success(workspace: Path) -> None:
    (step,) = [s for s in _workflow()["jobs"]["sync"]["steps"] if s.get("name") == "Sync"]
    env = {**os.environ, "WORKSPACE": str(workspace.parent), "PATH": f"{VENV_BIN.parent}:/bin"}
    script = step["run"]
    with RunLock(workspace.parent / ".sheets-sync"):  # another run is going on
        locked = subprocess.run(
            ["bash", "-e", "-c", script], env=env, capture_output=True, check=False, timeout=HANG
        )
    assert locked.returncode == 0
    assert b"holds the workspace lock" in locked.stdout + locked.stderr
    workspace.write_text("company: [broken")
    broken = subprocess.run(
        ["bash", "-e", "-c", script], env=env, capture_output=True, check=False, timeout=HANG
    )
    assert broken.returncode != 0


@pytest.mark.parametrize("named", [None, "secrets/sa.json"], ids=["unset", "named-in-yaml"])
def test_github_actions_credentials_step_points_the_sync_at_the_key(
    tmp_path: Path, named: str | None
) -> None:
    """The step wrote the key into the workspace as service-account.json, which the sync
    read only when sheets-sync.yaml named exactly that file. It now names the key to every
    later step through GOOGLE_APPLICATION_CREDENTIALS, outside the workspace, and writes
    it where the workspace's own setting says, if it says (which wins over the variable)."""
    from sheets_sync.backends.gsheets.auth import credentials_file
    from sheets_sync.config import load_workspace

    (step,) = [
        s for s in _workflow()["jobs"]["sync"]["steps"] if s.get("name") == "Google credentials"
    ]
    temp, github_env, workspace = tmp_path / "runner-temp", tmp_path / "github-env", tmp_path / "ws"
    temp.mkdir()
    workspace.mkdir()
    google = f"google: {{credentials: {named}}}\n" if named else ""
    (workspace / "sheets-sync.yaml").write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        f"{google}teams:\n"
        "  - {name: Sales, source: 'gsheet:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'}\n",
        encoding="utf-8",
    )
    secret = '{"type": "service_account"}'
    env = {
        "PATH": f"{VENV_BIN.parent}:/bin:/usr/bin",
        "RUNNER_TEMP": str(temp),
        "GITHUB_ENV": str(github_env),
        "WORKSPACE": str(workspace),
        "GOOGLE_SERVICE_ACCOUNT_JSON": secret,
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], env=env, capture_output=True, check=False, timeout=HANG
    )
    assert done.returncode == 0, done.stderr
    name, _, value = github_env.read_text().strip().partition("=")
    key = Path(value)
    assert name == "GOOGLE_APPLICATION_CREDENTIALS" and key.parent == temp
    assert key.read_text() == secret and key.stat().st_mode & 0o077 == 0
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(name, value)
        ws = load_workspace(str(workspace / "sheets-sync.yaml"))  # its key file is there
        found = credentials_file(ws)
    assert found is not None and found.read_text() == secret
    assert found == (workspace / named).resolve() if named else found == key.resolve()
    assert found.stat().st_mode & 0o077 == 0


def test_github_actions_installs_the_checked_out_source() -> None:
    """sheets-sync is not on PyPI: the job checks out its source and installs that."""
    data = _workflow()
    env, steps = data["env"], data["jobs"]["sync"]["steps"]
    index = {s.get("name"): i for i, s in enumerate(steps)}
    checkouts = [
        i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert len(checkouts) == 2
    workspace, source = (steps[i] for i in checkouts)
    assert "path" not in workspace.get("with", {})  # the workspace repository, at the root
    assert source["with"]["repository"] == "${{ env.SHEETS_SYNC_REPOSITORY }}"
    assert source["with"]["ref"] == "${{ env.SHEETS_SYNC_REF }}"
    assert source["with"]["path"] == "${{ env.SHEETS_SYNC_SRC }}"
    owner, _, name = env["SHEETS_SYNC_REPOSITORY"].partition("/")
    assert owner and name and env["SHEETS_SYNC_REF"] and env["SHEETS_SYNC_SRC"]
    assert env["SHEETS_SYNC_SRC"] != env["WORKSPACE"]
    # the workspace checkout cleans the whole folder: the source checkout must come after it
    assert checkouts[0] < checkouts[1] < index["Install sheets-sync"] < index["Sync"]
    argv = shlex.split(steps[index["Install sheets-sync"]]["run"])
    assert argv[:4] == ["python", "-m", "pip", "install"]
    # editable: upgrading is a pull of the source checkout
    assert argv[-2:] == ["-e", "./$SHEETS_SYNC_SRC"]


PIP_INSTALL = re.compile(r"\bpip3?\s+install\b([^\n]*)")
FROM_INDEX = re.compile(r"sheets[-_]sync(\[[^\]]*\])?((==|~=|>=|<=|!=|<|>|===).*)?", re.IGNORECASE)


def _pip_installs() -> list[tuple[str, list[str]]]:
    """(recipe, arguments) of every ``pip install`` in deploy/, comments included."""
    found = []
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file()):
        for match in PIP_INSTALL.finditer(path.read_text(encoding="utf-8")):
            args = match.group(1).split("#", 1)[0].replace("`", " ")
            found.append((str(path.relative_to(ROOT)), shlex.split(args)))
    return found


def test_no_recipe_installs_sheets_sync_from_a_package_index() -> None:
    installs = _pip_installs()
    assert {recipe for recipe, _ in installs} >= {
        "deploy/github-actions/nightly-sync.yml",
        "deploy/cron/sheets-sync.cron",
        "deploy/systemd/sheets-sync.service",
    }
    for recipe, args in installs:
        for i, word in enumerate(args):
            direct = args[i + 1 : i + 2] == ["@"] or word.endswith("@")  # name @ git+https://...
            assert not (FROM_INDEX.fullmatch(word) and not direct), f"{recipe}: pip install {word}"
    text = "\n".join(p.read_text(encoding="utf-8") for p in DEPLOY.rglob("*") if p.is_file())
    assert not re.search(r"sheets[-_]sync\s*(==|~=|>=)\s*\d", text, re.IGNORECASE)
    assert "SHEETS_SYNC_VERSION" not in text


def test_pin_check_catches_an_index_install() -> None:
    for bad in ("sheets-sync==0.1.0", "sheets_sync", "sheets-sync[dev]>=0.1", "SHEETS-SYNC~=0.1"):
        assert FROM_INDEX.fullmatch(bad), bad
    for good in ("./.sheets-sync-src", "/opt/sheets-sync", "-e", "sheets-sync-src", "."):
        assert not FROM_INDEX.fullmatch(good), good


AIRFLOW_DAG = DEPLOY / "airflow" / "sheets_sync_dag.py"


def test_airflow_dag_compiles_and_maps_shards() -> None:
    source = AIRFLOW_DAG.read_text()
    tree = ast.parse(source, filename=str(AIRFLOW_DAG))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    expands = [c for c in calls if isinstance(c.func, ast.Attribute) and c.func.attr == "expand"]
    assert expands and expands[0].keywords[0].arg == "k"  # mapped over shard numbers
    decorators = {
        ast.unparse(d)
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef)
        for d in n.decorator_list
    }
    assert any(d.startswith("dag(") for d in decorators)
    assert "task(trigger_rule='all_done', retries=3)" in decorators

    # run the pure command builders without Airflow installed
    helpers: list[ast.stmt] = [
        n
        for n in tree.body
        if isinstance(n, ast.FunctionDef) and n.name.endswith(("_argv", "_dir", "_action"))
    ]
    namespace: dict[str, Any] = {"re": re, "Path": Path, "EXIT_LOCKED": 3}
    exec(compile(ast.Module(helpers, []), str(AIRFLOW_DAG), "exec"), namespace)
    folder = namespace["results_dir"](Path("/r"), "scheduled__2026-11-15T02:30:00+00:00")
    assert folder == Path("/r/scheduled__2026-11-15T02_30_00_00_00")
    assert namespace["sync_argv"]("sheets-sync", "ws.yaml", 2, 4, str(folder), "2026-11-15") == [
        "sheets-sync", "sync", "--config", "ws.yaml", "--shard", "2/4",
        "--results-dir", str(folder), "--as-of", "2026-11-15",
    ]  # fmt: skip
    assert namespace["rollup_argv"]("sheets-sync", "ws.yaml", "/r/x") == [
        "sheets-sync", "rollup", "--config", "ws.yaml", "--from-results", "/r/x",
    ]  # fmt: skip

    # a held lock is retried, never skipped: a skipped merge left the night green with no
    # rollup when the lock's holder was a run that publishes none (sync --team)
    action = namespace["exit_action"]
    assert "AirflowSkipException" not in source
    assert [action(code, retry_failures=False) for code in (0, 1, 2, 3)] == [
        "ok",
        "fail",
        "fail",
        "retry",
    ]  # fmt: skip  (the merge: a missing shard does not come back on a retry)
    assert [action(code, retry_failures=True) for code in (0, 1, 2, 3)] == [
        "ok",
        "retry",
        "retry",
        "retry",
    ]  # fmt: skip  (a shard)


# A real Airflow loads and runs the DAG in tests/ops/test_airflow_dag.py (its own venv).
