"""The shape of a protocol file, validated by pydantic.

One piece, though long: the file's tables are checked against each other (a rule's
conditions against the limits, risk factors and warning signs the file gives, an
alternative against its milestones), so the models and that one check live together.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import Field, StrictBool, model_validator

from .._model import FrozenModel
from ..content import EveryDays, ItemId, LanguageTag, RuleKey, Text, Version
from ..dating import MAX_GESTATIONAL_AGE
from ..gestational_age import GestationalAge
from ..vocabulary import Applicability, Category, MilestoneKind

NamedCondition = Literal[
    "multiple-fetuses",
    "singleton",
    "membranes-ruptured",
    "cerclage-placed",
    "transabdominal-cerclage",
    "prior-preterm-birth",
    "no-prior-preterm-birth",
    "early-prior-preterm-birth",
    "prior-second-trimester-loss",
    "short-cervix",
    "no-short-cervix",
    "short-cervix-found-early",
    "short-cervix-found-late",
    "short-cervix-found-after-end",
    "cervix-at-most-progesterone-threshold",
    "cervix-between-thresholds",
]
"""The closed vocabulary of conditions a rule may test. An unknown profile fact
matches none of them: ``prior-preterm-birth`` needs a recorded yes and
``no-prior-preterm-birth`` a recorded no."""
RISK_FACTOR_PREFIX = "risk-factor:"
RiskFactorCondition = Annotated[str, Field(pattern=r"^risk-factor:[a-z0-9][a-z0-9-]*$")]
"""``risk-factor:ID``: the risk factor ``ID`` (one of the protocol's) is recorded."""
Condition = NamedCondition | RiskFactorCondition
"""A named condition, or ``risk-factor:ID``."""

NEEDS_EARLY_BIRTH_LIMIT: frozenset[Condition] = frozenset({"early-prior-preterm-birth"})
"""Conditions that need ``prior_preterm_birth.early_before`` in the protocol."""
NEEDS_FOUND_EARLY_LIMIT: frozenset[Condition] = frozenset(
    {"short-cervix-found-early", "short-cervix-found-late"}
)
"""Conditions that need ``short_cervix.found_early_before`` in the protocol."""
NEEDS_PROGESTERONE_THRESHOLD: frozenset[Condition] = frozenset(
    {"cervix-at-most-progesterone-threshold", "cervix-between-thresholds"}
)
"""Conditions that need ``short_cervix.progesterone_threshold_mm`` in the protocol."""
NEEDS_SHORT_CERVIX: frozenset[Condition] = frozenset(
    {
        "short-cervix",
        "no-short-cervix",
        "short-cervix-found-after-end",
        *NEEDS_FOUND_EARLY_LIMIT,
        *NEEDS_PROGESTERONE_THRESHOLD,
    }
)
"""Conditions that need a ``[short_cervix]`` table (a length is short by its threshold)."""

DateSource = Literal["cerclage-placed-on", "short-cervix-found-on", "membranes-ruptured-on"]
"""Profile dates a rule may move a milestone to (the waters: the day they broke, or
today when that day is not recorded)."""

REASON_FIELDS = frozenset(
    {
        "risk_factors",
        "history",
        "cerclage_placed_on",
        "short_cervix_found_on",
        "membranes_ruptured_on",
    }
)
Comparison = Literal["less-than", "at-most"]
# Texts, ids, keys, the language and a series' rhythm follow care_timeline.content's
# rules, which a stored plan's fields follow too.


def default_rule_key(when: Sequence[str]) -> str:
    """The key of a rule that gives none: its conditions joined with ``+``
    (``risk-factor:ID`` written ``risk-factor-ID``, as a key is made of id-like words), or
    ``otherwise`` for a rule without conditions."""
    return "+".join(name.replace(":", "-") for name in when) or "otherwise"


class Rule(FrozenModel):
    """One row of a milestone's decision table."""

    when: tuple[Condition, ...] = ()
    """All of these must hold; empty means "otherwise"."""
    key: RuleKey
    """A stable name for this row, unique within its milestone; plans carry it as
    ``reason_key``. Left out of the file, it is the conditions joined with ``+``, or
    ``otherwise`` for a rule without conditions."""
    result: Applicability
    reason: Text
    becomes_day: DateSource | None = None
    """When this rule decides, the milestone becomes this one day."""
    starts_no_earlier_than: DateSource | None = None
    """When this rule decides, the milestone starts on this date if it is later."""
    stops_on: DateSource | None = None
    """When this rule matches because of a fact dated inside the milestone's window, the
    window ends on that day and keeps the decision it had without the fact; this rule's
    reason says why. A fact dated before the window: this rule decides as usual."""
    title: Text | None = None
    """A title of its own when this rule decides (an urgent item, say)."""
    alternative: ItemId | None = None
    """Another milestone of the protocol that is the other option: when both apply by
    rules that name each other, a plan says they are a choice of either."""

    @model_validator(mode="before")
    @classmethod
    def _default_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and "key" not in data:
            when = data.get("when", ())
            if isinstance(when, list | tuple) and all(isinstance(name, str) for name in when):
                return {**data, "key": default_rule_key(when)}
        return data

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

    id: ItemId
    kind: MilestoneKind
    start: GestationalAge
    end: GestationalAge | None = None
    """Inclusive; a day may leave it out (it ends where it starts)."""
    every_days: EveryDays | None = None
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
        keys: set[str] = set()
        for number, rule in enumerate(self.rules):
            if rule.key in keys:
                raise ValueError(
                    f"rules[{number}] has the key {rule.key!r}, which an earlier rule already "
                    "has; give one of them a `key` of its own"
                )
            keys.add(rule.key)
        return self

    @property
    def end_ga(self) -> GestationalAge:
        return self.end if self.end is not None else self.start


def _within(length_mm: float, threshold_mm: float, comparison: Comparison) -> bool:
    if comparison == "less-than":
        return length_mm < threshold_mm
    return length_mm <= threshold_mm


class PretermBirthHistory(FrozenModel):
    """The limit that makes an earlier preterm birth an early one."""

    early_before: GestationalAge
    """An earlier spontaneous preterm birth before this age matches
    ``early-prior-preterm-birth``; one at or after it, or at an unknown week, does not."""
    early_basis: Text


class ShortCervixRule(FrozenModel):
    """How a cervical length decides ``short_cervix`` when it was not stated, and the
    limits the short-cervix conditions compare against."""

    threshold_mm: float = Field(gt=0, le=80)
    comparison: Comparison = "less-than"
    basis: Text
    progesterone_threshold_mm: float | None = Field(default=None, gt=0, le=80)
    """A short cervix this long or shorter (by ``progesterone_comparison``) matches
    ``cervix-at-most-progesterone-threshold``; a measured one above it,
    ``cervix-between-thresholds``."""
    progesterone_comparison: Comparison = "at-most"
    progesterone_basis: Text | None = None
    found_early_before: GestationalAge | None = None
    """A short cervix found before this age is "found early"; on or after it, "found late"."""
    found_early_basis: Text | None = None

    @model_validator(mode="after")
    def _paired(self) -> Self:
        if (self.progesterone_threshold_mm is None) != (self.progesterone_basis is None):
            raise ValueError(
                "progesterone_threshold_mm and progesterone_basis go together: give both or neither"
            )
        if (self.found_early_before is None) != (self.found_early_basis is None):
            raise ValueError(
                "found_early_before and found_early_basis go together: give both or neither"
            )
        if (
            self.progesterone_threshold_mm is not None
            and self.progesterone_threshold_mm > self.threshold_mm
        ):
            raise ValueError(
                f"progesterone_threshold_mm {self.progesterone_threshold_mm:g} is above "
                f"threshold_mm {self.threshold_mm:g}; it must not be longer than a short cervix"
            )
        if self.found_early_before is not None and self.found_early_before > MAX_GESTATIONAL_AGE:
            raise ValueError(
                f"found_early_before {self.found_early_before} is after {MAX_GESTATIONAL_AGE}, "
                "the latest dated age"
            )
        return self

    def is_short(self, length_mm: float) -> bool:
        return _within(length_mm, self.threshold_mm, self.comparison)

    def at_most_progesterone_threshold(self, length_mm: float) -> bool:
        """Whether a length is within the progesterone threshold (which must be set)."""
        if self.progesterone_threshold_mm is None:
            raise ValueError("this protocol has no progesterone_threshold_mm")
        return _within(length_mm, self.progesterone_threshold_mm, self.progesterone_comparison)


class Trimester(FrozenModel):
    """One stage of pregnancy as the protocol divides it (for charts and readers)."""

    name: Text
    start: GestationalAge
    end: GestationalAge | None = None
    """Inclusive; left out for the last stage, which has no end."""


class RiskFactor(FrozenModel):
    id: ItemId
    label: Text


class Protocol(FrozenModel):
    """A whole protocol: identity, texts, vocabulary and milestones."""

    id: ItemId
    version: Version
    title: Text
    language: LanguageTag = "en"
    """A language tag (BCP 47) of a known language, for the protocol's texts."""
    source: Text
    """The source the protocol is built from."""
    clinician_note: Text
    """Ends every export: the plan is for discussion with a clinician."""
    urgent_advice: Text | None = None
    """One sentence: when to call the maternity unit or go to hospital now. It travels
    with the warning signs; older files leave it out."""
    short_cervix: ShortCervixRule | None = None
    """How a cervical length is read; needed by the short-cervix conditions. A routine
    schedule (visits and scans for every pregnancy) leaves it out."""
    prior_preterm_birth: PretermBirthHistory | None = None
    """Needed by ``early-prior-preterm-birth``; older files leave it out."""
    warning_signs: tuple[Text, ...] = ()
    """The signs that mean "contact your care team now"; a protocol with none (a routine
    schedule, whose plans are composed with one that has them) leaves them out."""
    warning_signs_basis: Text | None = None
    """Where the warning signs come from: given exactly when there are warning signs."""
    trimesters: tuple[Trimester, ...] = ()
    """Consecutive, from 0w0d; only the last may be open-ended. A protocol may leave them
    out (its plans then have none of their own)."""
    trimesters_basis: Text | None = None
    """Where the trimester limits come from: given exactly when there are trimesters."""
    risk_factors: tuple[RiskFactor, ...] = ()
    milestones: tuple[MilestoneSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        for items, basis, name in (
            (self.warning_signs, self.warning_signs_basis, "warning_signs"),
            (self.trimesters, self.trimesters_basis, "trimesters"),
        ):
            if bool(items) != (basis is not None):
                raise ValueError(
                    f"{name} and {name}_basis go together: give both (at least one of "
                    f"{name}) or neither"
                )
        seen: set[str] = set()
        for milestone in self.milestones:
            if milestone.id in seen:
                raise ValueError(f"milestone id {milestone.id!r} is used twice")
            seen.add(milestone.id)
            if milestone.warning_signs and not self.warning_signs:
                raise ValueError(
                    f"milestone {milestone.id!r} carries the warning signs (warning_signs = "
                    "true), but the protocol has none; give warning_signs or set it false"
                )
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
        limits = self.short_cervix
        ids = {milestone.id for milestone in self.milestones}
        for milestone in self.milestones:
            for number, rule in enumerate(milestone.rules):
                if rule.alternative is not None and (
                    rule.alternative not in ids or rule.alternative == milestone.id
                ):
                    raise ValueError(
                        f"milestone {milestone.id!r}: rules[{number}] names the alternative "
                        f"{rule.alternative!r}, which is not another milestone of this protocol"
                    )
                for condition in rule.when:
                    if condition.startswith(RISK_FACTOR_PREFIX) and (
                        condition.removeprefix(RISK_FACTOR_PREFIX) not in factors
                    ):
                        raise ValueError(
                            f"milestone {milestone.id!r}: rules[{number}] uses {condition!r}, "
                            "but the protocol has no such risk factor; expected one of "
                            + ", ".join(RISK_FACTOR_PREFIX + factor for factor in factors)
                        )
                    if condition in NEEDS_SHORT_CERVIX and limits is None:
                        raise ValueError(
                            f"milestone {milestone.id!r}: rules[{number}] uses {condition!r}, "
                            "which needs a [short_cervix] table (its threshold_mm and basis)"
                        )
                    if condition in NEEDS_EARLY_BIRTH_LIMIT and self.prior_preterm_birth is None:
                        raise ValueError(
                            f"milestone {milestone.id!r}: rules[{number}] uses {condition!r}, "
                            "which needs prior_preterm_birth.early_before (with its early_basis)"
                        )
                    if limits is None:
                        continue
                    if condition in NEEDS_FOUND_EARLY_LIMIT and limits.found_early_before is None:
                        raise ValueError(
                            f"milestone {milestone.id!r}: rules[{number}] uses {condition!r}, "
                            "which needs short_cervix.found_early_before (with its "
                            "found_early_basis)"
                        )
                    if (
                        condition in NEEDS_PROGESTERONE_THRESHOLD
                        and limits.progesterone_threshold_mm is None
                    ):
                        raise ValueError(
                            f"milestone {milestone.id!r}: rules[{number}] uses {condition!r}, "
                            "which needs short_cervix.progesterone_threshold_mm (with its "
                            "progesterone_basis)"
                        )
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
