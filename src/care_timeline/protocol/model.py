"""The shape of a protocol file, validated by pydantic."""

from __future__ import annotations

import string
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, StrictBool, model_validator

from .._model import FrozenModel
from .._text import control_character
from ..dating import MAX_GESTATIONAL_AGE
from ..gestational_age import GestationalAge
from ..vocabulary import Applicability, Category, MilestoneKind

Condition = Literal[
    "multiple-fetuses",
    "singleton",
    "membranes-ruptured",
    "cerclage-placed",
    "prior-preterm-birth",
    "no-prior-preterm-birth",
    "short-cervix",
    "no-short-cervix",
    "short-cervix-found-after-end",
]
"""The closed vocabulary of conditions a rule may test. An unknown profile fact
matches none of them: ``prior-preterm-birth`` needs a recorded yes and
``no-prior-preterm-birth`` a recorded no."""

DateSource = Literal["cerclage-placed-on", "short-cervix-found-on"]
"""Profile dates a rule may move a milestone to."""

REASON_FIELDS = frozenset({"risk_factors", "cerclage_placed_on", "short_cervix_found_on"})
_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def _plain_text(text: str) -> str:
    # Protocol texts end up in calendars, CSV and HTML; control characters have no
    # safe form in all of them, so they are refused at the door.
    char = control_character(text)
    if char is not None:
        raise ValueError(f"text holds the control character {char!r}")
    if not text.strip():
        raise ValueError("text must not be blank")
    return text


Text = Annotated[str, AfterValidator(_plain_text)]
"""Non-blank text without control characters (newline and tab are fine)."""


class Rule(FrozenModel):
    """One row of a milestone's decision table."""

    when: tuple[Condition, ...] = ()
    """All of these must hold; empty means "otherwise"."""
    result: Applicability
    reason: Text
    becomes_day: DateSource | None = None
    """When this rule decides, the milestone becomes this one day."""
    starts_no_earlier_than: DateSource | None = None
    """When this rule decides, the milestone starts on this date if it is later."""

    @model_validator(mode="after")
    def _reason_fields(self) -> Self:
        for _, name, spec, conversion in string.Formatter().parse(self.reason):
            if name is not None and (spec or conversion):
                raise ValueError(
                    f"reason uses {{{name}...}} with a format; write placeholders as {{{name}}}"
                )
            if name is not None and name not in REASON_FIELDS:
                raise ValueError(
                    f"reason uses {{{name}}}; allowed placeholders: "
                    + ", ".join(sorted("{" + f + "}" for f in REASON_FIELDS))
                )
        return self


class MilestoneSpec(FrozenModel):
    """A milestone as the protocol states it, in gestational ages."""

    id: str = Field(pattern=_ID_PATTERN, max_length=64)
    kind: MilestoneKind
    start: GestationalAge
    end: GestationalAge | None = None
    """Inclusive; a day may leave it out (it ends where it starts)."""
    every_days: int | None = Field(default=None, ge=1, le=366)
    """For a series: days between occurrences."""
    category: Category
    title: Text
    description: Text
    basis: Text
    """What in the source article and which guideline this rests on."""
    warning_signs: StrictBool = False
    """Whether the protocol's warning signs travel with this milestone."""
    notes: tuple[Text, ...] = ()
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> Self:
        end = self.end_ga
        if end > MAX_GESTATIONAL_AGE:
            raise ValueError(f"end {end} is after {MAX_GESTATIONAL_AGE}, the latest dated age")
        if end < self.start:
            raise ValueError(f"end {end} is before start {self.start}")
        if self.kind == "day" and end != self.start:
            raise ValueError(f"a day ends where it starts ({self.start}), not at {end}")
        if self.kind in ("window", "series") and self.end is None:
            raise ValueError(f"a {self.kind} needs an end")
        if (self.kind == "series") != (self.every_days is not None):
            raise ValueError("every_days is set on a series, and only on a series")
        if self.kind == "series" and any(rule.becomes_day for rule in self.rules):
            raise ValueError("becomes_day turns a milestone into one day; a series cannot")
        if self.rules[-1].when:
            raise ValueError("the last rule needs no conditions, so every profile gets an answer")
        return self

    @property
    def end_ga(self) -> GestationalAge:
        return self.end if self.end is not None else self.start


class ShortCervixRule(FrozenModel):
    """How a cervical length decides ``short_cervix`` when it was not stated."""

    threshold_mm: float = Field(gt=0, le=80)
    comparison: Literal["less-than", "at-most"] = "less-than"
    basis: Text

    def is_short(self, length_mm: float) -> bool:
        if self.comparison == "less-than":
            return length_mm < self.threshold_mm
        return length_mm <= self.threshold_mm


class Trimester(FrozenModel):
    """One stage of pregnancy as the protocol divides it (for charts and readers)."""

    name: Text
    start: GestationalAge
    end: GestationalAge | None = None
    """Inclusive; left out for the last stage, which has no end."""


class RiskFactor(FrozenModel):
    id: str = Field(pattern=_ID_PATTERN, max_length=64)
    label: Text


class Protocol(FrozenModel):
    """A whole protocol: identity, texts, vocabulary and milestones."""

    id: str = Field(pattern=_ID_PATTERN, max_length=64)
    version: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    title: Text
    language: str = Field(
        default="en", pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", max_length=35
    )
    """A language tag (BCP 47) for the protocol's texts."""
    source: Text
    """The source the protocol is built from."""
    clinician_note: Text
    """Ends every export: the plan is for discussion with a clinician."""
    short_cervix: ShortCervixRule
    warning_signs: tuple[Text, ...] = Field(min_length=1)
    warning_signs_basis: Text
    trimesters: tuple[Trimester, ...] = Field(min_length=1)
    """Consecutive, from 0w0d; only the last may be open-ended."""
    trimesters_basis: Text
    risk_factors: tuple[RiskFactor, ...] = ()
    milestones: tuple[MilestoneSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        seen: set[str] = set()
        for milestone in self.milestones:
            if milestone.id in seen:
                raise ValueError(f"milestone id {milestone.id!r} is used twice")
            seen.add(milestone.id)
        expected_start = GestationalAge(0)
        for number, stage in enumerate(self.trimesters):
            if stage.start != expected_start:
                raise ValueError(
                    f"trimesters[{number}] starts at {stage.start}; expected {expected_start}, "
                    "so the stages follow on from 0w0d without gaps"
                )
            if stage.end is None:
                if number != len(self.trimesters) - 1:
                    raise ValueError(f"trimesters[{number}] has no end but is not the last")
                break
            if stage.end < stage.start:
                raise ValueError(f"trimesters[{number}] ends at {stage.end}, before {stage.start}")
            expected_start = stage.end + 1
        factors = [factor.id for factor in self.risk_factors]
        if len(set(factors)) != len(factors):
            raise ValueError("a risk factor id is used twice")
        return self

    def milestone(self, milestone_id: str) -> MilestoneSpec:
        for milestone in self.milestones:
            if milestone.id == milestone_id:
                return milestone
        raise KeyError(milestone_id)

    def risk_factor_label(self, factor_id: str) -> str:
        for factor in self.risk_factors:
            if factor.id == factor_id:
                return factor.label
        raise KeyError(factor_id)
