"""How one milestone is decided and dated for one patient: the profile as the rules
see it (:class:`Facts`), what each condition name means, the first rule that matches,
the days that rule gives (a day something happened may move or end a window), and the
reason in the plan's language. :func:`~care_timeline.plan` asks it once per milestone
of the protocol.

The engine is generic: every week number and every decision comes from the protocol
data. This module knows only what each condition name means, and one rule of its own:
a dated fact decides only what lies on or after its day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, NamedTuple

from ._i18n import language
from .dating import Dating
from .gestational_age import GestationalAge
from .phrases import (
    DATE_NOT_RECORDED,
    DAY_AND_AGE,
    MID_PREGNANCY_LOSS,
    NONE_RECORDED,
    NOTHING_RECORDED,
    PRETERM_BIRTH,
    PRETERM_BIRTH_AT,
)
from .plan_model import Milestone, timing_of
from .profile import Profile, preterm_birth, ruptured
from .protocol.model import RISK_FACTOR_PREFIX, DateSource, MilestoneSpec, Protocol, Rule
from .vocabulary import MilestoneKind

__all__ = ["Decided", "Facts", "decide", "facts_of", "ga_on", "today_matters", "with_alternatives"]


@dataclass(frozen=True)
class Facts:
    """The profile as the rules see it, with the short-cervix decisions made and the
    dated facts' days."""

    profile: Profile
    short_cervix: bool | None
    short_cervix_found_on: date | None
    found_early: bool | None
    """Whether the short cervix was found before the protocol's limit; None if unknown."""
    at_most_progesterone_threshold: bool | None
    """For a short cervix: within the progesterone threshold (None: not short, or unknown)."""
    preterm_birth: bool | None
    """An earlier spontaneous preterm birth: recorded yes (or its week), no, or unknown."""
    early_preterm_birth: bool
    """An earlier preterm birth recorded with a week before the protocol's limit."""
    waters_broke_on: date | None
    """The day the waters broke: as recorded, or today for an undated "broken" (it was
    known by today); None while they are not recorded as broken."""

    def date_of(self, source: DateSource) -> date | None:
        if source == "cerclage-placed-on":
            return self.profile.cerclage_placed_on
        if source == "membranes-ruptured-on":
            return self.waters_broke_on
        return self.short_cervix_found_on

    def before_waters(self) -> Facts:
        """What the rules knew before the waters broke: that fact unknown."""
        return replace(self, waters_broke_on=None)


def _short(f: Facts) -> bool:
    return f.short_cervix is True


_CONDITIONS: dict[str, Callable[[Facts, date], bool]] = {
    "multiple-fetuses": lambda f, _end: f.profile.fetuses is not None and f.profile.fetuses > 1,
    "singleton": lambda f, _end: f.profile.fetuses == 1,
    "membranes-ruptured": lambda f, _end: f.waters_broke_on is not None,
    "cerclage-placed": lambda f, _end: f.profile.cerclage_placed_on is not None,
    "transabdominal-cerclage": lambda f, _end: (
        f.profile.cerclage_placed_on is not None and f.profile.cerclage_type == "transabdominal"
    ),
    "prior-preterm-birth": lambda f, _end: f.preterm_birth is True,
    "no-prior-preterm-birth": lambda f, _end: f.preterm_birth is False,
    "early-prior-preterm-birth": lambda f, _end: f.early_preterm_birth,
    "prior-second-trimester-loss": lambda f, _end: f.profile.prior_second_trimester_loss is True,
    "short-cervix": lambda f, _end: _short(f),
    "no-short-cervix": lambda f, _end: f.short_cervix is False,
    "short-cervix-found-early": lambda f, _end: _short(f) and f.found_early is True,
    "short-cervix-found-late": lambda f, _end: _short(f) and f.found_early is False,
    "short-cervix-found-after-end": lambda f, end: (
        _short(f) and f.short_cervix_found_on is not None and f.short_cervix_found_on > end
    ),
    "cervix-at-most-progesterone-threshold": lambda f, _end: (
        _short(f) and f.at_most_progesterone_threshold is True
    ),
    "cervix-between-thresholds": lambda f, _end: (
        _short(f) and f.at_most_progesterone_threshold is False
    ),
}


def _holds(condition: str, facts: Facts, end: date) -> bool:
    if condition.startswith(RISK_FACTOR_PREFIX):
        return condition.removeprefix(RISK_FACTOR_PREFIX) in facts.profile.risk_factors
    return _CONDITIONS[condition](facts, end)


def _short_cervix(profile: Profile, protocol: Protocol) -> tuple[bool | None, date | None]:
    """Whether the cervix is short (stated, or a measured length the protocol calls
    short; None: unknown), and the day that was found (None: not recorded)."""
    limits = protocol.short_cervix
    length = profile.cervical_length_mm
    if profile.short_cervix is not None:
        return profile.short_cervix, profile.short_cervix_on
    if length is not None and limits is not None:
        short = limits.is_short(length)
        return short, profile.cervical_length_on if short else None
    # Unknown, or a protocol that reads no lengths (it has no short-cervix rules).
    return None, None


def facts_of(profile: Profile, protocol: Protocol, dating: Dating, today: date) -> Facts:
    """The profile as ``protocol``'s rules see it on ``today``.

    Every use of ``today`` here must be named in :func:`today_matters`: a
    publication leaves a feed as it is without planning it again on another day
    when that says today does not matter."""
    limits = protocol.short_cervix
    length = profile.cervical_length_mm
    short, found_on = _short_cervix(profile, protocol)
    found_early: bool | None = None
    at_most: bool | None = None
    if short is True and limits is not None:
        if limits.found_early_before is not None:
            limit = dating.date_at(limits.found_early_before)
            if found_on is not None:
                found_early = found_on < limit
            elif today < limit:
                # An undated finding was known by today at the latest, so it was early
                # if today is; after the limit, when it was found is unknown. (A use of
                # today: named in today_matters.)
                found_early = True
        if limits.progesterone_threshold_mm is not None:
            # A stated short cervix is trusted as short enough, unless a measured
            # length above the progesterone threshold says otherwise.
            at_most = length is None or limits.at_most_progesterone_threshold(length)
    born = preterm_birth(profile)
    week, history = profile.prior_preterm_birth_ga, protocol.prior_preterm_birth
    early = week is not None and history is not None and week < history.early_before
    # Undated, the waters count as broken today. (A use of today: named in today_matters.)
    waters = (profile.membranes_ruptured_on or today) if ruptured(profile) else None
    return Facts(profile, short, found_on, found_early, at_most, born, early, waters)


def today_matters(profile: Profile, protocol: Protocol) -> bool:
    """Whether :func:`facts_of` may see this profile otherwise on another today: waters
    recorded broken without their day (they count as broken today), or a short cervix
    without the day it was found where the protocol asks whether it was found early (it
    was, while today is before the limit). When it is False, ``today`` changes none of
    the facts, and so no rule's decision and no milestone's days.

    This is the one list of what ``today`` does in :func:`facts_of`: a new use of
    ``today`` there must be added here, or a publication would leave a feed stale (see
    :func:`care_timeline.fields.today_free_until`)."""
    if ruptured(profile) and profile.membranes_ruptured_on is None:
        return True
    short, found_on = _short_cervix(profile, protocol)
    limits = protocol.short_cervix
    return (
        short is True
        and found_on is None
        and limits is not None
        and limits.found_early_before is not None
    )


def _decide(spec: MilestoneSpec, facts: Facts, end: date) -> Rule:
    for rule in spec.rules:
        if all(_holds(condition, facts, end) for condition in rule.when):
            return rule
    raise AssertionError("protocol validation guarantees an unconditional last rule")


class _Window(NamedTuple):
    rule: Rule
    facts: Facts
    """The facts the rule was decided on (without a fact dated after the window)."""
    kind: MilestoneKind
    start: date
    end: date
    reason: str


def _window(
    spec: MilestoneSpec, rule: Rule, facts: Facts, protocol: Protocol, dating: Dating
) -> _Window:
    """The milestone's kind and days as ``rule`` shapes them."""
    kind: MilestoneKind = spec.kind
    start, end = dating.date_at(spec.start), dating.date_at(spec.end_ga)
    if rule.becomes_day is not None:
        day = facts.date_of(rule.becomes_day)
        if day is not None:
            start = end = day
            kind = "day"
    if rule.starts_no_earlier_than is not None:
        later = facts.date_of(rule.starts_no_earlier_than)
        if later is not None and later > start:
            start = min(later, end)
    return _Window(rule, facts, kind, start, end, _reason(rule, facts, protocol, dating))


def _decided_window(
    spec: MilestoneSpec, facts: Facts, protocol: Protocol, dating: Dating
) -> _Window:
    """The rule that decides a milestone, and the days it gives, with the waters deciding
    only what lies on or after the day they broke: a milestone that ended before that day
    keeps the decision it had without them; a rule that ``stops_on`` that day keeps the
    decision the window had before, and ends the window that day (its reason added) --
    unless the window, so decided, starts only on or after it, when the rule decides."""
    natural_end = dating.date_at(spec.end_ga)
    broke = facts.waters_broke_on
    if broke is not None and broke > natural_end:
        facts = facts.before_waters()
    rule = _decide(spec, facts, natural_end)
    decided = _window(spec, rule, facts, protocol, dating)
    day = None if rule.stops_on is None else facts.date_of(rule.stops_on)
    if day is None:
        return decided
    earlier_facts = facts.before_waters() if rule.stops_on == "membranes-ruptured-on" else facts
    earlier = _window(
        spec, _decide(spec, earlier_facts, natural_end), earlier_facts, protocol, dating
    )
    if day <= earlier.start:
        return decided  # nothing of the window came before that day
    if day >= earlier.end:
        return earlier  # it was over by then
    return earlier._replace(end=day, reason=f"{earlier.reason} {decided.reason}")


def decide(
    spec: MilestoneSpec,
    dating: Dating,
    facts: Facts,
    protocol: Protocol,
    today: date,
    *,
    tag: str | None = None,
) -> Decided:
    """The milestone as ``protocol`` decides and dates it for these facts; ``tag`` names
    its protocol in a composed plan (``Milestone.protocol``), None in a plan of one."""
    rule, facts, kind, start, end, reason = _decided_window(spec, facts, protocol, dating)
    occurrences: tuple[date, ...] = ()
    if spec.every_days is not None:
        occurrences = _series(start, end, spec.every_days)
        start, end = occurrences[0], occurrences[-1]
    item = Milestone._made(
        id=spec.id,
        title=rule.title or spec.title,
        kind=kind,
        category=spec.category,
        start=start,
        end=end,
        start_ga=ga_on(dating, start),
        end_ga=ga_on(dating, end),
        occurrences=occurrences,
        every_days=spec.every_days,
        applicability=rule.result,
        reason=reason,
        reason_key=rule.key,
        timing=timing_of(start, end, today),
        description=spec.description,
        basis=spec.basis,
        notes=spec.notes,
        warning_signs=spec.warning_signs,
        protocol=tag,
    )
    return Decided(item, rule.alternative)


class Decided(NamedTuple):
    item: Milestone
    alternative: str | None
    """The milestone its deciding rule names as the other option."""


def with_alternatives(decided: list[Decided]) -> list[Milestone]:
    """Two milestones that apply by rules naming each other are a choice of either:
    each records the other as its ``alternative``."""
    named = {entry.item.id: entry for entry in decided}
    milestones = []
    for entry in decided:
        other = named.get(entry.alternative or "")
        mutual = (
            other is not None
            and other.alternative == entry.item.id
            and entry.item.applicability == other.item.applicability == "applies"
        )
        item = entry.item
        if mutual and other is not None:
            item = item._changed(alternative=other.item.id)
        milestones.append(item)
    return milestones


def _series(start: date, end: date, every_days: int) -> tuple[date, ...]:
    count = (end - start).days // every_days + 1
    return tuple(start + timedelta(days=every_days * n) for n in range(count))


def ga_on(dating: Dating, day: date) -> GestationalAge:
    # GestationalAge.between, not Dating.gestational_age_on: the dates are checked
    # already, and reading them again as text costs a plan a tenth of its time.
    ga = GestationalAge.between(dating.due_date, day)
    if ga is None:  # guarded by _check_profile: no milestone date precedes day 0
        raise AssertionError(f"{day} is before day 0")
    return ga


def _reason(rule: Rule, facts: Facts, protocol: Protocol, dating: Dating) -> str:
    if "{" not in rule.reason and "}" not in rule.reason:
        return rule.reason  # no placeholders (most reasons): nothing to fill in
    lang = language(protocol.language)

    def shown(day: date | None) -> str:
        if day is None:
            return lang.gettext(DATE_NOT_RECORDED)
        return lang.format(DAY_AND_AGE, date=day.isoformat(), ga=lang.ga(ga_on(dating, day)))

    profile = facts.profile
    # In a composed plan a recorded risk factor may be another protocol's: each protocol
    # names the ones it knows.
    known = {factor.id: factor.label for factor in protocol.risk_factors}
    labels = [known[factor] for factor in profile.risk_factors if factor in known]
    history = []
    if profile.prior_preterm_birth_ga is not None:
        history.append(lang.format(PRETERM_BIRTH_AT, ga=lang.ga(profile.prior_preterm_birth_ga)))
    elif facts.preterm_birth is True:
        history.append(lang.gettext(PRETERM_BIRTH))
    if profile.prior_second_trimester_loss is True:
        history.append(lang.gettext(MID_PREGNANCY_LOSS))
    history += labels
    values: dict[str, Any] = {
        "risk_factors": lang.list(labels) if labels else lang.gettext(NONE_RECORDED),
        "history": lang.list(history) if history else lang.gettext(NOTHING_RECORDED),
        "cerclage_placed_on": shown(profile.cerclage_placed_on),
        "short_cervix_found_on": shown(facts.short_cervix_found_on),
        "membranes_ruptured_on": shown(profile.membranes_ruptured_on),
    }
    return rule.reason.format_map(values)
