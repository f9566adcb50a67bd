"""Every phrase an export shows a person, in one place.

Exports build their sentences from these names, so one phrase has one wording
in the text table, the calendar, the CSV and the printable page, and a
translation has one place to go. Protocol texts (titles, reasons, warning
signs) are data and come from the protocol; this module holds only what the
code itself says.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .._text import for_xml
from ..errors import ExportError

if TYPE_CHECKING:
    from ..gestational_age import GestationalAge
    from ..plan_model import Milestone, Plan

APPLICABILITY_LABELS = {
    "applies": "Applies",
    "discuss": "Discuss with your clinician",
    "not-applicable": "Does not apply",
}
"""Each applicability in words, the same in every export a person reads."""

CALENDAR_TITLE_PREFIX = {
    "applies": "",
    "discuss": "To discuss: ",
    "not-applicable": "Does not apply: ",
}
"""In front of a calendar event's title, where a narrow calendar view still shows it."""

CATEGORY_LABELS = {
    "risk": "Risk",
    "monitoring": "Monitoring",
    "treatment": "Treatment",
    "medication": "Medication",
    "birth": "Birth",
}
"""Each category as the chart's legend names it."""

CATEGORY_NOUNS = {
    "risk": "risk",
    "monitoring": "monitoring",
    "treatment": "treatment",
    "medication": "medication",
    "birth": "birth",
}
"""Each category as a word inside a sentence or a table cell."""

TIMING_WORDS = {"past": "past", "current": "now", "upcoming": "coming up"}
"""Where a milestone lies relative to today, for the page's table."""

METHOD_DESCRIPTIONS: dict[str, str] = {
    "due-date": "the due date given",
    "lmp": "the last menstrual period",
    "gestational-age": "a gestational age on a known day",
    "conception": "the conception date",
    "embryo-transfer": "the embryo transfer date",
    "ultrasound": "an ultrasound scan",
    "reconciled": "the last menstrual period and an ultrasound scan, reconciled",
}
"""Each dating method in words, for readers of a plan."""

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(day: date) -> str:
    """``26 Oct 2026``: written out the same way whatever the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_range(start: date, end: date) -> str:
    if start == end:
        return format_date(start)
    return f"{format_date(start)} – {format_date(end)}"


def format_ga_range(item: Milestone) -> str:
    if item.start_ga == item.end_ga:
        return str(item.start_ga)
    return f"{item.start_ga} – {item.end_ga}"


def page_title(plan: Plan, title: str | None) -> str:
    """The given title, or the protocol's when none (or only blanks) was given."""
    if title is not None and not isinstance(title, str):
        raise ExportError(field="title", value=repr(title), allowed="text, or None")
    if title is not None and title.strip():
        return for_xml(title.strip())
    return for_xml(plan.protocol.title)


def dating_summary(plan: Plan) -> str:
    method = METHOD_DESCRIPTIONS[plan.dating.method]
    return f"Due date {format_date(plan.dating.due_date)}, dated by {method}"


def ga_words(ga: GestationalAge) -> str:
    """``16w1d (16 weeks and 1 day)``, for readers who do not know the notation."""
    words = f"{ga.weeks} week" + ("" if ga.weeks == 1 else "s")
    if ga.days:
        words += f" and {ga.days} day" + ("" if ga.days == 1 else "s")
    return f"{ga} ({words})"


def today_summary(plan: Plan) -> str:
    ga = plan.gestational_age_today
    where = ga_words(ga) if ga is not None else "before the pregnancy's week 0"
    return f"Today {format_date(plan.today)}: {where}"


def series_summary(item: Milestone) -> str:
    every = item.every_days
    if every == 7:
        rhythm = "weekly"
    elif every is not None and every % 7 == 0:
        rhythm = f"every {every // 7} weeks"
    else:
        rhythm = f"every {every} days"
    return f"{len(item.occurrences)} dates, {rhythm}"
