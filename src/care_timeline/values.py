"""Text -> value: every parser the API, the command line and batch files share.

Dates (ISO 8601 always; ``05/10/2027`` only with a stated day/month order),
yes/no facts, worker counts and applicability words (a calendar's options are
:mod:`.calendar_options`'). Each parser takes the value already typed, or its
text, and raises the library's own error naming the field, the value and what
is allowed. Nothing here goes through a timezone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from .errors import (
    BatchError,
    CareTimelineError,
    DateInputError,
    ProfileError,
    QueryError,
)
from .vocabulary import APPLICABILITIES, Applicability

__all__ = [
    "DateOrder",
    "parse_applicability",
    "parse_date",
    "parse_jobs",
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
