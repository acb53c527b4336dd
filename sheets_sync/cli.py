"""The command line: a thin layer over the library, one command per library call."""

from __future__ import annotations

import click

from sheets_sync import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sheets-sync")
def cli() -> None:
    """Keep OKRs and KPIs in the spreadsheets your teams already use."""


def main() -> None:
    cli()
