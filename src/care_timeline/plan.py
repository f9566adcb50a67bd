"""The result of planning: :class:`Plan` and its :class:`Milestone` items.

These models are the stable JSON shape (``plan.model_dump_json()``); keys may be
added, never renamed. The JSON Schema ships in the package as
``plan.schema.json`` (regenerate: ``REGENERATE=1 pytest tests/test_json.py``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .dating import Dating
from .export import DEFAULT_REMINDER
from .gestational_age import GestationalAge
from .protocol.model import Applicability, Category, MilestoneKind

__all__ = ["Milestone", "Plan", "ProtocolRef", "Timing", "Trimester", "plan_json_schema"]

Timing = Literal["past", "current", "upcoming"]
LIVE: tuple[Applicability, ...] = ("applies", "discuss")
"""The applicabilities that put a milestone on a calendar or a chart."""


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProtocolRef(_Result):
    """Which protocol, and which version of it, a plan was made with."""

    id: str
    version: str
    title: str
    language: str = "en"
    """The protocol's language tag (its texts are in it)."""
    source: str = ""
    """What the protocol is built from."""


class Milestone(_Result):
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
    def is_live(self) -> bool:
        """Whether it belongs on a calendar or a chart (anything but not-applicable)."""
        return self.applicability in LIVE


class Trimester(_Result):
    """A stage of the pregnancy, dated."""

    name: str
    start: date
    end: date | None
    """Inclusive; null for the last stage, which has no end."""
    start_ga: GestationalAge
    end_ga: GestationalAge | None

    @property
    def weeks(self) -> str:
        """Its span in weeks and days: ``to 13w6d``, ``14w0d–27w6d``, ``from 28w0d``."""
        if self.end_ga is None:
            return f"from {self.start_ga}"
        if self.start_ga.total_days == 0:
            return f"to {self.end_ga}"
        return f"{self.start_ga}–{self.end_ga}"


class Plan(_Result):
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

    def milestone(self, milestone_id: str) -> Milestone:
        """The milestone with this id (``KeyError`` if the protocol has none)."""
        for item in self.milestones:
            if item.id == milestone_id:
                return item
        raise KeyError(milestone_id)

    def to_text(self) -> str:
        """A readable table with dates, GA, applicability and reasons."""
        from .export.text import render

        return render(self)

    def to_csv(self) -> str:
        """One CSV row per milestone (plan id, milestone id, title, dates, GA,
        applicability, reason, timing), with cells a spreadsheet would run as a
        formula neutralised by a leading single quote."""
        from .export.csv_table import render

        return render(self)

    def to_html(self, title: str | None = None) -> str:
        """The printable page: one self-contained HTML file (inline CSS and SVG, nothing
        fetched) with the timeline, the milestone table, the warning signs and the
        clinician note, for one A4 or Letter page. ``title`` defaults to the protocol's."""
        from .export.html import render

        return render(self, title=title)

    def to_svg(self, title: str | None = None) -> str:
        """The timeline as one standalone SVG document, with the warning signs and the
        clinician note under it. ``title`` defaults to the protocol's."""
        from .export.svg import render

        return render(self, title=title)

    def to_ics(
        self,
        timestamp: datetime | None = None,
        calendar_name: str | None = None,
        reminders: timedelta | None = DEFAULT_REMINDER,
    ) -> bytes:
        """The plan as an RFC 5545 calendar (``.ics`` bytes), one all-day event per milestone.

        ``timestamp`` (timezone-aware; default: now) fixes ``DTSTAMP`` and sets
        ``SEQUENCE``, so the same timestamp gives the same bytes and a later one
        updates an imported calendar in place. ``calendar_name`` defaults to the
        protocol's title. ``reminders`` is each reminder's offset from an event's
        start (local midnight; the default is 09:00 the day before), or ``None``
        for no reminders.
        """
        from .export.ics import render

        return render(self, timestamp=timestamp, calendar_name=calendar_name, reminders=reminders)


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``Plan.model_dump_json()`` output."""
    schema = Plan.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "care-timeline/plan.schema.json"
    return schema
