"""Plans an app stored, read and planned again: :func:`load_plan` reads a plan file
within its size limit, and :func:`replan` rebuilds a plan from its own JSON (the
dating, profile, plan id and end it records) for another day."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

from .composition import ProtocolChoice, protocols_of
from .errors import PlanError
from .files import read_bounded, utf8_text
from .plan_model import MAX_PLAN_BYTES, Plan
from .planning import plan
from .protocol import (
    default_languages,
    default_protocol,
    shipped_protocol,
    shipped_protocols,
)
from .safe_text import for_terminal

__all__ = ["load_plan", "replan"]


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """A plan saved as JSON (``plan.model_dump_json()``, ``care-timeline plan --format
    json``) read from a file, a pipe or ``/dev/stdin`` and checked as it loads.

    The file is read only up to :data:`~care_timeline.plan_model.MAX_PLAN_BYTES` (8 MiB;
    a larger regular file is refused before a byte is read), must be UTF-8 (a byte-order
    mark is skipped; Latin-1 or UTF-16 text is refused, saying so) and must be a plan
    whose dates, texts and ids hold (see :meth:`Plan.model_validate_json`). Every fault
    is one :class:`PlanError` whose message starts with the file's name.
    """
    name = os.fspath(path)
    data = read_bounded(name, MAX_PLAN_BYTES, PlanError, what="a plan", field="plan")
    shown = for_terminal(name)
    text = utf8_text(data, shown, PlanError, field="plan")
    try:
        return Plan.model_validate_json(text)
    except PlanError as err:
        raise PlanError(
            f"{shown}: {err}", field=err.field, value=err.value, allowed=err.allowed
        ) from None


def replan(
    stored: Plan | str | bytes | Mapping[str, Any],
    *,
    today: date | str | None = None,
    protocol: ProtocolChoice = None,
) -> Plan:
    """Plan again from what a plan recorded: its dating, its profile and its plan
    id, for another ``today`` (default: the real today).

    ``stored`` is a :class:`Plan`, its JSON (``plan.model_dump_json()``), or that
    JSON already read into a mapping; it is checked as it loads (a
    :class:`PlanError` names the field at fault). The plan is made with
    ``protocol`` (default: the default protocol, in the plan's language where it
    is shipped in it), which must be the one the
    stored plan was made with, same id and same version: another protocol's
    rules would silently change what applies. A composed plan is planned again with
    the protocols it was made with: by default the shipped ones of the same names; pass
    them (``protocol=[...]``, in the plan's order) when one is a clinic's own.

    >>> from datetime import date
    >>> from care_timeline import Dating
    >>> first = plan(Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
    >>> later = replan(first.model_dump_json(), today="2027-01-05")
    >>> str(later.gestational_age_today), later.dating == first.dating
    ('22w1d', True)
    """
    if isinstance(stored, str | bytes | bytearray):
        stored = Plan.model_validate_json(stored)
    elif isinstance(stored, Mapping):
        stored = Plan.model_validate(stored)
    elif not isinstance(stored, Plan):
        raise PlanError(
            field="plan",
            value=type(stored).__name__,
            allowed="a Plan, its JSON text, or that JSON read into a dict",
        )
    recorded = stored.made_from
    if protocol is None:
        # The shipped protocols of the same names (the default for another name) in the
        # plan's own language, so their words stay the same.
        shipped = recorded[0].language in default_languages()
        language = recorded[0].language if shipped else "en"
        protocols = tuple(
            shipped_protocol(ref.id, language)
            if ref.id in shipped_protocols()
            else default_protocol(language)
            for ref in recorded
        )
    else:
        protocols = protocols_of(protocol)
    given = [(each.id, each.version) for each in protocols]
    if given != [(ref.id, ref.version) for ref in recorded]:
        made = " and ".join(f"{ref.id!r} version {ref.version}" for ref in recorded)
        passed = " and ".join(f"{name!r} version {version}" for name, version in given)
        raise PlanError(
            f"protocol: the plan was made with {made}, not {passed}; pass "
            f"{'that protocol' if len(recorded) == 1 else 'those protocols, in that order'} "
            "(protocol=load_protocol(...)) to plan it again",
            field="protocol",
            value=", ".join(f"{name} version {version}" for name, version in given),
            allowed=", ".join(f"{ref.id} version {ref.version}" for ref in recorded),
        )
    if stored.profile is None:
        raise PlanError(
            "profile: not recorded in this plan (it was stored before plans recorded "
            "their profile); plan it again with plan(dating, profile, ...)",
            field="profile",
            allowed="a plan that records its profile",
        )
    return plan(
        stored.dating,
        stored.profile,
        protocol=list(protocols) if len(protocols) > 1 else protocols[0],
        today=today,
        plan_id=stored.plan_id,
        ended_on=stored.ended_on,
        ended_because=stored.ended_because,
    )
