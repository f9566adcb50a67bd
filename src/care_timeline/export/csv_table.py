"""The plan as a CSV table: one row per milestone, safe to open in a spreadsheet
(see :mod:`care_timeline.csv_cells`), each row ending with the "for discussion
with your clinician" note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..csv_cells import csv_lines, table
from . import CSV_COLUMNS as COLUMNS

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan

__all__ = ["COLUMNS", "csv_rows", "render"]


def _row(plan: Plan, item: Milestone) -> tuple[str, ...]:
    return (
        plan.plan_id or "",
        item.id,
        item.title,
        item.kind,
        item.category,
        item.start.isoformat(),
        item.end.isoformat(),
        str(item.start_ga),
        str(item.end_ga),
        ";".join(day.isoformat() for day in item.occurrences),
        item.applicability,
        item.reason,
        item.timing,
        plan.clinician_note,
        item.reason_key,
        "; ".join(plan.warning_signs) if item.warning_signs else "",
        (plan.urgent_advice or "") if item.warning_signs else "",
    )


def csv_rows(plan: Plan) -> str:
    """The plan's rows under :data:`COLUMNS`, without the header: a combined sheet
    of many plans writes the header once."""
    return csv_lines(_row(plan, item) for item in plan.milestones)


def render(plan: Plan) -> str:
    """One row per milestone, in the plan's order, under a header of :data:`COLUMNS`."""
    return table((_row(plan, item) for item in plan.milestones), COLUMNS)
