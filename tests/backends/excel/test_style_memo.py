"""``SharedStyleBook`` answers every ``xf_for`` and writes every ``styles.xml`` byte for
byte as a ``StyleBook`` of its own would, whatever other books of the same styles.xml
asked before it, in whatever order."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel import stylememo
from sheets_sync.backends.excel.stylememo import SharedStyleBook
from sheets_sync.backends.excel.styles import StyleBook
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellStyle

TEMPLATE = Path(__file__).parents[3] / "templates" / "team.xlsx"
NS = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SMALL = NS + (
    b'<fonts count="1"><font><sz val="11"/></font></fonts><fills count="2"><fill>'
    b'<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    b'</fill></fills><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0"/>'
    b'<xf numFmtId="9" fontId="0" fillId="0" applyNumberFormat="1"/></cellXfs>'
    b"</styleSheet>"
)
STYLES = [
    CellStyle(fill="C6EFCE"),
    CellStyle(fill="FFC7CE", bold=True),
    CellStyle(fill="FFEB9C"),
    CellStyle(number_format="0%"),
    CellStyle(number_format="0.0%"),
    CellStyle(font_color="9C0006", italic=True),
    CellStyle(),
]


def _template_styles() -> bytes:
    with zipfile.ZipFile(TEMPLATE) as zf:
        return zf.read("xl/styles.xml")


@pytest.fixture(autouse=True)
def _no_trees(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stylememo, "_TREES", {})
    monkeypatch.setattr(stylememo, "_KEPT", [0])
    monkeypatch.setattr(stylememo, "_STATES", [0])


def _calls(rng: random.Random) -> list[tuple[int, CellStyle]]:
    """A team's calls: a few base xfs (one past the list too), styles in some order,
    some asked twice."""
    return [(rng.choice([0, 1, 2, 40]), rng.choice(STYLES)) for _ in range(rng.randint(0, 12))]


@pytest.mark.parametrize("xml", [SMALL, _template_styles()], ids=["small", "template"])
@pytest.mark.parametrize(
    ("max_states", "max_rendered", "max_trees"), [(1024, 16 << 20, 64), (5, 3000, 1)]
)
def test_every_book_answers_as_its_own_would(
    monkeypatch: pytest.MonkeyPatch, xml: bytes, max_states: int, max_rendered: int, max_trees: int
) -> None:
    """With room for the whole tree, and with its states, renders and trees cut short."""
    monkeypatch.setattr(stylememo, "_MAX_STATES", max_states)
    monkeypatch.setattr(stylememo, "_MAX_RENDERED", max_rendered)
    monkeypatch.setattr(stylememo, "_MAX_TREES", max_trees)
    rng = random.Random(7)
    teams = [_calls(rng) for _ in range(60)]
    teams += teams[:20]  # the same calls again: answered from the tree
    teams += [t[: len(t) // 2] for t in teams[:20]]  # a prefix: a state in the tree
    for calls in teams:
        shared, own = SharedStyleBook(xml), StyleBook(xml)
        for base_xf, style in calls:
            assert shared.xf_for(base_xf, style) == own.xf_for(base_xf, style)
        assert shared.render() == own.render()
        assert shared.render() == own.render()  # asked twice
        SharedStyleBook(xml + b" ").render()  # another tree (with max_trees 1: the first goes)
        assert stylememo._KEPT[0] <= max_rendered
        assert stylememo._KEPT[0] == sum(t.rendered for t in stylememo._TREES.values())
        assert stylememo._STATES[0] == sum(t.states for t in stylememo._TREES.values())


def test_the_states_of_all_trees_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """1,024 states a tree of 64 trees was 65,536 states, ~26 MB beside the renders' 16:
    the states of every tree together are capped (added in the pwcheck review)."""
    monkeypatch.setattr(stylememo, "_MAX_ALL_STATES", 12)
    rng = random.Random(3)
    for team in range(60):
        xml = SMALL + b" " * (team % 4)  # four trees
        shared, own = SharedStyleBook(xml), StyleBook(xml)
        for base_xf, style in _calls(rng):
            assert shared.xf_for(base_xf, style) == own.xf_for(base_xf, style)
        assert shared.render() == own.render()
        assert stylememo._STATES[0] == sum(t.states for t in stylememo._TREES.values()) <= 12


def test_the_tree_is_used() -> None:
    """Nothing is replayed when a book follows a path another took, to its render."""
    xml = _template_styles()
    first = SharedStyleBook(xml)
    for style in STYLES:
        first.xf_for(0, style)
    first.render()
    again = SharedStyleBook(xml)
    answers = [again.xf_for(0, style) for style in STYLES]
    rendered = again.render()
    assert again._book is None  # no StyleBook was built
    own = StyleBook(xml)
    assert answers == [own.xf_for(0, style) for style in STYLES]
    assert rendered == own.render() and rendered is not None


def test_other_parts_and_contents_are_other_trees() -> None:
    a = SharedStyleBook(SMALL)
    a.xf_for(1, STYLES[0])
    a.render()
    other = SMALL.replace(b'numFmtId="9"', b'numFmtId="10"')
    for xml, part in ((other, "xl/styles.xml"), (SMALL, "xl/Styles2.xml")):
        book, own = SharedStyleBook(xml, part), StyleBook(xml, part)
        assert book.xf_for(1, STYLES[0]) == own.xf_for(1, STYLES[0])
        assert book.render() == own.render()


def test_a_call_that_fails_is_not_remembered() -> None:
    bad = CellStyle(fill="not a colour")
    for _ in range(2):
        book = SharedStyleBook(SMALL)
        book.xf_for(0, STYLES[0])
        with pytest.raises(ValueError, match="not RGB hex"):
            book.xf_for(0, bad)


def test_a_large_styles_part_is_not_kept() -> None:
    big = SMALL.replace(b"</styleSheet>", b"<!--" + b"x" * (64 << 10) + b"--></styleSheet>")
    book, own = SharedStyleBook(big), StyleBook(big)
    assert book.xf_for(0, STYLES[1]) == own.xf_for(0, STYLES[1])
    assert book.render() == own.render()
    assert not stylememo._TREES


@pytest.mark.parametrize("damage", [b"", b"<styleSheet"], ids=["empty", "unclosed"])
def test_a_styles_part_a_book_refuses_is_refused_when_made(damage: bytes) -> None:
    """As a ``StyleBook`` is: before any sheet is edited, the second time too."""
    for _ in range(2):
        with pytest.raises(WorkbookError):
            SharedStyleBook(damage)
        with pytest.raises(WorkbookError):
            StyleBook(damage)


def test_a_render_after_its_tree_went_is_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tree's renders were counted down when it went: counting a later render of one
    of its states made the count of kept renders drift up (until the pwcheck review)."""
    monkeypatch.setattr(stylememo, "_MAX_TREES", 1)
    xml = _template_styles()
    for i in range(4):
        book, own = SharedStyleBook(xml + b" " * (i % 2)), StyleBook(xml + b" " * (i % 2))
        assert book.xf_for(0, STYLES[0]) == own.xf_for(0, STYLES[0])
        SharedStyleBook(xml + b" " * ((i + 1) % 2))  # another template's team: the first goes
        assert book.render() == own.render()
        assert stylememo._KEPT[0] == sum(t.rendered for t in stylememo._TREES.values())


def test_a_step_two_books_record_is_one_state() -> None:
    """Two threads recording the same call on the same state: one state, the second
    book moved on to it (each added one before: the first's an orphan, still counted)."""
    book = SharedStyleBook(SMALL)
    root = book._state
    assert root is not None
    key = (0, STYLES[0])
    first = SharedStyleBook._record(root, key, 2)
    second = SharedStyleBook._record(root, key, 2)
    assert first is second is root.after[key][1]
    assert root.tree.states == 2
