"""``config check`` loads the Google key file with the loader sync uses (google-auth's, no
network) and names what is wrong with it in the words of each Google team's line; sync
keeps treating such a key as the Google teams' failure only
(tests/e2e/test_google_credentials.py), so Excel teams still sync."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dh, ec, x448, x25519

from sheets_sync.backends.gsheets.auth import load_credentials
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import EMULATOR_ENV, fake_service_account_info
from sheets_sync.cli import cli
from sheets_sync.config import load_workspace
from sheets_sync.errors import CredentialsError
from sheets_sync.template.xlsx import write_template

KEY = "1" + "a" * 43
GOOD = fake_service_account_info("127.0.0.1:9")
BAD_PEM = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
#: a PEM key google-auth loads, and whose signature failed (a TypeError) at the token exchange
EC_PEM = (
    ec.generate_private_key(ec.SECP256R1())
    .private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    .decode()
)


def _pem(key: Any) -> str:
    return str(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    )


#: PEM keys google-auth loads, and whose signing raised an AttributeError (a traceback)
X25519_PEM = _pem(x25519.X25519PrivateKey.generate())
X448_PEM = _pem(x448.X448PrivateKey.generate())
with warnings.catch_warnings():  # FFDH is deprecated: the point, for a key
    warnings.simplefilter("ignore")
    DH_PEM = _pem(dh.generate_parameters(2, 512).generate_private_key())
NOT_RSA = "private_key is not an RSA private key (a service-account key is RSA)"


@functools.cache
def _template() -> bytes:
    """The Excel team's workbook, made once: these tests judge the Google key, and the
    template took a second to write for each of some 50 workspaces."""
    with tempfile.TemporaryDirectory() as tmp:
        write_template(Path(tmp) / "local.xlsx")
        return (Path(tmp) / "local.xlsx").read_bytes()


def _workspace(tmp: Path, key: Any, *, google_team: bool = True, setting: bool = True) -> Path:
    if isinstance(key, bytes):
        (tmp / "sa.json").write_bytes(key)
    else:
        (tmp / "sa.json").write_text(key if isinstance(key, str) else json.dumps(key))
    (tmp / "local.xlsx").write_bytes(_template())
    teams = "  - {name: Local, source: local.xlsx}\n"
    if google_team:
        teams += f"  - {{name: Ops, source: 'gsheet:{KEY}'}}\n"
    cfg = tmp / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n{teams}" + ("google: {credentials: sa.json}\n" if setting else "")
    )
    return cfg


def _check(cfg: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(cfg)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ({}, "is not a service-account key: missing type, client_email, private_key, token_uri"),
        ("{not json", "is not JSON (Expecting property name enclosed in double quotes at line 1)"),
        ([], "is not a JSON key file (not an object)"),
        (
            {k: v for k, v in GOOD.items() if k not in ("client_email", "private_key")},
            "is not a service-account key: missing client_email, private_key",
        ),
        (
            {**GOOD, "private_key": BAD_PEM},
            "private_key is not a PEM private key google-auth can load",
        ),
        (
            {"type": "authorized_user", "client_id": "c", "client_secret": "s",
             "refresh_token": "r"},
            "is a user's OAuth credentials (type authorized_user), not a service-account key: "
            "create a key for a service account in the Cloud console",
        ),
        (
            {"type": "authorized_user"},
            "is a user's OAuth credentials (type authorized_user), not a service-account key: "
            "create a key for a service account in the Cloud console",
        ),
        (
            {"type": "external_account", "audience": "a"},
            "is a credential of type 'external_account', not a service-account key (type "
            "service_account)",
        ),
        (
            {k: v for k, v in GOOD.items() if k != "type"},
            "is not a service-account key: missing type",
        ),
        (
            {**GOOD, "private_key": EC_PEM},
            "private_key is not an RSA private key (a service-account key is RSA)",
        ),
        ({**GOOD, "private_key": X25519_PEM}, NOT_RSA),
        ({**GOOD, "private_key": X448_PEM}, NOT_RSA),
        ({**GOOD, "private_key": DH_PEM}, NOT_RSA),
        ("[" * 200_000, "is not a JSON key file (nested too deeply)"),
        (b"\xff\xfe{}", "is not a JSON key file (not UTF-8 text)"),
    ],
    ids=["empty", "not-json", "list", "missing", "bad-pem", "user", "user-fields-missing",
         "other", "no-type", "ec-pem", "x25519-pem", "x448-pem", "dh-pem", "nested", "not-utf8"],
)  # fmt: skip
def test_a_key_google_auth_cannot_use_is_a_configuration_problem(
    tmp_path: Path, key: Any, problem: str
) -> None:
    cfg = _workspace(tmp_path, key)
    code, _, err = _check(cfg)
    assert code == 2
    assert err == (
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: line 6: google.credentials: sa.json: {problem}\n"
    )  # until 2026-12-07 no line: it is checked after the workspace loaded (review 4)
    assert "PRIVATE KEY" not in err
    # sync judges the key by the same loader: each Google team's line says the same
    with pytest.raises(CredentialsError) as failed:
        load_credentials(load_workspace(cfg))
    assert failed.value.short == f"Google credentials file {tmp_path / 'sa.json'}: {problem}"
    assert "PRIVATE KEY" not in failed.value.message


def test_a_usable_key_passes(tmp_path: Path) -> None:
    code, out, err = _check(_workspace(tmp_path, GOOD))
    assert (code, err) == (0, "")
    assert out.startswith("sheets-sync.yaml: ok: Acme")


def test_the_key_is_not_judged_without_a_google_sheet(tmp_path: Path) -> None:
    """Nothing would use it: an Excel-only workspace is not failed for it."""
    code, _, err = _check(_workspace(tmp_path, {}, google_team=False))
    assert (code, err) == (0, "")


def test_a_key_from_the_environment_is_named_by_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _workspace(tmp_path, {}, setting=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "sa.json"))
    code, _, err = _check(cfg)
    assert code == 2
    assert err.splitlines()[1] == (
        f"  sheets-sync.yaml: GOOGLE_APPLICATION_CREDENTIALS: {tmp_path / 'sa.json'}: is not "
        "a service-account key: missing type, client_email, private_key, token_uri"
    )


def test_google_teams_without_any_key_fail_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was a note with exit 0 (the variable may be set for the nightly job alone), so a
    check that passed could be followed by a night where every Google team failed. The
    check says whether the sync can work: exit 2, and the line says how to check with the
    job's variable."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    code, out, err = _check(_workspace(tmp_path, GOOD, setting=False))
    assert (code, out) == (2, "")
    assert err == (
        "error: sheets-sync.yaml: invalid configuration\n"
        "  sheets-sync.yaml: google.credentials: not set, and neither is "
        "GOOGLE_APPLICATION_CREDENTIALS in this environment: 1 Google team cannot be read "
        "(set google.credentials, or run config check with the GOOGLE_APPLICATION_CREDENTIALS "
        "the nightly job sets; docs/google-sheets.md)\n"
    )


def test_no_note_when_the_environment_names_a_key_or_no_sheet_is_google(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    excel_only = tmp_path / "excel"
    excel_only.mkdir()
    assert _check(_workspace(excel_only, GOOD, google_team=False, setting=False))[::2] == (0, "")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "sa.json"))
    assert _check(_workspace(tmp_path, GOOD, setting=False))[::2] == (0, "")


def _not_a_key(tmp: Path, kind: str) -> Path:
    """A key path that named these hung ``config check`` and sync: an unbounded read of
    /dev/zero or a huge file, or an open() of a FIFO no one writes to."""
    path = tmp / "key"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "huge":
        with path.open("wb") as fh:
            fh.truncate(64 * 1024 * 1024)  # sparse: no 64 MB written
    else:
        return Path("/dev/zero")
    return path


NOT_A_KEY = [
    pytest.param("fifo", "is a named pipe, not a key file", id="fifo"),
    pytest.param("dev-zero", "is a device, not a key file", id="dev-zero"),
    pytest.param("folder", "is a folder, not a key file", id="folder"),
    pytest.param(
        "huge", "is larger than 1,048,576 bytes, not a key file (a key has a few KB)", id="huge"
    ),
]


def _run_bounded(cfg: Path, key: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own, killed after 120 s and kept under 2 GiB: before,
    these key paths hung it for good (in sync, a worker thread no timeout could stop) or
    read /dev/zero until memory ran out. A sync takes ~2 s of CPU and ~5 s at a load of
    6; 30 s was passed (TimeoutExpired, fifo) with pytest -n 2 beside two busy loops."""

    def limit() -> None:
        import resource  # POSIX only, as the test

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = {
        **os.environ,
        "GOOGLE_APPLICATION_CREDENTIALS": str(key),
        EMULATOR_ENV: "127.0.0.1:9",  # nothing may leave this machine
    }
    return subprocess.run(
        [sys.executable, "-m", "sheets_sync", *args, "--config", str(cfg)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # two runs a test: under pytest-timeout's 300 s
        preexec_fn=limit,
        check=False,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs, /dev/zero and rlimits are POSIX")
@pytest.mark.parametrize(("kind", "problem"), NOT_A_KEY)
def test_a_key_path_that_is_no_key_file_is_one_line_at_once(
    tmp_path: Path, kind: str, problem: str
) -> None:
    cfg = _workspace(tmp_path, GOOD, setting=False)
    key = _not_a_key(tmp_path, kind).resolve()
    check = _run_bounded(cfg, key, "config", "check")
    assert check.returncode == 2, check.stderr
    assert check.stderr == (
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: GOOGLE_APPLICATION_CREDENTIALS: {key}: {problem}\n"
    )
    sync = _run_bounded(cfg, key, "sync", "--as-of", "2026-02-15")
    assert sync.returncode == 1, sync.stderr
    assert "Traceback" not in sync.stdout + sync.stderr
    assert [line for line in sync.stderr.splitlines() if line.startswith("ERROR")] == [
        f"ERROR sheets_sync.gsheets: Google credentials file {key}: {problem}: no Google team "
        "is synced in this run"
    ]
    assert f"gsheet:{KEY}: Google credentials file {key}: {problem}" in sync.stdout + sync.stderr


def test_a_huge_key_file_named_in_the_workspace_is_not_read_whole(tmp_path: Path) -> None:
    cfg = _workspace(tmp_path, GOOD)
    with (tmp_path / "sa.json").open("wb") as fh:
        fh.truncate(64 * 1024 * 1024)
    code, _, err = _check(cfg)
    assert code == 2
    assert err.splitlines()[1] == (
        "  sheets-sync.yaml: line 6: google.credentials: sa.json: is larger than 1,048,576 bytes, "
        "not a key file (a key has a few KB)"
    )


def test_a_key_setting_that_names_a_folder_says_so(tmp_path: Path) -> None:
    """``google.credentials`` naming a folder was "file not found": the folder is there."""
    cfg = _workspace(tmp_path, GOOD)
    (tmp_path / "sa.json").unlink()
    (tmp_path / "sa.json").mkdir()
    code, _, err = _check(cfg)
    assert code == 2
    assert err.splitlines()[1] == (
        "  sheets-sync.yaml: line 6: google.credentials: sa.json: is a folder, not a key file"
    )


def _run_here(cfg: Path, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in this process, as ``_run_bounded`` runs it (the same environment): these
    keys are read at once, so no hang or memory bound is needed, and a process of its own
    for each run cost some 2 s of imports, 12 runs in all."""
    env = {"GOOGLE_APPLICATION_CREDENTIALS": key, EMULATOR_ENV: "127.0.0.1:9"}
    clear_clients()
    try:
        result = CliRunner().invoke(cli, [*args, "--config", str(cfg)], env=env)
    finally:
        clear_clients()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback, as the process would have printed
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def _assert_one_line(
    cfg: Path, key: str, shown: str, where: str, problem: str, hint: str = ""
) -> None:
    """``config check`` names the key path and its problem in one line (exit 2), and sync
    fails its Google team alone with the same words (exit 1), no traceback in either."""
    check = _run_here(cfg, key, "config", "check")
    assert check.returncode == 2, check.stderr
    assert check.stderr == (
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: {where}: {shown}: {problem}\n"
    )
    sync = _run_here(cfg, key, "sync", "--as-of", "2026-02-15")
    assert sync.returncode == 1, sync.stderr
    out = sync.stdout + sync.stderr
    assert "Traceback" not in out and "internal error" not in out
    full = shown if where == "GOOGLE_APPLICATION_CREDENTIALS" else str(cfg.parent / shown)
    assert [line for line in sync.stderr.splitlines() if line.startswith("ERROR")] == [
        f"ERROR sheets_sync.gsheets: Google credentials file {full}: {problem}{hint}: no Google "
        "team is synced in this run"
    ]
    assert f"gsheet:{KEY}: Google credentials file {full}: {problem}" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="symbolic links and rlimits are POSIX")
@pytest.mark.parametrize("kind", ["x25519", "x448", "dh"])
def test_a_key_that_is_not_rsa_fails_the_google_teams_in_one_line(
    tmp_path: Path, kind: str
) -> None:
    """These loaded, and signing raised an AttributeError: a traceback in ``config check``,
    and "internal error ... please report it" for each Google team of a sync."""
    pem = {"x25519": X25519_PEM, "x448": X448_PEM, "dh": DH_PEM}[kind]
    cfg = _workspace(tmp_path, {**GOOD, "private_key": pem})
    hint = "; download a new JSON key"
    where = "line 6: google.credentials"
    _assert_one_line(cfg, "/nonexistent", "sa.json", where, NOT_RSA, hint)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="symbolic links and rlimits are POSIX")
def test_a_key_path_in_a_symbolic_link_loop_is_one_line(tmp_path: Path) -> None:
    """``Path.resolve()`` raised ``RuntimeError: Symlink loop``: a traceback."""
    cfg = _workspace(tmp_path, GOOD, setting=False)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    key = str(tmp_path / "loop")
    problem = "cannot be read (Too many levels of symbolic links)"
    _assert_one_line(cfg, key, key, "GOOGLE_APPLICATION_CREDENTIALS", problem)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="symbolic links and rlimits are POSIX")
def test_a_key_path_of_an_unknown_users_home_is_one_line(tmp_path: Path) -> None:
    """``Path.expanduser()`` raised ``RuntimeError: Could not determine home directory``."""
    cfg = _workspace(tmp_path, GOOD, setting=False)
    key = "~nosuchuser-sheets-sync/key.json"
    problem = "cannot be read (no home folder is known for ~nosuchuser-sheets-sync)"
    _assert_one_line(cfg, key, key, "GOOGLE_APPLICATION_CREDENTIALS", problem)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="symbolic links and rlimits are POSIX")
def test_a_key_path_is_named_as_written_not_where_its_link_leads(tmp_path: Path) -> None:
    """It was shown link-resolved: ``/dev/stdin`` appeared as ``/dev/null``, and this
    link as the folder it names, which the user never wrote."""
    cfg = _workspace(tmp_path, GOOD, setting=False)
    (tmp_path / "keys").mkdir()
    (tmp_path / "key.json").symlink_to(tmp_path / "keys")
    key = str(tmp_path / "key.json")
    problem = "is a folder, not a key file"
    _assert_one_line(cfg, key, key, "GOOGLE_APPLICATION_CREDENTIALS", problem)
