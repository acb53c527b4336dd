"""The template's example row is skipped; a row the team filled in over it is read."""

from __future__ import annotations

from sheets_sync.domain.models import TeamInput
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "Objective", "KR ID", "Key result", "Start", "Target", "Current", "Comment")
KPI_HEAD = ("KPI ID", "KPI", "Target", "Actual", "Comment")
LEFT = "Example row: overwrite or delete it"  # the template's Comment on its example rows


def _team(*rows: tuple[CellValue, ...], kpis: tuple[tuple[CellValue, ...], ...] = ()) -> TeamInput:
    tabs = {"OKRs": SheetGrid("OKRs", (HEAD, *rows)), "KPIs": SheetGrid("KPIs", (KPI_HEAD, *kpis))}
    data = WorkbookData("sales.xlsx", ("OKRs", "KPIs"), tabs)
    return build_team_input("Sales", extract(data, load_mapping("standard")))


def test_the_template_example_rows_are_skipped() -> None:
    team = _team(
        ("O0", "Example: customers love us", "O0.1", "Example: raise NPS", 30, 45, 36, LEFT),
        kpis=(("KPI-0", "Example: average first response time", 4, 4.5, LEFT),),
    )
    assert (team.objectives, team.kpis, team.findings) == ((), (), ())


def test_an_example_row_filled_in_over_keeps_its_key_result() -> None:
    """The template says to overwrite its grey example row. A team that typed its first
    key result over it, and left the Comment far right as it was, lost that key result
    without a word, and its objective with it: the next rows, filled down from it, said
    `objective ID is missing` (until 2026-12-07). The Comment alone no longer makes a
    row an example: its ID or description must still be the example's."""
    team = _team(
        ("O1", "Grow pipeline", "KR1", "Pipeline 1M to 2M", 1, 2, 1.3, LEFT),
        (None, None, "KR2", "Win rate 20% to 30%", 0.2, 0.3, 0.22, None),
        kpis=(("K1", "Bookings", 100, 90, LEFT),),
    )
    assert [o.id for o in team.objectives] == ["O1"]
    assert [(kr.objective_id, kr.id) for kr in team.key_results] == [("O1", "KR1"), ("O1", "KR2")]
    assert [k.id for k in team.kpis] == ["K1"]
    assert not [f for f in team.findings if "missing" in f.message], team.findings


def test_a_row_whose_id_or_description_is_still_the_example_is_skipped() -> None:
    team = _team(
        ("O1", "Grow", "KR1", "Pipeline 1M to 2M", 1, 2, 1.3, None),
        ("O1", "Grow", "example-2", "Win rate", 0.2, 0.3, 0.22, None),
        ("O1", "Grow", "KR3", "Example: win rate", 0.2, 0.3, 0.22, None),
    )
    assert [kr.id for kr in team.key_results] == ["KR1"]


def test_an_example_row_whose_ids_hold_a_space_is_still_skipped() -> None:
    """A KR ID and key result cleared with a space are blank, as everywhere else: the
    row, its Comment still the template's, is the example, not a key result with no ID
    (`KR ID is missing`) of the template's example objective (until 2026-12-07)."""
    team = _team(
        ("O0", "Example: customers love us", " ", " ", 30, 45, 36, LEFT),
        kpis=((" ", "\t", 4, 4.5, LEFT),),
    )
    assert (team.objectives, team.key_results, team.kpis, team.findings) == ((), (), (), ())


def test_an_example_row_with_its_ids_cleared_is_skipped_for_its_comment() -> None:
    """The Comment alone makes a row an example when it names nothing of its own: the
    template's example row with its IDs and descriptions cleared, its numbers and
    Comment left, is no key result with no ID, nor a KPI with none."""
    team = _team(
        (None, None, None, None, 30, 45, 36, LEFT),
        kpis=((None, None, 4, 4.5, LEFT),),
    )
    assert (team.objectives, team.key_results, team.kpis, team.findings) == ((), (), (), ())


def test_a_key_result_typed_under_the_example_objective_says_so() -> None:
    """A team that typed its key result over the example row and left the objective cells
    published the template's example objective (O0, aligned to C1) as its own goal
    without a word (until 2026-12-07). The row is read, and the objective cell warned."""
    team = _team(
        ("O0", "Example: customers love us", "KR1", "Pipeline 1M to 2M", 1, 2, 1.3, LEFT),
        (None, None, "KR2", "Win rate 20% to 30%", 0.2, 0.3, 0.22, None),
    )
    assert [(kr.objective_id, kr.id) for kr in team.key_results] == [("O0", "KR1"), ("O0", "KR2")]
    assert [(f.severity.value, str(f), f.row) for f in team.findings] == [
        (
            "warning",
            "sales.xlsx!OKRs!B2: the objective is still the template's example "
            '("Example: customers love us"); type your own over it',
            2,
        )
    ]


def test_an_example_row_half_typed_over_says_why_it_is_skipped() -> None:
    """A team that typed its objective and KR ID over the example row and left the
    example's key result lost the row without a word: the rows below said `objective ID
    is missing`, nothing pointed at row 2, and a KPI K1 under the example's name was gone
    silently (until 2026-12-07). The row is still skipped, and says why on the cell that
    still says Example."""
    team = _team(
        ("O1", "Grow pipeline", "KR1", "Example: raise NPS", 30, 45, 36, LEFT),
        (None, None, "KR2", "Win rate 20% to 30%", 0.2, 0.3, 0.22, None),
        kpis=(("K1", "Example: average first response time", 4, 4.5, LEFT),),
    )
    assert team.kpis == ()
    said = [(f.severity.value, str(f)) for f in team.findings if f.row == 2]
    assert said == [
        (
            "warning",
            "sales.xlsx!OKRs!D2: this row is skipped as an example, as its Key result still "
            'says "Example: raise NPS"; type your own over it to have the row read',
        ),
        (
            "warning",
            "sales.xlsx!KPIs!B2: this row is skipped as an example, as its KPI still says "
            '"Example: average first response time"; type your own over it to have the row read',
        ),
    ]


def test_an_objective_line_typed_over_the_example_says_its_comment_skips_it() -> None:
    team = _team(
        ("O1", "Grow pipeline", None, None, None, None, None, LEFT),
        (None, None, "KR1", "Win rate 20% to 30%", 0.2, 0.3, 0.22, None),
    )
    assert [str(f) for f in team.findings if f.row == 2] == [
        "sales.xlsx!OKRs!H2: this row is skipped as an example, as its Comment still says "
        f'"{LEFT}"; clear it to have the row read'
    ]


def test_the_template_example_ids_left_with_the_descriptions_cleared_say_nothing() -> None:
    """O0, O0.1 and KPI-0 are the template's own: no sign the team typed over the row."""
    team = _team(
        ("O0", None, "O0.1", None, 30, 45, 36, LEFT),
        ("o0 ", "Example: customers love us", None, None, None, None, None, LEFT),
        kpis=(("KPI-0", None, 4, 4.5, LEFT),),
    )
    assert team.findings == ()


def test_the_template_example_ids_are_those_the_template_writes() -> None:
    from sheets_sync.mapping.examples import TEMPLATE_IDS
    from sheets_sync.template.spec import TEMPLATE

    ids = {"objective_id", "kr_id", "id"}
    written = [
        str(value).casefold()
        for tab in (TEMPLATE.okrs, TEMPLATE.kpis)
        for column, value in zip(tab.columns, tab.example, strict=True)
        if column.field in ids
    ]
    assert sorted(written) == sorted(TEMPLATE_IDS)


def test_the_read_me_states_the_rule_the_reader_keeps() -> None:
    """The Read me said `Rows whose comment starts with Example are skipped`: a team that
    typed its key result over the example row read that its row was lost (until
    2026-12-07). It says the rule ``examples.is_example`` keeps, and the Google template
    renders the same spec."""
    from sheets_sync.template.spec import TEMPLATE

    helps = {
        tab.name: next(c.help for c in tab.columns if c.field == "comment")
        for tab in (TEMPLATE.okrs, TEMPLATE.kpis)
    }
    assert helps == {  # the word Example: "Examples gallery" is no example (2026-12-07)
        "OKRs": "Anything else. A row whose KR ID or Key result starts with the word Example "
        "(Example:, not Examples) is skipped, and so is one with neither whose comment does.",
        "KPIs": "Anything else. A row whose KPI ID or KPI starts with the word Example "
        "(Example:, not Examples) is skipped, and so is one with neither whose comment does.",
    }
    readme = "\n".join(text for row in TEMPLATE.readme.rows for text in row)
    assert "comment starts with Example are skipped" not in readme


def test_the_example_prefix_is_a_whole_word() -> None:
    """``Examples gallery: ...`` starts with the letters of "example" but is no example:
    the row was skipped without a word (until 2026-12-07). The prefix must end where no
    letter follows: ``Example:``, ``Example row``, ``example-2``, ``Example`` alone are
    examples, and so are ``Example2Go`` and ``example_kr`` (a digit or ``_`` ends the
    word: for a day they went on it, and ``Example1`` rows, examples before, were read)."""
    from sheets_sync.mapping.examples import starts

    team = _team(
        ("O1", "Grow", "KR1", "Examples gallery: 10 case studies", 0, 10, 4, None),
        ("O1", "Grow", "KR2", "Example2Go partner deals", 0, 5, 1, None),
        ("O1", "Grow", "Examples-3", "Docs site visits", 0, 5, 1, None),
        ("O1", "Grow", "KR4", "Example: win rate", 0.2, 0.3, 0.22, None),
        kpis=(("K1", "Exampled reviews", 4, 4.5, None), ("K2", "Example", 4, 4.5, None)),
    )
    assert [kr.id for kr in team.key_results] == ["KR1", "Examples-3"]
    assert [k.id for k in team.kpis] == ["K1"]
    for typed in ("Example:", "example row", "EXAMPLE - x", "example-2", " Example", "Example"):
        assert starts(typed, "example"), typed
    for typed in ("Example2Go", "example_kr", "Example1", "Example_1"):
        assert starts(typed, "example"), typed
    for typed in ("Examples gallery", "exampled", "Exampleé", "Example\u200bs"):  # shows Examples
        assert not starts(typed, "example"), typed
    assert starts("e.g. a row", "e.g.") and starts("e.g.a row", "e.g.")  # ends in no letter


def test_zero_width_characters_before_the_prefix_are_dropped() -> None:
    """``\u200bExample: win rate`` pasted from a chat is the example row it shows, and
    an ID typed ``Example1`` or ``Example_1`` is one as at 2026-12-06."""
    from sheets_sync.mapping.examples import starts

    team = _team(
        ("O1", "Grow", "\u200bExample: KR", "Win rate", 0.2, 0.3, 0.22, None),
        ("O1", "Grow", "KR2", "\ufeffexample row", 0, 5, 1, None),
        ("O1", "Grow", "Example1", "Docs site visits", 0, 5, 1, None),
        ("O1", "Grow", "Example_1", "Blog visits", 0, 5, 1, None),
        ("O1", "Grow", "KR5", "Deals", 0, 5, 1, None),
    )
    assert [kr.id for kr in team.key_results] == ["KR5"]
    assert starts("\u200b\u2060 Example:", "example")
    assert not starts("\u200bExamples gallery", "example")
