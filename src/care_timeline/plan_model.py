"""The result of planning: :class:`Plan` and its :class:`Milestone` items, pure
values that know nothing of export formats (those are functions of a plan, in
:mod:`care_timeline.export`).

These models are the stable JSON shape (``plan.model_dump_json()``); keys may be
added, never renamed. The JSON Schema ships in the package as
``plan.schema.json`` (regenerate: ``REGENERATE=1 pytest tests/test_json.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ._model import FrozenModel
from .dating import Dating
from .errors import UnknownMilestoneError
from .gestational_age import GestationalAge
from .vocabulary import ON_TIMELINE, Applicability, Category, MilestoneKind, Timing

__all__ = ["Milestone", "Plan", "ProtocolRef", "Timing", "Trimester", "plan_json_schema"]


class ProtocolRef(FrozenModel):
    """Which protocol, and which version of it, a plan was made with."""

    id: str
    version: str
    title: str
    language: str = "en"
    """The protocol's language tag (its texts are in it)."""
    source: str = ""
    """What the protocol is built from."""


class Milestone(FrozenModel):
    """One dated item of a plan: a window, a single day or a recurring series."""

    id: str
    title: str
    kind: MilestoneKind
    category: Category
    start: date
    """First day (for a series: the first occurrence)."""
    end: date
    """Last day, inclusive (for a series: the last occurrence)."""
    start_ga: GestationalAge
    end_ga: GestationalAge
    occurrences: tuple[date, ...]
    """The dates of a recurring series; empty for windows and days."""
    every_days: int | None
    """Days between occurrences of a series; null otherwise."""
    applicability: Applicability
    reason: str
    reason_key: str = ""
    """The stable key of the protocol rule that decided ``applicability`` and ``reason``
    (for matching in code; the reason's words may change between versions). Empty only
    in plans stored before rule keys existed."""
    timing: Timing
    description: str
    basis: str
    notes: tuple[str, ...]
    warning_signs: bool
    """Whether the plan's warning signs go with this milestone."""

    @property
    def on_timeline(self) -> bool:
        """Whether it belongs on a calendar or a chart: it applies or is to be
        discussed (anything but not-applicable)."""
        return self.applicability in ON_TIMELINE


class Trimester(FrozenModel):
    """A stage of the pregnancy, dated."""

    name: str
    start: date
    end: date | None
    """Inclusive; null for the last stage, which has no end."""
    start_ga: GestationalAge
    end_ga: GestationalAge | None


class Plan(FrozenModel):
    """A dated care timeline, for discussion with a clinician."""

    protocol: ProtocolRef
    dating: Dating
    plan_id: str | None
    today: date
    gestational_age_today: GestationalAge | None
    """Null when today is before the pregnancy's day 0."""
    milestones: tuple[Milestone, ...]
    """Ordered by start date; equal starts keep the protocol's order."""
    warning_signs: tuple[str, ...]
    urgent_advice: str | None = None
    """One sentence: when to call the maternity unit or go to hospital now; it goes
    with the warning signs. Null when the protocol has none."""
    clinician_note: str
    trimesters: tuple[Trimester, ...] = ()
    """The protocol's stages of pregnancy, dated for this plan."""

    @property
    def language(self) -> str:
        """The plan's language: its protocol's, in which every export writes its words."""
        return self.protocol.language

    def milestone(self, milestone_id: str) -> Milestone:
        """The milestone with this id; :class:`~care_timeline.UnknownMilestoneError`
        (also a ``KeyError``) if the plan has none."""
        for item in self.milestones:
            if item.id == milestone_id:
                return item
        raise UnknownMilestoneError(
            field="milestone",
            value=milestone_id,
            allowed="one of " + ", ".join(item.id for item in self.milestones),
        )


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``Plan.model_dump_json()`` output."""
    schema = Plan.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "care-timeline/plan.schema.json"
    return schema
