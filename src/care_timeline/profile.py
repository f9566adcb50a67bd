"""What is known about the patient. Every yes/no fact is three-valued:
``True``, ``False`` or ``None`` (unknown), and unknown is never read as "no"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar, Literal, Never

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ._model import CheckedModel
from .dates import parse_date
from .errors import CareTimelineError, ProfileError

__all__ = ["Profile"]

MAX_FETUSES = 8
CerclageType = Literal["transvaginal", "transabdominal"]


class Profile(CheckedModel):
    """The patient's profile; every field is optional. Dates are ``date`` objects
    or ISO 8601 text; ``risk_factors`` is a list or a tuple of names.

    >>> Profile(fetuses=1, prior_preterm_birth=True).prior_preterm_birth
    True
    >>> Profile(cerclage_placed_on="2026-11-02", risk_factors=["trauma"]).risk_factors
    ('trauma',)
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
    library_error_type: ClassVar[type[CareTimelineError]] = ProfileError

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

    # Written out so that type checkers see each field with what it accepts
    # (text for a date, a list for the risk factors), with or without pydantic's
    # mypy plugin. tests/test_api.py checks it names every field, with its default.
    def __init__(
        self,
        *,
        fetuses: int | None = None,
        membranes_ruptured: bool | None = None,
        prior_preterm_birth: bool | None = None,
        prior_second_trimester_loss: bool | None = None,
        short_cervix: bool | None = None,
        short_cervix_on: date | str | None = None,
        cervical_length_mm: float | None = None,
        cervical_length_on: date | str | None = None,
        cerclage_placed_on: date | str | None = None,
        cerclage_type: CerclageType | None = None,
        risk_factors: Sequence[str] = (),
        **unknown: Never,
    ) -> None:
        # ``**unknown``: a misspelt name is an error for a type checker (no value
        # is a Never) and, at run time, a ProfileError naming it (not a TypeError).
        super().__init__(
            **unknown,
            fetuses=fetuses,
            membranes_ruptured=membranes_ruptured,
            prior_preterm_birth=prior_preterm_birth,
            prior_second_trimester_loss=prior_second_trimester_loss,
            short_cervix=short_cervix,
            short_cervix_on=short_cervix_on,
            cervical_length_mm=cervical_length_mm,
            cervical_length_on=cervical_length_on,
            cerclage_placed_on=cerclage_placed_on,
            cerclage_type=cerclage_type,
            risk_factors=risk_factors,
        )

    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]  # see CheckedModel

    @field_validator("short_cervix_on", "cervical_length_on", "cerclage_placed_on", mode="before")
    @classmethod
    def _date(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return None
        return parse_date(value, field=info.field_name or "date", error=ProfileError)

    @field_validator("cervical_length_mm", mode="before")
    @classmethod
    def _length_number(cls, value: Any) -> Any:
        # strict mode refuses an int for a float; a length of 22 mm is fine. An int too
        # large for a float is out of range anyway: the range check below names it.
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:
                return float("inf")
        return value

    @field_validator("risk_factors", mode="before")
    @classmethod
    def _factor_list(cls, value: Any) -> Any:
        # A list is the natural way to write them (and what JSON gives back);
        # one text would be read letter by letter, so it is refused.
        if isinstance(value, list):
            return tuple(value)
        if isinstance(value, str):
            raise ProfileError(
                field="risk_factors", value=value, allowed="a list of names, like ['trauma']"
            )
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
