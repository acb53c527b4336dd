"""A mapping file in the workspace's ``mappings/`` folder is as open to a careless or
hostile co-worker as the team files: each bad one is one line, quickly. Its YAML error
quoted the file's lines under it (a message of four lines), a value holding itself was a
RecursionError traceback, and a file of any size was read whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.errors import MappingError
from sheets_sync.mapping.spec import load_mapping, parse_mapping


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: [1, 2\n",
            "mine.yaml: line 2 not valid YAML: expected ',' or ']', but got '<stream end>'",
        ),
        ("a: &a [*a]\n", "mine.yaml: line 1 not valid YAML: an alias refers to itself"),
        ("a: " + "{b: " * 5000 + "1" + "}" * 5000, "mine.yaml: not valid YAML: nested too deeply"),
    ],
)
def test_bad_mapping_yaml_is_one_line(text: str, message: str) -> None:
    with pytest.raises(MappingError) as info:
        parse_mapping(text, source="mine.yaml")
    assert str(info.value) == message


@pytest.mark.timeout(20)
def test_a_huge_mapping_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    with path.open("w") as fh:
        fh.truncate(4 * 1024 * 1024 + 1)
    with pytest.raises(OSError) as info:
        load_mapping(str(path))
    assert str(info.value) == "larger than 4,194,304 bytes, more than any workspace needs"
