"""``.ci/run`` makes its run CI's (``CI=true``) itself, and ``CI=true`` changes nothing
else the suite checks: a missing program or shared folder fails there, and that is all
(until 2026-12-08 ``.ci/run`` left ``CI`` to the runner, and under ``CI`` the
Hypothesis profile took on Hypothesis's own CI settings)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.scripts import HANG, script_run

ROOT = Path(__file__).resolve().parents[1]


def _stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.mark.parametrize("runner_ci", [None, "false"], ids=["unset", "false"])
def test_ci_run_exports_ci_true_to_make(runner_ci: str | None, tmp_path: Path) -> None:
    """``.ci/run`` on a box that has soffice and pdftoppm (stubs: nothing to install), with
    ``make`` a stub that records each target and the ``CI`` it was given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "make.log"
    _stub(bin_dir, "make", f'echo "$1 CI=${{CI-unset}}" >> "{log}"')
    _stub(bin_dir, "soffice", "exit 0")
    _stub(bin_dir, "pdftoppm", "exit 0")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = f"{bin_dir}:/usr/bin:/bin"
    if runner_ci is not None:
        env["CI"] = runner_ci
    subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")],
        env=env,
        check=True,
        timeout=HANG,
        capture_output=True,
    )
    assert log.read_text().splitlines() == ["airflow CI=true", "test CI=true"]


_PROFILE = (
    "import tests.conftest\n"
    "from hypothesis import settings\n"
    "print(settings.default.show_changed())\n"
)


def _profile(ci: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "HYPOTHESIS_PROFILE"}}
    if ci is not None:
        env["CI"] = ci
    done = script_run(_PROFILE, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_hypothesis_profile_is_the_same_with_ci_true() -> None:
    assert _profile("true") == _profile(None)
