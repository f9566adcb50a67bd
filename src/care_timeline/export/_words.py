"""Every phrase an export shows a person, in one place, and the :class:`Words` that
write them in a plan's language. One piece on purpose, though long: one list of
every phrase is what a translator or a clinical reviewer reads.

Exports build their sentences from these templates, so one phrase has one wording
in the text table, the calendar, the CSV, the printable page and the health
record, and a translation has one place to go: the templates are the ids of the
message catalog (see docs/languages.md). A template names its parts (``{date}``,
``{reason}``), never glues words together, so another language can put them in
its own order; a count that changes a word has a singular and a plural form.
Protocol texts (titles, reasons, warning signs) are data and come from the
protocol, already in its language; this module holds only what the code says.

Dates and gestational ages reach the templates already written out: ISO dates in
the text table and the calendar (exact, sortable), dates in words on the page
(a date pattern that is itself a catalog message, so each language picks its
own), and gestational ages the way the language writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from .._i18n import N_, Language, language
from .._text import for_xml
from ..errors import ExportError

if TYPE_CHECKING:
    from ..dating import Dating
    from ..gestational_age import GestationalAge
    from ..plan_model import Milestone, Plan, Trimester

# -- single words and labels ---------------------------------------------------------

APPLICABILITY_LABELS = {
    "applies": N_("Applies"),
    "discuss": N_("Discuss with your clinician"),
    "not-applicable": N_("Does not apply"),
}
"""Each applicability in words, the same in every export a person reads."""

PRIVATE_TITLES = {
    "risk": N_("Pregnancy care: reminder"),
    "monitoring": N_("Pregnancy care: check"),
    "treatment": N_("Pregnancy care: appointment"),
    "medication": N_("Pregnancy care: medicine"),
    "birth": N_("Pregnancy care: due date"),
}
"""A private calendar event's title: what kind of thing it is, not what it is
(the details stay in the description, which a shared calendar does not show)."""
PRIVATE_CALENDAR_NAME = N_("Pregnancy care")
"""A private calendar's name when none was given: the protocol's title would name
the condition in every list of calendars (a shared one, a phone's settings)."""

CALENDAR_TITLES = {
    "applies": N_("{title}"),
    "discuss": N_("To discuss: {title}"),
    "not-applicable": N_("Does not apply: {title}"),
}
"""A calendar event's title: the applicability in front, where a narrow calendar
view still shows it."""
CALENDAR_ENDED_TITLE = N_("No longer planned: {title}")
"""The title of an event the plan's end cancelled: marked in the title too, for the
calendar programs that show a cancelled event like any other."""

CATEGORY_LABELS = {
    "risk": N_("Risk"),
    "monitoring": N_("Monitoring"),
    "treatment": N_("Treatment"),
    "medication": N_("Medication"),
    "birth": N_("Birth"),
}
"""Each category as the chart's legend names it."""

CATEGORY_NOUNS = {
    "risk": N_("risk"),
    "monitoring": N_("monitoring"),
    "treatment": N_("treatment"),
    "medication": N_("medication"),
    "birth": N_("birth"),
}
"""Each category as a word inside a sentence or a table cell."""

TIMING_WORDS = {"past": N_("past"), "current": N_("now"), "upcoming": N_("coming up")}
"""Where a milestone lies relative to today."""

METHOD_DESCRIPTIONS = {
    "due-date": N_("the due date given"),
    "lmp": N_("the last menstrual period"),
    "gestational-age": N_("a gestational age on a known day"),
    "conception": N_("the conception date"),
    "embryo-transfer": N_("the embryo transfer date"),
    "ultrasound": N_("an ultrasound scan"),
    "reconciled": N_("the last menstrual period and an ultrasound scan, reconciled"),
}
"""Each dating method in words, for readers of a plan."""

# Translators: a CLDR date pattern (d day, MMM short month name, MMMM month name, y year).
DATE = N_("d MMM y")
"""A date written out for people: ``26 Oct 2026``."""
# Translators: a CLDR date pattern: a day and a month, without the year.
DAY_MONTH = N_("d MMM")
# Translators: a CLDR date pattern: a month and its year.
MONTH_YEAR = N_("MMM y")
# Translators: a CLDR date pattern: a month alone.
MONTH = N_("MMM")

# -- headings ---------------------------------------------------------------------------

MILESTONES = N_("Milestones")
PAGE_NUMBERS = N_("Page {page} of {pages}")
"""At the foot of every printed sheet of the page."""
WARNING_SIGNS = N_("Warning signs")
WARNING_SIGNS_LEAD = N_(
    "If you notice any of these, the advice is to contact your care team at once:"
)
NOT_ON_TIMELINE = N_("Does not apply, so not on the timeline")
TABLE_COLUMNS = (N_("Milestone"), N_("Dates, weeks+days"), N_("For you"))
"""The printable page's table heads."""
WEEK_ROW = N_("Week")
DATE_ROW = N_("Date")
DISCUSS_KEY = N_("Hollow, dashed: to discuss")
"""The chart legend's entry for milestones to discuss."""

# -- sentences ---------------------------------------------------------------------------

PLAN_ENDED = {
    "birth": N_("This plan ended on {date}, when your baby was born."),
    "loss": N_("This plan ended on {date}, when the pregnancy ended."),
    "other": N_("This plan ended on {date}."),
}
"""Said wherever a plan that ended is shown: kindly, and without more than is known."""
NO_LONGER_PLANNED = N_("What was still to come is no longer planned.")
DUE_DATE = N_("Due date {date}, dated by {method}")
TODAY = N_("Today {date}: {ga}")
BEFORE_DAY_ZERO = N_("before the pregnancy's week 0")
PLAN_ID = N_("Plan {plan_id}")
DATING_EXPLANATION = N_("How the pregnancy was dated: {explanation}")
DATING_NOTE = N_("Note on the dating: {note}")
NOTE = N_("Note: {note}")
WHY = N_("Why this is in your plan: {applicability}. {reason}")
VERDICT = N_("{applicability}: {reason}")
NOT_ON_TIMELINE_LABEL = N_("{applicability} (not on the timeline)")
PROTOCOL = N_("Protocol: {title} ({id}, version {version}). Planned as of {date}.")
TIMELINE_TITLE = N_("{title}: timeline from week 0 to week {weeks}")
TODAY_MARKER = N_("Today {date} · {ga}")
DUE_DATE_MARKER = N_("Due date {date} · {ga}")
DISCUSS_MARK = N_("{dates} · discuss")
CATEGORY_IN_TABLE = N_("({category})")
TITLE_AND_REASON = N_("{title}: {reason}")
LANE_TITLE = N_("{title}: {dates} ({weeks})")
DATES_AND_SERIES = N_("{dates}, {series}")
WEEKS_AND_TIMING = N_("{weeks}, {timing}")
LABEL = N_("{label}:")
WHEN_WINDOW = N_("When: {span}, both days included.")
WHEN_DAY = N_("When: {span}.")
WHEN_SERIES = N_("When: {span}, {series}.")
SPAN = N_("{dates} ({weeks})")
RANGE = N_("{first} to {last}")
COMPACT_RANGE = N_("{first} – {last}")
"""A range in a table cell, where room is short."""
CHART_RANGE = N_("{first}–{last}")
TRIMESTER_TO = N_("to {end}")
TRIMESTER_FROM = N_("from {start}")
TRIMESTER_BAND = N_("{name} · {weeks}")
"""A stage of pregnancy on the chart: its name and its weeks."""
"""A range beside a lane of the chart, where room is shortest."""
SERIES = N_("{count} date, {rhythm}", "{count} dates, {rhythm}")
WEEKLY = N_("weekly")
EVERY_WEEKS = N_("every {weeks} week", "every {weeks} weeks")
EVERY_DAYS = N_("every {days} day", "every {days} days")
GA_WEEKS = N_("{weeks} week", "{weeks} weeks")
GA_DAYS = N_("{days} day", "{days} days")
GA_WEEKS_AND_DAYS = N_("{weeks} and {days}")
"""Gestational age in words: ``16 weeks and 1 day``."""
GA_IN_WORDS = N_("{ga} ({words})")


# -- planning lists (upcoming) -------------------------------------------------------------

QUERY_STARTS = N_("starts")
QUERY_DAY = N_("day")
QUERY_IN_WINDOW = N_("in window")
QUERY_ENDED = N_("ended")
QUERY_OCCURRENCE = N_("{number} of {count}")
QUERY_OCCURRENCE_IN_RANGE = N_("{occurrence}, {count} in range")
QUERY_NOTHING = N_("No milestones from {first} to {last}.")
QUERY_COLUMNS = (
    N_("date"),
    N_("GA"),
    N_("id"),
    N_("milestone"),
    N_("what"),
    N_("applicability"),
)
"""The planning list's column heads on a terminal (the values of the last column
are the words --applicability takes)."""

# -- what changed between two plans (diff) ------------------------------------------------

DIFF_HEADING = N_(
    "Changes from the plan of {old_today} (due {old_due}) to the plan of {new_today} "
    "(due {new_due})"
)
DIFF_DUE_DATE = N_("Due date moved {shift}")
DIFF_LATER = N_("{days} day later", "{days} days later")
DIFF_EARLIER = N_("{days} day earlier", "{days} days earlier")
DIFF_MOVED = N_("Moved {shift}: {old} -> {new}")
DIFF_START_END = N_("start {start}, end {end}")
DIFF_SAME = N_("unchanged")
DIFF_OCCURRENCES = N_("Dates in the series: {new} (were {old})")
DIFF_APPLICABILITY = N_("Now: {new} (was: {old}). {reason}")
DIFF_REASON = N_("Why, now: {reason}")
DIFF_TIMING = N_("Now {new} (was {old})")
DIFF_ADDED = N_("Added: {span}")
DIFF_REMOVED = N_("Removed (was {span})")
DIFF_NOTHING = N_("Nothing changed.")
DIFF_END_REMOVED = N_("This plan no longer has an end: it runs again.")
DIFF_END_WAS = N_("Before, the plan said: {ended}")
"""After the new plan's end (or its removal): the old plan's sentence, as it said it."""
DIFF_NO_LONGER_PLANNED = N_("No longer planned: still to come when the plan ended")
"""A milestone the plan's end now cancels, as the calendar's "No longer planned:" does."""
DIFF_PLANNED_AGAIN = N_("Planned again: the plan no longer ends before it")

# -- FHIR: texts for health records -------------------------------------------------------

DUE_DATE_NAME = N_("Estimated due date")
DATED_BY = N_("Dated by {method}")
FHIR_SUBJECT = N_("The patient this plan was made for (not named in this export)")
FHIR_BUILT_FROM = N_("Built from: {source}")
FHIR_SOURCE = N_("The protocol's source")
FHIR_BASIS_WARNING_SIGNS = N_("Basis of the warning signs")
FHIR_BASIS_TRIMESTERS = N_("Basis of the trimesters")
FHIR_BASIS_SHORT_CERVIX = N_("Basis of the short-cervix threshold")
FHIR_BASIS_PROGESTERONE_THRESHOLD = N_("Basis of the progesterone threshold")
FHIR_BASIS_FOUND_EARLY = N_("Basis of the limit for a short cervix found early")
FHIR_BASIS_OF = N_("Basis of: {title}")
FHIR_ON_DAY = N_("On {ga} of pregnancy.")
FHIR_SERIES = N_("{rhythm} from {start} to {end} of pregnancy.")
FHIR_WINDOW = N_("From {start} to {end} of pregnancy, both days included.")
FHIR_RULES_LEAD = N_("Who it is for (the first rule that matches decides):")
FHIR_RULE = N_("{number}. {condition}: {result}. {reason}")
FHIR_IF = N_("if {conditions}")
FHIR_CONDITIONS = N_("{first} and {second}")
"""Two conditions of a rule; more are joined pair by pair."""
FHIR_ALWAYS = N_("always")
FHIR_OTHERWISE = N_("otherwise")
FHIR_BECOMES_DAY = N_("It becomes one day: {day}.")
FHIR_STARTS_NO_EARLIER = N_("It starts no earlier than {day}.")
FHIR_CODE_SYSTEM_TITLE = N_("{title}: milestones")
FHIR_CODE_SYSTEM = N_("The milestone ids of the protocol, with their titles.")
FHIR_CATEGORY_PROPERTY = N_("risk, monitoring, treatment, medication or birth")
FHIR_KIND_PROPERTY = N_("window, day or series")
DATE_SOURCES = {
    "cerclage-placed-on": N_("the day the cerclage was placed"),
    "short-cervix-found-on": N_("the day the short cervix was found"),
}
"""The profile dates a rule may move a milestone to, in words."""


# -- writing the templates in a language ------------------------------------------------


class Words:
    """The phrases of this module in one language, with dates, ages and counts
    written as that language writes them."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang

    @classmethod
    def of(cls, plan: Plan) -> Words:
        """The words of the plan's language."""
        return cls(language(plan.language))

    def t(self, message: str, /, **values: Any) -> str:
        """The message in this language, its named parts filled in."""
        text = self.lang.gettext(message)
        return text.format(**values) if values else text

    def n(self, forms: tuple[str, str], count: int, /, **values: Any) -> str:
        """The singular or plural form for ``count`` (passed as ``count`` too)."""
        return self.lang.ngettext(forms, count).format(count=count, **values)

    # -- dates and ages

    def full_date(self, day: date) -> str:
        """``26 Oct 2026``."""
        return self.lang.date(day, DATE)

    def day_month(self, day: date) -> str:
        """``26 Oct``: the chart's week dates (the month row shows the year)."""
        return self.lang.date(day, DAY_MONTH)

    def month_name(self, day: date, *, with_year: bool) -> str:
        """``Nov 2026`` or ``Nov``: the chart's month row."""
        return self.lang.date(day, MONTH_YEAR if with_year else MONTH)

    def ga(self, ga: GestationalAge) -> str:
        """A gestational age as people read it in this language (``16w1d`` in English)."""
        return self.lang.ga(ga)

    def ga_words(self, ga: GestationalAge) -> str:
        """``16w1d (16 weeks and 1 day)``, for readers who do not know the notation."""
        weeks = self.n(GA_WEEKS, ga.weeks, weeks=ga.weeks)
        words = weeks
        if ga.days:
            days = self.n(GA_DAYS, ga.days, days=ga.days)
            words = self.t(GA_WEEKS_AND_DAYS, weeks=weeks, days=days)
        return self.t(GA_IN_WORDS, ga=self.ga(ga), words=words)

    def range(self, first: str, last: str, *, compact: bool = False) -> str:
        """Two written-out dates (or ages) as one range; one when they are the same."""
        if first == last:
            return first
        return self.t(COMPACT_RANGE if compact else RANGE, first=first, last=last)

    # -- milestones

    def span(self, item: Milestone) -> str:
        """``2026-10-26 to 2027-01-10 (12w0d to 22w6d)``: exact dates and ages."""
        return self.t(
            SPAN,
            dates=self.range(item.start.isoformat(), item.end.isoformat()),
            weeks=self.range(self.ga(item.start_ga), self.ga(item.end_ga)),
        )

    def page_dates(self, item: Milestone) -> str:
        """``26 Oct 2026 – 10 Jan 2027``, for the printable page."""
        return self.range(self.full_date(item.start), self.full_date(item.end), compact=True)

    def page_weeks(self, item: Milestone) -> str:
        """``12w0d – 22w6d``, for the printable page."""
        return self.range(self.ga(item.start_ga), self.ga(item.end_ga), compact=True)

    def chart_dates(self, item: Milestone) -> str:
        """``26 Oct–10 Jan``: a lane's dates, without the year."""
        if item.start == item.end:
            return self.day_month(item.start)
        return self.t(CHART_RANGE, first=self.day_month(item.start), last=self.day_month(item.end))

    def trimester_weeks(self, stage: Trimester) -> str:
        """A stage's span in weeks: ``to 13w6d``, ``14w0d–27w6d``, ``from 28w0d``."""
        if stage.end_ga is None:
            return self.t(TRIMESTER_FROM, start=self.ga(stage.start_ga))
        if stage.start_ga.total_days == 0:
            return self.t(TRIMESTER_TO, end=self.ga(stage.end_ga))
        return self.t(CHART_RANGE, first=self.ga(stage.start_ga), last=self.ga(stage.end_ga))

    def rhythm(self, every_days: int) -> str:
        """How often a series repeats: ``weekly``, ``every 2 weeks``, ``every 10 days``."""
        if every_days == 7:
            return self.t(WEEKLY)
        if every_days % 7 == 0:
            return self.n(EVERY_WEEKS, every_days // 7, weeks=every_days // 7)
        return self.n(EVERY_DAYS, every_days, days=every_days)

    def series(self, item: Milestone) -> str:
        """``21 dates, weekly``."""
        return self.n(SERIES, len(item.occurrences), rhythm=self.rhythm(item.every_days or 0))

    def when(self, item: Milestone) -> str:
        """The calendar's sentence saying when a milestone is."""
        if item.occurrences:
            return self.t(WHEN_SERIES, span=self.span(item), series=self.series(item))
        if item.start == item.end:
            return self.t(WHEN_DAY, span=self.span(item))
        return self.t(WHEN_WINDOW, span=self.span(item))

    def applicability(self, item: Milestone) -> str:
        return self.t(APPLICABILITY_LABELS[item.applicability])

    # -- the plan

    def dating_summary(self, plan: Plan, *, on_page: bool) -> str:
        """``Due date 10 May 2027, dated by the due date given``."""
        due = plan.dating.due_date
        return self.t(
            DUE_DATE,
            date=self.full_date(due) if on_page else due.isoformat(),
            method=self.t(METHOD_DESCRIPTIONS[plan.dating.method]),
        )

    def today_summary(self, plan: Plan, *, on_page: bool) -> str:
        """``Today 24 Nov 2026: 16w1d (16 weeks and 1 day)``."""
        ga = plan.gestational_age_today
        if ga is None:
            where = self.t(BEFORE_DAY_ZERO)
        else:
            where = self.ga_words(ga) if on_page else self.ga(ga)
        day = self.full_date(plan.today) if on_page else plan.today.isoformat()
        return self.t(TODAY, date=day, ga=where)

    def dating_texts(self, dating: Dating) -> tuple[str | None, tuple[str, ...]]:
        """The dating's explanation and notes in this language (see :meth:`Dating.texts`)."""
        return dating.texts(self.lang)

    def ended(self, plan: Plan, *, on_page: bool = False) -> str:
        """``This plan ended on 2027-05-02, when your baby was born.``"""
        assert plan.ended_on is not None and plan.ended_because is not None
        day = self.full_date(plan.ended_on) if on_page else plan.ended_on.isoformat()
        return self.t(PLAN_ENDED[plan.ended_because], date=day)

    def protocol_line(self, plan: Plan, *, on_page: bool) -> str:
        """Which protocol made the plan, and as of which day."""
        today = self.full_date(plan.today) if on_page else plan.today.isoformat()
        ref = plan.protocol
        return self.t(PROTOCOL, title=ref.title, id=ref.id, version=ref.version, date=today)

    def warning_signs_block(self, signs: Sequence[str], urgent_advice: str | None) -> str:
        """The warning signs as one block of plain text, with the urgent advice after them."""
        listed = "\n".join(f"- {sign}" for sign in signs)
        block = f"{self.t(WARNING_SIGNS)}\n{self.t(WARNING_SIGNS_LEAD)}\n{listed}"
        return f"{block}\n\n{urgent_advice}" if urgent_advice else block


def page_title(plan: Plan, title: str | None) -> str:
    """The given title, or the protocol's when none (or only blanks) was given."""
    if title is not None and not isinstance(title, str):
        raise ExportError(field="title", value=repr(title), allowed="text, or None")
    if title is not None and title.strip():
        return for_xml(title.strip())
    return for_xml(plan.protocol.title)
