"""The plan as a CSV table: one row per milestone, safe to open in a spreadsheet, each
row ending with the "for discussion with your clinician" note.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some
also one that starts with a tab or a carriage return) as a formula. Plan ids and
protocol texts come from other people's files, so every such cell is written with
a leading single quote, which spreadsheets show as text and never evaluate.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan

__all__ = ["COLUMNS", "FORMULA_STARTS", "csv_lines", "neutralise", "render", "table"]

COLUMNS = (
    "plan_id",
    "milestone_id",
    "title",
    "kind",
    "category",
    "start",
    "end",
    "start_ga",
    "end_ga",
    "occurrences",
    "applicability",
    "reason",
    "timing",
    "note",
    "reason_key",
    "warning_signs",
    "urgent_advice",
)
"""``note`` carries the protocol's clinician note on every row, so no row read on
its own (or pasted elsewhere) loses it. ``reason_key`` names the protocol rule that
decided the applicability (stable across wording changes and translations).
``warning_signs`` (separated by ``;``) and ``urgent_advice`` are filled on the rows
of milestones that carry the warning signs, as the calendar's descriptions do.
Columns are only ever added at the end, so a script reading by position keeps
working."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"\A-?[0-9]+(\.[0-9]+)?\Z")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate.

    A plain number (``-2``, a shift in days) is left as it is: a spreadsheet
    reads it as the number it is, not as a formula.

    >>> neutralise("=HYPERLINK(\\"x\\")"), neutralise("12w0d"), neutralise("-2")
    ('\\'=HYPERLINK("x")', '12w0d', '-2')
    """
    if _NUMBER.match(cell):
        return cell
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_lines(rows: Iterable[Sequence[str]]) -> str:
    """Rows as RFC 4180 CSV lines (CRLF line ends, quoting where needed), every
    cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def table(rows: Iterable[Sequence[str]], header: Sequence[str]) -> str:
    """A CSV table: the header, then the rows (see :func:`csv_lines`)."""
    return csv_lines([header]) + csv_lines(rows)


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


def render(plan: Plan) -> str:
    """One row per milestone, in the plan's order, under a header of :data:`COLUMNS`."""
    return table((_row(plan, item) for item in plan.milestones), COLUMNS)
