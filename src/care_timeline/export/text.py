"""The plain-text plan: a readable table with dates, GA, applicability and reasons.

Every line is at most 100 characters long (a word longer than that stays whole):
the heading's sentences, the reasons and notes, the warning signs and the closing
lines are wrapped alike, each continuation indented under its own item."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import phrases as words
from ..wording import Words

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan

__all__ = ["render"]

_WIDTH = 100
_INDENT = "    "
_NOT_APPLICABLE = "x "
"""Before each milestone that does not apply; the key above the list says so."""


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    """``text`` in lines of at most 100 characters, the first starting with ``first``
    and the others with ``rest``; ids and words with hyphens are never split."""
    return textwrap.wrap(
        text,
        _WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _wrapped(text: str) -> list[str]:
    return _wrap(text, _INDENT, _INDENT + "  ")


def _milestone_lines(plan: Plan, items: Sequence[Milestone], w: Words) -> list[str]:
    lines: list[str] = []
    for item in items:
        mark = "  " if item.on_timeline else _NOT_APPLICABLE
        lines += _wrap(f"{item.title}  [{item.id}]", mark, "  ")
        lines += _wrapped(f"{w.span(item)}; {w.t(words.TIMING_WORDS[item.timing])}")
        if item.occurrences:
            lines += _wrapped(w.series(item))
        lines += _wrapped(
            w.t(words.VERDICT, applicability=w.applicability(item), reason=item.reason)
        )
        if item.alternative is not None:
            lines += _wrapped(w.choice(plan, item))
        for note in item.notes:
            lines += _wrapped(w.t(words.NOTE, note=note))
    return lines


def render(plan: Plan) -> str:
    """The plan as a readable table, in the plan's language."""
    w = Words.of(plan)
    explanation, notes = w.dating_texts(plan.dating)
    dating = w.dating_summary(plan, on_page=False)
    lines = _wrap(plan.protocol.title)
    if plan.ended_on is None:
        lines += _wrap(f"{dating}. {w.today_summary(plan, on_page=False)}")
    else:  # its end on a line of its own, and no week counted past it
        lines += _wrap(f"{dating}.")
    if plan.plan_id:
        lines += _wrap(w.t(words.PLAN_ID, plan_id=plan.plan_id))
    if plan.ended_on is not None:
        lines += _wrap(w.ended(plan))
    if explanation:
        lines += _wrap(w.t(words.DATING_EXPLANATION, explanation=explanation))
    for note in notes:
        lines += _wrap(w.t(words.DATING_NOTE, note=note))
    if not all(item.on_timeline for item in plan.milestones):
        lines.append("")
        lines += _wrap(w.t(words.NOT_APPLICABLE_KEY, mark=_NOT_APPLICABLE.strip()))
    if not plan.protocols:
        if all(item.on_timeline for item in plan.milestones):
            lines.append("")
        lines += _milestone_lines(plan, plan.milestones, w)
    for ref, items in plan.grouped() if plan.protocols else ():
        # A composed plan: each protocol's milestones under its title, in the plan's order.
        lines.append("")
        lines += _wrap(w.t(words.PROTOCOL_HEADING, title=ref.title, id=ref.id))
        lines += _milestone_lines(plan, items, w)
    if plan.no_longer_planned:  # after the plan's end: named, without weeks
        lines.append("")
        lines += _wrap(w.t(words.NO_LONGER_PLANNED_HEADING))
        for gone in plan.no_longer_planned:
            lines += _wrap(f"{gone.title}  [{gone.id}]", "  - ", "    ")
    if plan.warning_signs:  # none in a plan that ended
        lines.append("")
        lines += _wrap(w.t(words.WARNING_SIGNS))
        lines += _wrap(w.t(words.WARNING_SIGNS_LEAD))
        for sign in plan.warning_signs:
            lines += _wrap(sign, "  - ", "    ")
    if plan.urgent_advice:
        lines += _wrap(plan.urgent_advice)
    lines.append("")
    lines += _wrap(plan.clinician_note)
    lines += _wrap(w.protocol_line(plan, on_page=False))
    return "\n".join(lines) + "\n"
