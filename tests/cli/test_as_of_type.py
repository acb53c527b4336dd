"""``--as-of``'s click type (``cli_support.AsOfDate``) given a date, not text: a default
from ``default_map`` or a caller's ``ctx.invoke`` skipped its checks."""

from __future__ import annotations

import datetime as dt

import click
import pytest
from click.testing import CliRunner

from sheets_sync.cli_support import AsOfDate, as_of_option


@click.command()
@as_of_option
def show(as_of: dt.date | None) -> None:
    click.echo(repr(as_of))


@pytest.mark.parametrize("day", [dt.date(1850, 1, 1), dt.datetime(1850, 1, 1, 12)])
def test_a_date_before_march_1900_given_as_a_date_is_refused(day: dt.date) -> None:
    """Only text was checked: a date object before 1900-03-01 went through (the rollup's As
    of a negative day number in the workbook, Excel's ``####``)."""
    result = CliRunner().invoke(show, [], default_map={"as_of": day})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for --as-of: expected a date on or after 1900-03-01, got "
        "1850-01-01 (Excel shows none before 1900 and January-February 1900 a day late)"
    )


def test_a_datetime_is_its_day() -> None:
    """A datetime (a subclass of date) went through as one: the commands compare it with
    dates (a TypeError) and print its time."""
    result = CliRunner().invoke(show, [], default_map={"as_of": dt.datetime(2026, 11, 23, 9)})
    assert (result.exit_code, result.output) == (0, "datetime.date(2026, 11, 23)\n")
    assert AsOfDate().convert(dt.datetime(2026, 11, 23, 9), None, None) == dt.date(2026, 11, 23)
    assert AsOfDate().convert(dt.date(2026, 11, 23), None, None) == dt.date(2026, 11, 23)
