"""The words and marks that say a milestone is done or not (``values.parse_done``).

Only what says it clearly: anything else is an error on the cell, never a guess.
"""

from __future__ import annotations

import re

from sheets_sync.domain.celltext import INVISIBLE

#: A milestone's words for done and not done. Only words that say it clearly: "closed"
#: (done, or given up?), "cancelled", "partly" and the crosses "✗", "✘", "☒", "❎" (a
#: failure to some, a ticked box to others, as "x" is) stay an error asking for one.
DONE_WORDS = frozenset(
    {
        *("yes", "y", "true", "done", "1", "x", "✓", "✔", "✅", "☑", "🗸"),
        *("complete", "completed", "finished", "achieved", "met"),
        *("shipped", "launched", "delivered", "released"),
    }
)
NOT_DONE_WORDS = frozenset(
    {
        *("no", "n", "false", "0", "not done", "todo", "to do", "open", "in progress"),
        *("pending", "❌", "☐", "not yet", "not started", "ongoing", "wip", "blocked"),
        *("not complete", "not completed", "incomplete", "not achieved", "not met"),
    }
)
#: Marks a word may come with ("Done ✅", "✔ shipped"): each must say what the word says.
_DONE_MARKS = frozenset("✓✔✅☑🗸❌☐")
#: A hyphen or underscore between letters is a space ("In-progress", "not_started").
_WORD_JOINS = re.compile(r"(?<=[a-z])[-_](?=[a-z])")


def _parts(text: str) -> list[str]:
    """``text`` (lower case) as the words and marks that say done or not: variation
    selectors (the U+FE0F of "✔️") and zero-width characters dropped, a trailing "." or
    "!" too ("Done!"; not "?": "done?" asks), and each mark apart from the words."""
    text = text.translate(INVISIBLE).replace("\ufe0f", "").replace("\ufe0e", "")
    text = _WORD_JOINS.sub(" ", text).rstrip(" .!")
    marks = [char for char in text if char in _DONE_MARKS]
    words = " ".join("".join(" " if c in _DONE_MARKS else c for c in text).split())
    return [words, *marks] if words else marks


def done_or_not(text: str) -> float | None:
    """1.0 or 0.0 when every part of ``text`` (lower case) says the same; None for an
    unknown part, none, or two that disagree ("done ❌")."""
    parts = _parts(text)
    said = {1.0 if p in DONE_WORDS else 0.0 if p in NOT_DONE_WORDS else None for p in parts}
    return said.pop() if len(said) == 1 else None
