"""``sheets-sync sync -q``, as a crontab line is often written: the usage error says
where the global options go, not only that the command has no such option."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_ops_cli import run


@pytest.mark.parametrize(
    ("args", "typed", "example"),
    [
        (["sync", "-qq"], "-q", "-q sync"),
        (["sync", "--verbose"], "--verbose", "--verbose sync"),
        (
            ["config", "check", "--log-format=json"],
            "--log-format",
            "--log-format json config check",
        ),
        (["rollup", "--quiet"], "--quiet", "--quiet rollup"),
    ],
)
def test_a_global_option_after_the_command_says_where_it_goes(
    args: list[str], typed: str, example: str
) -> None:
    command = " ".join(a for a in args if not a.startswith("-"))
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err == (
        f"Usage: cli {command} [OPTIONS]\nTry 'cli {command} --help' for help.\n\n"
        f"Error: No such option '{typed}' for `{command}`: -v, -q and --log-format go "
        f"before the command, e.g. sheets-sync {example}\n"
    )


def test_other_unknown_options_are_refused_as_ever() -> None:
    code, out, err = run("sync", "--bogus")
    assert (code, out) == (2, "")
    assert err.endswith("\n\nError: No such option '--bogus'.\n")


def test_the_hint_is_in_the_json_forms_too() -> None:
    code, out, err = run("--log-format", "json", "sync", "-v")
    assert (code, out) == (2, "")
    assert json.loads(err)["message"] == (
        "No such option '-v' for `sync`: -v, -q and --log-format go before the command, "
        "e.g. sheets-sync -v sync"
    )
    code, out, err = run("validate", "--json", "-q")
    assert (code, err) == (2, "")
    assert json.loads(out)["errors"] == [
        "No such option '-q' for `validate`: -v, -q and --log-format go before the command, "
        "e.g. sheets-sync -q validate"
    ]
