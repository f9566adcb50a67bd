"""The calendar export: a plan as an RFC 5545 ``.ics`` file.

Every milestone is one all-day event whose UID never changes for the same
patient, so importing a newer export updates a calendar in place:

- a window is one event from its first day to its last (``DTEND`` is the day
  after, as RFC 5545 makes all-day ends exclusive);
- a recurring series is one event with an ``RRULE`` that expands to exactly the
  plan's occurrences;
- a single day is a one-day event;
- a milestone that does not apply, or that was still to come when the plan
  ended, is one cancelled one-day event on its first day, with the same UID: it
  cancels what an earlier import added (in a calendar that follows UIDs) and is
  one line, not weeks of struck-through days (in one that does not). ``omit``
  leaves such milestones out altogether, for a patient's first export;
- a window or series that ran past the plan's end stops on the day it ended;
- each of two options (a choice of either, ``Milestone.alternative``) is
  ``STATUS:TENTATIVE`` and titled as one of two options, so a calendar never shows
  both as planned;
- ``private`` marks every event ``CLASS:PRIVATE`` and gives it a neutral title
  ("Pregnancy care: check"), the details staying in the description; the calendar's
  name, unless one is given, is as neutral ("Pregnancy care").

``SEQUENCE`` is derived from the export's timestamp, so a later export always
carries a higher one without any stored state, and the same timestamp gives the
same bytes. The calendar is built once as a model (:mod:`._ics_writer`) and
written by a fast writer whose bytes are held equal to icalendar's in the tests.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from .. import phrases as words
from ..calendar_options import SEQUENCE_EPOCH, CalendarOptions, check_timestamp
from ..wording import Words
from ._ics_writer import Component, Recur, to_icalendar, write
from ._ids import event_uid, plan_uid

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan

__all__ = [
    "PRODID",
    "SEQUENCE_EPOCH",
    "calendar",
    "event_uid",
    "render",
    "render_with_icalendar",
    "sequence_for",
]

PRODID = "-//care-timeline//care-timeline//EN"
"""Without a version number, so an upgrade alone does not change the bytes."""

_REFRESH = timedelta(days=1)
_DAY = timedelta(days=1)


def render(plan: Plan, options: CalendarOptions | None = None) -> bytes:
    """The plan as an RFC 5545 calendar (``.ics`` bytes), one all-day event per
    milestone: :func:`calendar`, written by the fast writer. The options are
    documented on :class:`~care_timeline.CalendarOptions`."""
    return write(calendar(plan, options))


def render_with_icalendar(plan: Plan, options: CalendarOptions | None = None) -> bytes:
    """The same calendar as :func:`render`, serialised by icalendar (slower): the
    reference that :func:`render`'s bytes are tested against."""
    return to_icalendar(calendar(plan, options))


def calendar(plan: Plan, options: CalendarOptions | None = None) -> Component:
    """The calendar of :func:`render` as a model, every decision made. The options
    were checked when they were built; only "now" is read here, when they have no
    timestamp."""
    chosen = (options or CalendarOptions()).stamped()
    assert chosen.timestamp is not None
    stamp, key, private = chosen.timestamp, chosen.uid_key, chosen.private
    trigger = chosen.reminders
    sequence = _sequence(stamp)
    w = Words.of(plan)
    if chosen.calendar_name is not None:
        name = chosen.calendar_name
    elif private:  # as neutral as the events' titles: the protocol's names the condition
        name = w.t(words.PRIVATE_CALENDAR_NAME)
    else:
        name = plan.protocol.title
    lang = ("LANGUAGE", plan.language)

    # Properties in the order icalendar writes them: the component's canonical
    # ones first, then the others alphabetically (see _ics_writer).
    cal = Component("VCALENDAR")
    cal.add("VERSION", "text", "2.0")
    cal.add("PRODID", "text", PRODID)
    cal.add("CALSCALE", "text", "GREGORIAN")
    cal.add("METHOD", "text", "PUBLISH")
    cal.add("DESCRIPTION", "text", plan.clinician_note, lang)
    cal.add("X-WR-CALDESC", "text", plan.clinician_note)
    # Both names: NAME is RFC 7986, X-WR-CALNAME is what Google, Apple and Outlook read.
    cal.add("NAME", "text", name)
    cal.add("X-WR-CALNAME", "text", name)
    # For subscriptions: how often a client should fetch the URL again.
    cal.add("REFRESH-INTERVAL", "duration", _REFRESH, ("VALUE", "DURATION"))
    if chosen.calendar_uid:  # (see CalendarOptions: vdirsyncer takes it for every event's)
        cal.add("UID", "text", plan_uid(plan, "calendar", key))
    cal.add("X-PUBLISHED-TTL", "duration", _REFRESH)
    for item in plan.milestones:
        cancelled = not item.on_timeline
        if cancelled and item.applicability in chosen.omit:
            continue
        # One of two options is tentative, not confirmed: the calendar must not show two
        # treatments as both planned.
        option = item.alternative is not None
        event = Component("VEVENT")
        title = w.t(words.PRIVATE_TITLES[item.category]) if private else item.title
        heading = (
            words.CALENDAR_OPTION_TITLE if option else words.CALENDAR_TITLES[item.applicability]
        )
        summary = w.t(heading, title=title)
        event.add("SUMMARY", "text", summary, lang)
        event.add("DTSTART", "date", item.start, ("VALUE", "DATE"))
        if cancelled or not item.occurrences or item.every_days is None:
            last = item.start if cancelled else item.end
            event.add("DTEND", "date", last + _DAY, ("VALUE", "DATE"))
        else:  # one occurrence's length; the rule repeats it
            event.add("DTEND", "date", item.start + _DAY, ("VALUE", "DATE"))
        event.add("DTSTAMP", "datetime", stamp)
        event.add("UID", "text", event_uid(plan, item.id, key))
        event.add("SEQUENCE", "integer", sequence)
        if not cancelled and item.occurrences and item.every_days is not None:
            event.add("RRULE", "recur", _rule(item.every_days, item.occurrences[-1]))
        if private:
            event.add("CLASS", "text", "PRIVATE")
        event.add("DESCRIPTION", "text", _description(plan, item, w, private=private), lang)
        status = "CANCELLED" if cancelled else "TENTATIVE" if option else "CONFIRMED"
        event.add("STATUS", "text", status)
        # Nothing here is a booked appointment: none of it should mark the whole day busy.
        event.add("TRANSP", "text", "TRANSPARENT")
        if not cancelled and not option and trigger is not None and _gets_reminder(item):
            alarm = Component("VALARM")
            alarm.add("ACTION", "text", "DISPLAY")
            alarm.add("DESCRIPTION", "text", summary, lang)
            alarm.add("TRIGGER", "duration", trigger, ("RELATED", "START"))
            event.components.append(alarm)
        cal.components.append(event)
    for gone in plan.no_longer_planned:
        # Cancelled on the day it was to start, under its own UID: a calendar that follows
        # UIDs removes what it had; one that does not shows one struck-through line.
        event = Component("VEVENT")
        title = w.t(words.PRIVATE_TITLES[gone.category]) if private else gone.title
        event.add("SUMMARY", "text", w.t(words.CALENDAR_ENDED_TITLE, title=title), lang)
        event.add("DTSTART", "date", gone.start, ("VALUE", "DATE"))
        event.add("DTEND", "date", gone.start + _DAY, ("VALUE", "DATE"))
        event.add("DTSTAMP", "datetime", stamp)
        event.add("UID", "text", event_uid(plan, gone.id, key))
        event.add("SEQUENCE", "integer", sequence)
        if private:
            event.add("CLASS", "text", "PRIVATE")
        ended = w.ended(plan) + " " + w.t(words.NO_LONGER_PLANNED)
        parts = [gone.title, ended] if private else [ended]
        event.add("DESCRIPTION", "text", "\n\n".join([*parts, plan.clinician_note]), lang)
        event.add("STATUS", "text", "CANCELLED")
        event.add("TRANSP", "text", "TRANSPARENT")
        cal.components.append(event)
    return cal


def _rule(every_days: int, last: date) -> Recur:
    if every_days % 7 == 0:
        return Recur("WEEKLY", last, every_days // 7)
    return Recur("DAILY", last, every_days)


def _gets_reminder(item: Milestone) -> bool:
    """Windows and doses get a reminder; a single day (the due date) does not.

    A series that is only to be discussed has no dose prescribed yet, so it gets
    no per-dose reminder.
    """
    if item.kind == "day":
        return False
    return not (item.occurrences and item.applicability != "applies")


def _description(plan: Plan, item: Milestone, w: Words, *, private: bool) -> str:
    parts = [item.title] if private else []  # a private event's title hides it
    parts += [item.description, w.when(item)]
    parts.append(w.t(words.WHY, applicability=w.applicability(item), reason=item.reason))
    if item.alternative is not None:
        parts.append(w.choice(plan, item))
    if plan.ended_on is not None and item.end == plan.ended_on:
        parts.append(w.ended(plan))
    if item.warning_signs:
        parts.append(w.warning_signs_block(plan.warning_signs, plan.urgent_advice))
    parts.extend(w.t(words.NOTE, note=note) for note in item.notes)
    parts.append(plan.clinician_note)
    return "\n\n".join(parts)


def sequence_for(timestamp: datetime) -> int:
    """SEQUENCE for an export made at ``timestamp``: whole seconds since 2020-01-01 UTC.

    Earlier timestamps (such as ``SOURCE_DATE_EPOCH=0``) give 0; one from
    2088-01-19T03:14:08Z on is refused, as SEQUENCE would pass RFC 5545's
    largest INTEGER.
    """
    return _sequence(check_timestamp(timestamp))


def _sequence(stamp: datetime) -> int:
    """:func:`sequence_for` of a timestamp already checked (a calendar option's)."""
    return max(0, int((stamp - SEQUENCE_EPOCH).total_seconds()))
