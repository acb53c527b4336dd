"""A key result whose ID names another objective of the tab than the one the fill-down
rule puts it under (a sort by owner, a deleted first row) is scored where it sits, and
warned of: until 2026-12-07 O2.2 scored under O1 and O2 left the rollup without a word."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import TeamInput
from sheets_sync.grid import CellValue
from sheets_sync.mapping import named_objective
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.support.scripts import script_run

HEAD = ("Objective ID", "Objective", "KR ID", "Key result", "Owner", "Start", "Target", "Current")


def _team(tmp_path: Path, *rows: tuple[CellValue, ...]) -> TeamInput:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    for line in (HEAD, *rows):
        ws.append(list(line))
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "sales.xlsx"
    wb.save(path)
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    return build_team_input("Sales", extract(data, load_mapping("standard")))


def _said(team: TeamInput) -> list[str]:
    return [str(f) for f in team.findings if "names" in f.message]


def _under(team: TeamInput) -> dict[str, str]:
    return {k.id: k.objective_id for k in team.key_results}


def test_a_sort_by_owner_puts_o1_2_under_o2_and_says_so(tmp_path: Path) -> None:
    team = _team(
        tmp_path,
        ("O1", "Grow", "O1.1", "Deals", "Ann", 0, 10, 5),
        ("O2", "Keep", "O2.1", "Churn", "Ann", 0, 10, 5),
        (None, None, "O1.2", "Leads", "Bob", 0, 10, 5),
        (None, None, "O2.2", "NPS", "Bob", 0, 10, 5),
    )
    assert _said(team) == [
        "sales.xlsx!OKRs!A4: key result O1.2 sits under objective O2 (filled down from A3), "
        "but its ID names O1; it is scored under O2, as a blank Objective ID takes the one "
        "above (a sort or a deleted row moves key results away from their objective's first "
        "row): type O1 in its Objective ID cell if it belongs to O1, or renumber it"
    ]
    assert _under(team) == {"O1.1": "O1", "O2.1": "O2", "O1.2": "O2", "O2.2": "O2"}


def test_the_id_conventions_that_name_an_objective(tmp_path: Path) -> None:
    """``O2-KR1``, ``O2 KR 1``, ``KR O2.1``, ``o2.3`` and a full-width ``Ｏ２.4`` name O2."""
    team = _team(
        tmp_path,
        ("O1", "Grow", "O1.1", "Deals", "Ann", 0, 10, 5),
        (None, None, "O2-KR1", "a", "Ann", 0, 10, 5),
        (None, None, "O2 KR 2", "b", "Ann", 0, 10, 5),
        (None, None, "KR O2.1", "c", "Ann", 0, 10, 5),
        (None, None, "o2.3", "d", "Ann", 0, 10, 5),
        (None, None, "Ｏ２.4", "e", "Ann", 0, 10, 5),
        ("O2", "Keep", "O2.5", "Churn", "Ann", 0, 10, 5),
    )
    got = [s.split(": key result ")[1].split(";")[0] for s in _said(team)]
    assert got == [
        f"{kr} sits under objective O1 (filled down from A2), but its ID names O2"
        for kr in ("O2-KR1", "O2 KR 2", "KR O2.1", "o2.3", "Ｏ２.4")
    ]
    assert set(_under(team).values()) == {"O1", "O2"}  # scored where they sit


def test_a_deleted_first_row_leaves_o2_named_by_no_row(tmp_path: Path) -> None:
    """O2's first row (its ID typed) deleted: O2.2 and O2.3 fill down from O1, and no row
    names O2; the tab numbers key results by objective (O1.1), so O2 is one by its shape."""
    team = _team(
        tmp_path,
        ("O1", "Grow", "O1.1", "Deals", "Ann", 0, 10, 5),
        (None, None, "O2.2", "NPS", "Bob", 0, 10, 5),
        (None, None, "O2.3", "CSAT", "Bob", 0, 10, 5),
        ("O3", "Hire", "O3.1", "Hires", "Cy", 0, 10, 5),
    )
    said = _said(team)
    assert [s.split("!")[2][:2] for s in said] == ["A3", "A4"]
    assert said[0].startswith(
        "sales.xlsx!OKRs!A3: key result O2.2 sits under objective O1 (filled down from A2), "
        "but its ID names O2, which no row of this tab names as its objective (its first row "
        "deleted or hidden?); it is scored under O1"
    )


def test_an_objective_id_typed_beside_another_objectives_kr(tmp_path: Path) -> None:
    team = _team(
        tmp_path,
        ("O1", "Grow", "O1.1", "Deals", "Ann", 0, 10, 5),
        ("O2", "Keep", "O2.1", "Churn", "Ann", 0, 10, 5),
        ("O1", None, "O2.2", "NPS", "Bob", 0, 10, 5),
    )
    assert _said(team) == [
        "sales.xlsx!OKRs!A4: key result O2.2 has objective ID O1, but its ID names O2; it is "
        "scored under O1: type O2 in its Objective ID cell if it belongs to O2, or renumber it"
    ]


def test_ids_that_name_no_objective_of_the_tab_say_nothing(tmp_path: Path) -> None:
    """``KR1``, ``1.2``, ``O10.1`` under O1 (no O10), ``KPI-2.1``, ``O1a.1`` under O1a,
    and ``X2.1`` beside objectives O1 and O2 (no objective is X-numbered) name none."""
    team = _team(
        tmp_path,
        ("O1", "Grow", "KR1", "Deals", "Ann", 0, 10, 5),
        (None, None, "1.2", "a", "Ann", 0, 10, 5),
        (None, None, "O10.1", "b", "Ann", 0, 10, 5),
        (None, None, "O1.3", "b2", "Ann", 0, 10, 5),
        (None, None, "KPI-2.1", "c", "Ann", 0, 10, 5),
        ("O2", "Keep", "X2.1", "d", "Ann", 0, 10, 5),
        (None, None, "O2.2", "e", "Ann", 0, 10, 5),
        ("O1a", "Sub", "O1a.1", "f", "Ann", 0, 10, 5),
        (None, None, "O1a.2", "g", "Ann", 0, 10, 5),
    )
    assert _said(team) == []


def test_objectives_numbered_1_and_2(tmp_path: Path) -> None:
    """Plain numbers: ``2.1`` under objective 1 names objective 2 (``1.2`` beside O1 and
    O2 named none, above)."""
    team = _team(
        tmp_path,
        (1, "Grow", "1.1", "Deals", "Ann", 0, 10, 5),
        (2, "Keep", "2.2", "Churn", "Ann", 0, 10, 5),
        (None, None, "1.2", "Leads", "Bob", 0, 10, 5),
    )
    assert [s.split(";")[0] for s in _said(team)] == [
        "sales.xlsx!OKRs!A4: key result 1.2 sits under objective 2 (filled down from A3), "
        "but its ID names 1"
    ]


def test_the_longest_objective_id_a_kr_id_extends_is_the_one_it_names(tmp_path: Path) -> None:
    """``O1a.2`` under ``O1`` names ``O1a`` (it extends ``O1`` too), and an error cell in
    the Objective ID column is its own finding, not compared."""
    team = _team(
        tmp_path,
        ("O1a", "Sub", "O1a.1", "f", "Ann", 0, 10, 5),
        ("O1", "Grow", "O1.1", "Deals", "Ann", 0, 10, 5),
        (None, None, "O1a.2", "g", "Ann", 0, 10, 5),
        ("#REF!", None, "O1.3", "h", "Ann", 0, 10, 5),
    )
    assert [s.split(";")[0] for s in _said(team)] == [
        "sales.xlsx!OKRs!A4: key result O1a.2 sits under objective O1 (filled down from A3), "
        "but its ID names O1a"
    ]


def test_an_id_of_more_digits_than_python_turns_to_a_number_is_no_crash(tmp_path: Path) -> None:
    """A KR ID or an objective ID of 5,000 digits (past Python's 4,300 for int()) failed the
    team with an internal error until 2026-12-07; it is shaped as no objective ID."""
    long = "O" + "9" * 5000
    kr = _team(
        tmp_path,
        ("O1", "Grow", "O1.1", "Deals", "Ann", 0, 10, 5),
        (None, None, long + ".1", "Leads", "Ann", 0, 10, 5),
    )
    assert _said(kr) == []
    assert _under(kr) == {"O1.1": "O1", long + ".1": "O1"}
    objective = _team(
        tmp_path,
        ("O1", "Grow", "O1.1", "Deals", "Ann", 0, 10, 5),
        (long, "Keep", "x1", "Churn", "Ann", 0, 10, 5),
    )
    assert _said(objective) == []
    assert _under(objective) == {"O1.1": "O1", "x1": long}


def test_a_long_id_is_looked_at_no_further() -> None:
    """Twelve key results whose IDs are 100,000 characters each, on a tab numbered by
    objective: until 2026-12-07 ``_shaped``'s regex and ``_named``'s prefixes took each
    such row seconds to minutes (quadratic in the ID), a night stalled by one file; now
    an ID past 100 characters is no ID to compare. In a child bounded by ``HANG``."""
    code = (
        "from sheets_sync.grid import SheetGrid\n"
        "from sheets_sync.mapping.named_objective import named_elsewhere\n"
        "long = 'x' * 100_000 + '!i'\n"
        "records = [(2, {'objective_id': 'O1', 'kr_id': 'O1.1'}, {})]\n"
        "records += [(3 + i, {'objective_id': 'O1', 'kr_id': long}, {}) for i in range(12)]\n"
        "grid = SheetGrid('OKRs', [])\n"
        "print(len(named_elsewhere(records, grid, 1, 'sales.xlsx')))\n"
    )
    done = script_run(code)
    assert (done.returncode, done.stdout) == (0, "0\n"), done.stderr


def test_the_next_team_of_the_same_ids_reads_them_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Teams number key results as the template does, the same IDs in every workbook:
    each read once a night, not once a row a team (until 2026-12-07 every row's of every
    team), and each team warned of as before."""
    keyed: Counter[str] = Counter()

    def counted(text: str) -> str:
        keyed[text] += 1
        return id_key(text)

    monkeypatch.setattr(named_objective, "id_key", counted)
    named_objective._text_key.cache_clear()
    rows = (
        ("O1", "Grow", "O1.1", "Deals", "Ann", 0, 10, 5),
        ("O2", "Keep", "O2.1", "Churn", "Ann", 0, 10, 5),
        (None, None, "O1.2", "Leads", "Bob", 0, 10, 5),
    )
    said = [_said(_team(tmp_path / team, *rows)) for team in ("a", "b", "c")]
    assert said[0] == said[1] == said[2] != []
    assert max(keyed.values()) == 1
    assert set(keyed) == {"O1", "O2", "O1.1", "O2.1", "O1.2"}


def test_a_long_cell_is_not_kept_across_teams(tmp_path: Path) -> None:
    """Only IDs of an ID's length are kept (``_KEPT_CHARS``): a column of long texts
    pasted into KR ID would otherwise hold them all for the night."""
    named_objective._text_key.cache_clear()
    long = "O1." + "x" * 5_000
    team = _team(tmp_path, ("O1", "Grow", "O1.1", "Deals", "Ann", 0, 10, 5))
    assert _said(team) == []
    kept = named_objective._text_key.cache_info().currsize
    _team(tmp_path / "b", ("O1", "Grow", long, "Deals", "Ann", 0, 10, 5))
    assert named_objective._text_key.cache_info().currsize == kept


#: ``_last_part`` as the regex it replaces read it (cubic in the ID's separators)
_LAST_PART = re.compile(r"^(.+?)[\s._-]*(?:kr|key result)?[\s._#-]*[0-9a-z]+$")


def test_the_last_part_is_the_regexs_group_read_once() -> None:
    """Each ID of short runs of the characters it reads, and a seeded sample: what the
    regex took as the part before the key result's number, line breaks and all."""
    typed = [
        "o2.2", "o2-kr1", "o2 kr 1", "o2a", "o1 key result 3", "o1kr#2", "o1 # 2", "o1.#kr2",
        "a" + " " * 98 + "!", "o1\n.2", "\no1.2", "o1.2\n", "kr", "o", "o1", " 1", "o1..",
    ]  # fmt: skip
    chars = [*"o12kre y.slt_-#!\n\té", "kr", "key result", " kr "]
    sample = random.Random(7)
    typed += [
        "".join(sample.choice(chars) for _ in range(sample.randint(0, 9))) for _ in range(20_000)
    ]
    for text in typed:
        match = _LAST_PART.fullmatch(text)
        assert named_objective._last_part(text) == (match and match.group(1)), repr(text)


def test_an_id_of_many_separators_is_split_at_once() -> None:
    """Found by review 2026-12-07: ``(.+?)[\\s._-]*(?:kr|key result)?[\\s._#-]*[0-9a-z]+``
    tried each start and each split of a run of separators, 4,000 rows of a KR ID ``a``,
    98 spaces and ``!`` took 23 s; at Excel's 32,767 characters far past the hang guard.
    Read once from the end, milliseconds. In a child bounded by ``HANG``."""
    code = (
        "from sheets_sync.mapping.named_objective import _shaped\n"
        "for sep in (' ', '-', ' -', ' .', '_#'):\n"
        "    text = 'o1' + sep * (32_760 // len(sep)) + '!'\n"
        "    print(_shaped(text, {'o': 5}), _shaped(text[:-1] + '2', {'o': 5}))\n"
    )
    done = script_run(code)
    assert (done.returncode, done.stdout) == (0, "None o1\n" * 5), done.stderr
