"""Every phrase an export shows a person, in one place.

Exports build their sentences from these templates, so one phrase has one wording
in the text table, the calendar, the CSV and the printable page, and a
translation has one place to go. A template names its parts (``{date}``,
``{reason}``), never glues words together, so another language can put them in
its own order. Protocol texts (titles, reasons, warning signs) are data and come
from the protocol; this module holds only what the code itself says.

Dates and gestational ages reach the templates already written out: ISO dates
and ``14w3d`` in the text table and the calendar (exact, sortable), dates in
words on the printable page (:func:`format_date`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from .._text import for_xml
from ..errors import ExportError

if TYPE_CHECKING:
    from ..gestational_age import GestationalAge
    from ..plan_model import Milestone, Plan

# -- single words and labels ---------------------------------------------------------

APPLICABILITY_LABELS = {
    "applies": "Applies",
    "discuss": "Discuss with your clinician",
    "not-applicable": "Does not apply",
}
"""Each applicability in words, the same in every export a person reads."""

CALENDAR_TITLES = {
    "applies": "{title}",
    "discuss": "To discuss: {title}",
    "not-applicable": "Does not apply: {title}",
}
"""A calendar event's title: the applicability in front, where a narrow calendar
view still shows it."""

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
"""Where a milestone lies relative to today."""

METHOD_DESCRIPTIONS = {
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

# -- headings ---------------------------------------------------------------------------

MILESTONES = "Milestones"
PAGE_NUMBERS = "Page {page} of {pages}"
"""At the foot of every printed sheet of the page."""
WARNING_SIGNS = "Warning signs"
WARNING_SIGNS_LEAD = "Contact your care team at once if you notice:"
NOT_ON_TIMELINE = "Does not apply, so not on the timeline"
TABLE_COLUMNS = ("Milestone", "Dates, weeks+days", "For you")
"""The printable page's table heads."""
WEEK_ROW = "Week"
DATE_ROW = "Date"
DISCUSS_KEY = "Hollow, dashed: to discuss"
"""The chart legend's entry for milestones to discuss."""

# -- sentences ---------------------------------------------------------------------------

DUE_DATE = "Due date {date}, dated by {method}"
TODAY = "Today {date}: {ga}"
BEFORE_DAY_ZERO = "before the pregnancy's week 0"
PLAN_ID = "Plan {plan_id}"
DATING_EXPLANATION = "How the pregnancy was dated: {explanation}"
DATING_NOTE = "Note on the dating: {note}"
NOTE = "Note: {note}"
WHY = "Why this is in your plan: {applicability}. {reason}"
VERDICT = "{applicability}: {reason}"
NOT_ON_TIMELINE_LABEL = "{applicability} (not on the timeline)"
PROTOCOL = "Protocol: {title} ({id}, version {version}). Planned as of {date}."
TIMELINE_TITLE = "{title}: timeline from week 0 to week {weeks}"
TODAY_MARKER = "Today {date} · {ga}"
DUE_DATE_MARKER = "Due date {date} · {ga}"
DISCUSS_MARK = "{dates} · discuss"
CATEGORY_IN_TABLE = "({category})"
TITLE_AND_REASON = "{title}: {reason}"
LANE_TITLE = "{title}: {dates} ({weeks})"
DATES_AND_SERIES = "{dates}, {series}"
WEEKS_AND_TIMING = "{weeks}, {timing}"
LABEL = "{label}:"
WHEN_WINDOW = "When: {span}, both days included."
WHEN_DAY = "When: {span}."
WHEN_SERIES = "When: {span}, {series}."
SPAN = "{dates} ({weeks})"
RANGE = "{first} to {last}"
COMPACT_RANGE = "{first} – {last}"
"""A range in a table cell, where room is short."""
CHART_RANGE = "{first}–{last}"
"""A range beside a lane of the chart, where room is shortest."""
SERIES = "{count} dates, {rhythm}"
WEEKLY = "weekly"
EVERY_WEEKS = "every {weeks} weeks"
EVERY_DAYS = "every {days} days"
GA_WEEKS = "{weeks} weeks"
GA_ONE_WEEK = "1 week"
GA_WEEKS_DAYS = "{weeks} weeks and {days} days"
GA_WEEKS_ONE_DAY = "{weeks} weeks and 1 day"
GA_ONE_WEEK_DAYS = "1 week and {days} days"
GA_ONE_WEEK_ONE_DAY = "1 week and 1 day"
GA_IN_WORDS = "{ga} ({words})"


# -- planning lists (upcoming) -------------------------------------------------------------

QUERY_STARTS = "starts"
QUERY_DAY = "day"
QUERY_IN_WINDOW = "in window"
QUERY_ENDED = "ended"
QUERY_OCCURRENCE = "{number} of {count}"
QUERY_OCCURRENCE_IN_RANGE = "{occurrence}, {count} in range"
QUERY_NOTHING = "No milestones from {first} to {last}."

# -- what changed between two plans (diff) ------------------------------------------------

DIFF_HEADING = (
    "Changes from the plan of {old_today} (due {old_due}) to the plan of {new_today} "
    "(due {new_due})"
)
DIFF_DUE_DATE = "Due date moved {shift}"
DIFF_LATER = "{days} days later"
DIFF_ONE_DAY_LATER = "1 day later"
DIFF_EARLIER = "{days} days earlier"
DIFF_ONE_DAY_EARLIER = "1 day earlier"
DIFF_MOVED = "Moved {shift}: {old} -> {new}"
DIFF_START_END = "start {start}, end {end}"
DIFF_SAME = "unchanged"
DIFF_OCCURRENCES = "Dates in the series: {new} (were {old})"
DIFF_APPLICABILITY = "Now: {new} (was: {old}). {reason}"
DIFF_REASON = "Why, now: {reason}"
DIFF_TIMING = "Now {new} (was {old})"
DIFF_ADDED = "Added: {span}"
DIFF_REMOVED = "Removed (was {span})"
DIFF_NOTHING = "Nothing changed."

# -- FHIR: texts for health records -------------------------------------------------------

DUE_DATE_NAME = "Estimated due date"
DATED_BY = "Dated by {method}"
FHIR_SUBJECT = "The patient this plan was made for (not named in this export)"
FHIR_BUILT_FROM = "Built from: {source}"
FHIR_SOURCE = "The protocol's source"
FHIR_BASIS_WARNING_SIGNS = "Basis of the warning signs"
FHIR_BASIS_TRIMESTERS = "Basis of the trimesters"
FHIR_BASIS_SHORT_CERVIX = "Basis of the short-cervix threshold"
FHIR_BASIS_PROGESTERONE_THRESHOLD = "Basis of the progesterone threshold"
FHIR_BASIS_FOUND_EARLY = "Basis of the limit for a short cervix found early"
FHIR_BASIS_OF = "Basis of: {title}"
FHIR_ON_DAY = "On {ga} of pregnancy."
FHIR_SERIES = "{rhythm} from {start} to {end} of pregnancy."
FHIR_WINDOW = "From {start} to {end} of pregnancy, both days included."
FHIR_RULES_LEAD = "Who it is for (the first rule that matches decides):"
FHIR_RULE = "{number}. {condition}: {result}. {reason}"
FHIR_IF = "if {conditions}"
FHIR_AND = " and "
FHIR_ALWAYS = "always"
FHIR_OTHERWISE = "otherwise"
FHIR_BECOMES_DAY = "It becomes one day: {day}."
FHIR_STARTS_NO_EARLIER = "It starts no earlier than {day}."
FHIR_CODE_SYSTEM_TITLE = "{title}: milestones"
FHIR_CODE_SYSTEM = "The milestone ids of the protocol, with their titles."
FHIR_CATEGORY_PROPERTY = "risk, monitoring, treatment, medication or birth"
FHIR_KIND_PROPERTY = "window, day or series"
DATE_SOURCES = {
    "cerclage-placed-on": "the day the cerclage was placed",
    "short-cervix-found-on": "the day the short cervix was found",
}
"""The profile dates a rule may move a milestone to, in words."""


# -- helpers that fill the templates -----------------------------------------------------


def format_date(day: date) -> str:
    """``26 Oct 2026``: written out the same way whatever the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def day_month(day: date) -> str:
    """``26 Oct``: the chart's week dates (the month row shows the year)."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def month_name(day: date, *, with_year: bool) -> str:
    """``Nov 2026`` or ``Nov``: the chart's month row."""
    return f"{MONTHS[day.month - 1]} {day.year}" if with_year else MONTHS[day.month - 1]


def chart_dates(item: Milestone) -> str:
    """``26 Oct–10 Jan``: a lane's dates, without the year (42 weeks never repeat a month)."""
    if item.start == item.end:
        return day_month(item.start)
    return CHART_RANGE.format(first=day_month(item.start), last=day_month(item.end))


def date_range(first: str, last: str, *, compact: bool = False) -> str:
    """Two written-out dates (or ages) as one range; one when they are the same."""
    if first == last:
        return first
    return (COMPACT_RANGE if compact else RANGE).format(first=first, last=last)


def page_dates(item: Milestone) -> str:
    """``26 Oct 2026 – 10 Jan 2027``, for the printable page."""
    return date_range(format_date(item.start), format_date(item.end), compact=True)


def page_weeks(item: Milestone) -> str:
    """``12w0d – 22w6d``, for the printable page."""
    return date_range(str(item.start_ga), str(item.end_ga), compact=True)


def span(item: Milestone) -> str:
    """``2026-10-26 to 2027-01-10 (12w0d to 22w6d)``: exact dates and ages."""
    return SPAN.format(
        dates=date_range(item.start.isoformat(), item.end.isoformat()),
        weeks=date_range(str(item.start_ga), str(item.end_ga)),
    )


def rhythm(every_days: int) -> str:
    """How often a series repeats: ``weekly``, ``every 2 weeks``, ``every 10 days``."""
    if every_days == 7:
        return WEEKLY
    if every_days % 7 == 0:
        return EVERY_WEEKS.format(weeks=every_days // 7)
    return EVERY_DAYS.format(days=every_days)


def series_summary(item: Milestone) -> str:
    """``21 dates, weekly``."""
    return SERIES.format(count=len(item.occurrences), rhythm=rhythm(item.every_days or 0))


def when(item: Milestone) -> str:
    """The calendar's sentence saying when a milestone is."""
    if item.occurrences:
        return WHEN_SERIES.format(span=span(item), series=series_summary(item))
    if item.start == item.end:
        return WHEN_DAY.format(span=span(item))
    return WHEN_WINDOW.format(span=span(item))


def ga_words(ga: GestationalAge) -> str:
    """``16w1d (16 weeks and 1 day)``, for readers who do not know the notation."""
    weeks, days = ga.weeks, ga.days
    if days == 0:
        words = GA_ONE_WEEK if weeks == 1 else GA_WEEKS.format(weeks=weeks)
    elif weeks == 1:
        words = GA_ONE_WEEK_ONE_DAY if days == 1 else GA_ONE_WEEK_DAYS.format(days=days)
    else:
        words = (
            GA_WEEKS_ONE_DAY.format(weeks=weeks)
            if days == 1
            else GA_WEEKS_DAYS.format(weeks=weeks, days=days)
        )
    return GA_IN_WORDS.format(ga=ga, words=words)


def dating_summary(plan: Plan, *, on_page: bool) -> str:
    """``Due date 10 May 2027, dated by the due date given``."""
    due = plan.dating.due_date
    return DUE_DATE.format(
        date=format_date(due) if on_page else due.isoformat(),
        method=METHOD_DESCRIPTIONS[plan.dating.method],
    )


def today_summary(plan: Plan, *, on_page: bool) -> str:
    """``Today 24 Nov 2026: 16w1d (16 weeks and 1 day)``."""
    ga = plan.gestational_age_today
    where = BEFORE_DAY_ZERO if ga is None else ga_words(ga) if on_page else str(ga)
    return TODAY.format(
        date=format_date(plan.today) if on_page else plan.today.isoformat(), ga=where
    )


def protocol_line(plan: Plan, *, on_page: bool) -> str:
    """Which protocol made the plan, and as of which day."""
    today = format_date(plan.today) if on_page else plan.today.isoformat()
    return PROTOCOL.format(
        title=plan.protocol.title, id=plan.protocol.id, version=plan.protocol.version, date=today
    )


def warning_signs_block(signs: Sequence[str], urgent_advice: str | None) -> str:
    """The warning signs as one block of plain text, with the urgent advice after them."""
    listed = "\n".join(f"- {sign}" for sign in signs)
    block = f"{WARNING_SIGNS}\n{WARNING_SIGNS_LEAD}\n{listed}"
    return f"{block}\n\n{urgent_advice}" if urgent_advice else block


def page_title(plan: Plan, title: str | None) -> str:
    """The given title, or the protocol's when none (or only blanks) was given."""
    if title is not None and not isinstance(title, str):
        raise ExportError(field="title", value=repr(title), allowed="text, or None")
    if title is not None and title.strip():
        return for_xml(title.strip())
    return for_xml(plan.protocol.title)
