"""The plain-text plan: a readable table with dates, GA, applicability and reasons."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from ._words import METHOD_DESCRIPTIONS

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan

_WIDTH = 100


def _when(item: Milestone) -> str:
    if item.start == item.end:
        return f"{item.start.isoformat()} ({item.start_ga})"
    return f"{item.start.isoformat()} to {item.end.isoformat()} ({item.start_ga} to {item.end_ga})"


def render(plan: Plan) -> str:
    """The plan as a readable table."""
    dating = plan.dating
    ga_today = str(plan.gestational_age_today) if plan.gestational_age_today else "before 0w0d"
    lines = [
        f"{plan.protocol.title} (protocol {plan.protocol.id} v{plan.protocol.version})",
        f"Due date {dating.due_date.isoformat()} (dated by {METHOD_DESCRIPTIONS[dating.method]}); "
        f"today {plan.today.isoformat()} is {ga_today}",
    ]
    if plan.plan_id:
        lines.append(f"Plan {plan.plan_id}")
    if dating.explanation:
        lines.append(f"Dating: {dating.explanation}")
    lines.extend(f"Note: {note}" for note in dating.notes)
    lines.append("")
    for item in plan.milestones:
        mark = "  " if item.on_timeline else "x "
        lines.append(f"{mark}{item.title}  [{item.id}]")
        lines.append(f"    {_when(item)}; {item.timing}")
        if item.occurrences:
            every = "weekly" if item.every_days == 7 else f"every {item.every_days} days"
            lines.append(f"    {len(item.occurrences)} dates, {every}")
        lines.extend(
            textwrap.wrap(
                f"{item.applicability}: {item.reason}",
                _WIDTH,
                initial_indent="    ",
                subsequent_indent="      ",
            )
        )
        for note in item.notes:
            lines.extend(
                textwrap.wrap(
                    f"Note: {note}", _WIDTH, initial_indent="    ", subsequent_indent="      "
                )
            )
    lines.append("")
    lines.append("Warning signs: contact your care team at once if you notice")
    lines.extend(f"  - {sign}" for sign in plan.warning_signs)
    lines.append("")
    lines.extend(textwrap.wrap(plan.clinician_note, _WIDTH))
    return "\n".join(lines) + "\n"
