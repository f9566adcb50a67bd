"""What is known about the patient. Every yes/no fact is three-valued:
``True``, ``False`` or ``None`` (unknown), and unknown is never read as "no"."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from ._model import FrozenModel, library_error
from .errors import ProfileError

__all__ = ["Profile"]

MAX_FETUSES = 8
CerclageType = Literal["transvaginal", "transabdominal"]


class Profile(FrozenModel):
    """The patient's profile; every field is optional.

    >>> Profile(fetuses=1, prior_preterm_birth=True).prior_preterm_birth
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    fetuses: int | None = Field(default=None, ge=1, le=MAX_FETUSES)
    """Number of fetuses, 1-8 (1 = singleton)."""
    membranes_ruptured: bool | None = None
    prior_preterm_birth: bool | None = None
    """A previous *spontaneous* preterm birth: labour, or the waters breaking, before
    37w0d. A birth brought forward for a medical reason does not count."""
    prior_second_trimester_loss: bool | None = None
    """A previous pregnancy lost between 14w0d and 23w6d after the cervix opened
    without pain."""
    short_cervix: bool | None = None
    short_cervix_on: date | None = None
    """The day the short cervix was found."""
    cervical_length_mm: float | None = Field(default=None, gt=0, le=80, allow_inf_nan=False)
    cervical_length_on: date | None = None
    """The day the cervical length was measured."""
    cerclage_placed_on: date | None = None
    cerclage_type: CerclageType | None = None
    """How the stitch was placed; only with ``cerclage_placed_on``."""
    risk_factors: tuple[str, ...] = ()
    """Ids from the protocol's list of risk factors (``weak-cervix``, ``trauma``, ...)."""

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as err:
            raise library_error(err, ProfileError, known_fields=type(self).model_fields) from err

    @field_validator("short_cervix_on", "cervical_length_on", "cerclage_placed_on", mode="before")
    @classmethod
    def _plain_date(cls, value: Any) -> Any:
        from datetime import datetime

        if isinstance(value, datetime):
            raise ValueError("a date without a time")
        return value

    @field_validator("cervical_length_mm", mode="before")
    @classmethod
    def _length_number(cls, value: Any) -> Any:
        # strict mode refuses an int for a float; a length of 22 mm is fine.
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        if self.short_cervix_on is not None and self.short_cervix is not True:
            # Without a stated short cervix the date would be silently ignored.
            raise ValueError("short_cervix_on is set but short_cervix is not True")
        if self.cerclage_type is not None and self.cerclage_placed_on is None:
            # Without the day it was placed the type would be silently ignored.
            raise ValueError("cerclage_type is set without cerclage_placed_on")
        if self.cervical_length_on is not None and self.cervical_length_mm is None:
            raise ValueError("cervical_length_on is set without cervical_length_mm")
        if len(set(self.risk_factors)) != len(self.risk_factors):
            raise ValueError("risk_factors holds the same factor twice")
        return self
