"""Every phrase the code writes for a person, in one place: the templates of the
message catalog, marked with :func:`N_`. One list of every phrase is what a
translator or a clinical reviewer reads, and a phrase has one wording in the text
table, the calendar, the CSV, the printable page, the health record, the
planning lists, the diffs and the dating explanations.

The templates are the ids of the message catalog (see docs/languages.md): they
are written in a language with :mod:`._i18n` (:class:`~care_timeline._i18n.Language`)
and, for a plan, with :class:`~care_timeline.wording.Words`. A template names its
parts (``{date}``, ``{reason}``), never glues words together, so another language
can put them in its own order; a count that changes a word has a singular and a
plural form. Protocol texts (titles, reasons, warning signs) are data and come
from the protocol, already in its language; this module holds only what the code
says.

Dates and gestational ages reach the templates already written out: ISO dates in
the text table and the calendar (exact, sortable), dates in words on the page (a
date pattern that is itself a catalog message, so each language picks its own),
and gestational ages the way the language writes them.

This module imports nothing of the package: the languages module itself reads
:data:`GA_NOTATION` from here.
"""

from __future__ import annotations

from typing import overload


@overload
def N_(message: str) -> str: ...
@overload
def N_(message: str, plural: str) -> tuple[str, str]: ...
def N_(message: str, plural: str | None = None) -> str | tuple[str, str]:
    """Mark a message (or a singular and plural pair) for the catalog; translation
    happens later, with a plan's language. Called in this module only: every
    phrase has its home here."""
    return message if plural is None else (message, plural)


# -- gestational ages ---------------------------------------------------------------------

GA_NOTATION = N_("{weeks}w{days}d")
"""A gestational age written for people: completed weeks and days."""

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
CALENDAR_OPTION_TITLE = N_("One of two options: {title}")
"""The title of a calendar event that is one of two options (a choice of either): not
shown as if both were planned."""

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
NOT_APPLICABLE_KEY = N_("Marked {mark}: does not apply, so not on the timeline")
"""The text plan's key to the mark before each milestone that does not apply."""
TABLE_COLUMNS = (N_("Milestone"), N_("Dates, weeks+days"), N_("For you"))
"""The printable page's table heads."""
WEEK_ROW = N_("Week")
DATE_ROW = N_("Date")
DISCUSS_KEY = N_("Hollow, dashed: to discuss")
"""The chart legend's entry for milestones to discuss."""

SUBSCRIBE_HEADING = N_("Follow this plan in your calendar")
"""The printable page's box with the calendar's subscription address and its QR code."""
SUBSCRIBE_HOW = N_(
    "Scan the code with your phone's camera, or add the address below to your calendar "
    "as a subscription (in Google Calendar: Other calendars, From URL). Your calendar then "
    "changes by itself when your plan changes."
)
SUBSCRIBE_ADDRESS = N_("Address: {address}")
"""The subscription address in words, for typing it in."""
SUBSCRIBE_QR_LABEL = N_("QR code of the address {address}")
"""What a screen reader says for the QR code."""

# -- sentences ---------------------------------------------------------------------------

PLAN_ENDED = {
    "birth": N_("This plan ended on {date}, when your baby was born."),
    "loss": N_("This plan ended on {date}, when the pregnancy ended."),
    "other": N_("This plan ended on {date}."),
}
"""Said wherever a plan that ended is shown: kindly, and without more than is known."""
NO_LONGER_PLANNED = N_("What was still to come is no longer planned.")
CHOICE_OF_EITHER = N_(
    "One of two options: this, or {other}. You and your care team choose one of them, not both."
)
"""Said of each of two milestones that are a choice of either, wherever one is shown."""
NO_LONGER_PLANNED_HEADING = N_("No longer planned")
"""Over the milestones that lay after a plan's end (named only, without weeks)."""
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
PROTOCOLS = N_("Protocols: {protocols}. Planned as of {date}.")
"""The line that ends a composed plan (one made of several protocols), naming each."""
PROTOCOL_NAMED = N_("{title} ({id}, version {version})")
"""One protocol in the list of a composed plan's protocols."""
PROTOCOL_HEADING = N_("{title} [{id}]")
"""Over a protocol's milestones in a composed plan's text: its title and id."""
TIMELINE_TITLE = N_("{title}: timeline from week 0 to week {weeks}")
TODAY_MARKER = N_("Today {date} · {ga}")
DUE_DATE_MARKER = N_("Due date {date} · {ga}")
ENDED_MARKER = N_("Ended {date} · {ga}")
"""The chart's marker of the day a plan ended (in place of today's)."""
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
"""The planning list's column heads on a terminal."""
QUERY_APPLICABILITY = {
    # Translators: the planning list's applicability column, a word or two each;
    # --applicability takes these words too, so the three must differ.
    "applies": N_("applies"),
    "discuss": N_("discuss"),
    "not-applicable": N_("not-applicable"),
}
"""Each applicability in the planning list's last column: in English the very words
--applicability takes; in another language its own, which --applicability takes too
with that --language."""

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
DIFF_TIMING = N_("Timing: {new} (was {old})")
DIFF_ADDED = N_("Added: {span}")
DIFF_REMOVED = N_("Removed (was {span})")
DIFF_REMOVED_UNDATED = N_("Removed")
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
FHIR_BASIS_EARLY_BIRTH = N_("Basis of the limit for an early earlier preterm birth")
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
FHIR_STOPS_ON = N_(
    "If {day} falls inside the window, the window ends on it and keeps the decision it had "
    "before; this reason is added."
)
FHIR_RULE_TITLE = N_("Its title then: {title}.")
FHIR_ALTERNATIVE = N_(
    "When {other} applies by a rule that names this one, the two are a choice of either."
)
FHIR_CODE_SYSTEM_TITLE = N_("{title}: milestones")
FHIR_CODE_SYSTEM = N_("The milestone ids of the protocol, with their titles.")
FHIR_CATEGORY_PROPERTY = N_("risk, monitoring, treatment, medication or birth")
FHIR_KIND_PROPERTY = N_("window, day or series")
DATE_SOURCES = {
    "cerclage-placed-on": N_("the day the cerclage was placed"),
    "short-cervix-found-on": N_("the day the short cervix was found"),
    "membranes-ruptured-on": N_("the day the waters broke (today, when that day is not recorded)"),
}
"""The profile dates a rule may move a milestone to, in words."""


# -- what the engine writes into a rule's reason, in the protocol's language --------------

NONE_RECORDED = N_("none recorded")
DATE_NOT_RECORDED = N_("date not recorded")
DAY_AND_AGE = N_("{date}, {ga}")
NOTHING_RECORDED = N_("nothing")
"""What ``{history}`` says when no history is recorded ("On record: nothing.")."""
PRETERM_BIRTH = N_("an earlier preterm birth")
"""An item of a reason's list of what is recorded (``{history}``)."""
PRETERM_BIRTH_AT = N_("an earlier preterm birth at {ga}")
MID_PREGNANCY_LOSS = N_("an earlier mid-pregnancy loss")


# -- dating: an ultrasound against the last period (ACOG CO 700) ---------------------------


EXPLANATION_REDATED = N_(
    "ultrasound at {ultrasound_ga} differs from LMP by {difference} (> {threshold}): "
    "re-dated to ultrasound. The scan on {scan_date} was at {lmp_ga} by LMP; for scans "
    "at {band} by LMP, ACOG Committee Opinion 700 re-dates when the difference is more "
    "than {limit}."
)
EXPLANATION_KEPT = N_(
    "ultrasound at {ultrasound_ga} differs from LMP by {difference} (not > {threshold}): "
    "LMP dating kept. The scan on {scan_date} was at {lmp_ga} by LMP; for scans at "
    "{band} by LMP, ACOG Committee Opinion 700 re-dates when the difference is more "
    "than {limit}."
)
REDATING_DAYS = N_("{count} day", "{count} days")
BAND_FROM = N_("{first} or later")
BAND_UP_TO = N_("up to {last}")
BAND_RANGE = N_("{first}-{last}")
SUBOPTIMAL = N_(
    "suboptimally dated (ACOG Committee Opinion 700): the ultrasound on {scan_date} "
    "was at {ages}, and no ultrasound before {limit} is recorded"
)
AGE_BY = N_("{ga} by {source}")
AGE_SOURCES = {"LMP": N_("LMP"), "ultrasound": N_("ultrasound")}
