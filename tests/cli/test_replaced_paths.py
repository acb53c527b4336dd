"""Paths a file renamed into place must not replace: the one rule
(``regular_file.not_replaceable``) for ``sync --report``, the company workbook
(``rollup.output``) and ``export --out``'s files."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from sheets_sync.regular_file import not_replaceable, through_system
from sheets_sync.sync import rollup_step
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


@pytest.fixture
def shm_folder() -> Iterator[Path]:
    """A folder of its own in ``/dev/shm`` (a tmpfs in ``/dev`` on Linux)."""
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm")
    folder = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def test_a_dot_dot_after_a_link_is_taken_as_text_as_the_writers_take_it(
    demo: Path, tmp_path: Path, shm_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lnk/../r.json`` with ``lnk`` a link to ``/dev/shm/sub`` is ``r.json`` beside
    ``lnk``, as every writer takes it (``atomic``, ``regular_file.in_the_way``: ``..`` as
    text). Until 2026-12-07 this check alone took the ``..`` after the link, as the
    kernel does, and refused ``leads into /dev/shm/r.json``, a file the write would never
    have touched. A ``..`` inside a link's target is still taken where the link leads."""
    (tmp_path / "lnk").symlink_to(shm_folder)
    given = tmp_path / "lnk" / ".." / "r.json"
    assert through_system(given) is None
    assert not_replaceable(given) is None
    monkeypatch.chdir(tmp_path)  # a relative name starts from the working folder
    assert not_replaceable(Path("lnk/../r.json")) is None
    assert not_replaceable(Path("lnk/./../r.json")) is None
    assert not_replaceable(Path("lnk/r.json")) == f"leads into {shm_folder / 'r.json'}"
    assert not_replaceable(shm_folder / "r.json") == "is in /dev"
    (tmp_path / "up").symlink_to(f"{shm_folder}/../r.json")  # the ``..`` in a target
    assert not_replaceable(Path("up")) == f"leads into {shm_folder.parent / 'r.json'}"
    # a kernel folder's name with a ``..`` leading out of it, a folder called proc, a link
    # to a regular file, a name not made yet: none is in a kernel folder
    (tmp_path / "srv" / "proc").mkdir(parents=True)
    (tmp_path / "real.json").write_text("{}", encoding="utf-8")
    (tmp_path / "tofile").symlink_to(tmp_path / "real.json")
    for fine in (
        Path("/dev/../") / tmp_path.relative_to("/") / "r.json",
        shm_folder / ".." / ".." / ".." / tmp_path.relative_to("/") / "r.json",
        tmp_path / "srv" / "proc" / ".." / "r.json",
        Path("srv/proc/../r.json"),
        tmp_path / "tofile",
        tmp_path / "new" / "r.json",
        Path("new/../r.json"),
    ):
        assert through_system(fine) is None, fine
        assert not_replaceable(fine) is None, fine
    ws = copy_ws(demo, tmp_path / "ws")
    code, _, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(given))
    assert code in (0, 1), err  # the demo's findings: the night ran, the report written
    assert (tmp_path / "r.json").is_file()
    assert list(shm_folder.parent.glob("r.json")) == []


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


@pytest.mark.parametrize("command", ["sync", "rollup"])
@pytest.mark.parametrize("link", [False, True])
def test_a_rollup_output_that_is_no_file_is_refused_before_any_work(
    demo: Path, tmp_path: Path, command: str, link: bool
) -> None:
    """``rollup.output`` a named pipe (a dashboard's reader waiting on it), or a link to
    one: the night wrote every team and then renamed the workbook over the pipe, exit 0."""
    ws = copy_ws(demo, tmp_path / "ws")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    output = ws.parent / "company.xlsx"
    if link:
        output.symlink_to(pipe)
    else:
        os.mkfifo(output)
    before = _files(ws.parent)
    code, out, err = run(command, "--config", str(ws), *AS_OF)
    assert (code, out) == (2, "")
    assert err == (
        "error: rollup.output company.xlsx: is a named pipe, not a file; the company workbook "
        "is a new file renamed into its place: give it a file's path\n"
    )
    assert stat.S_ISFIFO(output.stat().st_mode) and output.is_symlink() == link
    assert _files(ws.parent) == before  # no team written, no history, no report


def test_a_rollup_output_in_dev_is_refused_and_a_team_run_goes_on(
    demo: Path, tmp_path: Path
) -> None:
    """As root, ``rollup.output: /dev/full`` (or a name in /dev, /proc, /sys) was replaced
    by the workbook. A ``--team`` run publishes no workbook, so it is not refused."""
    ws = copy_ws(demo, tmp_path / "ws")
    text = ws.read_text(encoding="utf-8").replace("output: company.xlsx", "output: /dev/x.xlsx")
    ws.write_text(text, encoding="utf-8")
    code, out, err = run("sync", "--config", str(ws), *AS_OF)
    assert (code, out) == (2, "")
    assert err.startswith("error: rollup.output /dev/x.xlsx: is in /dev, not a file; ")
    assert run("sync", "--config", str(ws), *AS_OF, "--team", "Sales")[0] == 0
    assert run("sync", "--config", str(ws), *AS_OF, "--dry-run")[0] == 0


def test_the_rollup_output_is_judged_again_as_it_is_published(demo: Path, tmp_path: Path) -> None:
    """A pipe made there while the night ran: the rollup fails (the teams are written), the
    pipe stays."""
    ws = load_workspace(copy_ws(demo, tmp_path / "ws"))
    os.mkfifo(ws.rollup_path)
    with pytest.raises(ConfigError, match=r"^rollup.output company.xlsx: is a named pipe, "):
        rollup_step.publish(ws, rollup_step.RollupPrep((), fingerprint="x", write=True))
    assert stat.S_ISFIFO(ws.rollup_path.lstat().st_mode)


def test_an_export_over_a_pipe_is_refused_before_any_team_is_read(
    demo: Path, tmp_path: Path
) -> None:
    """``export --out feed/`` with ``feed/summary.csv`` a named pipe (a loader reading it
    as it comes): each table was renamed over it, exit 0."""
    ws = copy_ws(demo, tmp_path / "ws")
    out_dir = tmp_path / "feed"
    out_dir.mkdir()
    os.mkfifo(out_dir / "kpis.csv")
    code, out, err = run("export", "--config", str(ws), *AS_OF, "--out", str(out_dir))
    assert (code, out) == (2, "")
    assert err == (
        f"error: --out {out_dir}: kpis.csv is a named pipe, not a file; each table is a new "
        "file renamed into its place: give --out a folder of files\n"
    )
    assert sorted(p.name for p in out_dir.iterdir()) == ["kpis.csv"]
    assert stat.S_ISFIFO((out_dir / "kpis.csv").lstat().st_mode)
    code, _, err = run("export", "--config", str(ws), *AS_OF, "--out", "/proc/self")
    assert code == 2 and "summary.csv is in /proc, not a file; " in err


def test_a_shard_merge_over_a_pipe_is_refused_before_it_merges(demo: Path, tmp_path: Path) -> None:
    """``rollup --from-results`` (the Airflow DAG's merge) published the workbook over a
    named pipe at ``rollup.output``, as the night did."""
    ws = copy_ws(demo, tmp_path / "ws")
    results = tmp_path / "results"
    shard = ["--shard", "1/1", "--results-dir", str(results)]
    assert run("sync", "--config", str(ws), *AS_OF, *shard)[0] == 0
    os.mkfifo(ws.parent / "company.xlsx")
    before = _files(ws.parent)
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert (code, out) == (2, "")
    assert err.startswith("error: rollup.output company.xlsx: is a named pipe, not a file; ")
    assert _files(ws.parent) == before


def test_an_export_folder_under_a_file_is_refused_before_any_team_is_read(
    demo: Path, tmp_path: Path
) -> None:
    """``export --out notes.txt/x``: every team was read, then the folder could not be
    made, ``error: notes.txt/x: Not a directory``, exit 1 as for a failed night (until
    2026-12-07); now a usage error naming ``--out`` and the file in its way, nothing done."""
    ws = copy_ws(demo, tmp_path / "ws")
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    for out_dir in (tmp_path / "notes.txt" / "x", tmp_path / "notes.txt" / "x" / "y"):
        code, out, err = run("export", "--config", str(ws), *AS_OF, "--out", str(out_dir))
        assert (code, out) == (2, "")
        assert err == (
            f"error: --out {out_dir}: {tmp_path / 'notes.txt'} is not a folder; "
            "give --out a folder of files\n"
        )


def test_an_export_folder_through_a_broken_link_or_dotdot_is_refused_first(
    demo: Path, tmp_path: Path
) -> None:
    """The walk up to the nearest name there followed links (``Path.exists``): a link to
    nowhere or a link loop in ``--out`` was walked past, every team was read, then the
    folder could not be made, exit 1; ``x/../notes.txt/y`` (no ``x``) passed the same way
    (until 2026-12-07). Each is a usage error before any team is read."""
    ws = copy_ws(demo, tmp_path / "ws")
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    os.mkfifo(tmp_path / "feed")  # called a file (until 2026-12-07)
    cases = {
        tmp_path / "dangling" / "x": f"{tmp_path / 'dangling'} is a link to "
        f"{tmp_path / 'gone'}, which does not exist",
        tmp_path / "loop1" / "x": f"{tmp_path / 'loop1'} is a link to {tmp_path / 'loop2'}, "
        "which goes round a loop of links",
        tmp_path / "x" / ".." / "notes.txt" / "y": f"{tmp_path / 'notes.txt'} is not a folder",
        tmp_path / "feed" / "x": f"{tmp_path / 'feed'} is a named pipe, not a folder",
    }
    for out_dir, why in cases.items():
        code, out, err = run("export", "--config", str(ws), *AS_OF, "--out", str(out_dir))
        assert (code, out, err) == (
            2,
            "",
            f"error: --out {out_dir}: {why}; give --out a folder of files\n",
        )
    assert not (tmp_path / "gone").exists()
