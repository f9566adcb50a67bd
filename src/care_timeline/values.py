"""Text -> value: every parser the API, the command line and batch files share.

Dates (ISO 8601 always; ``05/10/2027`` only with a stated day/month order),
yes/no facts, timestamps, calendar reminders, worker counts and applicability
words (and what a calendar may leave out). Each parser takes the value already typed, or its text, and raises the
library's own error naming the field, the value and what is allowed. Nothing
here goes through a timezone except timestamps, which are instants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from ._text import control_character
from .errors import (
    BatchError,
    CareTimelineError,
    DateInputError,
    ExportError,
    ProfileError,
    QueryError,
)
from .vocabulary import APPLICABILITIES, Applicability

__all__ = [
    "DEFAULT_REMINDER",
    "DateOrder",
    "check_calendar_name",
    "check_reminder",
    "parse_applicability",
    "parse_date",
    "parse_epoch",
    "parse_jobs",
    "parse_omit",
    "parse_reminder",
    "parse_timestamp",
    "parse_yes_no",
]

# -- dates ------------------------------------------------------------------------

DateOrder = Literal["dmy", "mdy"]

_ISO = re.compile(r"\A([0-9]{4})-([0-9]{2})-([0-9]{2})\Z", re.ASCII)
_NUMERIC = re.compile(r"\A([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})\Z", re.ASCII)
_ALLOWED_DATE = "an ISO date like 2027-05-10"


def parse_date(
    text: str | date,
    *,
    field: str = "date",
    date_order: DateOrder | None = None,
    error: type[CareTimelineError] = DateInputError,
) -> date:
    """Read one date: the one date parser of the library, so a date is read the
    same way wherever it is given (dating, profile, ``today``, query ranges,
    command lines and batch files). ``date`` objects pass through (a
    ``datetime`` does not: its time and timezone would be dropped silently).
    A fault is ``error`` (by default :class:`DateInputError`) naming ``field``.

    >>> parse_date("2027-05-10")
    datetime.date(2027, 5, 10)
    >>> parse_date("10/05/2027", date_order="dmy")
    datetime.date(2027, 5, 10)
    """
    if isinstance(text, datetime):
        raise error(field=field, value=text.isoformat(), allowed="a date without a time")
    if isinstance(text, date):
        return text
    if not isinstance(text, str):
        raise error(field=field, value=text, allowed=_ALLOWED_DATE)
    stripped = text.strip()
    if date_order not in (None, "dmy", "mdy"):
        raise error(field="date_order", value=date_order, allowed="'dmy' or 'mdy'")
    iso = _ISO.match(stripped)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        numeric = _NUMERIC.match(stripped)
        if numeric is None:
            allowed = _ALLOWED_DATE
            if date_order:
                allowed += f" or {'DD/MM/YYYY' if date_order == 'dmy' else 'MM/DD/YYYY'}"
            raise error(field=field, value=text, allowed=allowed)
        if date_order is None:
            raise error(
                field=field,
                value=text,
                allowed=f"{_ALLOWED_DATE} (day and month order is ambiguous: set the date order, dmy or mdy)",
            )
        first, second, year = (int(part) for part in numeric.groups())
        day, month = (first, second) if date_order == "dmy" else (second, first)
    try:
        return date(year, month, day)
    except ValueError:
        raise error(field=field, value=text, allowed="a real calendar day") from None


# -- yes/no -----------------------------------------------------------------------

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


def parse_yes_no(value: str | bool | int | None, *, field: str) -> bool | None:
    """``yes/no/true/false/1/0`` (any case) or empty for unknown.

    >>> parse_yes_no("Yes", field="x"), parse_yes_no("", field="x")
    (True, None)
    """
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ProfileError(
        field=field, value=value, allowed="yes/no/true/false/1/0, or empty for unknown"
    )


# -- timestamps -------------------------------------------------------------------

_TIMESTAMP = "an ISO 8601 date and time with a UTC offset, like 2026-11-24T08:00:00Z"


def parse_timestamp(
    value: datetime | str, *, field: str = "timestamp", text: bool = True
) -> datetime:
    """An instant, as a timezone-aware ``datetime`` or (unless ``text`` is false)
    ISO 8601 text with an offset, in UTC to the whole second. A naive time is
    refused: it names no instant.

    >>> parse_timestamp("2026-11-24T09:00:00.5+01:00")
    datetime.datetime(2026, 11, 24, 8, 0, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, str) and text:
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ExportError(field=field, value=value, allowed=_TIMESTAMP) from None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise ExportError(field=field, value=value, allowed=_TIMESTAMP)
        value = parsed
    elif not isinstance(value, datetime):
        raise ExportError(
            field=field,
            value=repr(value),
            allowed="a timezone-aware datetime, e.g. datetime(2026, 11, 24, 8, tzinfo=timezone.utc)",
        )
    elif value.tzinfo is None or value.utcoffset() is None:
        raise ExportError(
            field=field,
            value=value.isoformat(),
            allowed="a timezone-aware datetime (UTC), not a naive one",
        )
    try:
        return value.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise ExportError(
            field=field,
            value=value.isoformat(),
            allowed="a date and time that stays within the years 1-9999 in UTC",
        ) from None


def parse_epoch(text: str, *, field: str = "SOURCE_DATE_EPOCH") -> datetime:
    """Whole seconds since 1970 (as ``SOURCE_DATE_EPOCH`` gives them), in UTC.

    >>> parse_epoch("0")
    datetime.datetime(1970, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    digits = text.strip()
    try:
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError(digits)
        return datetime.fromtimestamp(int(digits), UTC)
    except (ValueError, OverflowError, OSError):
        raise ExportError(
            field=field, value=text, allowed="whole seconds since 1970, 0 or more"
        ) from None


# -- calendar reminders -----------------------------------------------------------

DEFAULT_REMINDER = timedelta(hours=-15)
"""A calendar reminder's default offset from an all-day event's start (local
midnight): 09:00 the day before."""
MIN_REMINDER = timedelta(days=-28)
MAX_REMINDER = timedelta(days=1)
"""Exclusive: a reminder goes off by the end of the event's first day."""
MAX_REMIND_DAYS_BEFORE = 28

_CLOCK_TIME = re.compile(r"\A([01]?[0-9]|2[0-3]):([0-5][0-9])\Z")


def check_reminder(reminder: timedelta) -> timedelta:
    """A reminder offset from an event's start, within four weeks before to one day after."""
    allowed = (
        "a timedelta from the event's start (local midnight), from "
        "timedelta(days=-28) up to less than timedelta(days=1), "
        "e.g. timedelta(hours=-15) for 09:00 the day before; or None for no reminders"
    )
    if not isinstance(reminder, timedelta):
        raise ExportError(field="reminders", value=repr(reminder), allowed=allowed)
    if not MIN_REMINDER <= reminder < MAX_REMINDER:
        raise ExportError(field="reminders", value=str(reminder), allowed=allowed)
    return reminder


def parse_reminder(
    days_before: str | int | None = None, at: str | None = None, *, off: bool = False
) -> timedelta | None:
    """A reminder's offset from an all-day event's start (local midnight), from
    how many days before and at what time of day (default: 1 day before, 09:00);
    ``None`` when reminders are ``off``.

    >>> parse_reminder("2", "18:30")
    datetime.timedelta(days=-2, seconds=66600)
    """
    if off:
        if days_before is not None or at is not None:
            raise ExportError(
                "--no-reminders cannot be combined with --remind-days-before or --remind-at",
                field="reminders",
            )
        return None
    days = 1
    if days_before is not None:
        digits = str(days_before).strip()
        if not (digits.isascii() and digits.isdigit()) or int(digits) > MAX_REMIND_DAYS_BEFORE:
            raise ExportError(
                field="remind-days-before",
                value=days_before,
                allowed=f"a whole number of days from 0 to {MAX_REMIND_DAYS_BEFORE}",
            )
        days = int(digits)
    hours, minutes = 9, 0
    if at is not None:
        match = _CLOCK_TIME.match(at.strip())
        if match is None:
            raise ExportError(
                field="remind-at", value=at, allowed="a time of day like 09:00 (00:00-23:59)"
            )
        hours, minutes = int(match[1]), int(match[2])
    return timedelta(days=-days, hours=hours, minutes=minutes)


# -- calendar names -------------------------------------------------------------------

MAX_CALENDAR_NAME_LENGTH = 1000


def check_calendar_name(name: str) -> str:
    """A calendar's (or page's) name, with line ends made ``\\n``; control
    characters other than tab and newline are refused, because RFC 5545 text
    cannot carry them.

    >>> check_calendar_name("Ana: pregnancy care")
    'Ana: pregnancy care'
    """
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


# -- batches and queries ------------------------------------------------------------


MAX_JOBS = 256
"""More worker processes than this would only cost memory: every one holds a copy
of the planning machinery, and a batch is bound by its cores."""


def parse_jobs(text: str | int | None, *, cores: int | None = None) -> int:
    """``--jobs``: a whole number of worker processes, 1 or more (default: every core).

    >>> parse_jobs("3"), parse_jobs(None, cores=2)
    (3, 2)
    """
    if text is None:
        if cores is None:
            import os

            cores = os.cpu_count()
        return cores or 1
    huge = isinstance(text, int) and text.bit_length() > 64  # str() of it may fail
    digits = "too many" if huge else str(text).strip()
    if (
        isinstance(text, bool)
        or not (digits.isascii() and digits.isdigit())
        or not 1 <= int(digits) <= MAX_JOBS
    ):
        raise BatchError(
            field="jobs",
            value="a number too large" if huge else text,
            allowed=f"a whole number of worker processes, 1 to {MAX_JOBS}",
        )
    return int(digits)


def parse_applicability(values: Iterable[Any] | str) -> tuple[Applicability, ...]:
    """``applies,discuss`` (or a list of names) as applicability values.

    >>> parse_applicability("applies, not-applicable")
    ('applies', 'not-applicable')
    """
    names = values.split(",") if isinstance(values, str) else list(values)
    chosen: list[Applicability] = []
    for name in names:
        text = str(name).strip()
        match = next((value for value in APPLICABILITIES if value == text), None)
        if match is None:
            raise QueryError(field="applicability", value=text, allowed=", ".join(APPLICABILITIES))
        if match not in chosen:
            chosen.append(match)
    if not chosen:
        raise QueryError(
            field="applicability", value="", allowed="one or more of " + ", ".join(APPLICABILITIES)
        )
    return tuple(chosen)


OMITTABLE: tuple[Applicability, ...] = ("not-applicable",)
"""What a calendar may leave out instead of writing it as a cancelled event."""


def parse_omit(
    values: Iterable[Any] | str | None, *, error: type[CareTimelineError] = ExportError
) -> tuple[Applicability, ...]:
    """What a calendar leaves out (``--omit``, ``omit=``): ``not-applicable``, as
    text (comma-separated) or a list; nothing (``None``, an empty list) leaves
    nothing out. Anything else, ``discuss`` say, is refused rather than ignored,
    as the calendar writes every milestone that applies or is to be discussed.

    >>> parse_omit("not-applicable"), parse_omit(())
    (('not-applicable',), ())
    """
    allowed = ", ".join(OMITTABLE) + " (the milestones a calendar would write cancelled)"
    if values is None:
        return ()
    if isinstance(values, str):
        names: list[Any] = values.split(",")
    elif isinstance(values, Iterable):
        names = list(values)
    else:
        raise error(field="omit", value=repr(values), allowed=allowed)
    chosen: list[Applicability] = []
    for name in names:
        text = name.strip() if isinstance(name, str) else name
        match = next((value for value in OMITTABLE if value == text), None)
        if match is None:
            raise error(field="omit", value=text, allowed=allowed)
        if match not in chosen:
            chosen.append(match)
    return tuple(chosen)
