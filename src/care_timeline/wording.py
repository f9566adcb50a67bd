"""Writing the phrases of :mod:`.phrases` for a plan: :class:`Words` holds one
language and writes dates, gestational ages, counts, milestones and a plan's
summary lines the way that language writes them.

Every export, the planning lists and the diffs write through it, so it sits
between the plan model and the exports: it knows plans and milestones, and no
format.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from ._i18n import Language, language
from .errors import ExportError
from .phrases import (
    APPLICABILITY_LABELS,
    BEFORE_DAY_ZERO,
    CHART_RANGE,
    CHOICE_OF_EITHER,
    COMPACT_RANGE,
    DATE,
    DAY_MONTH,
    DUE_DATE,
    EVERY_DAYS,
    EVERY_WEEKS,
    GA_DAYS,
    GA_IN_WORDS,
    GA_WEEKS,
    GA_WEEKS_AND_DAYS,
    METHOD_DESCRIPTIONS,
    MONTH,
    MONTH_YEAR,
    PLAN_ENDED,
    PROTOCOL,
    PROTOCOL_NAMED,
    PROTOCOLS,
    RANGE,
    SERIES,
    SPAN,
    TODAY,
    TRIMESTER_FROM,
    TRIMESTER_TO,
    WARNING_SIGNS,
    WARNING_SIGNS_LEAD,
    WEEKLY,
    WHEN_DAY,
    WHEN_SERIES,
    WHEN_WINDOW,
)
from .safe_text import for_xml

if TYPE_CHECKING:
    from .dating import Dating
    from .gestational_age import GestationalAge
    from .plan_model import Milestone, Plan, Trimester

__all__ = ["Words", "page_title"]


class Words:
    """The phrases of :mod:`care_timeline.phrases` in one language, with dates,
    ages and counts written as that language writes them."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang

    @classmethod
    def of(cls, plan: Plan) -> Words:
        """The words of the plan's language."""
        return cls(language(plan.language))

    def t(self, message: str, /, **values: Any) -> str:
        """The message in this language, its named parts filled in."""
        text = self.lang.gettext(message)
        return text.format(**values) if values else text

    def n(self, forms: tuple[str, str], count: int, /, **values: Any) -> str:
        """The singular or plural form for ``count`` (passed as ``count`` too)."""
        return self.lang.ngettext(forms, count).format(count=count, **values)

    # -- dates and ages

    def full_date(self, day: date) -> str:
        """``26 Oct 2026``."""
        return self.lang.date(day, DATE)

    def day_month(self, day: date) -> str:
        """``26 Oct``: the chart's week dates (the month row shows the year)."""
        return self.lang.date(day, DAY_MONTH)

    def month_name(self, day: date, *, with_year: bool) -> str:
        """``Nov 2026`` or ``Nov``: the chart's month row."""
        return self.lang.date(day, MONTH_YEAR if with_year else MONTH)

    def ga(self, ga: GestationalAge) -> str:
        """A gestational age as people read it in this language (``16w1d`` in English)."""
        return self.lang.ga(ga)

    def ga_words(self, ga: GestationalAge) -> str:
        """``16w1d (16 weeks and 1 day)``, for readers who do not know the notation."""
        weeks = self.n(GA_WEEKS, ga.weeks, weeks=ga.weeks)
        words = weeks
        if ga.days:
            days = self.n(GA_DAYS, ga.days, days=ga.days)
            words = self.t(GA_WEEKS_AND_DAYS, weeks=weeks, days=days)
        return self.t(GA_IN_WORDS, ga=self.ga(ga), words=words)

    def range(self, first: str, last: str, *, compact: bool = False) -> str:
        """Two written-out dates (or ages) as one range; one when they are the same."""
        if first == last:
            return first
        return self.t(COMPACT_RANGE if compact else RANGE, first=first, last=last)

    # -- milestones

    def span(self, item: Milestone) -> str:
        """``2026-10-26 to 2027-01-10 (12w0d to 22w6d)``: exact dates and ages."""
        return self.t(
            SPAN,
            dates=self.range(item.start.isoformat(), item.end.isoformat()),
            weeks=self.range(self.ga(item.start_ga), self.ga(item.end_ga)),
        )

    def page_dates(self, item: Milestone) -> str:
        """``26 Oct 2026 – 10 Jan 2027``, for the printable page."""
        return self.range(self.full_date(item.start), self.full_date(item.end), compact=True)

    def page_weeks(self, item: Milestone) -> str:
        """``12w0d – 22w6d``, for the printable page."""
        return self.range(self.ga(item.start_ga), self.ga(item.end_ga), compact=True)

    def chart_dates(self, item: Milestone) -> str:
        """``26 Oct–10 Jan``: a lane's dates, without the year."""
        if item.start == item.end:
            return self.day_month(item.start)
        return self.t(CHART_RANGE, first=self.day_month(item.start), last=self.day_month(item.end))

    def trimester_weeks(self, stage: Trimester) -> str:
        """A stage's span in weeks: ``to 13w6d``, ``14w0d–27w6d``, ``from 28w0d``."""
        if stage.end_ga is None:
            return self.t(TRIMESTER_FROM, start=self.ga(stage.start_ga))
        if stage.start_ga.total_days == 0:
            return self.t(TRIMESTER_TO, end=self.ga(stage.end_ga))
        return self.t(CHART_RANGE, first=self.ga(stage.start_ga), last=self.ga(stage.end_ga))

    def rhythm(self, every_days: int) -> str:
        """How often a series repeats: ``weekly``, ``every 2 weeks``, ``every 10 days``."""
        if every_days == 7:
            return self.t(WEEKLY)
        if every_days % 7 == 0:
            return self.n(EVERY_WEEKS, every_days // 7, weeks=every_days // 7)
        return self.n(EVERY_DAYS, every_days, days=every_days)

    def series(self, item: Milestone) -> str:
        """``21 dates, weekly``."""
        return self.n(SERIES, len(item.occurrences), rhythm=self.rhythm(item.every_days or 0))

    def when(self, item: Milestone) -> str:
        """The calendar's sentence saying when a milestone is."""
        if item.occurrences:
            return self.t(WHEN_SERIES, span=self.span(item), series=self.series(item))
        if item.start == item.end:
            return self.t(WHEN_DAY, span=self.span(item))
        return self.t(WHEN_WINDOW, span=self.span(item))

    def choice(self, plan: Plan, item: Milestone) -> str:
        """``One of two options: this, or Daily vaginal progesterone. ...``: said of a
        milestone that is one of two options (see ``Milestone.alternative``)."""
        assert item.alternative is not None
        return self.t(CHOICE_OF_EITHER, other=plan.milestone(item.alternative).title)

    def applicability(self, item: Milestone) -> str:
        return self.t(APPLICABILITY_LABELS[item.applicability])

    # -- the plan

    def dating_summary(self, plan: Plan, *, on_page: bool) -> str:
        """``Due date 10 May 2027, dated by the due date given``."""
        due = plan.dating.due_date
        return self.t(
            DUE_DATE,
            date=self.full_date(due) if on_page else due.isoformat(),
            method=self.t(METHOD_DESCRIPTIONS[plan.dating.method]),
        )

    def today_summary(self, plan: Plan, *, on_page: bool) -> str:
        """``Today 24 Nov 2026: 16w1d (16 weeks and 1 day)``; for a plan that ended, that it
        did, and on which day (no week is counted past its end)."""
        if plan.ended_on is not None:
            return self.ended(plan, on_page=on_page)
        ga = plan.gestational_age_today
        if ga is None:
            where = self.t(BEFORE_DAY_ZERO)
        else:
            where = self.ga_words(ga) if on_page else self.ga(ga)
        day = self.full_date(plan.today) if on_page else plan.today.isoformat()
        return self.t(TODAY, date=day, ga=where)

    def dating_texts(self, dating: Dating) -> tuple[str | None, tuple[str, ...]]:
        """The dating's explanation and notes in this language (see :meth:`Dating.texts`)."""
        return dating.texts(self.lang)

    def ended(self, plan: Plan, *, on_page: bool = False) -> str:
        """``This plan ended on 2027-05-02, when your baby was born.``"""
        assert plan.ended_on is not None and plan.ended_because is not None
        day = self.full_date(plan.ended_on) if on_page else plan.ended_on.isoformat()
        return self.t(PLAN_ENDED[plan.ended_because], date=day)

    def protocol_line(self, plan: Plan, *, on_page: bool) -> str:
        """Which protocol made the plan (each, in a composed plan), and as of which day."""
        today = self.full_date(plan.today) if on_page else plan.today.isoformat()
        if plan.protocols:
            named = [
                self.t(PROTOCOL_NAMED, title=ref.title, id=ref.id, version=ref.version)
                for ref in plan.protocols
            ]
            return self.t(PROTOCOLS, protocols=self.lang.list(named), date=today)
        ref = plan.protocol
        return self.t(PROTOCOL, title=ref.title, id=ref.id, version=ref.version, date=today)

    def warning_signs_block(self, signs: Sequence[str], urgent_advice: str | None) -> str:
        """The warning signs as one block of plain text, with the urgent advice after them."""
        listed = "\n".join(f"- {sign}" for sign in signs)
        block = f"{self.t(WARNING_SIGNS)}\n{self.t(WARNING_SIGNS_LEAD)}\n{listed}"
        return f"{block}\n\n{urgent_advice}" if urgent_advice else block


def page_title(plan: Plan, title: str | None) -> str:
    """The given title, or the protocol's when none (or only blanks) was given."""
    if title is not None and not isinstance(title, str):
        raise ExportError(field="title", value=repr(title), allowed="text, or None")
    if title is not None and title.strip():
        return for_xml(title.strip())
    return for_xml(plan.protocol.title)
