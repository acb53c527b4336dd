"""``--report PATH`` on what is not a plain file (docs/operations.md, Run reports). The copy
was written beside PATH and renamed over it: a link became a plain file (the file it
named kept the night before's report, which monitoring read as tonight's), and a device
or a pipe was replaced by a regular file: ``--report /dev/null`` run as root made every
program's ``/dev/null`` a file holding the report."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

from tests.cli.test_ops_cli import AS_OF, copy_ws, run


def test_a_link_keeps_naming_the_report(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    (tmp_path / "monitor").mkdir()
    target = tmp_path / "monitor" / "last-run.json"
    target.write_text('{"night": "before"}')
    link = tmp_path / "last-run.json"
    link.symlink_to(target)
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(link))
    assert code == 0, out + err
    assert link.is_symlink() and link.readlink() == target
    assert json.loads(target.read_text())["command"] == "sync"


def test_a_pipe_gets_the_report_written_into_it(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as pipe:  # blocks until the run opens it to write
            got.append(pipe.read())

    reader = threading.Thread(target=read, daemon=True)  # left blocked if never opened
    reader.start()
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(fifo))
    assert code == 0, out + err
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the pipe was replaced by a plain file"
    reader.join(timeout=30)
    assert got and json.loads(got[0])["command"] == "sync"
