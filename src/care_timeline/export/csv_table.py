"""The plan as a CSV table: one row per milestone, safe to open in a spreadsheet, each
row ending with the "for discussion with your clinician" note.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some
also one that starts with a tab or a carriage return) as a formula, and many
skip spaces before it or read the fullwidth forms (``＝``, ``＋``) as the same.
Plan ids and protocol texts come from other people's files, so every such cell
is written with a leading single quote, which spreadsheets show as text and
never evaluate.

Spreadsheets set to a language that writes decimal commas (German, French,
Dutch and others) split CSV at ``;``, not ``,``, and then a cell starts after
every ``;`` of a line, quoted or not. So a formula sign after a ``;`` (or a tab
or line break, which some programs split at too) gets the same single quote:
a plan id ``x;=1+1`` is written ``"x;'=1+1"``, which a ``,`` spreadsheet shows
as one cell and a ``;`` spreadsheet as the text ``'=1+1`` after ``x``, never a
formula. Every cell that holds anything but ASCII letters, digits, ``_``,
``.`` and ``-`` is quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan

__all__ = ["COLUMNS", "FORMULA_STARTS", "csv_lines", "csv_rows", "neutralise", "render", "table"]

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
"""A cell starting with one of these is neutralised."""
FORMULA_SIGNS = "=+-@" + "\uff1d\uff0b\uff0d\uff20" + "\ufe66\ufe62\ufe63\ufe6b"
"""The signs that start a formula, with their fullwidth and small forms; a cell
whose first visible character is one of them is neutralised too."""
# Spaces (the no-break space among them) and invisible characters before a sign.
_BLANKS = r"[\s\u200b-\u200d\u2060\ufeff]*"
_LEADING_BLANKS = re.compile(_BLANKS)
_AFTER_SEPARATOR = re.compile(f"([;\t\r\n])(?={_BLANKS}[{re.escape(FORMULA_SIGNS)}])")
_PLAIN = re.compile(r"[A-Za-z0-9_.-]*", re.ASCII)


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate: a single quote before a
    formula sign at its start (after any blanks) and after every ``;``, tab or
    line break. A plain number (``-2``, a shift in days) is left as it is: a
    spreadsheet reads it as the number it is, not as a formula.

    >>> neutralise("=HYPERLINK(\\"x\\")"), neutralise(" \\uff1d1+1"), neutralise("12w0d")
    ('\\'=HYPERLINK("x")', "' \\uff1d1+1", '12w0d')
    >>> neutralise("x;=1+1"), neutralise("2026-11-23;2026-12-07"), neutralise("-2")
    ("x;'=1+1", '2026-11-23;2026-12-07', '-2')
    """
    if _NUMBER.match(cell):
        return cell
    cell = cell[:1] + _AFTER_SEPARATOR.sub(r"\1'", cell[1:])  # the start: below
    if cell.startswith(FORMULA_STARTS):
        return "'" + cell
    blanks = _LEADING_BLANKS.match(cell)
    first = cell[blanks.end() if blanks else 0 :][:1]
    return "'" + cell if first and first in FORMULA_SIGNS else cell


def _cell(text: str) -> str:
    cell = neutralise(text)
    if _PLAIN.fullmatch(cell):
        return cell
    return '"' + cell.replace('"', '""') + '"'


def csv_lines(rows: Iterable[Sequence[str]]) -> str:
    """Rows as RFC 4180 CSV lines (CRLF line ends), every cell neutralised and
    every cell but plain words (ASCII letters, digits, ``_``, ``.``, ``-``)
    quoted, so the lines read the same in spreadsheets that split at ``;``.

    >>> csv_lines([["7781", "2026-11-23;2026-12-07", "x;=1+1", "Weekly check"]])
    '7781,"2026-11-23;2026-12-07","x;\\'=1+1","Weekly check"\\r\\n'
    """
    return "".join(",".join(_cell(cell) for cell in row) + "\r\n" for row in rows)


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


def csv_rows(plan: Plan) -> str:
    """The plan's rows under :data:`COLUMNS`, without the header: a combined sheet
    of many plans writes the header once."""
    return csv_lines(_row(plan, item) for item in plan.milestones)


def render(plan: Plan) -> str:
    """One row per milestone, in the plan's order, under a header of :data:`COLUMNS`."""
    return table((_row(plan, item) for item in plan.milestones), COLUMNS)
