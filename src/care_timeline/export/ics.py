"""The calendar export: a plan as an RFC 5545 ``.ics`` file, written with icalendar.

Every milestone is one all-day event whose UID never changes for the same
patient, so importing a newer export updates a calendar in place:

- a window is one event from its first day to its last (``DTEND`` is the day
  after, as RFC 5545 makes all-day ends exclusive);
- a recurring series is one event with an ``RRULE`` that expands to exactly the
  plan's occurrences;
- a single day is a one-day event;
- a milestone that does not apply is written as a cancelled event with the same
  UID, so a re-import removes what an earlier one added.

``SEQUENCE`` is derived from the export's timestamp, so a later export always
carries a higher one without any stored state, and the same timestamp gives the
same bytes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from icalendar import Alarm, Calendar, Event, vDuration, vText

from .._text import control_character
from ..errors import ExportError
from ..uid_keys import check_uid_key
from ..values import DEFAULT_REMINDER, check_reminder, parse_timestamp
from . import _words as words
from ._ids import event_uid, plan_uid
from ._words import Words

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan

__all__ = [
    "MAX_CALENDAR_NAME_LENGTH",
    "PRODID",
    "SEQUENCE_EPOCH",
    "check_calendar_name",
    "event_uid",
    "render",
    "sequence_for",
]

PRODID = "-//care-timeline//care-timeline//EN"
"""Without a version number, so an upgrade alone does not change the bytes."""

SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
"""SEQUENCE counts whole seconds since here: monotonic in the timestamp, and it
stays below 2**31 (which some clients store it in) until 2088."""

MAX_CALENDAR_NAME_LENGTH = 1000
_REFRESH = timedelta(days=1)


def render(
    plan: Plan,
    *,
    timestamp: datetime | None = None,
    calendar_name: str | None = None,
    reminders: timedelta | None = DEFAULT_REMINDER,
    uid_key: bytes | None = None,
) -> bytes:
    """The plan as an RFC 5545 calendar (``.ics`` bytes), one all-day event per milestone.

    ``timestamp`` (timezone-aware; default: now) fixes ``DTSTAMP`` and sets
    ``SEQUENCE``, so the same timestamp gives the same bytes and a later one
    updates an imported calendar in place. ``calendar_name`` defaults to the
    protocol's title. ``reminders`` is each reminder's offset from an event's
    start (local midnight; the default is 09:00 the day before), or ``None``
    for no reminders. ``uid_key`` (see :mod:`care_timeline.uid_keys`) makes
    the UIDs a keyed hash of the plan id, which nobody without the key can
    trace back to it.
    """
    key = check_uid_key(uid_key)
    stamp = parse_timestamp(datetime.now(UTC) if timestamp is None else timestamp, text=False)
    name = plan.protocol.title if calendar_name is None else check_calendar_name(calendar_name)
    trigger = None if reminders is None else check_reminder(reminders)
    sequence = sequence_for(stamp)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Both names: NAME is RFC 7986, X-WR-CALNAME is what Google, Apple and
    # Outlook read. Written as vText explicitly so ; , \ and newlines are escaped
    # (icalendar does not know these two as TEXT properties).
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    # LANGUAGE (RFC 5545 3.2.10) on the texts written in the plan's language.
    lang = {"LANGUAGE": plan.language}
    calendar.add("description", plan.clinician_note, parameters=lang)
    calendar.add("x-wr-caldesc", vText(plan.clinician_note))
    calendar.add("uid", plan_uid(plan, "calendar", key))
    # For subscriptions: how often a client should fetch the URL again.
    calendar.add("refresh-interval", _REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(_REFRESH))
    w = Words.of(plan)
    for item in plan.milestones:
        calendar.add_component(_event(plan, item, stamp, sequence, trigger, key, w))
    data: bytes = calendar.to_ical()
    return data


def _event(
    plan: Plan,
    item: Milestone,
    stamp: datetime,
    sequence: int,
    trigger: timedelta | None,
    key: bytes | None,
    w: Words,
) -> Event:
    event = Event()
    event.add("uid", event_uid(plan, item.id, key))
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", item.start)
    if item.occurrences and item.every_days is not None:
        # One occurrence's length; the RRULE repeats it.
        event.add("dtend", item.start + timedelta(days=1))
        event.add("rrule", _rrule(item.every_days, item.occurrences[-1]))
    else:
        event.add("dtend", item.end + timedelta(days=1))
    lang = {"LANGUAGE": plan.language}
    event.add(
        "summary",
        w.t(words.CALENDAR_TITLES[item.applicability], title=item.title),
        parameters=lang,
    )
    event.add("description", _description(plan, item, w), parameters=lang)
    # Nothing here is a booked appointment: none of it should mark the whole day busy.
    event.add("transp", "TRANSPARENT")
    if item.on_timeline:
        event.add("status", "CONFIRMED")
        if trigger is not None and _gets_reminder(item):
            event.add_component(
                _alarm(event_summary=str(event["summary"]), trigger=trigger, language=plan.language)
            )
    else:
        event.add("status", "CANCELLED")
    return event


def _rrule(every_days: int, last: date) -> dict[str, object]:
    if every_days % 7 == 0:
        return {"FREQ": "WEEKLY", "INTERVAL": every_days // 7, "UNTIL": last}
    return {"FREQ": "DAILY", "INTERVAL": every_days, "UNTIL": last}


def _gets_reminder(item: Milestone) -> bool:
    """Windows and doses get a reminder; a single day (the due date) does not.

    A series that is only to be discussed has no dose prescribed yet, so it gets
    no per-dose reminder.
    """
    if item.kind == "day":
        return False
    return not (item.occurrences and item.applicability != "applies")


def _alarm(*, event_summary: str, trigger: timedelta, language: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event_summary, parameters={"LANGUAGE": language})
    alarm.add("trigger", trigger, parameters={"RELATED": "START"})
    return alarm


def _description(plan: Plan, item: Milestone, w: Words) -> str:
    parts = [item.description, w.when(item)]
    parts.append(w.t(words.WHY, applicability=w.applicability(item), reason=item.reason))
    if item.warning_signs:
        parts.append(w.warning_signs_block(plan.warning_signs, plan.urgent_advice))
    parts.extend(w.t(words.NOTE, note=note) for note in item.notes)
    parts.append(plan.clinician_note)
    return "\n\n".join(parts)


def sequence_for(timestamp: datetime) -> int:
    """SEQUENCE for an export made at ``timestamp``: whole seconds since 2020-01-01 UTC.

    Earlier timestamps (such as ``SOURCE_DATE_EPOCH=0``) give 0.
    """
    return max(0, int((parse_timestamp(timestamp, text=False) - SEQUENCE_EPOCH).total_seconds()))


def check_calendar_name(name: str) -> str:
    """The name with line ends made ``\\n``; control characters other than tab
    and newline are refused, because RFC 5545 text cannot carry them."""
    if not isinstance(name, str):
        raise ExportError(field="calendar_name", value=repr(name), allowed="text")
    text = name.replace("\r\n", "\n").replace("\r", "\n")
    allowed = (
        f"non-blank text of at most {MAX_CALENDAR_NAME_LENGTH} characters "
        "without control characters (tab and newline are fine)"
    )
    if not text.strip() or len(text) > MAX_CALENDAR_NAME_LENGTH:
        raise ExportError(field="calendar_name", value=name, allowed=allowed)
    char = control_character(text)
    if char is not None:
        raise ExportError(
            f"calendar_name: {char!r} is not allowed in a calendar name; expected {allowed}",
            field="calendar_name",
            value=name,
            allowed=allowed,
        )
    return text
