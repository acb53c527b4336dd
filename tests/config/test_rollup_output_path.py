"""``rollup.output`` under something that is no folder: the thing in the way is named."""

from __future__ import annotations

import os
from pathlib import Path

from tests.config.test_config import _one_team_head, problems


def test_a_rollup_output_under_a_file_says_the_file_is_no_folder(tmp_path: Path) -> None:
    """``rollup.output: notes.txt/company.xlsx`` said ``folder not found (.../notes.txt)``
    (until 2026-12-07), for a file that is there."""
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    head = _one_team_head(tmp_path)
    for output in ("notes.txt/company.xlsx", "notes.txt/x/company.xlsx"):
        found = problems(tmp_path, head + f"rollup: {{output: {output}}}\n")
        assert found == [
            f"sheets-sync.yaml: line 5: rollup.output: {tmp_path / 'notes.txt'} is not a folder"
        ]


def test_a_rollup_output_under_a_named_pipe_says_so(tmp_path: Path) -> None:
    """A named pipe in the way said ``folder not found`` (a pipe is no file: until
    2026-12-07 only a file was looked for), as the other "under a file" checks called a
    pipe a file; one rule says both (``regular_file.in_the_way``)."""
    os.mkfifo(tmp_path / "feed")
    found = problems(tmp_path, _one_team_head(tmp_path) + "rollup: {output: feed/company.xlsx}\n")
    assert found == [
        f"sheets-sync.yaml: line 5: rollup.output: {tmp_path / 'feed'} is a named pipe, not a "
        "folder"
    ]
