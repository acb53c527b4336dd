"""Objective-blocks layout: key results numbered apart from their objective (``KR3`` under
``O1``, ``K1``, ``KR-7``), unticked (FALSE from a checkbox column over Actual), with an
owner, a Due or a Weight and no Type. Until 2026-12-06 each was read as an objective
header unless its Type said milestone: its key result gone, the ones below put under
"objective KR3", with nothing said."""

from __future__ import annotations

import random
import re

import pytest

from sheets_sync.grid import CellValue
from sheets_sync.mapping.blocks import _KR_NUMBER, block_columns, block_row, objective_too
from sheets_sync.mapping.spec import load_mapping
from tests.mapping.blocks_rows import DUE, MILESTONE, read_goals
from tests.support.scripts import script_run


def _read(*rows: tuple[CellValue, ...]) -> tuple[list[tuple[int, str]], list[str], list[str]]:
    read, team = read_goals(*rows)
    kinds: list[tuple[int, str]] = [(r.row, r.kind) for r in read.okrs.records]
    owners = [f"{k.objective_id}:{k.id}" for k in team.key_results]
    errors = [str(f) for f in team.findings if f.severity.name == "ERROR"]
    return kinds, owners, errors


def test_an_unticked_kr3_with_an_owner_and_a_due_date_is_a_key_result() -> None:
    kinds, owners, errors = _read(
        ("O1", "Build a brand", "committed", None, "Maria"),
        ("KR1", "Grow mentions 10 to 30", "number", None, "Maria", 10, 30, 22),
        ("KR2", "Publish the brand book", None, None, "Ana", None, None, False, None, 1, 7, DUE),
        ("KR3", "Ship the press kit", None, None, "Ana", None, None, False),
        ("KR4", "Grow leads 10 to 30", "number", None, "Tom", 10, 30, 20),
    )
    assert kinds == [(2, "objective"), (3, "kr"), (4, "kr"), (5, "kr"), (6, "kr")]
    assert owners == ["O1:KR1", "O1:KR4"]
    assert errors == [f"m.xlsx!Goals!H4: {MILESTONE}", f"m.xlsx!Goals!H5: {MILESTONE}"]


@pytest.mark.parametrize(
    ("objective_id", "kr_id", "kind"),
    [
        # a key result's own numbering, as teams type it: a key result, no doubt
        ("O1", "KR3", "kr"),
        ("O1", "kr3", "kr"),
        ("O1", "KR 3", "kr"),
        ("O1", "KR-7", "kr"),
        ("O1", "KR_7", "kr"),
        ("O1", "KR#2", "kr"),
        ("O1", "KR.2", "kr"),
        ("O1", "KR1.2", "kr"),
        ("O1", "KR2a", "kr"),
        ("O1", "K1", "kr"),
        ("O1", "Key result 4", "kr"),
        ("O1", "Key Result 4", "kr"),
        ("O1", "KR３", "kr"),  # full-width digit
        ("O1", "KR3 ", "kr"),  # trailing space
        ("Objective 2", "KR1", "kr"),
        ("1", "KR1", "kr"),
        (None, "KR1", "kr"),  # above the first objective: its error says so
        # numbered under the objective: either, its FALSE's error names both
        ("O1", "O1.2", "either"),
        ("O1", "O1-KR2", "either"),
        ("O1", "O1 KR2", "either"),
        ("O1", "O1.KR2", "either"),
        ("O1", "O1/KR2", "either"),
        ("O0", "O0.1", "either"),  # templates/team.xlsx numbers so
        ("Objective 1", "1.1", "either"),
        ("II", "a", "either"),  # roman objectives, lettered key results
        ("II", "i", "either"),
        ("O1", "i", "either"),  # roman key results under an objective with a digit
        ("O1", "ii", "either"),
        ("O1", "iii", "either"),
        ("Obj 1", "iv)", "either"),
        ("Obj 1", "KR 1.1", "kr"),
        ("O1", "2", "either"),  # bare numbers and letters under an objective with letters
        ("O1", "a", "either"),
        ("O1", "b)", "either"),
        ("O1", "(c)", "either"),
        ("O1", 2, "either"),
        (1, 1.2, "either"),
        ("Ｏ１", "O1.2", "either"),  # full-width objective ID
        ("O1 ", "O1.2", "either"),
        # the next objective
        ("O1", "O2", "objective"),
        ("O1", "Obj 2", "objective"),
        ("O1", "Objective 2", "objective"),
        ("K1", "K2", "objective"),  # objectives numbered K1, K2: K2 is the next one
        (1, 2, "objective"),
        ("1", "2", "objective"),
        ("a", "b", "objective"),
        ("IV", "V", "objective"),  # the next roman numeral: key results until 2026-12-06
        ("IX", "X", "objective"),
        ("II", "III", "objective"),
        ("Obj A", "B", "objective"),  # a letter under letters alone: the next objective
        # the next letter: objectives A to E lost D and E until 2026-12-06 (C, D look roman)
        ("C", "D", "objective"),
        ("D", "E", "objective"),
        ("I", "J", "objective"),
        ("V", "W", "objective"),
        ("X", "Y", "objective"),
        ("L", "M", "objective"),
        ("I", "a", "either"),  # a roman objective's lettered key result, as under II
        ("X", "a", "either"),
        # words of roman letters are no numbering: key results under O1 until 2026-12-06
        ("O1", "CI", "objective"),
        ("O1", "CD", "objective"),
        ("O1", "MIX", "objective"),
        ("O1", "MI", "objective"),
        ("O1", "xii", "either"),
    ],
)
def test_what_a_numbering_says(objective_id: CellValue, kr_id: CellValue, kind: str) -> None:
    """An unticked row with an owner and a Due, no Type nor Aligns to, under an objective
    header: ``kr`` a key result, ``either`` one read as a key result whose FALSE's error
    names both readings, ``objective`` the next objective header."""
    spec = load_mapping("objective-blocks").okrs
    fields = ("kr_id", "key_result", "owner", "current", "due")
    columns = {f: i for i, f in enumerate(fields, 1)}
    row: dict[str, CellValue] = {"kr_id": kr_id, "key_result": "Ship", "owner": "Ana"}
    row.update(current=False, due=DUE)
    carry: dict[str, CellValue] = {"objective_id": objective_id}
    found, _, _ = block_row(dict(row), 5, spec, carry, block_columns(columns, spec))
    doubt = objective_too(row, spec, {"objective_id": objective_id})
    assert ("either" if doubt else found) == kind


@pytest.mark.parametrize("kr_id", ["KR3", "K1", "KR-7"])
def test_a_kr_number_with_only_an_owner_is_a_key_result(kr_id: str) -> None:
    """An owner says nothing of a row; its KR numbering does."""
    kinds, _, errors = _read(
        ("O1", "Build a brand", None, None, "Maria", None, None, False),
        (kr_id, "Ship the press kit", None, None, "Ana", None, None, False),
        ("O2", "Be the go-to voice", None, None, "Maria", None, None, False),
    )
    assert kinds == [(2, "objective"), (3, "kr"), (4, "objective")]
    assert errors == [f"m.xlsx!Goals!H3: {MILESTONE}"]


def test_a_kr_number_with_an_objective_type_stays_an_objective() -> None:
    kinds, _, _ = _read(
        ("O1", "Build a brand", None, None, "Maria", None, None, False),
        ("KR3", "Odd name", "committed", None, "Ana", None, None, False, None, 1, 7, DUE),
    )
    assert kinds == [(2, "objective"), (3, "objective")]


def test_an_unticked_milestone_with_its_type_is_unchanged() -> None:
    kinds, owners, errors = _read(
        ("O1", "Build a brand", None, None, "Maria", None, None, False),
        ("KR3", "Ship the press kit", "milestone", None, "Ana", None, None, False),
    )
    assert (kinds, owners, errors) == ([(2, "objective"), (3, "kr")], ["O1:KR3"], [])


def test_a_kr_number_not_filled_yet_is_a_key_result() -> None:
    """``KR2`` with its Baseline, Goal and Actual still blank (a key result written at the
    start of the quarter) was an objective header named KR2, and KR3 scored under it
    (until 2026-12-06)."""
    kinds, owners, errors = _read(
        ("O1", "Build a brand", "committed", None, "Maria"),
        ("KR1", "Grow mentions 10 to 30", "number", None, "Maria", 10, 30, 22),
        ("KR2", "Ship the press kit", None, None, "Ana"),
        ("KR3", "Grow leads 10 to 30", "number", None, "Tom", 10, 30, 20),
        ("KR4", "Odd, but it says so", "committed", None, "Tom"),
    )
    assert kinds == [(2, "objective"), (3, "kr"), (4, "kr"), (5, "kr"), (6, "objective")]
    assert (owners, errors) == (["O1:KR1", "O1:KR2", "O1:KR3"], [])


def test_objectives_numbered_k1_k2_stay_objectives() -> None:
    """``K1`` on the first row, with no objective above, is an objective numbered K."""
    kinds, owners, _ = _read(
        ("K1", "Build a brand", None, None, "Ana", None, None, False, None, None, None, DUE),
        ("K1.1", "Grow x", "number", None, "Tom", 10, 30, 20),
        ("K2", "Be the go-to voice", None, None, "Ana", None, None, False),
        ("K2.1", "Grow y", "number", None, "Tom", 10, 30, 20),
    )
    assert kinds == [(2, "objective"), (3, "kr"), (4, "objective"), (5, "kr")]
    assert owners == ["K1:K1.1", "K2:K2.1"]


def test_objectives_numbered_kr1_kr2_stay_objectives() -> None:
    """``KR1`` on the first row with Baseline, Goal and Actual blank, ``KR1.1`` below: an
    objective numbered so, as ``K1`` is. It was a key result above the first objective,
    and every row of the tab failed (until 2026-12-06)."""
    kinds, owners, errors = _read(
        ("KR1", "Build a brand", None, None, "Ana"),
        ("KR1.1", "Grow x", "number", None, "Tom", 10, 30, 20),
        ("KR2", "Be the go-to voice", None, None, "Ana"),
        ("KR2.1", "Grow y", "number", None, "Tom", 10, 30, 20),
    )
    assert kinds == [(2, "objective"), (3, "kr"), (4, "objective"), (5, "kr")]
    assert (owners, errors) == (["KR1:KR1.1", "KR2:KR2.1"], [])


def test_a_kr3_below_a_key_result_above_the_first_objective_is_one() -> None:
    """Only the tab's first row is an objective for its KR numbering."""
    kinds, _, errors = _read(
        ("O1.1", "Grow x", "number", None, "Tom", 10, 30, 20),
        ("KR3", "Ship", None, None, "Ana"),
        ("O1", "Build a brand", "committed", None, "Ana"),
    )
    assert kinds == [(2, "kr"), (3, "kr"), (4, "objective")]
    above = "key result above the first objective row: move it under its objective"
    assert errors == [f"m.xlsx!Goals!A2: {above}", f"m.xlsx!Goals!A3: {above}"]


def test_objectives_lettered_a_to_e_are_five() -> None:
    """Unticked objective headers ``A`` to ``E`` with an owner and a Due, key results
    ``A.1`` to ``E.1``: until 2026-12-06 ``D`` under ``C`` and ``E`` under ``D`` (``C`` and
    ``D`` look roman) were read as key results, objectives D and E gone and their key
    results scored under C."""
    rows: list[tuple[CellValue, ...]] = []
    for o in "ABCDE":
        header = (o, f"Objective {o}", None, None, "Ana", None, None, False)
        rows.append((*header, None, None, None, DUE))
        rows.append((f"{o}.1", "Grow", "number", None, "Tom", 1, 3, 2))
    kinds, owners, errors = _read(*rows)
    assert [kind for _, kind in kinds] == ["objective", "kr"] * 5
    assert owners == [f"{o}:{o}.1" for o in "ABCDE"]
    assert errors == []


#: ``_KR_NUMBER`` as it was: ``\s*[#.\-_:]?\s*`` split each run of spaces each way
_KR_NUMBER_WAS = re.compile(
    r"(?:kr|k|key\s*-?\s*results?)\s*[#.\-_:]?\s*\d+[a-z]?(?:[.\-]\d+[a-z]?)*"
)


def test_a_kr_number_is_read_as_it_was() -> None:
    """The same numbering, each run of spaces read by one ``\\s*``: IDs of short runs of
    the characters it reads, and a seeded sample."""
    chars = [*"kr12 -#._:ax\t", "key", "result", "results", " - "]
    sample = random.Random(11)
    typed = ["kr3", "kr-7", "kr 1.2", "k1", "kr#2", "key result 4", "key - results 2", "kr :3b"]
    typed += [
        "".join(sample.choice(chars) for _ in range(sample.randint(0, 8))) for _ in range(20_000)
    ]
    for text in typed:
        assert bool(_KR_NUMBER.fullmatch(text)) == bool(_KR_NUMBER_WAS.fullmatch(text)), repr(text)


def test_a_kr_id_of_many_spaces_is_read_at_once() -> None:
    """Found by review 2026-12-07: a cell of ``KR``, 32,762 spaces and ``x`` (Excel's
    32,767 characters) took 17 s in ``_KR_NUMBER`` (``\\s*[#.\\-_:]?\\s*``, quadratic),
    each such cell of an objective-blocks tab. Twenty such, in a child bounded by
    ``HANG``: far past it so, milliseconds now."""
    code = (
        "from sheets_sync.mapping.blocks import _kr_numbered\n"
        "seps = [' ', '  ', ' -', ' - ', 'key ', 'key - ', 'key result ']\n"
        "ids = [('kr' if not s.startswith('key') else '') + s * (32_760 // len(s)) + e\n"
        "       for s in seps for e in ('x', '1')][:20]\n"
        "ids += ['kr' + ' ' * 32_760 + '#x'] * (20 - len(ids))\n"
        "print(sum(_kr_numbered(i, 'o1', False) for i in ids), len(ids))\n"
    )
    done = script_run(code)
    assert (done.returncode, done.stdout) == (0, "2 20\n"), done.stderr
