"""The plain-text plan: a readable table with dates, GA, applicability and reasons."""

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


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent=_INDENT, subsequent_indent=_INDENT + "  ")


def _milestone_lines(plan: Plan, items: Sequence[Milestone], w: Words) -> list[str]:
    lines = []
    for item in items:
        mark = "  " if item.on_timeline else "x "
        lines.append(f"{mark}{item.title}  [{item.id}]")
        lines.append(f"{_INDENT}{w.span(item)}; {w.t(words.TIMING_WORDS[item.timing])}")
        if item.occurrences:
            lines.append(_INDENT + w.series(item))
        lines.extend(
            _wrapped(w.t(words.VERDICT, applicability=w.applicability(item), reason=item.reason))
        )
        if item.alternative is not None:
            lines.extend(_wrapped(w.choice(plan, item)))
        for note in item.notes:
            lines.extend(_wrapped(w.t(words.NOTE, note=note)))
    return lines


def render(plan: Plan) -> str:
    """The plan as a readable table, in the plan's language."""
    w = Words.of(plan)
    explanation, notes = w.dating_texts(plan.dating)
    dating = w.dating_summary(plan, on_page=False)
    if plan.ended_on is None:
        lines = [plan.protocol.title, f"{dating}. {w.today_summary(plan, on_page=False)}"]
    else:  # its end on a line of its own, and no week counted past it
        lines = [plan.protocol.title, f"{dating}."]
    if plan.plan_id:
        lines.append(w.t(words.PLAN_ID, plan_id=plan.plan_id))
    if plan.ended_on is not None:
        lines.append(w.ended(plan))
    if explanation:
        lines.append(w.t(words.DATING_EXPLANATION, explanation=explanation))
    lines.extend(w.t(words.DATING_NOTE, note=note) for note in notes)
    if not plan.protocols:
        lines.append("")
        lines.extend(_milestone_lines(plan, plan.milestones, w))
    for ref, items in plan.grouped() if plan.protocols else ():
        # A composed plan: each protocol's milestones under its title, in the plan's order.
        lines.append("")
        lines.append(w.t(words.PROTOCOL_HEADING, title=ref.title, id=ref.id))
        lines.extend(_milestone_lines(plan, items, w))
    if plan.no_longer_planned:  # after the plan's end: named, without weeks
        lines.append("")
        lines.append(w.t(words.NO_LONGER_PLANNED_HEADING))
        lines.extend(f"  - {gone.title}  [{gone.id}]" for gone in plan.no_longer_planned)
    if plan.warning_signs:  # none in a plan that ended
        lines.append("")
        lines.append(w.t(words.WARNING_SIGNS))
        lines.append(w.t(words.WARNING_SIGNS_LEAD))
        lines.extend(f"  - {sign}" for sign in plan.warning_signs)
    if plan.urgent_advice:
        lines.extend(textwrap.wrap(plan.urgent_advice, _WIDTH))
    lines.append("")
    lines.extend(textwrap.wrap(plan.clinician_note, _WIDTH))
    lines.append(w.protocol_line(plan, on_page=False))
    return "\n".join(lines) + "\n"
