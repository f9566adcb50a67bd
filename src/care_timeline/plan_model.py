"""The result of planning: :class:`Plan` and its :class:`Milestone` items, pure
values that know nothing of export formats (those are functions of a plan, in
:mod:`care_timeline.export`).

These models are the stable JSON shape (``plan.model_dump_json()``); keys may be
added, never renamed. The JSON Schema ships in the package as
``plan.schema.json`` (regenerate: ``REGENERATE=1 pytest tests/test_plan_model.py``).

A plan loaded from JSON is checked to be one that :func:`~care_timeline.plan`
could have made from its own due date and today (see :meth:`Plan._consistent`),
so an app's stored plan cannot carry dates that contradict each other; its texts,
ids and language follow the rules a protocol file's do (:mod:`.content`), and its
size is bounded before it is read.

One piece, though long: the JSON shape, its schema and the checks of a loaded plan come
from the same models, and each check is a rule across their fields (each milestone's
dates against the due date, the end and today; its protocol against the plan's; the
order of them all): a stored plan is only as safe as all of them together.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Self

from pydantic import SerializerFunctionWrapHandler, model_serializer, model_validator

from ._model import CheckedModel, FieldProblem
from .content import (
    EveryDays,
    ItemId,
    LanguageTag,
    PlanId,
    StoredRuleKey,
    Text,
    TextOrEmpty,
    Version,
    check_plan_size,
)
from .dating import SUPPORTED_DATES, Dating
from .errors import CareTimelineError, PlanError, UnknownMilestoneError
from .gestational_age import MAX_DAYS, GestationalAge
from .profile import Profile
from .vocabulary import ON_TIMELINE, Applicability, Category, EndCause, MilestoneKind, Timing

__all__ = [
    "MAX_PLAN_BYTES",
    "Milestone",
    "NoLongerPlanned",
    "Plan",
    "ProtocolRef",
    "Timing",
    "Trimester",
    "cut_at",
    "plan_json_schema",
    "timing_of",
]


MAX_PLAN_BYTES = 8 * 1024 * 1024
"""The largest plan JSON that is read (8 MiB): a plan of the largest protocol a clinic
may load (1 MiB of texts, 200 milestones, 2,000 dates) is far smaller; the default
protocol's plans are about 20 KB. Checked before the JSON is parsed."""


def timing_of(start: date, end: date, today: date) -> Timing:
    """``past`` (it ended before today), ``upcoming`` (it starts after today) or
    ``current`` (today is one of its days, first to last)."""
    if end < today:
        return "past"
    if start > today:
        return "upcoming"
    return "current"


class ProtocolRef(CheckedModel):
    """Which protocol, and which version of it, a plan was made with."""

    library_error_type: ClassVar[type[CareTimelineError]] = PlanError

    id: ItemId
    version: Version
    title: Text
    language: LanguageTag = "en"
    """The protocol's language tag (its texts are in it)."""
    source: TextOrEmpty = ""
    """What the protocol is built from."""


class Milestone(CheckedModel):
    """One dated item of a plan: a window, a single day or a recurring series."""

    library_error_type: ClassVar[type[CareTimelineError]] = PlanError

    id: ItemId
    title: Text
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
    every_days: EveryDays | None
    """Days between occurrences of a series; null otherwise."""
    applicability: Applicability
    reason: Text
    reason_key: StoredRuleKey = ""
    """The stable key of the protocol rule that decided ``applicability`` and ``reason``
    (for matching in code; the reason's words may change between versions). Empty only
    in plans stored before rule keys existed."""
    timing: Timing
    description: Text
    basis: Text
    notes: tuple[Text, ...]
    warning_signs: bool
    """Whether the plan's warning signs go with this milestone."""
    alternative: ItemId | None = None
    """The id of the other milestone when this one and that one are a choice of either
    (both apply; the patient and the care team choose one); null otherwise."""
    protocol: str | None = None
    """In a plan composed of several protocols: the id of the one this milestone comes
    from (one of ``Plan.protocols``). Null, and left out of a plan's JSON, in a plan of
    one protocol, whose ``protocol`` names it."""

    @property
    def on_timeline(self) -> bool:
        """Whether it belongs on a calendar or a chart: it applies or is to be
        discussed (anything but not-applicable)."""
        return self.applicability in ON_TIMELINE


class NoLongerPlanned(CheckedModel):
    """A milestone that lay wholly after the day a plan ended: not planned any more, so
    it has no weeks and no timing, only what names it (and the day it was to start, on
    which a calendar cancels what it had)."""

    library_error_type: ClassVar[type[CareTimelineError]] = PlanError

    id: ItemId
    title: Text
    kind: MilestoneKind
    category: Category
    start: date
    """The day it was to start: after the plan's end."""
    protocol: str | None = None
    """In a composed plan: the id of the protocol it comes from (as ``Milestone.protocol``)."""


class Trimester(CheckedModel):
    """A stage of the pregnancy, dated."""

    library_error_type: ClassVar[type[CareTimelineError]] = PlanError

    name: Text
    start: date
    end: date | None
    """Inclusive; null for the last stage, which has no end."""
    start_ga: GestationalAge
    end_ga: GestationalAge | None


class Plan(CheckedModel):
    """A dated care timeline, for discussion with a clinician."""

    library_error_type: ClassVar[type[CareTimelineError]] = PlanError

    protocol: ProtocolRef
    """The protocol the plan was made with; in a composed plan, the first of ``protocols``,
    which leads (the plan's title, language and identity are its)."""
    protocols: tuple[ProtocolRef, ...] = ()
    """In a plan composed of several protocols (the cervical-insufficiency protocol and a
    routine schedule, say): each of them, in the order given, the first being ``protocol``.
    Empty, and left out of the JSON, in a plan of one protocol."""
    dating: Dating
    profile: Profile | None = None
    """What was known about the patient when the plan was made (its inputs, with
    ``dating``); null only in plans stored before it was recorded."""
    plan_id: PlanId | None
    today: date
    gestational_age_today: GestationalAge | None
    """Null when today is before the pregnancy's day 0."""
    milestones: tuple[Milestone, ...]
    """Ordered by start date; equal starts keep the protocol's order."""
    warning_signs: tuple[Text, ...]
    urgent_advice: Text | None = None
    """One sentence: when to call the maternity unit or go to hospital now; it goes
    with the warning signs. Null when the protocol has none."""
    clinician_note: Text
    trimesters: tuple[Trimester, ...] = ()
    """The protocol's stages of pregnancy, dated for this plan."""
    ended_on: date | None = None
    """The day the plan ended (a birth, a loss, another reason); null while it runs.
    Exports cancel what was still to come after it."""
    ended_because: EndCause | None = None
    """Why it ended; set exactly when ``ended_on`` is."""
    no_longer_planned: tuple[NoLongerPlanned, ...] = ()
    """The milestones that lay wholly after the plan's end, in the order they were to
    come; empty while the plan runs. (``milestones`` then holds what came before the
    end, each cut at it: a plan that ended counts no week past its end, and carries no
    warning signs meant for an ongoing pregnancy.)"""

    # What only a composed plan has is not written in any other, so that a plan of one
    # protocol keeps its bytes: its `protocols` and its milestones' `protocol` (all empty).
    # No return annotation: pydantic would take it for the JSON Schema of the plan.
    @model_serializer(mode="wrap")
    def _serialize(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data = handler(self)
        if not self.protocols and isinstance(data, dict):
            data.pop("protocols", None)
            for key in ("milestones", "no_longer_planned"):
                for item in data.get(key, ()):
                    if isinstance(item, dict):
                        item.pop("protocol", None)
        return data

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """A plan from its JSON, checked (:class:`PlanError` naming the field); JSON
        longer than :data:`MAX_PLAN_BYTES` is refused before it is parsed."""
        if isinstance(json_data, str | bytes | bytearray) and len(json_data) > MAX_PLAN_BYTES:
            raise PlanError(
                f"plan: {len(json_data):,} bytes of JSON; a plan is at most "
                f"{MAX_PLAN_BYTES // (1024 * 1024)} MiB",
                field="plan",
                value=f"{len(json_data)} bytes",
                allowed=f"at most {MAX_PLAN_BYTES} bytes",
            )
        return super().model_validate_json(json_data, **kwargs)

    @model_validator(mode="before")
    @classmethod
    def _bounded(cls, data: Any) -> Any:
        """No more milestones and dates than a protocol may make, counted before any
        field is read: a stored plan of a hundred thousand empty milestones is refused
        at once, not after as many errors. (The texts of its milestones, stages and
        milestones no longer planned are checked by their own models, however they are
        made: :data:`~care_timeline.content.Text`.)"""
        if isinstance(data, dict):
            check_plan_size(data)
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        """Every date follows from the due date and today, as :func:`~care_timeline.plan`
        makes them: each milestone's start and end with their gestational ages, its
        kind, its occurrences (every ``every_days`` days from start to end) and its
        timing; the milestones' order and ids; the gestational age today; the trimesters;
        in a composed plan, its protocols and the one each milestone comes from."""
        self._check_protocols()
        dating = self.dating
        day_zero = dating.day_zero.toordinal()
        low, high = SUPPORTED_DATES
        if not low <= self.today <= high:
            raise FieldProblem(
                "today",
                self.today.isoformat(),
                f"a date from {low.isoformat()} to {high.isoformat()}",
            )

        def within(field: str, day: date) -> None:
            """A day a gestational age is written for (not 9999-12-31, say)."""
            if day.toordinal() - day_zero > MAX_DAYS:
                last = date.fromordinal(day_zero + MAX_DAYS)
                raise FieldProblem(
                    field,
                    day.isoformat(),
                    f"a day up to {last.isoformat()} ({GestationalAge(MAX_DAYS)}, the most a "
                    f"gestational age is written with, for the due date {dating.due_date.isoformat()})",
                )

        def ga_of(field: str, day: date, given: GestationalAge | None) -> None:
            days = day.toordinal() - day_zero
            if given is not None and given.total_days == days:
                return  # the usual case, without building a GestationalAge
            within(field.removesuffix("_ga"), day)
            expected = dating.gestational_age_on(day)
            if expected != given:
                raise FieldProblem(
                    field,
                    "null" if given is None else str(given),
                    f"{'null' if expected is None else expected}, the gestational age on "
                    f"{day.isoformat()} for the due date {dating.due_date.isoformat()}",
                )

        if (self.ended_on is None) != (self.ended_because is None):
            raise FieldProblem(
                "ended_because",
                str(self.ended_because),
                "a cause exactly when ended_on is given",
            )
        end = self.ended_on
        if end is not None and self.today > end:
            if self.gestational_age_today is not None:
                raise FieldProblem(
                    "gestational_age_today",
                    str(self.gestational_age_today),
                    f"null: the plan ended on {end.isoformat()}, before today",
                )
        else:
            ga_of("gestational_age_today", self.today, self.gestational_age_today)
        seen: set[str] = set()
        previous: date | None = None
        for number, item in enumerate(self.milestones):
            at = f"milestones[{number}]"
            if item.id in seen:
                raise FieldProblem(f"{at}.id", item.id, "an id used once in a plan")
            seen.add(item.id)
            if previous is not None and item.start < previous:
                raise FieldProblem(
                    f"{at}.start",
                    item.start.isoformat(),
                    f"a day on or after {previous.isoformat()}: milestones are in date order",
                )
            previous = item.start
            if end is not None and item.end > end:
                raise FieldProblem(
                    f"{at}.end",
                    item.end.isoformat(),
                    f"a day on or before {end.isoformat()}, the day the plan ended (what lay "
                    "after it is in no_longer_planned)",
                )
            if item.end < item.start:
                raise FieldProblem(
                    f"{at}.end", item.end.isoformat(), f"a day on or after its start {item.start}"
                )
            ga_of(f"{at}.start_ga", item.start, item.start_ga)
            ga_of(f"{at}.end_ga", item.end, item.end_ga)
            _check_kind(at, item)
            expected = timing_of(item.start, item.end, self.today)
            if item.timing != expected:
                raise FieldProblem(
                    f"{at}.timing",
                    item.timing,
                    f"{expected!r}, its timing on today ({self.today.isoformat()})",
                )
        for number, gone in enumerate(self.no_longer_planned):
            at = f"no_longer_planned[{number}]"
            within(f"{at}.start", gone.start)
            if end is None or gone.start <= end:
                raise FieldProblem(
                    f"{at}.start",
                    gone.start.isoformat(),
                    "a day after the plan's end (only a plan that ended has milestones no "
                    "longer planned)",
                )
            if gone.id in seen:
                raise FieldProblem(f"{at}.id", gone.id, "an id used once in a plan")
            seen.add(gone.id)
        if end is not None and (
            self.warning_signs
            or self.urgent_advice is not None
            or any(item.warning_signs for item in self.milestones)
        ):
            raise FieldProblem(
                "warning_signs",
                len(self.warning_signs),
                "none in a plan that ended: its warning signs were for an ongoing pregnancy",
            )
        by_id = {item.id: item for item in self.milestones}
        for number, item in enumerate(self.milestones):
            if item.alternative is None:
                continue
            other = by_id.get(item.alternative)
            if (
                other is None
                or other.alternative != item.id
                or item.applicability != "applies"
                or other.applicability != "applies"
            ):
                raise FieldProblem(
                    f"milestones[{number}].alternative",
                    item.alternative,
                    "another milestone of the plan that names this one as its alternative, "
                    "both applying",
                )
        for number, stage in enumerate(self.trimesters):
            at = f"trimesters[{number}]"
            if end is not None and (stage.end is None or stage.end > end):
                raise FieldProblem(
                    f"{at}.end",
                    "null" if stage.end is None else stage.end.isoformat(),
                    f"a day on or before {end.isoformat()}, the day the plan ended",
                )
            if (stage.end is None) != (stage.end_ga is None):
                raise FieldProblem(f"{at}.end", stage.end, "an end and end_ga, or neither")
            for name, day, ga in (
                ("start", stage.start, stage.start_ga),
                ("end", stage.end, stage.end_ga),
            ):
                if day is not None and ga is not None and ga.to_date(dating.due_date) != day:
                    raise FieldProblem(
                        f"{at}.{name}",
                        day.isoformat(),
                        f"{ga.to_date(dating.due_date).isoformat()}, the day of {ga} "
                        f"for the due date {dating.due_date.isoformat()}",
                    )
        return self

    def _check_protocols(self) -> None:
        """A composed plan names two or more protocols, the first its ``protocol``, each
        once and all in its language, and every milestone names one of them; a plan of
        one protocol names none (its milestones neither)."""
        refs = self.protocols
        if refs and (len(refs) < 2 or refs[0] != self.protocol):
            raise FieldProblem(
                "protocols",
                len(refs),
                "none for a plan of one protocol, or two or more, the first being 'protocol'",
            )
        ids = [ref.id for ref in refs]
        for number, ref in enumerate(refs):
            if ids.index(ref.id) != number:
                raise FieldProblem(f"protocols[{number}].id", ref.id, "each protocol once")
            if ref.language != self.protocol.language:
                raise FieldProblem(
                    f"protocols[{number}].language",
                    ref.language,
                    f"{self.protocol.language!r}, the plan's language",
                )
        allowed = f"one of {', '.join(ids)}" if ids else "null: the plan has one protocol"
        named: list[tuple[str, str | None]] = [
            *(
                (f"milestones[{number}]", item.protocol)
                for number, item in enumerate(self.milestones)
            ),
            *(
                (f"no_longer_planned[{number}]", gone.protocol)
                for number, gone in enumerate(self.no_longer_planned)
            ),
        ]
        for at, protocol in named:
            if (protocol is None) if ids else (protocol is not None):
                raise FieldProblem(f"{at}.protocol", protocol, allowed)
            if protocol is not None and protocol not in ids:
                raise FieldProblem(f"{at}.protocol", protocol, allowed)

    @property
    def language(self) -> str:
        """The plan's language: its protocol's, in which every export writes its words."""
        return self.protocol.language

    @property
    def made_from(self) -> tuple[ProtocolRef, ...]:
        """Every protocol the plan was made with, in order: ``protocols`` in a composed
        plan, else ``protocol`` alone."""
        return self.protocols or (self.protocol,)

    def protocol_of(self, item: Milestone | NoLongerPlanned) -> ProtocolRef:
        """The protocol a milestone of this plan comes from."""
        if item.protocol is None:
            return self.protocol
        return next(ref for ref in self.protocols if ref.id == item.protocol)

    def grouped(self) -> tuple[tuple[ProtocolRef, tuple[Milestone, ...]], ...]:
        """The milestones by protocol, in the order of :attr:`made_from`, each group in the
        plan's order (a protocol none of whose milestones the plan holds has an empty
        group): how the text and the page show a composed plan."""
        return tuple(
            (ref, tuple(item for item in self.milestones if self.protocol_of(item) == ref))
            for ref in self.made_from
        )

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


def cut_at(item: Milestone, day: date, due_date: date, today: date) -> Milestone:
    """The milestone as far as it went by ``day`` (a plan's end): a window or series that
    ran past it stops that day (a series at its last occurrence by then), its timing on
    ``today`` redone. One that began after ``day`` is not for this (it was never reached);
    one that ended by then comes back as it is."""
    if item.end <= day:
        return item
    occurrences = tuple(when for when in item.occurrences if when <= day)
    last = occurrences[-1] if occurrences else day
    ga = GestationalAge.between(due_date, last)
    assert ga is not None  # on or after the milestone's start, so after day 0
    return item._changed(
        end=last, end_ga=ga, occurrences=occurrences, timing=timing_of(item.start, last, today)
    )


def _check_kind(at: str, item: Milestone) -> None:
    """A day is one day; a series has ``every_days`` and occurrences from its
    start to its end, that far apart; nothing else has either."""
    if item.kind == "day" and item.end != item.start:
        raise FieldProblem(
            f"{at}.end", item.end.isoformat(), f"{item.start}: a day ends where it starts"
        )
    if (item.kind == "series") != (item.every_days is not None):
        raise FieldProblem(
            f"{at}.every_days", item.every_days, "a number of days for a series, and null otherwise"
        )
    if item.every_days is None:
        if item.occurrences:
            raise FieldProblem(
                f"{at}.occurrences", len(item.occurrences), "no occurrences: it is not a series"
            )
        return
    expected = item.start
    for number, day in enumerate(item.occurrences):
        if day != expected:
            raise FieldProblem(
                f"{at}.occurrences[{number}]",
                day.isoformat(),
                f"{expected.isoformat()}, every {item.every_days} days from the start",
            )
        expected = date.fromordinal(day.toordinal() + item.every_days)
    if not item.occurrences or item.occurrences[-1] != item.end:
        last = item.occurrences[-1].isoformat() if item.occurrences else "none"
        raise FieldProblem(f"{at}.end", item.end.isoformat(), f"the last occurrence ({last})")


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``Plan.model_dump_json()`` output."""
    schema = Plan.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "care-timeline/plan.schema.json"
    return schema
