"""A calendar export's options, as one value checked once where it is built.

:class:`CalendarOptions` holds what a calendar (``.ics``) export may be asked for:
its timestamp, its name, its reminders, the clinic's UID key, whether it is private
and what it leaves out. Every field is checked when the value is built, so
``to_ics``, ``render``, a batch and the command line pass it on whole and none of
them checks an option again. The parsers of the command line's words for these
options (``--timestamp``, ``SOURCE_DATE_EPOCH``, ``--remind-days-before``,
``--remind-at``, ``--omit``) are here too, beside the checks they feed.

>>> from datetime import UTC, datetime
>>> options = CalendarOptions(timestamp=datetime(2026, 11, 24, 8, tzinfo=UTC), omit="not-applicable")
>>> options.omit, options.reminders
(('not-applicable',), datetime.timedelta(days=-1, seconds=32400))
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import ExportError
from .safe_text import control_character
from .uid_keys import check_uid_key
from .vocabulary import Applicability

__all__ = [
    "DEFAULT_REMINDER",
    "LATEST_TIMESTAMP",
    "MAX_CALENDAR_NAME_LENGTH",
    "MAX_REMIND_DAYS_BEFORE",
    "MAX_WEB_ADDRESS_LENGTH",
    "OMITTABLE",
    "SEQUENCE_EPOCH",
    "CalendarOptions",
    "check_calendar_name",
    "check_reminder",
    "check_timestamp",
    "check_web_address",
    "parse_epoch",
    "parse_omit",
    "parse_reminder",
    "parse_timestamp",
]

# -- timestamps -------------------------------------------------------------------

SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
"""A calendar's SEQUENCE counts whole seconds since here: monotonic in the
timestamp, and it stays below 2**31 (the largest INTEGER of RFC 5545, which some
clients store it in) until 2088-01-19."""
LATEST_TIMESTAMP = SEQUENCE_EPOCH + timedelta(seconds=2**31 - 1)
"""The latest timestamp a calendar may carry: one second later, its SEQUENCE
would pass RFC 5545's largest INTEGER."""

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


def check_timestamp(value: datetime, *, field: str = "timestamp") -> datetime:
    """A calendar's timestamp: a timezone-aware ``datetime`` (:func:`parse_timestamp`,
    no text), no later than :data:`LATEST_TIMESTAMP`; in UTC, to the whole second."""
    stamp = parse_timestamp(value, field=field, text=False)
    if stamp > LATEST_TIMESTAMP:
        raise ExportError(
            field=field,
            value=stamp.isoformat(),
            allowed="a time before 2088-01-19T03:14:08Z (a calendar's SEQUENCE counts "
            "seconds from 2020 and must stay below 2**31)",
        )
    return stamp


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


# -- reminders --------------------------------------------------------------------

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


# -- calendar names ---------------------------------------------------------------

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


# -- what a calendar leaves out ---------------------------------------------------

OMITTABLE: tuple[Applicability, ...] = ("not-applicable",)
"""What a calendar may leave out instead of writing it as a cancelled event."""


def parse_omit(values: Iterable[Any] | str | None) -> tuple[Applicability, ...]:
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
        raise ExportError(field="omit", value=repr(values), allowed=allowed)
    chosen: list[Applicability] = []
    for name in names:
        text = name.strip() if isinstance(name, str) else name
        match = next((value for value in OMITTABLE if value == text), None)
        if match is None:
            raise ExportError(field="omit", value=text, allowed=allowed)
        if match not in chosen:
            chosen.append(match)
    return tuple(chosen)


# -- web addresses ----------------------------------------------------------------

MAX_WEB_ADDRESS_LENGTH = 500
"""The longest address a page prints and codes (a QR code a phone's camera reads)."""
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""The only hosts a plain ``http://`` address may name (to try a site out)."""


def check_web_address(address: object, *, field: str, schemes: tuple[str, ...] = ("https",)) -> str:
    """A web address a patient is given: one of ``schemes`` (``http`` only for
    :data:`LOOPBACK_HOSTS`), a host, no user name or password (it is printed and
    sent), no spaces or control characters, at most :data:`MAX_WEB_ADDRESS_LENGTH`
    characters."""
    shown = schemes[0] if len(schemes) == 1 else ", ".join(schemes[:-1]) + " or " + schemes[-1]
    allowed = (
        f"a {shown}:// address with a host, without spaces, a user name or a password, "
        f"at most {MAX_WEB_ADDRESS_LENGTH} characters (http:// only for localhost)"
    )
    if not isinstance(address, str):
        raise ExportError(field=field, value=repr(address), allowed=allowed)
    from urllib.parse import urlsplit  # here: only a site or a page with its address needs it

    try:
        parts = urlsplit(address)
        host = parts.hostname
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise ExportError(field=field, value=address, allowed=allowed) from None
    scheme = parts.scheme.lower()
    fits = (
        0 < len(address) <= MAX_WEB_ADDRESS_LENGTH
        and address.isascii()
        and address.isprintable()
        and " " not in address
        and host is not None
        and parts.username is None
        and parts.password is None
        and (scheme in schemes or (scheme == "http" and host.lower() in LOOPBACK_HOSTS))
        and address.lower().startswith(scheme + "://")
    )
    if not fits:
        raise ExportError(field=field, value=address, allowed=allowed)
    return address


SUBSCRIBE_SCHEMES = ("https", "webcal")
"""A page's subscription address: ``webcal://`` asks a phone to subscribe."""


# -- the options, together --------------------------------------------------------


@dataclass(frozen=True, init=False)
class CalendarOptions:
    """The options of a calendar export, checked once when built (a fault is an
    :class:`~care_timeline.ExportError` naming the field, the value given and what
    is allowed), then passed whole to :func:`~care_timeline.to_ics`,
    :func:`~care_timeline.render` and :func:`~care_timeline.write_batch`.

    ``timestamp`` (timezone-aware; ``None``: now, when the calendar is written)
    fixes ``DTSTAMP`` and sets ``SEQUENCE``, so the same timestamp gives the same
    bytes and a later one updates an imported calendar in place; it is kept in
    UTC, to the whole second. ``calendar_name`` defaults to the protocol's title
    ("Pregnancy care" when ``private``, in the plan's language); it also titles
    the printable page and the SVG when :func:`~care_timeline.render` writes
    them. ``reminders`` is each reminder's offset from an event's start (local
    midnight; the default, :data:`DEFAULT_REMINDER`, is 09:00 the day before),
    or ``None`` for no reminders. ``uid_key`` (from
    :func:`~care_timeline.new_uid_key` or :func:`~care_timeline.load_uid_key`)
    makes each UID, and a FHIR export's identifier, a keyed hash of the plan id
    that nobody without the key can trace back; without one, a UID is a plain
    hash, which anyone can check a guessed id against (see docs/calendars.md).
    ``private`` marks every event private and gives it a neutral title
    ("Pregnancy care: check"), the details staying in its description; ``omit``
    (``"not-applicable"``, as text or a list) leaves out the milestones that do
    not apply instead of writing them as cancelled one-day events.
    ``subscribe_url`` is the address the calendar is served at (``https://`` or
    ``webcal://``): the printable page then shows it in words and as a QR code
    to scan with a phone's camera (:func:`~care_timeline.to_html`).
    ``calendar_uid=False`` leaves out the calendar's own ``UID`` (RFC 7986), which
    vdirsyncer's ``http`` storage takes for each event's, keeping one event; a
    published feed leaves it out (:func:`~care_timeline.publish`).
    """

    timestamp: datetime | None
    calendar_name: str | None
    reminders: timedelta | None
    uid_key: bytes | None = field(repr=False)  # a secret: never in a log
    private: bool
    omit: tuple[Applicability, ...]
    subscribe_url: str | None = None
    calendar_uid: bool = True

    def __init__(
        self,
        *,
        timestamp: datetime | None = None,
        calendar_name: str | None = None,
        reminders: timedelta | None = DEFAULT_REMINDER,
        uid_key: bytes | None = None,
        private: bool = False,
        omit: Iterable[Applicability] | str | None = (),
        subscribe_url: str | None = None,
        calendar_uid: bool = True,
    ) -> None:
        for name, flag in (("private", private), ("calendar_uid", calendar_uid)):
            if not isinstance(flag, bool):
                raise ExportError(field=name, value=repr(flag), allowed="True or False")
        checked = {
            "timestamp": None if timestamp is None else check_timestamp(timestamp),
            "calendar_name": None if calendar_name is None else check_calendar_name(calendar_name),
            "reminders": None if reminders is None else check_reminder(reminders),
            "uid_key": check_uid_key(uid_key),
            "private": private,
            "omit": parse_omit(omit),
            "subscribe_url": None
            if subscribe_url is None
            else check_web_address(subscribe_url, field="subscribe_url", schemes=SUBSCRIBE_SCHEMES),
            "calendar_uid": calendar_uid,
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def stamped(self) -> CalendarOptions:
        """These options with a timestamp: themselves when they have one, else a copy
        stamped now (in UTC, to the whole second). A batch stamps its options once,
        so every calendar of it carries the same "now"."""
        if self.timestamp is not None:
            return self
        stamped = copy.copy(self)  # the other fields as they were checked
        object.__setattr__(stamped, "timestamp", check_timestamp(datetime.now(UTC)))
        return stamped
