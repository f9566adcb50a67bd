"""Questions across many plans: who has which milestone, when.

:func:`upcoming` answers three questions for a date range, by ``status``:

- ``entering`` (the default): which of my patients enter a window (for a series:
  have a dose or check fall) in the range — "who enters the 12-week window next
  month?", "whose checks fall this week?";
- ``in-window``: who is inside a window at some point of the range — "who is in
  the cerclage window now?";
- ``passed``: whose window ends in the range — with ``applicability="applies"``,
  "whose cerclage window passed last month?", the case that must not be missed.

A plan that ended (``ended_on``) answers as far as it went: what was still to
come then is never listed, a window or series that ran past the end stops on
that day, and one the end cut short is not a window that ``passed``.

``summary=True`` gives one row per patient and milestone, a series collapsed to
its first occurrence in the range (with how many fall in it), instead of one row
per dose.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from . import phrases as words
from ._i18n import case_forms, language
from .csv_cells import table
from .dates import parse_date
from .errors import QueryError
from .gestational_age import GestationalAge
from .plan_model import Milestone, Plan
from .safe_text import for_terminal
from .vocabulary import APPLICABILITIES, ON_TIMELINE, QUERY_STATUSES, Applicability, QueryStatus
from .wording import Words

__all__ = [
    "DEFAULT_APPLICABILITY",
    "HasPlan",
    "Upcoming",
    "parse_applicability",
    "upcoming",
    "upcoming_csv",
    "upcoming_table",
]

DEFAULT_APPLICABILITY: tuple[Applicability, ...] = ON_TIMELINE
"""What a planning list shows unless asked: what applies or is to be discussed."""


class HasPlan(Protocol):
    """Anything that carries a plan, such as a batch's ``PlanResult``."""

    @property
    def plan(self) -> Plan: ...


@dataclass(frozen=True)
class Upcoming:
    """One patient's milestone on one day of the range."""

    on: date
    """The day it enters the range's question: a window's or day's start, a dose's
    day (``entering``); the first day of the range inside the window
    (``in-window``); the window's last day (``passed``)."""
    gestational_age: GestationalAge
    plan_id: str | None
    milestone_id: str
    title: str
    kind: str
    occurrence: int | None
    """For a series: which occurrence this is (from 1); else None."""
    occurrences: int | None
    """For a series: how many occurrences it has; else None."""
    applicability: Applicability
    reason: str
    status: QueryStatus = "entering"
    in_range: int | None = None
    """In a summary, for a series: how many of its occurrences fall in the range."""
    protocol: str | None = None
    """In a composed plan (one made of several protocols): the id of the protocol the
    milestone comes from; None in a plan of one protocol."""

    @property
    def what(self) -> str:
        """``starts``, ``day``, ``3 of 11``, ``in window``, ``ended``; a summary's
        series row says how many of its dates fall in the range."""
        return self.what_in(Words(language("en")))

    def what_in(self, w: Words) -> str:
        """:attr:`what` in a language."""
        if self.status == "passed":
            return w.t(words.QUERY_ENDED)
        if self.occurrence is not None:
            of = w.t(words.QUERY_OCCURRENCE, number=self.occurrence, count=self.occurrences)
            if self.in_range is not None:
                return w.t(words.QUERY_OCCURRENCE_IN_RANGE, occurrence=of, count=self.in_range)
            return of
        if self.status == "in-window" and self.kind != "day":
            return w.t(words.QUERY_IN_WINDOW)
        return w.t(words.QUERY_DAY if self.kind == "day" else words.QUERY_STARTS)


def parse_applicability(
    values: Iterable[Any] | str, *, language_tag: str | None = None
) -> tuple[Applicability, ...]:
    """``applies,discuss`` (or a list of names) as applicability values; with a
    ``language_tag``, the words the planning list writes in that language too
    (``geçerli`` in Turkish), in any case.

    >>> parse_applicability("applies, not-applicable")
    ('applies', 'not-applicable')
    >>> parse_applicability("Geçerli", language_tag="tr")
    ('applies',)
    """
    names = values.split(",") if isinstance(values, str) else list(values)
    known: dict[str, Applicability] = {value: value for value in APPLICABILITIES}
    if language_tag is not None:
        w = Words(language(language_tag))
        for value in APPLICABILITIES:
            known.setdefault(w.t(words.QUERY_APPLICABILITY[value]), value)
    chosen: list[Applicability] = []
    for name in names:
        text = str(name).strip()
        match = next((known[form] for form in (text, *case_forms(text)) if form in known), None)
        if match is None:
            raise QueryError(field="applicability", value=text, allowed=", ".join(known))
        if match not in chosen:
            chosen.append(match)
    if not chosen:
        raise QueryError(
            field="applicability", value="", allowed="one or more of " + ", ".join(APPLICABILITIES)
        )
    return tuple(chosen)


def _hits(
    plan: Plan, item: Milestone, start: date, end: date, status: QueryStatus, summary: bool
) -> Iterator[Upcoming]:
    def one(on: date, occurrence: int | None, in_range: int | None = None) -> Upcoming:
        ga = plan.dating.gestational_age_on(on)
        assert ga is not None  # no milestone falls before the pregnancy's day 0
        return Upcoming(
            on=on,
            gestational_age=ga,
            plan_id=plan.plan_id,
            milestone_id=item.id,
            title=item.title,
            kind=item.kind,
            occurrence=occurrence,
            occurrences=len(item.occurrences) if item.occurrences else None,
            applicability=item.applicability,
            reason=item.reason,
            status=status,
            in_range=in_range,
            protocol=item.protocol,
        )

    if status == "passed":
        if start <= item.end <= end:
            yield one(item.end, None)
        return
    if item.occurrences:
        numbered = [
            (number, day)
            for number, day in enumerate(item.occurrences, start=1)
            if start <= day <= end
        ]
        if status == "in-window" and not numbered and item.start < start and item.end > end:
            yield one(start, None)  # the range falls between two doses of a running series
            return
        if summary and numbered:
            yield one(numbered[0][1], numbered[0][0], len(numbered))
            return
        for number, day in numbered:
            yield one(day, number)
        return
    if status == "entering":
        if start <= item.start <= end:
            yield one(item.start, None)
    elif item.start <= end and item.end >= start:
        yield one(max(item.start, start), None)


def upcoming(
    plans: Iterable[Plan | HasPlan],
    start: date | str,
    end: date | str,
    milestone: str | None = None,
    applicability: Iterable[Applicability] = DEFAULT_APPLICABILITY,
    *,
    status: QueryStatus = "entering",
    summary: bool = False,
) -> list[Upcoming]:
    """The milestones that answer ``status``'s question for the days from ``start``
    to ``end`` (dates, or ISO 8601 text), both included, sorted by day, then plan
    id, then the plan's own order: ``entering`` (the default), who enters a window
    or has a dose or check fall in the range; ``in-window``, who is inside a window
    at some point of it; ``passed``, whose window ends in it. A plan that ended
    answers as far as it went.

    ``milestone`` keeps one milestone id; ``applicability`` keeps those
    results (by default ``applies`` and ``discuss``); ``summary`` gives one row
    per patient and milestone. Pass plans, or items that carry one in ``.plan``
    (the ``PlanResult`` items of ``plan_many``); anything else, a row error among
    them, is refused rather than dropped silently.

    >>> from datetime import date
    >>> import care_timeline as ct
    >>> p = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)),
    ...             ct.Profile(prior_preterm_birth=True), today=date(2026, 11, 24), plan_id="a")
    >>> [(u.on.isoformat(), u.milestone_id, u.what)
    ...  for u in upcoming([p], date(2027, 1, 1), date(2027, 1, 11), applicability=["applies"])]
    [('2027-01-04', 'cervical-monitoring', '4 of 5'), ('2027-01-11', 'preterm-birth-watch', 'starts')]
    """
    start = parse_date(start, field="start", error=QueryError)
    end = parse_date(end, field="end", error=QueryError)
    if end < start:
        raise QueryError(
            field="end", value=end.isoformat(), allowed=f"a day on or after {start.isoformat()}"
        )
    if status not in QUERY_STATUSES:
        raise QueryError(field="status", value=status, allowed=", ".join(QUERY_STATUSES))
    wanted = parse_applicability(applicability)
    found: list[tuple[date, str, int, int, Upcoming]] = []
    known: set[str] = set()
    for position, item_given in enumerate(plans):
        given = item_given if isinstance(item_given, Plan) else getattr(item_given, "plan", None)
        if not isinstance(given, Plan):
            raise QueryError(
                field="plans",
                value=type(item_given).__name__,
                allowed="plans or PlanResult items (leave out errors)",
            )
        known.update(item.id for item in given.milestones)
        known.update(gone.id for gone in given.no_longer_planned)
        for order, item in enumerate(given.milestones):
            if milestone is not None and item.id != milestone:
                continue
            if item.applicability not in wanted:
                continue
            # A plan that ended holds what came before its end, cut at it: a window cut
            # short by the end did not pass unattended.
            if status == "passed" and given.ended_on is not None and item.end == given.ended_on:
                continue
            for hit in _hits(given, item, start, end, status, summary):
                found.append((hit.on, hit.plan_id or "", position, order, hit))
    if milestone is not None and known and milestone not in known:
        raise QueryError(
            field="milestone", value=milestone, allowed="one of " + ", ".join(sorted(known))
        )
    found.sort(key=lambda entry: entry[:4])
    return [hit for *_, hit in found]


_CSV_COLUMNS = (
    "date",
    "gestational_age",
    "id",
    "milestone_id",
    "title",
    "what",
    "applicability",
    "reason",
    "status",
)


def upcoming_csv(found: Sequence[Upcoming], *, language_tag: str = "en") -> str:
    """The list as CSV (one row per item, cells safe to open in a spreadsheet); the
    ``what`` column in ``language_tag``. A list from composed plans has one more
    column at the end, ``protocol`` (the milestone's protocol)."""
    w = Words(language(language_tag))
    composed = any(item.protocol is not None for item in found)
    return table(
        (
            (
                item.on.isoformat(),
                str(item.gestational_age),
                item.plan_id or "",
                item.milestone_id,
                item.title,
                item.what_in(w),
                item.applicability,
                item.reason,
                item.status,
                *([item.protocol or ""] if composed else []),
            )
            for item in found
        ),
        (*_CSV_COLUMNS, "protocol") if composed else _CSV_COLUMNS,
    )


def upcoming_table(
    found: Sequence[Upcoming], start: date, end: date, *, language_tag: str = "en"
) -> str:
    """The list as aligned columns for a terminal; its words in ``language_tag`` (the
    applicability too, as :func:`parse_applicability` reads it back with that
    language; the milestone by its id, the word ``--milestone`` takes)."""
    w = Words(language(language_tag))
    if not found:
        return w.t(words.QUERY_NOTHING, first=start.isoformat(), last=end.isoformat()) + "\n"
    header = tuple(w.t(heading) for heading in words.QUERY_COLUMNS)
    rows = [
        (
            item.on.isoformat(),
            w.ga(item.gestational_age),
            for_terminal(item.plan_id or ""),
            item.milestone_id,
            item.what_in(w),
            w.t(words.QUERY_APPLICABILITY[item.applicability]),
        )
        for item in found
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in [header, *rows]
    )
