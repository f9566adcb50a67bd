"""plan(): dating x profile x protocol -> Plan. (replan(), a stored plan planned
again, is in :mod:`care_timeline.replanning`.)

The engine is generic: every week number and every decision comes from the
protocol data. This module knows only what each condition name means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, NamedTuple

from ._i18n import language
from .dates import parse_date
from .dating import MAX_GESTATIONAL_AGE, Dating
from .errors import DatingError, PlanError, ProfileError
from .gestational_age import GestationalAge
from .ongoing import check_against_today, event_after, what
from .phrases import (
    DATE_NOT_RECORDED,
    DAY_AND_AGE,
    MID_PREGNANCY_LOSS,
    NONE_RECORDED,
    PRETERM_BIRTH,
    PRETERM_BIRTH_AT,
)
from .plan_model import Milestone, NoLongerPlanned, Plan, ProtocolRef, Trimester, timing_of
from .profile import Profile, preterm_birth, ruptured
from .protocol import check_default_language, default_protocol
from .protocol.model import RISK_FACTOR_PREFIX, DateSource, MilestoneSpec, Protocol, Rule
from .safe_text import control_character
from .vocabulary import END_CAUSES, EndCause, MilestoneKind

__all__ = ["plan"]

MAX_PLAN_ID_LENGTH = 200


@dataclass(frozen=True)
class _Facts:
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

    def before_waters(self) -> _Facts:
        """What the rules knew before the waters broke: that fact unknown."""
        return replace(self, waters_broke_on=None)


def _short(f: _Facts) -> bool:
    return f.short_cervix is True


_CONDITIONS: dict[str, Callable[[_Facts, date], bool]] = {
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


def _holds(condition: str, facts: _Facts, end: date) -> bool:
    if condition.startswith(RISK_FACTOR_PREFIX):
        return condition.removeprefix(RISK_FACTOR_PREFIX) in facts.profile.risk_factors
    return _CONDITIONS[condition](facts, end)


def plan(
    dating: Dating,
    profile: Profile | None = None,
    protocol: Protocol | None = None,
    today: date | str | None = None,
    plan_id: str | None = None,
    *,
    language: str | None = None,
    ended_on: date | str | None = None,
    ended_because: EndCause | None = None,
) -> Plan:
    """Date every milestone of ``protocol`` for this pregnancy and decide what applies.

    ``today`` (a ``date`` or ISO 8601 text) defaults to the real today; pass it
    for reproducible output. The pregnancy must be going on ``today``: a dating
    event (LMP, conception, transfer, scan, the day of a gestational age) after
    today, or a due date that puts today past 44w6d, is a :class:`DatingError`
    naming the input and both dates. To plan a past pregnancy, pass its own today.
    ``language`` picks the default protocol's translation (and with it the words
    every export writes); a protocol passed in brings its own language, which
    ``language``, if given, must match.

    ``ended_on`` (with ``ended_because``: ``birth``, ``loss`` or ``other``, the
    default) records that the plan ended: after a birth, a loss or another end,
    every export cancels what was still to come. An ended plan may lie in the
    past: the pregnancy must have been going on on the day it ended, which must
    be on or before today.

    >>> from datetime import date
    >>> p = plan(Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
    >>> str(p.gestational_age_today), p.milestones[0].id, p.milestones[0].start
    ('16w1d', 'cervical-change-risk', datetime.date(2026, 10, 26))
    """
    if not isinstance(dating, Dating):
        raise DatingError(field="dating", value=type(dating).__name__, allowed="a Dating")
    profile = Profile() if profile is None else profile
    if not isinstance(profile, Profile):
        raise ProfileError(field="profile", value=type(profile).__name__, allowed="a Profile")
    protocol = _protocol(protocol, language)
    today = date.today() if today is None else parse_date(today, field="today", error=PlanError)
    _check_plan_id(plan_id)
    end, cause = _end(ended_on, ended_because, dating, today)
    # A plan that records its end may lie in the past: the pregnancy was going on
    # on the day it ended (no dating event after it, and no later than 44w6d).
    check_against_today(dating, end or today)
    _check_profile(profile, protocol, dating, today)
    facts = _facts(profile, protocol, dating, today)
    decided = [_milestone(spec, dating, facts, protocol, today) for spec in protocol.milestones]
    milestones = _with_alternatives(decided)
    milestones.sort(key=lambda item: item.start)  # stable: equal starts keep file order
    trimesters = [
        Trimester(
            name=stage.name,
            start=dating.date_at(stage.start),
            end=None if stage.end is None else dating.date_at(stage.end),
            start_ga=stage.start,
            end_ga=stage.end,
        )
        for stage in protocol.trimesters
    ]
    ongoing = end is None
    return Plan(
        protocol=ProtocolRef(
            id=protocol.id,
            version=protocol.version,
            title=protocol.title,
            language=protocol.language,
            source=protocol.source,
        ),
        dating=dating,
        profile=profile,
        plan_id=plan_id,
        today=today,
        gestational_age_today=(
            dating.gestational_age_on(today) if end is None or today <= end else None
        ),
        milestones=tuple(milestones if end is None else _until(end, milestones, dating, today)),
        warning_signs=protocol.warning_signs if ongoing else (),
        urgent_advice=protocol.urgent_advice if ongoing else None,
        clinician_note=protocol.clinician_note,
        trimesters=tuple(trimesters if end is None else _stages_until(end, trimesters, dating)),
        ended_on=end,
        ended_because=cause,
        no_longer_planned=() if end is None else _after(end, milestones),
    )


def _until(end: date, milestones: list[Milestone], dating: Dating, today: date) -> list[Milestone]:
    """What a plan that ended on ``end`` still shows: the milestones that began by then,
    each as far as it went (a window or series that ran past the end stops on that day,
    a series at its last occurrence by then), with no warning signs, and no alternative
    left that the end took away."""
    kept = [item for item in milestones if item.start <= end]
    ids = {item.id for item in kept}
    shown = []
    for item in kept:
        update: dict[str, Any] = {"warning_signs": False}
        if item.alternative is not None and item.alternative not in ids:
            update["alternative"] = None
        if item.end > end:
            occurrences = tuple(day for day in item.occurrences if day <= end)
            last = occurrences[-1] if occurrences else end
            update.update(
                end=last,
                end_ga=_ga(dating, last),
                occurrences=occurrences,
                timing=timing_of(item.start, last, today),
            )
        shown.append(item.model_copy(update=update))
    return shown


def _after(end: date, milestones: list[Milestone]) -> tuple[NoLongerPlanned, ...]:
    """The milestones that lay wholly after a plan's end: no longer planned."""
    return tuple(
        NoLongerPlanned(
            id=item.id, title=item.title, kind=item.kind, category=item.category, start=item.start
        )
        for item in milestones
        if item.start > end
    )


def _stages_until(end: date, stages: list[Trimester], dating: Dating) -> list[Trimester]:
    """The stages of pregnancy a plan that ended on ``end`` went through, the last one
    as far as it went."""
    shown = []
    for stage in stages:
        if stage.start > end:
            break
        if stage.end is None or stage.end > end:
            stage = stage.model_copy(update={"end": end, "end_ga": _ga(dating, end)})
        shown.append(stage)
    return shown


def _end(
    ended_on: date | str | None, ended_because: object, dating: Dating, today: date
) -> tuple[date | None, EndCause | None]:
    """The day and cause of the plan's end, checked: a day of the pregnancy (from
    day 0 to 44w6d, and on or after the days it was dated by), on or before today;
    a cause from :data:`END_CAUSES`."""
    if ended_on is None:
        if ended_because is not None:
            raise PlanError(
                field="ended_because", value=ended_because, allowed="only with ended_on"
            )
        return None, None
    day = parse_date(ended_on, field="ended_on", error=PlanError)
    cause = "other" if ended_because is None else ended_because
    if cause not in END_CAUSES:
        raise PlanError(field="ended_because", value=cause, allowed=", ".join(END_CAUSES))
    # The pregnancy was going on that day: from day 0, to today and to 44w6d at the
    # latest, and on or after every day it was dated by (a scan, say).
    latest = dating.date_at(MAX_GESTATIONAL_AGE)
    if latest < today:
        last = f"{MAX_GESTATIONAL_AGE} ({latest.isoformat()})"
    else:
        latest, last = today, f"today ({today.isoformat()})"
    if not dating.day_zero <= day <= latest:
        raise PlanError(
            field="ended_on",
            value=day.isoformat(),
            allowed=f"a day from the pregnancy's day 0 ({dating.day_zero.isoformat()}) to {last}",
        )
    found = event_after(dating, day)
    if found is not None:
        input_name, when = found
        raise PlanError(
            field="ended_on",
            value=day.isoformat(),
            allowed=f"a day on or after {when.isoformat()} ({what(input_name)} the "
            "pregnancy was dated by)",
        )
    return day, next(known for known in END_CAUSES if known == cause)


def _protocol(protocol: Protocol | None, language: str | None) -> Protocol:
    if protocol is None:
        return default_protocol(check_default_language(language))
    if not isinstance(protocol, Protocol):
        raise PlanError(field="protocol", value=type(protocol).__name__, allowed="a Protocol")
    if language is not None and language != protocol.language:
        raise PlanError(
            field="language",
            value=language,
            allowed=f"the protocol's own language, {protocol.language!r} (or none)",
        )
    return protocol


def _check_plan_id(plan_id: str | None) -> None:
    if plan_id is None:
        return
    if (
        not isinstance(plan_id, str)
        or not plan_id.strip()
        or len(plan_id) > MAX_PLAN_ID_LENGTH
        or control_character(plan_id, allow="") is not None
    ):
        raise PlanError(
            field="plan_id",
            value=plan_id,
            allowed=f"non-empty text of at most {MAX_PLAN_ID_LENGTH} characters, no control characters",
        )


DATED_FACTS = (
    "membranes_ruptured_on",
    "short_cervix_on",
    "cervical_length_on",
    "cerclage_placed_on",
)
"""The profile's days something happened: none outside the pregnancy."""
NOT_AFTER_TODAY = ("membranes_ruptured_on",)
"""The days that cannot be after today (a day the waters broke that has not come yet
would end windows that have not ended)."""


def _check_profile(profile: Profile, protocol: Protocol, dating: Dating, today: date) -> None:
    known = [factor.id for factor in protocol.risk_factors]
    for factor in profile.risk_factors:
        if factor not in known:
            raise ProfileError(
                field="risk_factors", value=factor, allowed="one of " + ", ".join(known)
            )
    first, last = dating.day_zero, dating.date_at(MAX_GESTATIONAL_AGE)
    for field in DATED_FACTS:
        value: date | None = getattr(profile, field)
        if value is None:
            continue
        if not first <= value <= last:
            raise ProfileError(
                field=field,
                value=value.isoformat(),
                allowed=f"a date within the pregnancy, from day 0 ({first.isoformat()}) "
                f"to {MAX_GESTATIONAL_AGE} ({last.isoformat()})",
            )
        if field in NOT_AFTER_TODAY and value > today:
            allowed = f"a day on or before today ({today.isoformat()})"
            raise ProfileError(
                f"{field}: {value.isoformat()} is after today ({today.isoformat()}); "
                f"expected {allowed}",
                field=field,
                value=value.isoformat(),
                allowed=allowed,
            )
    if ruptured(profile) and profile.membranes_ruptured_on is None and today < first:
        # Undated, the waters broke by today; but today is before the pregnancy began.
        raise ProfileError(
            field="membranes_ruptured",
            value="yes",
            allowed=f"a today on or after the pregnancy's day 0 ({first.isoformat()}), "
            "or the waters left unknown",
        )


def _facts(profile: Profile, protocol: Protocol, dating: Dating, today: date) -> _Facts:
    limits = protocol.short_cervix
    length = profile.cervical_length_mm
    if profile.short_cervix is not None:
        short, found_on = profile.short_cervix, profile.short_cervix_on
    elif length is not None:
        short = limits.is_short(length)
        found_on = profile.cervical_length_on if short else None
    else:
        short, found_on = None, None
    found_early: bool | None = None
    at_most: bool | None = None
    if short is True:
        if limits.found_early_before is not None:
            limit = dating.date_at(limits.found_early_before)
            if found_on is not None:
                found_early = found_on < limit
            elif today < limit:
                # An undated finding was known by today at the latest, so it was early
                # if today is; after the limit, when it was found is unknown.
                found_early = True
        if limits.progesterone_threshold_mm is not None:
            # A stated short cervix is trusted as short enough, unless a measured
            # length above the progesterone threshold says otherwise.
            at_most = length is None or limits.at_most_progesterone_threshold(length)
    born = preterm_birth(profile)
    week, history = profile.prior_preterm_birth_ga, protocol.prior_preterm_birth
    early = week is not None and history is not None and week < history.early_before
    waters = (profile.membranes_ruptured_on or today) if ruptured(profile) else None
    return _Facts(profile, short, found_on, found_early, at_most, born, early, waters)


def _decide(spec: MilestoneSpec, facts: _Facts, end: date) -> Rule:
    for rule in spec.rules:
        if all(_holds(condition, facts, end) for condition in rule.when):
            return rule
    raise AssertionError("protocol validation guarantees an unconditional last rule")


class _Window(NamedTuple):
    rule: Rule
    facts: _Facts
    """The facts the rule was decided on (without a fact dated after the window)."""
    kind: MilestoneKind
    start: date
    end: date
    reason: str


def _window(
    spec: MilestoneSpec, rule: Rule, facts: _Facts, protocol: Protocol, dating: Dating
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
    spec: MilestoneSpec, facts: _Facts, protocol: Protocol, dating: Dating
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


def _milestone(
    spec: MilestoneSpec, dating: Dating, facts: _Facts, protocol: Protocol, today: date
) -> _Decided:
    rule, facts, kind, start, end, reason = _decided_window(spec, facts, protocol, dating)
    occurrences: tuple[date, ...] = ()
    if spec.every_days is not None:
        occurrences = _series(start, end, spec.every_days)
        start, end = occurrences[0], occurrences[-1]
    item = Milestone(
        id=spec.id,
        title=rule.title or spec.title,
        kind=kind,
        category=spec.category,
        start=start,
        end=end,
        start_ga=_ga(dating, start),
        end_ga=_ga(dating, end),
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
    )
    return _Decided(item, rule.alternative)


class _Decided(NamedTuple):
    item: Milestone
    alternative: str | None
    """The milestone its deciding rule names as the other option."""


def _with_alternatives(decided: list[_Decided]) -> list[Milestone]:
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
            item = item.model_copy(update={"alternative": other.item.id})
        milestones.append(item)
    return milestones


def _series(start: date, end: date, every_days: int) -> tuple[date, ...]:
    count = (end - start).days // every_days + 1
    return tuple(start + timedelta(days=every_days * n) for n in range(count))


def _ga(dating: Dating, day: date) -> GestationalAge:
    # GestationalAge.between, not Dating.gestational_age_on: the dates are checked
    # already, and reading them again as text costs a plan a tenth of its time.
    ga = GestationalAge.between(dating.due_date, day)
    if ga is None:  # guarded by _check_profile: no milestone date precedes day 0
        raise AssertionError(f"{day} is before day 0")
    return ga


def _reason(rule: Rule, facts: _Facts, protocol: Protocol, dating: Dating) -> str:
    if "{" not in rule.reason and "}" not in rule.reason:
        return rule.reason  # no placeholders (most reasons): nothing to fill in
    lang = language(protocol.language)

    def shown(day: date | None) -> str:
        if day is None:
            return lang.gettext(DATE_NOT_RECORDED)
        return lang.format(DAY_AND_AGE, date=day.isoformat(), ga=lang.ga(_ga(dating, day)))

    profile = facts.profile
    labels = [protocol.risk_factor_label(factor) for factor in profile.risk_factors]
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
        "history": lang.list(history) if history else lang.gettext(NONE_RECORDED),
        "cerclage_placed_on": shown(profile.cerclage_placed_on),
        "short_cervix_found_on": shown(facts.short_cervix_found_on),
        "membranes_ruptured_on": shown(profile.membranes_ruptured_on),
    }
    return rule.reason.format_map(values)
