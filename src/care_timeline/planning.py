"""plan(): dating x profile x protocols -> Plan. (replan(), a stored plan planned
again, is in :mod:`care_timeline.replanning`; how each milestone is decided and
dated, in :mod:`care_timeline._deciding`.)

Here: what plan() checks of its inputs (a plan id, the profile's days, a plan's
end), how several protocols make one plan (composition: their milestones side by
side, each knowing its protocol, a milestone two of them share kept once), and what
a plan that ended holds: what came before its end, cut at it, and the names of what
lay after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ._deciding import decide, facts_of, ga_on, with_alternatives
from .composition import (
    ProtocolChoice,
    clinician_note_of,
    compose,
    protocol_ref,
    protocols_of,
    urgent_advice_of,
    warning_signs_of,
)
from .content import PLAN_ID_ALLOWED, check_plan_id
from .dates import parse_date
from .dating import MAX_GESTATIONAL_AGE, Dating, check_supported
from .errors import DatingError, PlanError, ProfileError
from .ongoing import after_today, check_against_today, event_after, what
from .plan_model import (
    Milestone,
    NoLongerPlanned,
    Plan,
    Trimester,
    cut_at,
)
from .profile import Profile, fact_kind, facts
from .protocol.model import Protocol
from .vocabulary import END_CAUSES, EndCause

__all__ = ["last_valid_today", "plan"]


def plan(
    dating: Dating,
    profile: Profile | None = None,
    protocol: ProtocolChoice = None,
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

    ``protocol`` is a :class:`Protocol`, the name of a shipped one
    (``"who-anc-2016"``, see :func:`~care_timeline.shipped_protocols`), or a list of
    them: ``protocol=["cervical-insufficiency", "who-anc-2016"]`` composes one plan of
    their milestones, each knowing its protocol (``Milestone.protocol``). The first
    leads: the plan's title and identity are its (and its trimesters, unless it has
    none); the warning signs and clinician notes are every protocol's, each once. A
    milestone two of
    them share (the same id, kind, weeks and category: the due date) is kept once, as
    the first that has it states it; any other id two of them use is refused, as are
    protocols in different languages. Names are read in ``language`` (else in the
    language of the protocols given with them, else English).

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
    protocols = protocols_of(protocol, language)
    today = date.today() if today is None else parse_date(today, field="today", error=PlanError)
    check_supported(today, field="today", error=PlanError)
    _check_plan_id(plan_id)
    end, cause = _end(ended_on, ended_because, dating, today)
    # A plan that records its end may lie in the past: the pregnancy was going on
    # on the day it ended (no dating event after it, and no later than 44w6d). Every
    # check of today here and in _end and _check_profile: see last_valid_today.
    check_against_today(dating, end or today)
    _check_profile(profile, protocols, dating, today)
    composed = len(protocols) > 1
    milestones: list[Milestone] = []
    for each, specs in compose(protocols):
        facts = facts_of(profile, each, dating, today)
        tag = each.id if composed else None
        decided = [decide(spec, dating, facts, each, today, tag=tag) for spec in specs]
        milestones.extend(with_alternatives(decided))
    # Stable: equal starts keep the order of the protocols, then of each file.
    milestones.sort(key=lambda item: item.start)
    staged = next((each for each in protocols if each.trimesters), protocols[0])
    trimesters = [
        Trimester._made(
            name=stage.name,
            start=dating.date_at(stage.start),
            end=None if stage.end is None else dating.date_at(stage.end),
            start_ga=stage.start,
            end_ga=stage.end,
        )
        for stage in staged.trimesters
    ]
    ongoing = end is None
    refs = [protocol_ref(each) for each in protocols]
    return Plan(
        protocol=refs[0],
        protocols=tuple(refs) if composed else (),
        dating=dating,
        profile=profile,
        plan_id=plan_id,
        today=today,
        gestational_age_today=(
            dating.gestational_age_on(today) if end is None or today <= end else None
        ),
        milestones=tuple(milestones if end is None else _until(end, milestones, dating, today)),
        warning_signs=warning_signs_of(protocols) if ongoing else (),
        urgent_advice=urgent_advice_of(protocols) if ongoing else None,
        clinician_note=clinician_note_of(protocols),
        trimesters=tuple(trimesters if end is None else _stages_until(end, trimesters, dating)),
        ended_on=end,
        ended_because=cause,
        no_longer_planned=() if end is None else _after(end, milestones),
    )


def _until(end: date, milestones: list[Milestone], dating: Dating, today: date) -> list[Milestone]:
    """What a plan that ended on ``end`` still shows: the milestones that began by then,
    each as far as it went, with no warning signs, and no alternative left that the end
    took away."""
    kept = [item for item in milestones if item.start <= end]
    ids = {item.id for item in kept}
    shown = []
    for item in kept:
        update: dict[str, Any] = {"warning_signs": False}
        if item.alternative is not None and item.alternative not in ids:
            update["alternative"] = None
        shown.append(cut_at(item, end, dating.due_date, today)._changed(**update))
    return shown


def _after(end: date, milestones: list[Milestone]) -> tuple[NoLongerPlanned, ...]:
    """The milestones that lay wholly after a plan's end: no longer planned."""
    return tuple(
        NoLongerPlanned._made(
            id=item.id,
            title=item.title,
            kind=item.kind,
            category=item.category,
            start=item.start,
            protocol=item.protocol,
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
            stage = stage._changed(end=end, end_ga=ga_on(dating, end))
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


def last_valid_today(dating: Dating, ended_on: date | None) -> date:
    """The last today on which :func:`plan` still plans a pregnancy it planned on an
    earlier today, with the same dating, profile, protocols and end.

    Every check :func:`plan` makes of its today holds on any later today once it held:
    no dating event, dated fact or end after today, today not before day 0. The one that stops holding is 44w6d: a
    pregnancy going on is refused from the day after it reaches 44w6d. A plan that
    ended has its end checked against 44w6d instead of today, so it stays plannable
    on every later today (``date.max``)."""
    return date.max if ended_on is not None else dating.date_at(MAX_GESTATIONAL_AGE)


def _check_plan_id(plan_id: str | None) -> None:
    if plan_id is None:
        return
    try:
        check_plan_id(plan_id)
    except ValueError:
        raise PlanError(field="plan_id", value=plan_id, allowed=PLAN_ID_ALLOWED) from None


DATED_FACTS = tuple(name for name, (_, info) in facts().items() if fact_kind(info) == "date")
"""The profile's days something happened (the waters broke, a short cervix was found, a
length measured, a stitch placed): none after today, none outside the pregnancy. A day
that has not come yet is a slip (a year or a month typed wrong) that would change what
applies: a stitch in place tomorrow is not a stitch in place today."""


def _check_profile(
    profile: Profile, protocols: Sequence[Protocol], dating: Dating, today: date
) -> None:
    known = list(dict.fromkeys(factor.id for each in protocols for factor in each.risk_factors))
    for factor in profile.risk_factors:
        if factor not in known:
            allowed = (
                "one of " + ", ".join(known)
                if known
                else "none: the plan's protocols list no risk factors"
            )
            raise ProfileError(field="risk_factors", value=factor, allowed=allowed)
    first, last = dating.day_zero, dating.date_at(MAX_GESTATIONAL_AGE)
    for field in DATED_FACTS:
        value: date | None = getattr(profile, field)
        if value is None:
            continue
        if value > today:
            raise after_today(field, value, today, ProfileError)
        if not first <= value <= last:
            raise ProfileError(
                field=field,
                value=value.isoformat(),
                allowed=f"a date within the pregnancy, from day 0 ({first.isoformat()}) "
                f"to {MAX_GESTATIONAL_AGE} ({last.isoformat()})",
            )
