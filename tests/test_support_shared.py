"""Every test of the shared material (``../shared``: the real workbooks, the gspread
cassettes) skips without it, and fails on CI (``CI=true``) instead, through one helper
(``tests/support/shared.require_shared``). Until a review on 2026-12-08 only the tests
marked ``needs_real_world`` failed there: the real-workbook tests' own skips, the tests
parametrized over the folder's files (an empty list skips) and the cassette replay still
skipped on CI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import shared
from tests.support.scripts import HANG

ROOT = Path(__file__).resolve().parents[1]
#: the child run: set up only, one process, no cache written, skips and errors listed
_SETUP_ONLY = ("-q", "-p", "no:xdist", "-p", "no:cacheprovider", "--setup-only", "-rsE")
#: what names the shared material in a test file
_NAMES = re.compile(r"support\.shared|real-world-xlsx|gspread-cassettes|default_cassette_dir")


def test_a_missing_folder_skips_outside_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"gone is missing \(set SHEETS_SYNC_SHARED"):
        shared.require_shared(tmp_path / "gone")
    assert shared.require_shared(tmp_path) == tmp_path


def test_a_missing_folder_fails_on_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"gone is missing .*: required on CI$"):
        shared.require_shared(tmp_path / "gone", set_by="X")
    assert shared.require_shared(tmp_path) == tmp_path


def test_each_file_is_one_placeholder_when_there_is_none(tmp_path: Path) -> None:
    """So the test is collected, and its mark decides: pytest skips a test parametrized
    over nothing whatever ``CI`` says."""
    assert shared.each_file(tmp_path, [tmp_path / "b", tmp_path / "a"]) == [
        tmp_path / "a",
        tmp_path / "b",
    ]
    (placeholder,) = shared.each_file(tmp_path / "gone", [])
    assert isinstance(placeholder, type(pytest.param(None)))


@pytest.mark.slow
def test_no_test_of_the_shared_material_skips_on_ci_without_it(tmp_path: Path) -> None:
    """Each test file that names the shared material, set up (``--setup-only``: the marks
    and the parametrization are what skips) on CI with an empty shared folder: none skips
    for it, and each has a test that fails naming the missing folder."""
    files = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests").rglob("test_*.py")
        if p != Path(__file__) and _NAMES.search(p.read_text())
    )
    assert "tests/emulator/test_replay.py" in files and len(files) >= 8, files
    env = {k: v for k, v in os.environ.items() if k != "SHEETS_SYNC_CASSETTES"}
    env |= {"CI": "true", "SHEETS_SYNC_SHARED": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *_SETUP_ONLY, *files],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    skipped = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert not [line for line in skipped if str(tmp_path) in line or "empty parameter" in line]
    failed = {
        line.split("::")[0].removeprefix("ERROR ")
        for line in out.splitlines()
        if line.startswith("ERROR ") and f"{tmp_path}/" in line and "required on CI" in line
    }
    assert failed == set(files), out
