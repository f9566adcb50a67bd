"""What changed between two plans of one pregnancy: after a re-dating, a new scan,
a stitch placed or a short cervix found, which windows moved and by how many days,
which milestones now apply (and why), which were added or removed; and when a plan
ended (or its end was changed or removed), that it did and which milestones its end
cancelled. One piece, though long: the comparison and its three writings (text, JSON,
CSV) share every field of :class:`MilestoneChange`, and a field added to one is added
to the others here.

>>> from datetime import date
>>> import care_timeline as ct
>>> old = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
>>> new = ct.plan(ct.Dating.from_due_date(date(2027, 5, 15)), today=date(2026, 11, 24))
>>> changes = ct.diff(old, new)
>>> changes.due_date_shift_days, changes.milestone("due-date").start_shift_days
(5, 5)
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Literal

from . import phrases as words
from ._i18n import language
from .csv_cells import table
from .errors import QueryError, UnknownMilestoneError
from .plan_model import Milestone, NoLongerPlanned, Plan, cut_at
from .safe_text import for_message
from .vocabulary import DIFF_FORMATS, Applicability, EndCause, Timing
from .wording import Words

__all__ = ["DIFF_FORMATS", "MilestoneChange", "PlanDiff", "diff", "render_diff"]

Change = Literal["added", "removed", "changed", "unchanged"]


@dataclass(frozen=True)
class MilestoneChange:
    """One milestone in the old plan, the new one, or both."""

    milestone_id: str
    title: str
    change: Change
    old_start: date | None
    new_start: date | None
    old_end: date | None
    new_end: date | None
    start_shift_days: int | None
    """New start minus old start, in days (positive: later); None unless in both."""
    end_shift_days: int | None
    old_occurrences: int | None
    new_occurrences: int | None
    old_applicability: Applicability | None
    new_applicability: Applicability | None
    old_reason_key: str | None
    new_reason_key: str | None
    reason: str
    """The new plan's reason (the old one's for a removed milestone)."""
    old_timing: Timing | None
    new_timing: Timing | None
    old_after_end: bool | None = None
    """Whether it was still all to come when the old plan ended, so that plan no longer
    planned it (its dates, applicability and timing are then None); False while a plan
    runs; None unless in the old plan."""
    new_after_end: bool | None = None
    """The same in the new plan; None unless in the new plan."""
    protocol: str | None = None
    """When either plan is composed of several protocols: the id of the one the milestone
    comes from (in the new plan, else the old); None (and left out of the JSON and CSV)
    when both are plans of one protocol."""

    @property
    def moved(self) -> bool:
        """Whether its days changed (a milestone the plan's end took away has none)."""
        if self.old_start is None or self.new_start is None:
            return False
        return bool(self.start_shift_days or self.end_shift_days) or (
            self.old_occurrences != self.new_occurrences and self.change == "changed"
        )

    @property
    def applicability_changed(self) -> bool:
        """Whether both plans decided it, differently (one the end took away decides nothing)."""
        if self.old_applicability is None or self.new_applicability is None:
            return False
        return self.change == "changed" and self.old_applicability != self.new_applicability

    @property
    def after_end_changed(self) -> bool:
        """Whether the plan's end now cancels it and did not before, or the reverse."""
        return self.change == "changed" and self.old_after_end != self.new_after_end


@dataclass(frozen=True)
class PlanDiff:
    """Every milestone of two plans, compared; in the new plan's order, then the
    milestones only the old plan had."""

    plan_id: str | None
    protocol_id: str
    old_protocol_version: str
    new_protocol_version: str
    old_today: date
    new_today: date
    old_due_date: date
    new_due_date: date
    due_date_shift_days: int
    milestones: tuple[MilestoneChange, ...]
    language: str = "en"
    """The new plan's language, in which the diff is written out."""
    old_ended_on: date | None = None
    """The day the old plan ended; None if it was running."""
    new_ended_on: date | None = None
    old_ended_because: EndCause | None = None
    new_ended_because: EndCause | None = None
    clinician_note: str = ""
    """The new plan's clinician note: the diff is for discussion with a clinician too."""

    def milestone(self, milestone_id: str) -> MilestoneChange:
        """The change of the milestone with this id; :class:`UnknownMilestoneError`
        if neither plan has it."""
        for item in self.milestones:
            if item.milestone_id == milestone_id:
                return item
        raise UnknownMilestoneError(
            field="milestone",
            value=milestone_id,
            allowed="one of " + ", ".join(item.milestone_id for item in self.milestones),
        )

    @property
    def changed(self) -> tuple[MilestoneChange, ...]:
        """The milestones that were added, removed or changed."""
        return tuple(item for item in self.milestones if item.change != "unchanged")

    @property
    def end_changed(self) -> bool:
        """Whether the plan ended, its end was removed, or its day or cause changed."""
        return (self.old_ended_on, self.old_ended_because) != (
            self.new_ended_on,
            self.new_ended_because,
        )


def _plan_id(plan: Plan) -> str:
    return "no plan id" if plan.plan_id is None else f"plan id {for_message(plan.plan_id)}"


def diff(old: Plan, new: Plan) -> PlanDiff:
    """Compare two plans of the same pregnancy. They must share a plan id, or (when
    neither has one) a protocol id; otherwise they are two patients' plans and the
    comparison would mean nothing (:class:`~care_timeline.QueryError`)."""
    for name, given in (("old", old), ("new", new)):
        if not isinstance(given, Plan):
            raise QueryError(field=name, value=type(given).__name__, allowed="a Plan")
    if old.plan_id != new.plan_id and (old.plan_id is not None or new.plan_id is not None):
        allowed = "two plans of one pregnancy, with the same plan id"
        raise QueryError(
            f"new: a plan of another pregnancy ({_plan_id(new)}; the old plan has "
            f"{_plan_id(old)}); expected {allowed}",
            field="new",
            value=new.plan_id,
            allowed=allowed,
        )
    if old.plan_id is None and old.protocol.id != new.protocol.id:
        allowed = "two plans of one pregnancy: without plan ids, of the same protocol"
        raise QueryError(
            f"new: a plan of protocol {new.protocol.id!r}, the old plan's is "
            f"{old.protocol.id!r}; expected {allowed}",
            field="new",
            value=new.protocol.id,
            allowed=allowed,
        )
    # Compared as far as both went: a window the end of one of them cut short is not a
    # window that moved (the end is said once, above the milestones).
    ends = [day for day in (old.ended_on, new.ended_on) if day is not None]
    cut = min(ends) if ends else None
    before, after = _items(old, cut), _items(new, cut)
    changes = [_compare(before.get(key), item) for key, item in after.items()]
    changes.extend(_compare(item, None) for key, item in before.items() if key not in after)
    if old.protocols or new.protocols:
        owners = {key: new.protocol_of(item).id for key, item in after.items()}
        owners.update(
            (key, old.protocol_of(item).id) for key, item in before.items() if key not in after
        )
        changes = [replace(change, protocol=owners[change.milestone_id]) for change in changes]
    return PlanDiff(
        plan_id=new.plan_id,
        protocol_id=new.protocol.id,
        old_protocol_version=old.protocol.version,
        new_protocol_version=new.protocol.version,
        old_today=old.today,
        new_today=new.today,
        old_due_date=old.dating.due_date,
        new_due_date=new.dating.due_date,
        due_date_shift_days=(new.dating.due_date - old.dating.due_date).days,
        milestones=tuple(changes),
        language=new.protocol.language,
        old_ended_on=old.ended_on,
        new_ended_on=new.ended_on,
        old_ended_because=old.ended_because,
        new_ended_because=new.ended_because,
        clinician_note=new.clinician_note,
    )


Item = Milestone | NoLongerPlanned
"""A milestone of a plan, or one its end took away."""


def _items(plan: Plan, cut: date | None) -> dict[str, Item]:
    """Every milestone of a plan by id, in its order: what it holds (as far as it went by
    ``cut``), then what lay after its end (no longer planned)."""
    found: dict[str, Item] = {
        item.id: item if cut is None or item.start > cut else _cut(plan, item, cut)
        for item in plan.milestones
    }
    found.update((gone.id, gone) for gone in plan.no_longer_planned)
    return found


def _compare(old: Item | None, new: Item | None) -> MilestoneChange:
    either = new if new is not None else old
    assert either is not None
    change: Change = "added" if old is None else "removed" if new is None else "unchanged"
    old_after_end = isinstance(old, NoLongerPlanned) if old is not None else None
    new_after_end = isinstance(new, NoLongerPlanned) if new is not None else None
    was, now = _planned(old), _planned(new)
    moved_or_decided = was is not None and now is not None and _differs(was, now)
    if old is not None and new is not None and (old_after_end != new_after_end or moved_or_decided):
        change = "changed"
    reason = now.reason if now else was.reason if was else ""
    return MilestoneChange(
        milestone_id=either.id,
        title=either.title,
        change=change,
        old_start=was.start if was else None,
        new_start=now.start if now else None,
        old_end=was.end if was else None,
        new_end=now.end if now else None,
        start_shift_days=(now.start - was.start).days if was and now else None,
        end_shift_days=(now.end - was.end).days if was and now else None,
        old_occurrences=len(was.occurrences) if was and was.occurrences else None,
        new_occurrences=len(now.occurrences) if now and now.occurrences else None,
        old_applicability=was.applicability if was else None,
        new_applicability=now.applicability if now else None,
        old_reason_key=was.reason_key if was else None,
        new_reason_key=now.reason_key if now else None,
        reason=reason,
        old_timing=was.timing if was else None,
        new_timing=now.timing if now else None,
        old_after_end=old_after_end,
        new_after_end=new_after_end,
    )


def _cut(plan: Plan, item: Milestone, day: date) -> Milestone:
    return cut_at(item, day, plan.dating.due_date, plan.today)


def _planned(item: Item | None) -> Milestone | None:
    """The milestone as a plan still holds it; None for one its end took away."""
    return item if isinstance(item, Milestone) else None


def _differs(old: Milestone, new: Milestone) -> bool:
    return (
        old.start != new.start
        or old.end != new.end
        or old.occurrences != new.occurrences
        or old.applicability != new.applicability
        or old.reason_key != new.reason_key
        or old.timing != new.timing
    )


# -- the diff as text, JSON and CSV ----------------------------------------------------


def render_diff(changes: PlanDiff, format: str) -> bytes:
    """The diff in one of :data:`DIFF_FORMATS`, as the bytes of a file."""
    if format == "text":
        return _text(changes).encode()
    if format == "json":
        fields = asdict(changes)
        for item in fields["milestones"]:
            if item["protocol"] is None:  # only a composed plan's diff names protocols
                del item["protocol"]
        data = json.dumps(fields, indent=2, ensure_ascii=False, default=date.isoformat)
        return (data + "\n").encode()
    if format == "csv":
        return _csv(changes).encode()
    raise QueryError(field="format", value=format, allowed="one of " + ", ".join(DIFF_FORMATS))


def _shift(w: Words, days: int) -> str:
    if days >= 0:
        return w.n(words.DIFF_LATER, days, days=days)
    return w.n(words.DIFF_EARLIER, -days, days=-days)


def _span(w: Words, start: date | None, end: date | None) -> str:
    assert start is not None and end is not None
    return w.range(start.isoformat(), end.isoformat())


def _text(changes: PlanDiff) -> str:
    w = Words(language(changes.language))
    lines = [
        w.t(
            words.DIFF_HEADING,
            old_today=changes.old_today.isoformat(),
            old_due=changes.old_due_date.isoformat(),
            new_today=changes.new_today.isoformat(),
            new_due=changes.new_due_date.isoformat(),
        )
    ]
    if changes.due_date_shift_days:
        lines.append(w.t(words.DIFF_DUE_DATE, shift=_shift(w, changes.due_date_shift_days)))
    if changes.end_changed:
        lines.extend(_end_lines(w, changes))
    if not changes.changed and not changes.end_changed:
        lines.append(w.t(words.DIFF_NOTHING))
    for item in changes.changed:
        lines.append(f"  {item.title}  [{item.milestone_id}]")
        lines.extend("    " + line for line in _item_lines(w, item))
    wrapped: list[str] = []
    for line in lines:
        indent = line[: len(line) - len(line.lstrip())]
        wrapped.extend(textwrap.wrap(line, _WIDTH, subsequent_indent=indent + "  ") or [line])
    if changes.clinician_note:  # as the plan's own text ends
        wrapped.append("")
        wrapped.extend(textwrap.wrap(changes.clinician_note, _WIDTH))
    return "\n".join(wrapped) + "\n"


def _ended(w: Words, day: date | None, cause: EndCause | None) -> str:
    """The sentence the plan's own exports say its end with."""
    assert day is not None and cause is not None
    return w.t(words.PLAN_ENDED[cause], date=day.isoformat())


def _end_lines(w: Words, changes: PlanDiff) -> list[str]:
    """The new plan's end (or that it has none now), then what the old plan said."""
    lines = []
    if changes.new_ended_on is None:
        lines.append(w.t(words.DIFF_END_REMOVED))
    else:
        lines.append(_ended(w, changes.new_ended_on, changes.new_ended_because))
    if changes.old_ended_on is not None:
        was = _ended(w, changes.old_ended_on, changes.old_ended_because)
        lines.append(w.t(words.DIFF_END_WAS, ended=was))
    return lines


def _item_lines(w: Words, item: MilestoneChange) -> list[str]:
    if item.change == "added":
        if item.new_after_end:  # no days: the plan's end took it away
            return [w.t(words.DIFF_NO_LONGER_PLANNED)]
        return [w.t(words.DIFF_ADDED, span=_span(w, item.new_start, item.new_end))]
    if item.change == "removed":
        if item.old_after_end:
            return [w.t(words.DIFF_REMOVED_UNDATED)]
        return [w.t(words.DIFF_REMOVED, span=_span(w, item.old_start, item.old_end))]
    lines = []
    if item.moved:
        start, end = item.start_shift_days or 0, item.end_shift_days or 0
        shift = (
            _shift(w, start)
            if start == end
            else w.t(
                words.DIFF_START_END,
                start=_shift(w, start) if start else w.t(words.DIFF_SAME),
                end=_shift(w, end) if end else w.t(words.DIFF_SAME),
            )
        )
        old, new = _span(w, item.old_start, item.old_end), _span(w, item.new_start, item.new_end)
        lines.append(w.t(words.DIFF_MOVED, shift=shift, old=old, new=new))
        if item.old_occurrences != item.new_occurrences:
            lines.append(
                w.t(
                    words.DIFF_OCCURRENCES,
                    old=item.old_occurrences or 0,
                    new=item.new_occurrences or 0,
                )
            )
    if item.applicability_changed and item.old_applicability and item.new_applicability:
        lines.append(
            w.t(
                words.DIFF_APPLICABILITY,
                new=w.t(words.APPLICABILITY_LABELS[item.new_applicability]),
                old=w.t(words.APPLICABILITY_LABELS[item.old_applicability]),
                reason=item.reason,
            )
        )
    elif item.old_reason_key != item.new_reason_key and item.old_reason_key and item.new_reason_key:
        lines.append(w.t(words.DIFF_REASON, reason=item.reason))
    if item.after_end_changed:
        lines.append(
            w.t(words.DIFF_NO_LONGER_PLANNED if item.new_after_end else words.DIFF_PLANNED_AGAIN)
        )
    if item.old_timing != item.new_timing and item.old_timing and item.new_timing:
        lines.append(
            w.t(
                words.DIFF_TIMING,
                new=w.t(words.TIMING_WORDS[item.new_timing]),
                old=w.t(words.TIMING_WORDS[item.old_timing]),
            )
        )
    return lines


_WIDTH = 100

_CSV_COLUMNS = (
    "milestone_id",
    "title",
    "change",
    "old_start",
    "new_start",
    "start_shift_days",
    "old_end",
    "new_end",
    "end_shift_days",
    "old_occurrences",
    "new_occurrences",
    "old_applicability",
    "new_applicability",
    "old_reason_key",
    "new_reason_key",
    "reason",
    "old_timing",
    "new_timing",
    "old_after_end",
    "new_after_end",
    "clinician_note",
)


def _csv(changes: PlanDiff) -> str:
    def cell(item: MilestoneChange, column: str) -> str:
        if column == "clinician_note":  # on every row, as in the plan's own table
            return changes.clinician_note
        value = getattr(item, column)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return value.isoformat() if isinstance(value, date) else str(value)

    composed = any(item.protocol is not None for item in changes.milestones)
    columns = (*_CSV_COLUMNS, "protocol") if composed else _CSV_COLUMNS
    return table(
        ([cell(item, column) for column in columns] for item in changes.milestones),
        columns,
    )
