"""What is known about the patient. Every yes/no fact is three-valued:
``True``, ``False`` or ``None`` (unknown), and unknown is never read as "no".

:class:`Profile`'s fields are the one table of patient facts: each carries a
:class:`Fact` that says how it is asked for, and the command line's flags and the
batch file's columns are made from them (:mod:`care_timeline.fields`), so a new
fact is declared here once (docs/architecture.md, "Adding a patient fact").
"""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.fields import FieldInfo

from ._model import CheckedModel, FieldProblem
from .dates import parse_date
from .errors import CareTimelineError, ProfileError
from .gestational_age import GestationalAge

__all__ = [
    "FACT_KINDS",
    "CerclageType",
    "Fact",
    "FactKind",
    "Profile",
    "fact_kind",
    "facts",
    "parse_length_mm",
    "preterm_birth",
    "ruptured",
]

MAX_FETUSES = 8
EARLIEST_PRETERM_BIRTH = GestationalAge(16 * 7)
"""The earliest week a birth is recorded as a preterm birth here; earlier, it is a loss."""
TERM = GestationalAge(37 * 7)
"""A birth from 37w0d is at term, not preterm."""
MAX_CERVICAL_LENGTH_MM = 80
"""The longest cervical length taken (above 0 mm). A cervix measured in pregnancy is
rarely over 50 mm (about 35-40 mm in mid-pregnancy, about 45 mm at 11-13 weeks with
the isthmus), so a longer value is a slip: ``350`` for 35.0, or centimetres with
``mm`` behind them; docs/batch.md says so."""
UNIT_NEEDED_BELOW_MM = 10
"""A length written without its unit is read as millimetres from this value up;
below it, it could be centimetres (``3.5`` for 35 mm: a cervix of 3.5 mm is so short
that it is written with its unit on purpose), so the unit is asked for."""
if TYPE_CHECKING:
    # What a type checker lets a caller pass (a list is the natural way to write names);
    # pydantic holds them as a tuple, so a profile stays frozen and hashable.
    Names = Sequence[str]
else:
    Names = tuple[str, ...]
CerclageType = Literal["transvaginal", "transabdominal"]

FactKind = Literal["yes-no", "date", "gestational-age", "whole-number", "number", "choice", "list"]
"""How a fact is written as text: a yes/no word, a date, a gestational age, a whole
number, a number, one of a few words, or a list of names."""
FACT_KINDS: tuple[FactKind, ...] = get_args(FactKind)


LENGTH_ALLOWED = (
    f"a length with its unit, like 35mm or 3.5cm (alone, a number from "
    f"{UNIT_NEEDED_BELOW_MM} is millimetres), over 0 and up to {MAX_CERVICAL_LENGTH_MM} mm"
)
_LENGTH = re.compile(r"\s*((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*(mm|cm)?\s*", re.IGNORECASE)


def parse_length_mm(text: str, *, field: str) -> float:
    """A length written as text, in millimetres: ``35mm``, ``3.5 cm`` (35.0), or a
    number alone, read as millimetres from 10 up; a number under 10 without its unit
    is refused, asking for it (``3.5`` is as likely 3.5 cm as 3.5 mm). The length
    must lie over 0 and up to 80 mm (:data:`MAX_CERVICAL_LENGTH_MM`).

    >>> parse_length_mm("3.5cm", field="x"), parse_length_mm("22", field="x")
    (35.0, 22.0)
    """
    found = _LENGTH.fullmatch(text)
    if found is None:
        raise ProfileError(field=field, value=text, allowed=LENGTH_ALLOWED)
    number, unit = Decimal(found[1]), (found[2] or "").lower()
    if not unit and number < UNIT_NEEDED_BELOW_MM:
        shown = found[1]
        raise ProfileError(
            field=field,
            value=text,
            allowed=f"its unit: {shown}cm ({_decimal(number * 10)} mm) or {shown}mm (under "
            f"{UNIT_NEEDED_BELOW_MM}, a number alone may be centimetres)",
        )
    millimetres = float(number * 10 if unit == "cm" else number)
    _check_length(millimetres, text, field)
    return millimetres


def _decimal(number: Decimal) -> str:
    return f"{number.normalize():f}"


def _check_length(millimetres: float, given: object, field: str) -> None:
    if not 0 < millimetres <= MAX_CERVICAL_LENGTH_MM:
        what = ""
        if isinstance(given, str) and "cm" in given.lower():
            what = f"{given.strip()} is {millimetres:g} mm; "
        raise ProfileError(
            field=field,
            value=given,
            allowed=f"over 0 and up to {MAX_CERVICAL_LENGTH_MM} mm ({what}a cervix is rarely "
            "over 50 mm)",
        )


@dataclass(frozen=True)
class Fact:
    """How a profile field is asked for, on the command line and in a batch file.

    The flag is the column's name with ``-`` for ``_`` (``--cerclage-placed-on`` is
    the column ``cerclage_placed_on``); a list is asked for one item per flag
    (``item_flag``, repeated) and written in one column, its items separated by ``;``.
    """

    help: str
    """What the fact means, for ``--help`` and the docs (without "yes / no")."""
    column: str = ""
    """The batch column; empty: the field's own name."""
    metavar: str = ""
    """The flag's value in ``--help`` (``D``, ``N``, ``MM``); yes/no facts have none."""
    allowed: str = ""
    """What text is accepted, for an error message (a number's unit, say)."""
    item_flag: str = ""
    """For a list: the flag that gives one item."""
    flag: str = ""
    """The flag's name without ``--``, where it is not the column's (the column's
    name is then accepted as a flag too)."""
    old_columns: tuple[str, ...] = ()
    """Earlier names of the column, still read (one of them or the column, not both)."""


class Profile(CheckedModel):
    """The patient's profile; every field is optional (unknown). Dates are ``date``
    objects (ISO 8601 text is read too); ``risk_factors`` is a list or a tuple of names.

    >>> Profile(fetuses=1, prior_preterm_birth=True).prior_preterm_birth
    True
    >>> Profile(cerclage_placed_on=date(2026, 11, 2), risk_factors=["trauma"]).risk_factors
    ('trauma',)
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
    library_error_type: ClassVar[type[CareTimelineError]] = ProfileError

    fetuses: Annotated[
        int | None,
        Fact("number of fetuses, 1-8 (1 = one baby)", metavar="N", allowed="a whole number"),
    ] = Field(default=None, ge=1, le=MAX_FETUSES)
    membranes_ruptured: Annotated[bool | None, Fact("the waters have broken")] = None
    membranes_ruptured_on: Annotated[
        date | None,
        Fact("the day the waters broke (it implies --membranes-ruptured)", metavar="D"),
    ] = None
    prior_preterm_birth: Annotated[
        bool | None,
        Fact(
            "a previous spontaneous preterm birth (labour or the waters breaking before "
            "37w0d), not one brought forward for a medical reason"
        ),
    ] = None
    prior_preterm_birth_ga: Annotated[
        GestationalAge | None,
        Fact(
            "the week (and day) of the earliest earlier spontaneous preterm birth, like 31w "
            "or 31w2d (it implies --prior-preterm-birth)",
            metavar="NwDd",
        ),
    ] = None
    prior_second_trimester_loss: Annotated[
        bool | None,
        Fact(
            "a previous pregnancy lost between 14w0d and 23w6d after the cervix opened without pain"
        ),
    ] = None
    short_cervix: Annotated[bool | None, Fact("a short cervix")] = None
    short_cervix_on: Annotated[
        date | None, Fact("the day the short cervix was found (with --short-cervix)", metavar="D")
    ] = None
    cervical_length_mm: Annotated[
        float | None,
        Fact(
            "the cervical length with its unit, like 35mm or 3.5cm (a number alone is "
            f"millimetres, from {UNIT_NEEDED_BELOW_MM} up)",
            flag="cervical-length",
            metavar="LENGTH",
            allowed=LENGTH_ALLOWED,
            old_columns=("cervical_length",),
        ),
    ] = Field(default=None, gt=0, le=MAX_CERVICAL_LENGTH_MM, allow_inf_nan=False)
    cervical_length_on: Annotated[
        date | None, Fact("the day the cervical length was measured", metavar="D")
    ] = None
    cerclage_placed_on: Annotated[
        date | None, Fact("the day a stitch (cerclage) was placed", metavar="D")
    ] = None
    cerclage_type: Annotated[
        CerclageType | None,
        Fact(
            "how the stitch was placed: through the vagina or the abdomen "
            "(with --cerclage-placed-on)",
            metavar="{" + ",".join(get_args(CerclageType)) + "}",
        ),
    ] = None
    risk_factors: Annotated[
        Names,
        Fact(
            "a recorded risk factor (repeat for several; see `protocol show`)",
            metavar="NAME",
            allowed="names separated by ';'",
            item_flag="risk-factor",
        ),
    ] = ()

    @field_validator(
        "membranes_ruptured_on",
        "short_cervix_on",
        "cervical_length_on",
        "cerclage_placed_on",
        mode="before",
    )
    @classmethod
    def _date(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return None
        return parse_date(value, field=info.field_name or "date", error=ProfileError)

    @field_validator("cervical_length_mm", mode="before")
    @classmethod
    def _length_number(cls, value: Any) -> Any:
        # Text is read with its unit; strict mode refuses an int for a float, and a
        # length of 22 mm is fine.
        if isinstance(value, str):
            return parse_length_mm(value, field="cervical_length_mm")
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:
                number = float("inf")
            _check_length(number, value, "cervical_length_mm")
            return number
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

    @field_validator("prior_preterm_birth_ga", mode="after")
    @classmethod
    def _preterm_week(cls, value: GestationalAge | None) -> GestationalAge | None:
        if value is not None and not EARLIEST_PRETERM_BIRTH <= value < TERM:
            raise ProfileError(
                field="prior_preterm_birth_ga",
                value=str(value),
                allowed=f"a gestational age from {EARLIEST_PRETERM_BIRTH} to {TERM - 1} "
                f"(a birth from {TERM} is not preterm)",
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        # A dated or weekly fact implies its yes/no fact; a "no" beside it contradicts it.
        # Each names the fact at fault and the one it needs (by its field's name, which
        # the command line turns into its flag).
        if self.membranes_ruptured_on is not None and self.membranes_ruptured is False:
            raise FieldProblem(
                "membranes_ruptured_on",
                self.membranes_ruptured_on.isoformat(),
                "no day with membranes_ruptured no: the day the waters broke says they did",
            )
        if self.prior_preterm_birth_ga is not None and self.prior_preterm_birth is False:
            raise FieldProblem(
                "prior_preterm_birth_ga",
                str(self.prior_preterm_birth_ga),
                "no week with prior_preterm_birth no: the week of a preterm birth says there "
                "was one",
            )
        if self.short_cervix_on is not None and self.short_cervix is not True:
            # Without a stated short cervix the date would be silently ignored.
            raise FieldProblem(
                "short_cervix_on",
                self.short_cervix_on.isoformat(),
                "it only with short_cervix yes (the day a short cervix was found)",
            )
        if self.cerclage_type is not None and self.cerclage_placed_on is None:
            # Without the day it was placed the type would be silently ignored.
            raise FieldProblem(
                "cerclage_type",
                self.cerclage_type,
                "it only with cerclage_placed_on (the day the stitch was placed)",
            )
        if self.cervical_length_on is not None and self.cervical_length_mm is None:
            raise FieldProblem(
                "cervical_length_on",
                self.cervical_length_on.isoformat(),
                "it only with cervical_length_mm (the length measured that day)",
            )
        if len(set(self.risk_factors)) != len(self.risk_factors):
            raise ValueError("risk_factors holds the same factor twice")
        return self


def facts() -> dict[str, tuple[Fact, FieldInfo]]:
    """Every patient fact, in the profile's order: the field's name, its :class:`Fact`
    and pydantic's description of the field (its type and bounds)."""
    found: dict[str, tuple[Fact, FieldInfo]] = {}
    for name, info in Profile.model_fields.items():
        fact = next((item for item in info.metadata if isinstance(item, Fact)), None)
        if fact is None:
            raise AssertionError(f"Profile.{name} has no Fact")
        found[name] = (fact, info)
    return found


def fact_kind(info: FieldInfo) -> FactKind:
    """How a field's value is written as text, from its type."""
    annotation = info.annotation
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    if annotation is bool:
        return "yes-no"
    if annotation is date:
        return "date"
    if annotation is GestationalAge:
        return "gestational-age"
    if annotation is int:
        return "whole-number"
    if annotation is float:
        return "number"
    if get_origin(annotation) is Literal:
        return "choice"
    if get_origin(annotation) is tuple:
        return "list"
    raise AssertionError(f"no text form for {annotation!r}")


def ruptured(profile: Profile) -> bool:
    """Whether the waters are recorded as broken (with or without the day)."""
    return profile.membranes_ruptured is True or profile.membranes_ruptured_on is not None


def preterm_birth(profile: Profile) -> bool | None:
    """Whether an earlier spontaneous preterm birth is recorded: yes with its week too."""
    if profile.prior_preterm_birth_ga is not None:
        return True
    return profile.prior_preterm_birth
