"""``--report PATH`` on what is not a plain file (docs/operations.md, Run reports). The copy
was written beside PATH and renamed over it whatever PATH was: a device or a pipe was
replaced by a regular file (``--report /dev/null`` run as root made the machine's
``/dev/null`` a file holding the report), and so was a link to one (``/dev/stdout``)."""

from __future__ import annotations

import json
import os
import select
import stat
import threading
from pathlib import Path

from tests.cli.test_ops_cli import AS_OF, copy_ws, run


def test_a_pipe_gets_the_report_written_into_it(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    opened = threading.Event()

    def read() -> None:
        """The pipe's reader, there before the run writes: Linux's poll wakes it once a
        writer came (data, then its end), not before."""
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        opened.set()
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        try:
            while poller.poll(60_000):
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    break  # the writer closed it
                got.append(chunk)
        finally:
            os.close(fd)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert opened.wait(30)
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(fifo))
    assert code == 0, out + err
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the pipe was replaced by a plain file"
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert json.loads(b"".join(got))["command"] == "sync"


def test_a_pipe_nobody_reads_is_not_waited_for(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(fifo))
    assert code == 1, out + err  # the report was not written
    assert f"{fifo}: the run report was not written (No such device or address)" in err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_link_to_a_pipe_is_neither_replaced_nor_written_through(
    demo: Path, tmp_path: Path
) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    link = tmp_path / "stdout"
    link.symlink_to(fifo)
    code, out, err = run("sync", "--config", str(ws), *AS_OF, "--report", str(link))
    assert code == 1, out + err
    assert (
        f"{link}: the run report was not written (a link to what is not a file; it is "
        "neither written through nor replaced)" in err
    )
    assert link.is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(sorted((ws.parent / ".sheets-sync" / "runs").glob("*.json"))[-1].read_text())
