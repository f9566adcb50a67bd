"""Reading a calendar export back with two independent parsers: icalendar (the
library that wrote it) and ical (another implementation), checking that both see
the same events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import icalendar
from dateutil.rrule import rrulestr

from .tools import needs

needs("ical")

from ical.calendar import Calendar as IcalCalendar  # noqa: E402
from ical.calendar_stream import IcsCalendarStream  # noqa: E402

import care_timeline as ct  # noqa: E402


@dataclass
class Parsed:
    data: bytes
    calendar: icalendar.Calendar
    other: IcalCalendar
    events: list[icalendar.Event]
    """In file order."""

    def by_milestone(self, plan: ct.Plan) -> dict[str, icalendar.Event]:
        """Events are written in the plan's order, one per milestone, then (for a plan
        that ended) one per milestone it no longer plans, in the order they were to come.
        For a calendar that is not private: each title ends its event's SUMMARY."""
        items = [*plan.milestones, *plan.no_longer_planned]
        assert len(self.events) == len(items)
        for event, item in zip(self.events, items, strict=True):
            assert str(event["SUMMARY"]).endswith(item.title)
        return {item.id: event for item, event in zip(items, self.events, strict=True)}

    def uids(self) -> list[str]:
        return [str(event["UID"]) for event in self.events]


def parse(data: bytes) -> Parsed:
    assert isinstance(data, bytes)
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "lines are folded at 75 octets"
    calendars = icalendar.Calendar.from_ical(data, multiple=True)
    assert len(calendars) == 1
    calendar = calendars[0]
    streams = IcsCalendarStream.from_ics(data.decode("utf-8"))
    assert len(streams.calendars) == 1
    other = streams.calendars[0]
    events = list(calendar.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [e.uid for e in other.events]
    for mine, theirs in zip(events, other.events, strict=True):
        assert mine.decoded("DTSTART") == theirs.dtstart
        assert mine.decoded("DTEND") == theirs.dtend
        assert str(mine["SUMMARY"]) == theirs.summary
        assert str(mine["DESCRIPTION"]) == theirs.description
        assert int(mine["SEQUENCE"]) == theirs.sequence
        assert theirs.status is not None
        assert str(mine["STATUS"]) == theirs.status.value
        # The reminders (none on a cancelled event, nor on one of two options): both see them.
        mine_alarms = [c for c in mine.subcomponents if c.name == "VALARM"]
        assert [a.decoded("TRIGGER") for a in mine_alarms] == [a.trigger for a in theirs.alarm]
        # All-day events: dates, never datetimes (which a client would put in a timezone).
        assert type(theirs.dtstart) is date and type(theirs.dtend) is date
        assert mine["DTSTART"].params.get("VALUE") == "DATE"
        assert mine["DTEND"].params.get("VALUE") == "DATE"
    return Parsed(data, calendar, other, events)


def expand_with_dateutil(event: icalendar.Event) -> list[date]:
    start: date = event.decoded("DTSTART")
    rule = rrulestr(
        event["RRULE"].to_ical().decode(), dtstart=datetime(start.year, start.month, start.day)
    )
    return [moment.date() for moment in rule]


def expand_with_ical(other: IcalCalendar, uid: str) -> list[date]:
    days = [item.dtstart for item in other.timeline if item.uid == uid]
    assert all(type(day) is date for day in days)
    return days  # type: ignore[return-value]


def unescape_text(raw: str) -> str:
    """RFC 5545 section 3.3.11, written out here so the check does not lean on either parser."""
    escapes = {"\\\\": "\\", "\\;": ";", "\\,": ",", "\\n": "\n", "\\N": "\n"}
    return re.sub(r"\\[\\;,nN]", lambda m: escapes[m[0]], raw)
