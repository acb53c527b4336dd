"""YAML as the workspace and mapping files are read: dates stay text for pydantic.

PyYAML turns an unquoted ``2026-02-30`` into a date itself, and an impossible one raised
``ValueError`` from inside the parser, past the YAMLError handlers: a traceback for a
typo. Left as text, the date is checked by the field that holds it, whose error names
it (``period.end: Input should be a valid date ... day value is outside expected
range``), as every other bad value's does.
"""

from __future__ import annotations

from typing import Any

import yaml

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _TextDates(yaml.SafeLoader):
    """``yaml.SafeLoader`` without the implicit timestamp type."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with dates as text (raises ``yaml.YAMLError`` as it does)."""
    return yaml.load(text, Loader=_TextDates)
