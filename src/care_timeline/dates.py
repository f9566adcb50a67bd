"""Text -> date: the one date parser of the library, so a date is read the same way
wherever it is given (dating, profile, ``today``, query ranges, command lines and
batch files): ISO 8601 always, ``05/10/2027`` only with a stated day/month order.
Nothing here goes through a timezone.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from .errors import CareTimelineError, DateInputError

__all__ = ["DateOrder", "parse_date"]

DateOrder = Literal["dmy", "mdy"]
"""How a numeric date like ``10/05/2027`` is read: day first (``dmy``) or month first
(``mdy``)."""

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
