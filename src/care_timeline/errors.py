"""The library's exceptions: one base class, one subclass per kind of bad input.

Every error subclasses :class:`ValueError` too, because each one means "a value
given to the library was not acceptable"; code that already catches
``ValueError`` keeps working. Each error carries the ``field`` at fault, the
``value`` given and what is ``allowed``, and its message says all three.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CareTimelineError",
    "DateInputError",
    "DatingError",
    "ExportError",
    "GestationalAgeError",
    "ProfileError",
    "ProtocolError",
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


def describe(field: str | None, value: Any, allowed: str | None) -> str:
    """The standard one-line message: ``field: 'value' is not allowed; expected ...``."""
    where = f"{field}: " if field else ""
    shown = _show(value)
    text = f"{where}{shown} is not valid"
    if allowed:
        text += f"; expected {allowed}"
    return text


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    if len(text) > 80:
        text = text[:77] + "..."
    return repr(text) if isinstance(value, str) else text


class ExportError(CareTimelineError):
    """Raised when a plan or a protocol cannot be written in a format: the
    format needs an optional extra that is not installed (``fhir`` needs
    ``pip install 'care-timeline[fhir]'``), or the written document fails
    the format's own validation."""


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
