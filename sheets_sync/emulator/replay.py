"""Replay recorded gspread<->Google cassettes against a fresh emulator and compare answers.

Usage: python -m sheets_sync.emulator.replay [CASSETTE_DIR]

Ids Google assigned (spreadsheet, sheet, named/protected range ids) are learnt from aligned
responses and rewritten in later requests; timestamps are masked. Everything else, status code
and JSON body, must match exactly for an interaction to count as identical.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from sheets_sync.emulator import api
from sheets_sync.emulator.errors import ApiError
from sheets_sync.emulator.server import Emulator, run_emulator

STRING_IDS = ("spreadsheetId", "id", "namedRangeId")
INT_IDS = ("sheetId", "protectedRangeId")
VOLATILE = ("createdTime", "modifiedTime", "etag")
RECORDER = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"  # account in cassettes
CASSETTES_ENV = "SHEETS_SYNC_CASSETTES"


def default_cassette_dir() -> Path:
    env = os.environ.get(CASSETTES_ENV)
    if env:
        return Path(env)
    shared = os.environ.get("SHEETS_SYNC_SHARED")
    if shared:
        return Path(shared) / "gspread-cassettes"
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "gspread-cassettes"


@dataclass
class CassetteResult:
    name: str
    total: int = 0
    identical: int = 0
    endpoints: set[str] = field(default_factory=set)
    first_diff: str = ""

    @property
    def ok(self) -> bool:
        return self.total > 0 and self.identical == self.total


@dataclass
class _Ids:
    strings: dict[str, str] = field(default_factory=dict)  # recorded -> emulator
    ints: dict[int, int] = field(default_factory=dict)

    def to_emu(self, data: Any, key: str = "") -> Any:
        if isinstance(data, dict):
            return {k: self.to_emu(v, k) for k, v in data.items()}
        if isinstance(data, list):
            return [self.to_emu(v, key) for v in data]
        if isinstance(data, str):
            return self.strings.get(data, data)
        if isinstance(data, int) and key in INT_IDS:
            return self.ints.get(data, data)
        return data

    def to_recorded(self, data: Any, key: str = "") -> Any:
        if isinstance(data, dict):
            return {k: self.to_recorded(v, k) for k, v in data.items()}
        if isinstance(data, list):
            return [self.to_recorded(v, key) for v in data]
        if isinstance(data, str):
            for rec, emu in self.strings.items():
                if emu in data:
                    data = data.replace(emu, rec)
            return data
        if isinstance(data, int) and key in INT_IDS:
            back = {v: k for k, v in self.ints.items()}
            return back.get(data, data)
        return data

    def learn(self, expected: Any, actual: Any, key: str = "") -> None:
        if isinstance(expected, dict) and isinstance(actual, dict):
            for k in expected.keys() & actual.keys():
                self.learn(expected[k], actual[k], k)
        elif isinstance(expected, list) and isinstance(actual, list):
            for e, a in zip(expected, actual, strict=False):
                self.learn(e, a, key)
        elif key in STRING_IDS and isinstance(expected, str) and isinstance(actual, str):
            if expected != actual and expected not in self.strings:
                self.strings[expected] = actual
        elif (
            key in INT_IDS
            and isinstance(expected, int)
            and isinstance(actual, int)
            and expected != actual
            and expected not in self.ints
        ):
            self.ints[expected] = actual


def _mask(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: ("<volatile>" if k in VOLATILE else _mask(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_mask(v) for v in data]
    return data


def first_difference(expected: Any, actual: Any, path: str = "$") -> str:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in sorted(expected.keys() | actual.keys()):
            if k not in actual:
                return f"{path}.{k}: missing in emulator"
            if k not in expected:
                return f"{path}.{k}: extra in emulator ({json.dumps(actual[k])[:80]})"
            diff = first_difference(expected[k], actual[k], f"{path}.{k}")
            if diff:
                return diff
        return ""
    if isinstance(expected, list) and isinstance(actual, list):
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            diff = first_difference(e, a, f"{path}[{i}]")
            if diff:
                return diff
        if len(expected) != len(actual):
            return f"{path}: length {len(expected)} != {len(actual)}"
        return ""
    if expected != actual:
        return f"{path}: {json.dumps(expected)[:80]} != {json.dumps(actual)[:80]}"
    return ""


def _endpoint(method: str, path: str) -> str:
    try:
        return api.resolve(method, path.removeprefix("/upload"))[0]
    except ApiError:
        return f"{method} {path}"


def _seed_foreign(emu: Emulator, interactions: list[dict[str, Any]]) -> None:
    """Ids the cassette uses but never creates existed at Google; a 403 means not shared."""
    created: set[str] = set()
    for it in interactions:
        body = it["response"]["body"].get("string") or ""
        if it["request"]["method"] == "POST" and body.startswith("{"):
            created.add(str(json.loads(body).get("id", "")))
        sid = api.spreadsheet_id_of(urlsplit(it["request"]["uri"]).path)
        if sid and sid not in created and it["response"]["status"]["code"] == 403:
            book = emu.state.create(
                "Someone else's sheet", owner="owner@elsewhere.example", spreadsheet_id=sid
            )
            book.shared_with = []
            created.add(sid)


def replay_cassette(emu: Emulator, path: Path, session: requests.Session) -> CassetteResult:
    emu.reset()
    token = emu.issue_token(RECORDER)
    interactions = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    _seed_foreign(emu, interactions)
    ids, result = _Ids(), CassetteResult(path.stem)
    for index, it in enumerate(interactions):
        req, rec = it["request"], it["response"]
        split = urlsplit(req["uri"])
        result.endpoints.add(_endpoint(req["method"], split.path))
        url = emu.url + split.path + ("?" + split.query if split.query else "")
        for old, new in sorted(ids.strings.items(), key=lambda kv: -len(kv[0])):
            url = url.replace(old, new)
        body = req.get("body")
        if body and str(body).lstrip().startswith(("{", "[")):
            body = json.dumps(ids.to_emu(json.loads(body)))
        headers = {"Authorization": f"Bearer {token}"}
        ctype = req["headers"].get("Content-Type")
        if ctype:
            headers["Content-Type"] = ctype[0]
        resp = session.request(
            req["method"],
            url,
            data=body.encode() if isinstance(body, str) else body,
            headers=headers,
        )
        result.total += 1
        diff = _compare(ids, rec, resp)
        if diff:
            if not result.first_diff:
                result.first_diff = f"#{index} {req['method']} {split.path[:70]}: {diff}"
        else:
            result.identical += 1
    return result


def _compare(ids: _Ids, rec: dict[str, Any], resp: requests.Response) -> str:
    want_status = int(rec["status"]["code"])
    text = rec["body"].get("string") or ""
    try:
        expected: Any = json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        expected = text
    try:
        actual: Any = resp.json() if resp.content.strip() else None
    except ValueError:
        actual = resp.text
    if isinstance(expected, str) and isinstance(actual, str):
        return "" if expected == actual else f"body {expected[:60]!r} != {actual[:60]!r}"
    ids.learn(expected, actual)
    actual = ids.to_recorded(actual)
    if want_status != resp.status_code:
        return f"status {want_status} != {resp.status_code} ({json.dumps(actual)[:120]})"
    return first_difference(_mask(expected), _mask(actual))


def replay_all(folder: Path) -> list[CassetteResult]:
    results = []
    with run_emulator() as emu, requests.Session() as session:
        for path in sorted(folder.glob("*.json")):
            results.append(replay_cassette(emu, path, session))
    return results


def _parser() -> argparse.ArgumentParser:
    """argparse, so ``-h`` prints the usage and a mistyped option is refused (exit 2),
    rather than a replay of every cassette started by either."""
    parser = argparse.ArgumentParser(
        prog="python -m sheets_sync.emulator.replay",
        description="Replay recorded gspread<->Google cassettes against a fresh emulator "
        "and compare the answers (docs/emulator.md, Fidelity evidence).",
        allow_abbrev=False,
    )
    parser.add_argument(
        "folder",
        metavar="CASSETTE_DIR",
        nargs="?",
        type=Path,
        default=None,
        help=f"folder of cassette *.json files (default: ${CASSETTES_ENV}, else "
        "$SHEETS_SYNC_SHARED/gspread-cassettes, else ../shared/gspread-cassettes)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    folder: Path = args.folder or default_cassette_dir()
    if not folder.is_dir():
        print(f"no cassettes at {folder}", file=sys.stderr)
        return 2
    results = replay_all(folder)
    for r in results:
        mark = "OK  " if r.ok else "DIFF"
        line = f"{mark} {r.name}  {r.identical}/{r.total}"
        if not r.ok:
            line += f"  {r.first_diff}"
        print(line)
    ok = sum(r.ok for r in results)
    inter = sum(r.identical for r in results), sum(r.total for r in results)
    print(f"\n{ok}/{len(results)} cassettes replay identically; {inter[0]}/{inter[1]} interactions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
