"""Gestational age as a value type: whole days since the pregnancy's day 0.

Written ``NwDd`` (``14w3d`` = 14 completed weeks and 3 days, the 15th week);
``14+3`` and ``14w`` are read too. Day 0 is the due date minus 280 days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from .errors import GestationalAgeError

__all__ = ["DAYS_TO_DUE_DATE", "GestationalAge"]

MAX_DAYS = 999 * 7 + 6
"""The largest gestational age the notation writes (``999w6d``): far beyond any
pregnancy, and small enough that every date arithmetic on it stays in range."""
DAYS_TO_DUE_DATE = 280
"""Days from day 0 (the clinical start of pregnancy) to the due date, 40w0d."""

_FORMS = re.compile(
    r"""\A\s*(?P<weeks>[0-9]{1,3})\s*
        (?: [wW] \s* (?: (?P<days>[0-6]) \s* [dD] )?   # 14w3d, 14w
          | \+ \s* (?P<plus>[0-6])                      # 14+3
        )\s*\Z""",
    re.VERBOSE | re.ASCII,
)
_ALLOWED = "weeks and days written like '14w3d', '14+3' or '14w' (days 0-6)"


@dataclass(frozen=True, order=True, slots=True)
class GestationalAge:
    """A gestational age in whole days. Compare, add and subtract days:

    >>> ga = GestationalAge.parse("14+3")
    >>> str(ga), ga.weeks, ga.days
    ('14w3d', 14, 3)
    >>> str(ga + 4)
    '15w0d'
    >>> GestationalAge.parse("40w").to_date(due_date=date(2027, 5, 10))
    datetime.date(2027, 5, 10)
    """

    total_days: int

    def __post_init__(self) -> None:
        if isinstance(self.total_days, bool) or not isinstance(self.total_days, int):
            raise GestationalAgeError(
                field="gestational_age", value=self.total_days, allowed="a whole number of days"
            )
        if not 0 <= self.total_days <= MAX_DAYS:
            raise GestationalAgeError(
                field="gestational_age",
                value=self.total_days,
                allowed=f"0 to {MAX_DAYS} days (999w6d, the most a gestational age is written with)",
            )

    @classmethod
    def of(cls, weeks: int, days: int = 0) -> GestationalAge:
        """``GestationalAge.of(14, 3)`` is 14w3d."""
        if not 0 <= days <= 6:
            raise GestationalAgeError(field="gestational_age days", value=days, allowed="0-6")
        return cls(weeks * 7 + days)

    @classmethod
    def parse(cls, text: str, *, field: str = "gestational_age") -> GestationalAge:
        """Read ``14w3d``, ``14+3`` or ``14w``; anything else is a :class:`GestationalAgeError`."""
        if not isinstance(text, str):
            raise GestationalAgeError(field=field, value=text, allowed=_ALLOWED)
        match = _FORMS.match(text)
        if match is None:
            raise GestationalAgeError(field=field, value=text, allowed=_ALLOWED)
        days = match["days"] or match["plus"] or "0"
        return cls(int(match["weeks"]) * 7 + int(days))

    @classmethod
    def between(cls, due_date: date, on: date) -> GestationalAge | None:
        """The GA on ``on`` for a pregnancy due ``due_date``; ``None`` before day 0."""
        days = (on - due_date).days + DAYS_TO_DUE_DATE
        return cls(days) if days >= 0 else None

    @property
    def weeks(self) -> int:
        return self.total_days // 7

    @property
    def days(self) -> int:
        return self.total_days % 7

    def to_date(self, due_date: date) -> date:
        """The calendar day on which a pregnancy due ``due_date`` reaches this GA."""
        return due_date - timedelta(days=DAYS_TO_DUE_DATE - self.total_days)

    def __add__(self, other: int) -> GestationalAge:
        if isinstance(other, bool) or not isinstance(other, int):
            return NotImplemented
        return GestationalAge(self.total_days + other)

    def __sub__(self, other: int) -> GestationalAge:
        if isinstance(other, bool) or not isinstance(other, int):
            return NotImplemented
        return GestationalAge(self.total_days - other)

    def __str__(self) -> str:
        return f"{self.weeks}w{self.days}d"

    def __repr__(self) -> str:
        return f"GestationalAge('{self}')"

    # pydantic: read from "14w3d" (or a GestationalAge), write as "14w3d".
    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._coerce,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": "^[0-9]+w[0-6]d$", "examples": ["14w3d"]}

    @classmethod
    def _coerce(cls, value: Any) -> GestationalAge:
        if isinstance(value, GestationalAge):
            return value
        return cls.parse(value)
