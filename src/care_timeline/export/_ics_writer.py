"""Writing a calendar: iCalendar content lines (RFC 5545) from a small model of
components and properties, in exactly the bytes icalendar 7.3 writes for the same
calendar.

The calendar export builds its calendar as a :class:`Component` once, with every
decision made; this module only writes it. It covers the closed set of value
types the export uses (text, date, UTC date-time, integer, a FREQ/UNTIL/INTERVAL
repeat rule, duration) and writes them as icalendar does:

- text escaped in icalendar's order (``\\``, ``;``, ``,``, then CRLF, LF and CR as
  ``\\n``), and a byte-order mark at the very start of a value dropped, as
  icalendar's reading of its own bytes drops it. One difference, on purpose:
  icalendar turns a backslash followed by ``N`` into a line break before
  escaping; here it stays the text it is (escaped as ``\\\\N``);
- lines folded by UTF-8 octets, as icalendar's folding does: a line reaching 75
  octets is cut before the character that would reach them, never inside a
  character, and a cut right after a ``\\`` or ``^`` moves that character to the
  next line, so an escape is never split;
- properties in the order the model gives, which the export sets to icalendar's:
  each component's canonical properties first, then the others alphabetically.

``tests/export/test_ics_writer.py`` holds this module's bytes equal to
icalendar's serialisation of the same model (:func:`to_icalendar`) for every
golden file, hostile texts and thousands of generated plans; icalendar is the
reference, this is the fast path.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    import icalendar

__all__ = ["Component", "Prop", "duration", "escape_text", "fold", "to_icalendar", "write"]

Kind = Literal["text", "date", "datetime", "integer", "recur", "duration"]


class Recur(NamedTuple):
    """A repeat rule: ``FREQ`` every ``interval`` units, until a day."""

    freq: Literal["DAILY", "WEEKLY"]
    until: date
    interval: int


Value = str | date | datetime | int | Recur | timedelta


Params = tuple[tuple[str, str], ...]
Prop = tuple[str, Kind, Value, Params]
"""One property: its name, its value of one kind, its parameters. (A plain tuple:
a calendar has a hundred or more of them, and a tuple is the cheapest record to
make.)"""


class Component:
    """A component (``VCALENDAR``, ``VEVENT``, ``VALARM``) with its properties in
    the order they are written, then its components."""

    __slots__ = ("components", "name", "props")

    def __init__(self, name: str) -> None:
        self.name = name
        self.props: list[Prop] = []
        self.components: list[Component] = []

    def add(self, name: str, kind: Kind, value: Value, *params: tuple[str, str]) -> None:
        self.props.append((name, kind, value, params))


# -- values -----------------------------------------------------------------------------


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11), escaped as icalendar escapes it."""
    # Each replacement only where its character occurs: most texts hold few of them.
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if ";" in text:
        text = text.replace(";", "\\;")
    if "," in text:
        text = text.replace(",", "\\,")
    if "\r" in text:
        text = text.replace("\r\n", "\\n").replace("\r", "\\n")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    return text[1:] if text[:1] == "\ufeff" else text


def _date(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def _utc_datetime(moment: datetime) -> str:
    return f"{_date(moment)}T{moment.hour:02}{moment.minute:02}{moment.second:02}Z"


def _recur(rule: Recur) -> str:
    return f"FREQ={rule.freq};UNTIL={_date(rule.until)};INTERVAL={rule.interval}"


def duration(span: timedelta) -> str:
    """A DURATION value as icalendar writes it: ``-PT15H``, ``P1D``, ``PT1H0M5S``."""
    sign = ""
    if span.days < 0:
        sign, span = "-", -span
    time = ""
    if span.seconds:
        hours, rest = divmod(span.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        time = "T" + (f"{hours}H" if hours else "")
        if minutes or (hours and seconds):
            time += f"{minutes}M"
        if seconds:
            time += f"{seconds}S"
    if span.days == 0 and time:
        return f"{sign}P{time}"
    return f"{sign}P{abs(span.days)}D{time}"


_VALUES: dict[Kind, Callable[[Any], str]] = {
    "text": escape_text,
    "date": _date,
    "datetime": _utc_datetime,  # the model holds DTSTAMP in UTC, as icalendar writes it
    "integer": str,
    "recur": _recur,
    "duration": duration,
}
"""How each kind of value is written."""


# -- lines ------------------------------------------------------------------------------

_LIMIT = 75
"""A line is folded once it reaches 75 octets: a first line holds at most 74."""


def fold(line: bytes) -> bytes:
    """One content line (UTF-8) folded as icalendar folds it, lines joined by CRLF
    and a space."""
    size = len(line)
    if size < _LIMIT:
        return line
    parts = []
    start = 0
    while size - start >= _LIMIT:
        end = start + _LIMIT - 1
        while line[end] & 0xC0 == 0x80:  # not inside a UTF-8 character
            end -= 1
        if line[end - 1] in b"\\^":  # never split an escape
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return b"\r\n ".join(parts)


@lru_cache(maxsize=256)
def _head(name: str, params: Params) -> str:
    """``NAME;KEY=VALUE:``: the same few for every calendar, so made once each."""
    return name + "".join(f";{key}={value}" for key, value in params) + ":"


def _lines(component: Component, out: list[bytes]) -> None:
    out.append(f"BEGIN:{component.name}".encode())
    for name, kind, value, params in component.props:
        line = (_head(name, params) + _VALUES[kind](value)).encode()
        out.append(line if len(line) < _LIMIT else fold(line))
    for child in component.components:
        _lines(child, out)
    out.append(f"END:{component.name}".encode())


def write(calendar: Component) -> bytes:
    """The calendar's bytes: CRLF after every line."""
    out: list[bytes] = []
    _lines(calendar, out)
    out.append(b"")
    return b"\r\n".join(out)


# -- the reference --------------------------------------------------------------------


def to_icalendar(calendar: Component) -> bytes:
    """The same calendar serialised by icalendar itself (slower; the reference the
    tests hold :func:`write` to)."""
    return bytes(_to_icalendar(calendar).to_ical())


def _to_icalendar(component: Component) -> icalendar.Component:
    import icalendar

    kinds: dict[str, type[icalendar.Component]] = {
        "VCALENDAR": icalendar.Calendar,
        "VEVENT": icalendar.Event,
        "VALARM": icalendar.Alarm,
    }
    made = kinds[component.name]()
    for name, kind, given, pairs in component.props:
        params = dict(pairs)
        value: object = given
        if kind == "text":
            assert isinstance(given, str)
            value = icalendar.vText(given)
        elif kind == "date":
            params.pop("VALUE", None)  # icalendar marks a date itself
        elif kind == "recur":
            assert isinstance(given, Recur)
            value = icalendar.vRecur(FREQ=given.freq, UNTIL=given.until, INTERVAL=given.interval)
        elif kind == "duration" and not params:
            assert isinstance(given, timedelta)
            value = icalendar.vDuration(given)
        made.add(name.lower(), value, parameters=params)
    for child in component.components:
        made.add_component(_to_icalendar(child))
    return made
