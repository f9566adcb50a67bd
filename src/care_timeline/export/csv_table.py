"""The plan as a CSV table: one row per milestone, safe to open in a spreadsheet
(see :mod:`care_timeline.csv_cells`), each row ending with the "for discussion
with your clinician" note."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..csv_cells import csv_lines, table
from ..phrases import NO_LONGER_PLANNED
from ..wording import Words
from . import CSV_COLUMNS as COLUMNS
from . import csv_columns

if TYPE_CHECKING:
    from ..plan_model import Milestone, NoLongerPlanned, Plan

__all__ = ["COLUMNS", "csv_rows", "render"]


def _row(plan: Plan, item: Milestone) -> tuple[str, ...]:
    return _with_protocol(
        plan,
        item,
        (
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
            item.alternative or "",
        ),
    )


def _with_protocol(
    plan: Plan, item: Milestone | NoLongerPlanned, cells: tuple[str, ...]
) -> tuple[str, ...]:
    """A composed plan's row ends with the id of the milestone's protocol."""
    return (*cells, plan.protocol_of(item).id) if plan.protocols else cells


def _gone(plan: Plan, gone: NoLongerPlanned) -> tuple[str, ...]:
    """A milestone that lay after the plan's end: named, with no dates, weeks or timing."""
    ended = f"{Words.of(plan).ended(plan)} {Words.of(plan).t(NO_LONGER_PLANNED)}"
    cells = dict.fromkeys(COLUMNS, "")
    cells.update(
        plan_id=plan.plan_id or "",
        milestone_id=gone.id,
        title=gone.title,
        kind=gone.kind,
        category=gone.category,
        reason=ended,
        timing="after-end",
        note=plan.clinician_note,
    )
    return _with_protocol(plan, gone, tuple(cells[column] for column in COLUMNS))


def _rows(plan: Plan) -> Iterator[tuple[str, ...]]:
    yield from (_row(plan, item) for item in plan.milestones)
    yield from (_gone(plan, gone) for gone in plan.no_longer_planned)


def csv_rows(plan: Plan) -> str:
    """The plan's rows under :data:`COLUMNS`, without the header: a combined sheet
    of many plans writes the header once."""
    return csv_lines(_rows(plan))


def render(plan: Plan) -> str:
    """One row per milestone, in the plan's order, under a header of :data:`COLUMNS` (and,
    for a composed plan, its ``protocol`` column)."""
    return table(_rows(plan), csv_columns(plan))
