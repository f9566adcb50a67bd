"""The library's exceptions: one base class, one subclass per kind of bad input.

Every error subclasses :class:`ValueError` too, because each one means "a value
given to the library was not acceptable"; code that already catches
``ValueError`` keeps working. Each error carries the ``field`` at fault, the
``value`` given and what is ``allowed``, and its message says all three.
"""

from __future__ import annotations

from typing import Any

from .safe_text import for_message

__all__ = [
    "BatchError",
    "CareTimelineError",
    "DateInputError",
    "DatingError",
    "ExportError",
    "GestationalAgeError",
    "PatientsFileError",
    "PlanError",
    "ProfileError",
    "ProtocolError",
    "QueryError",
    "UnknownMilestoneError",
]


class CareTimelineError(ValueError):
    """Base class of every error the library raises on purpose.

    ``field`` names the input at fault (``"lmp"``, ``"cycle_length"``,
    ``"milestones[2].end"``), ``value`` is what was given and ``allowed`` says
    what would have been accepted.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        value: Any = None,
        allowed: str | None = None,
    ) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        if message is None:
            message = describe(field, value, allowed)
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        return self.message


def describe(field: str | None, value: Any, allowed: str | None) -> str:
    """The standard one-line message: ``field: 'value' is not valid; expected ...``."""
    where = f"{field}: " if field else ""
    text = f"{where}{for_message(value)} is not valid"
    if allowed:
        text += f"; expected {allowed}"
    return text


class GestationalAgeError(CareTimelineError):
    """Raised when a gestational age cannot be read (``"14x3"``), has a day
    part outside 0-6, or lies outside the range a caller allows."""


class DateInputError(CareTimelineError):
    """Raised when a date cannot be read: not ISO 8601, not a real calendar
    day, or written in an ambiguous day/month order without ``date_order``."""


class DatingError(CareTimelineError):
    """Raised when dating inputs are out of range (cycle length outside 20-45
    days, embryo age outside 2-7 days, a gestational age past 44w6d, a
    ``datetime`` where a ``date`` is needed)."""


class ProfileError(CareTimelineError):
    """Raised when a patient profile holds an impossible value (fetuses outside
    1-8, an unknown risk factor, a date before the pregnancy began)."""


class ProtocolError(CareTimelineError):
    """Raised when a protocol file cannot be loaded: bad TOML, unknown keys, an
    end before its start, duplicate milestone ids, unknown condition names.
    The message names the file and, where one is at fault, the milestone."""

    def __init__(
        self,
        message: str | None = None,
        *,
        file: str | None = None,
        milestone: str | None = None,
        field: str | None = None,
        value: Any = None,
        allowed: str | None = None,
    ) -> None:
        self.file = file
        self.milestone = milestone
        if message is None:
            message = describe(field, value, allowed)
        prefix = ""
        if file:
            prefix += f"{file}: "
        if milestone:
            prefix += f"milestone {milestone!r}: "
        super().__init__(prefix + message, field=field, value=value, allowed=allowed)


class PlanError(CareTimelineError):
    """Raised when :func:`~care_timeline.plan` is given something it cannot plan
    with (a plan id with control characters, a ``today`` that is not a date, a
    protocol that is not a :class:`~care_timeline.Protocol`)."""


class UnknownMilestoneError(PlanError, KeyError):
    """Raised by ``Plan.milestone(id)`` for an id the plan does not have. Also a
    ``KeyError``, as a lookup by key that finds nothing."""

    def __str__(self) -> str:
        # KeyError would show the message in quotes.
        return self.message


class ExportError(CareTimelineError):
    """Raised when an export cannot be made as asked: an unknown format, a naive
    timestamp, a calendar name with control characters, a reminder outside the
    allowed offsets, a page title that is not text."""


class PatientsFileError(CareTimelineError):
    """Raised when a patients CSV file as a whole cannot be read: no header, an
    unknown or repeated column, no ``id`` column, text that is not UTF-8."""


class BatchError(CareTimelineError):
    """Raised when a batch cannot start: an unknown batch format, a number of
    worker processes that is not a whole number of 1 or more."""


class QueryError(CareTimelineError):
    """Raised when a question across plans is asked wrongly: a date range that
    ends before it starts, an unknown milestone id or applicability word, a
    row error passed where a plan was expected."""
