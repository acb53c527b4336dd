"""Paths a file renamed into place must not replace: the one rule
(``regular_file.not_replaceable``) for ``sync --report``, the company workbook
(``rollup.output``) and ``export --out``'s files."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from sheets_sync.regular_file import not_replaceable, through_system
from tests.cli.test_ops_cli import AS_OF, copy_ws, run

RENAMED = "the report is a new file renamed into its place: give it a file's path"


def test_a_report_path_in_sys_is_refused(demo: Path, tmp_path: Path) -> None:
    """/proc and /dev were refused, /sys not: ``--report /sys/kernel/r.json`` ran the whole
    night and then ended exit 1 on the report's write (as root, a name in /sys writes a
    kernel setting)."""
    ws = copy_ws(demo, tmp_path / "ws")
    (tmp_path / "sys").symlink_to("/sys")
    for given, where in (
        (Path("/sys/kernel/r.json"), "is in /sys"),
        (tmp_path / "sys" / "kernel" / "r.json", "leads into /sys/kernel/r.json"),
    ):
        code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(given))
        assert (code, out) == (2, "")
        assert err == f"error: --report {given}: {where}, not a file; {RENAMED}\n"
    runs = ws.parent / ".sheets-sync" / "runs"  # refused before anything was done
    assert not runs.exists() or list(runs.iterdir()) == []


def test_the_kernels_file_systems_are_proc_dev_and_sys(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to("/sys/kernel")
    assert through_system(tmp_path / "link" / "x") == (PurePosixPath("/sys"), Path("/sys/kernel/x"))
    assert not_replaceable(Path("/sys")) == "is a folder"
    assert not_replaceable(Path("/sys/x.json")) == "is in /sys"
    assert not_replaceable(Path("/proc/x.json")) == "is in /proc"
    assert not_replaceable(Path("/dev/null")) == "is a device"
    assert not_replaceable(tmp_path / "r.json") is None
    (tmp_path / "r.json").write_text("{}", encoding="utf-8")
    assert not_replaceable(tmp_path / "r.json") is None
