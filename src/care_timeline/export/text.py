"""The plain-text plan: a readable table with dates, GA, applicability and reasons."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from . import _words as words

if TYPE_CHECKING:
    from ..plan_model import Plan

__all__ = ["render"]

_WIDTH = 100
_INDENT = "    "


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent=_INDENT, subsequent_indent=_INDENT + "  ")


def render(plan: Plan) -> str:
    """The plan as a readable table."""
    dating = plan.dating
    lines = [
        plan.protocol.title,
        f"{words.dating_summary(plan, on_page=False)}. {words.today_summary(plan, on_page=False)}",
    ]
    if plan.plan_id:
        lines.append(words.PLAN_ID.format(plan_id=plan.plan_id))
    if dating.explanation:
        lines.append(words.DATING_EXPLANATION.format(explanation=dating.explanation))
    lines.extend(words.DATING_NOTE.format(note=note) for note in dating.notes)
    lines.append("")
    for item in plan.milestones:
        mark = "  " if item.on_timeline else "x "
        lines.append(f"{mark}{item.title}  [{item.id}]")
        lines.append(f"{_INDENT}{words.span(item)}; {words.TIMING_WORDS[item.timing]}")
        if item.occurrences:
            lines.append(_INDENT + words.series_summary(item))
        verdict = words.VERDICT.format(
            applicability=words.APPLICABILITY_LABELS[item.applicability], reason=item.reason
        )
        lines.extend(_wrapped(verdict))
        for note in item.notes:
            lines.extend(_wrapped(words.NOTE.format(note=note)))
    lines.append("")
    lines.append(words.WARNING_SIGNS)
    lines.append(words.WARNING_SIGNS_LEAD)
    lines.extend(f"  - {sign}" for sign in plan.warning_signs)
    if plan.urgent_advice:
        lines.extend(textwrap.wrap(plan.urgent_advice, _WIDTH))
    lines.append("")
    lines.extend(textwrap.wrap(plan.clinician_note, _WIDTH))
    lines.append(words.protocol_line(plan, on_page=False))
    return "\n".join(lines) + "\n"
