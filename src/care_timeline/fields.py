"""The patient fields: what a batch CSV file's columns and the command line's
flags hold, and the :class:`Dating` and :class:`Profile` built from them.

A field set is a mapping from the batch CSV's column names (the command-line
flag names with underscores) to text. Empty or missing means unknown. Every
fault is the library's own error naming the field. Dates are read by
:mod:`care_timeline.dates`; yes/no facts by :func:`parse_yes_no`, here.

It is one piece because it is the one reading of a patient's fields, for a batch
row and for the command line's flags alike: the dating, the facts, the end and
how their errors name the fields (columns, or the flags a caller passes) must
agree, or a batch row and the same flags would give different plans.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import get_args

from pydantic.fields import FieldInfo

from ._deciding import today_matters
from ._i18n import case_forms
from .composition import ProtocolChoice
from .dates import DateOrder, parse_date
from .dating import Dating
from .errors import DatingError, PlanError, ProfileError
from .gestational_age import GestationalAge
from .ongoing import check_against_today, check_events
from .plan_model import Plan
from .planning import last_valid_today, plan
from .profile import Fact, FactKind, Profile, fact_kind, facts
from .protocol import Protocol
from .vocabulary import END_CAUSES, EndCause

__all__ = [
    "COLUMN_ALIASES",
    "DATING_FIELDS",
    "END_FIELDS",
    "FIELDS",
    "PROFILE_FIELDS",
    "FieldValue",
    "dating_from_fields",
    "end_from_fields",
    "parse_yes_no",
    "plan_from_fields",
    "profile_from_fields",
    "today_free_until",
]

FieldValue = str | bool | int | float | Sequence[str] | None
"""A field's value: text as a form or a CSV cell holds it, or a value already read
(a yes/no, a number, a list of risk factors); ``None`` or empty text is unknown."""

DATING_FIELDS = (
    "due_date",
    "lmp",
    "cycle_length",
    "ga",
    "ga_on",
    "conception",
    "transfer",
    "embryo_age",
    "crl",
    "scan_ga",
    "scan_date",
)
"""The fields that date the pregnancy: one way of dating and its inputs."""
_COLUMNS = {name: fact.column or name for name, (fact, _) in facts().items()}
"""Each profile field's column (and flag, with ``-``): its name, unless its Fact says."""
PROFILE_FIELDS = tuple(_COLUMNS.values())
"""The patient facts' columns, in the profile's order (see :func:`~care_timeline.profile.facts`)."""
END_FIELDS = ("ended_on", "ended_because")
"""A plan that ended: the day, and why (birth, loss or other)."""
FIELDS = ("id", *DATING_FIELDS, *PROFILE_FIELDS, *END_FIELDS)
"""Every field: a patients file's columns (``id`` first), the command line's flags with
underscores."""
COLUMN_ALIASES = {
    old: _COLUMNS[name] for name, (fact, _) in facts().items() for old in fact.old_columns
}
"""Earlier names of columns, still read: each with the column it is now
(``cervical_length`` is ``cervical_length_mm``). A row holds one or the other."""

# Each dating method, the field that names it, and the fields that only go with it.
_METHODS: dict[str, tuple[str, ...]] = {
    "due_date": (),
    "lmp": ("cycle_length",),
    "ga": ("ga_on",),
    "conception": (),
    "transfer": ("embryo_age",),
    "crl": ("scan_date",),
    "scan_ga": ("scan_date",),
}
# An ultrasound stands alone, or beside an LMP to reconcile the two.
_SCANS = ("crl", "scan_ga")


# -- yes/no -----------------------------------------------------------------------

# English and Turkish, whatever the language of the plan: a Turkish clinic's sheet may
# be read with --language en, and no word means yes in one language and no in the other.
# Turkish: evet (yes), hayır (no), their first letters as a form's E/H, and var/yok
# (there is / there is none), the way a Turkish record states a finding.
_YES = frozenset({"yes", "y", "true", "1", "evet", "e", "var"})
_NO = frozenset({"no", "n", "false", "0", "hayır", "hayir", "h", "yok"})
YES_NO_ALLOWED = "yes/no/true/false/1/0 or evet/hayır/var/yok, or empty for unknown"


def parse_yes_no(value: str | bool | int | None, *, field: str) -> bool | None:
    """``yes/no/true/false/1/0``, or the Turkish ``evet/hayır`` (also written
    ``hayir``), ``e/h`` and ``var/yok``, in any case (Turkish rules: ``HAYIR`` is
    ``hayır``), or empty for unknown.

    >>> parse_yes_no("Yes", field="x"), parse_yes_no("", field="x"), parse_yes_no("HAYIR", field="x")
    (True, None, False)
    """
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip()
    if not text:
        return None
    for word in case_forms(text):
        if word in _YES:
            return True
        if word in _NO:
            return False
    raise ProfileError(field=field, value=value, allowed=YES_NO_ALLOWED)


def _text(fields: Mapping[str, FieldValue], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return str(value)
    if not isinstance(value, str):
        raise DatingError(field=name, value=value, allowed="text")
    value = value.strip()
    return value or None


def _int(
    fields: Mapping[str, FieldValue], name: str, error: type[DatingError | ProfileError]
) -> int | None:
    text = _text(fields, name)
    if text is None:
        return None
    try:
        return int(text, 10)
    except ValueError:
        raise error(field=name, value=text, allowed="a whole number") from None


def _yes_no(fields: Mapping[str, FieldValue], name: str) -> bool | None:
    value = fields.get(name)
    if value is not None and not isinstance(value, str | bool | int):
        raise ProfileError(field=name, value=value, allowed=YES_NO_ALLOWED)
    return parse_yes_no(value, field=name)


def _date(fields: Mapping[str, FieldValue], name: str, order: DateOrder | None) -> date | None:
    text = _text(fields, name)
    return None if text is None else parse_date(text, field=name, date_order=order)


def dating_from_fields(
    fields: Mapping[str, FieldValue],
    *,
    today: date | str,
    date_order: DateOrder | None = None,
    names: Mapping[str, str] | None = None,
) -> Dating:
    """Exactly one dating method from the fields (``ga`` without ``ga_on`` means today);
    ``lmp`` with a scan (``crl`` or ``scan_ga``, and ``scan_date``) means reconcile the two.
    Pass the end fields too (``ended_on``), as a batch row has them: a plan that ended
    may lie in the past. An error that names fields names them as ``names`` says (the
    command line passes its flags, ``--due-date`` for ``due_date``; default: the
    columns). ``today``: a ``date``, or text read like the fields' dates."""
    if not isinstance(today, date):
        today = parse_date(today, field="today", date_order=date_order, error=DatingError)
    name_of = _namer(names)
    given = [name for name in _METHODS if _text(fields, name) is not None]
    if not given:
        choices = ", ".join(name_of(name) for name in _METHODS)
        raise DatingError(
            f"dating: none given; expected one way of dating: {choices}",
            field="dating",
            value=None,
            allowed=f"one of {choices}",
        )
    scans = [name for name in given if name in _SCANS]
    if len(scans) > 1 or (scans and any(name not in ("lmp", *_SCANS) for name in given)):
        raise _two_ways(given, name_of)
    if not scans and len(given) > 1:
        raise _two_ways(given, name_of)
    for extra in dict.fromkeys(e for extras in _METHODS.values() for e in extras):
        owners = [name for name, extras in _METHODS.items() if extra in extras]
        if _text(fields, extra) is not None and not any(name in given for name in owners):
            raise DatingError(
                field=extra,
                value=_text(fields, extra),
                allowed="only with " + " or ".join(name_of(owner) for owner in owners),
            )
    if scans:
        ultrasound = _ultrasound(fields, scans[0], date_order)
        if "lmp" not in given:
            return ultrasound
        return Dating.reconcile(_lmp(fields, date_order), ultrasound)
    method = given[0]
    if method == "due_date":
        return Dating.from_due_date(_required_date(fields, "due_date", date_order))
    if method == "lmp":
        return _lmp(fields, date_order)
    if method == "ga":
        ga = GestationalAge.parse(_text(fields, "ga") or "", field="ga")
        # Without its day, the age is today's (a use of today: see today_free_until).
        on = _date(fields, "ga_on", date_order) or today
        try:
            dating = Dating.from_gestational_age(ga, on=on)
        except DatingError as err:
            if err.field != "on":
                raise
            # The library names its own parameter (on); here the field is ga_on, or
            # today when ga_on was left out.
            field = "ga_on" if _text(fields, "ga_on") is not None else "today"
            raise DatingError(field=field, value=err.value, allowed=err.allowed) from None
        # plan() makes this check too, naming the API's "on"; here the column is ga_on.
        # A plan that ended may lie in the past: plan() checks its end against 44w6d.
        if _text(fields, "ended_on") is None:
            check_against_today(dating, today, names={"on": "ga_on"})
        else:
            check_events(dating, today, names={"on": "ga_on"})
        return dating
    if method == "conception":
        return Dating.from_conception(_required_date(fields, "conception", date_order))
    age = _int(fields, "embryo_age", DatingError)
    if age is None:
        allowed = f"the embryo's age at transfer, 2-7 days, with {name_of('transfer')}"
        raise DatingError(
            f"embryo_age: missing; expected {allowed}", field="embryo_age", allowed=allowed
        )
    return Dating.from_embryo_transfer(
        _required_date(fields, "transfer", date_order), embryo_age_days=age
    )


def _namer(names: Mapping[str, str] | None) -> Callable[[str], str]:
    """How the caller names each field in an error (default: as the column)."""
    return lambda name: (names or {}).get(name, name)


def _two_ways(given: Sequence[str], name_of: Callable[[str], str]) -> DatingError:
    """Two ways of dating given at once: the combination is at fault, not either value
    (``--due-date ... --crl 30`` is not a bad crown-rump length)."""
    both = " and ".join(name_of(name) for name in given)
    allowed = (
        f"one way of dating ({name_of('lmp')} with a scan, {name_of('crl')} or "
        f"{name_of('scan_ga')} with {name_of('scan_date')}, reconciles the two)"
    )
    return DatingError(
        f"dating: {both} given together; expected {allowed}",
        field="dating",
        value=", ".join(given),
        allowed=allowed,
    )


def _lmp(fields: Mapping[str, FieldValue], order: DateOrder | None) -> Dating:
    cycle = _int(fields, "cycle_length", DatingError)
    lmp = _required_date(fields, "lmp", order)
    return Dating.from_lmp(lmp) if cycle is None else Dating.from_lmp(lmp, cycle_length=cycle)


def _ultrasound(fields: Mapping[str, FieldValue], scan: str, order: DateOrder | None) -> Dating:
    scan_date = _date(fields, "scan_date", order)
    if scan_date is None:
        allowed = "the day of the scan"
        raise DatingError(
            f"scan_date: missing; expected {allowed}", field="scan_date", allowed=allowed
        )
    text = _text(fields, scan) or ""
    if scan == "scan_ga":
        return Dating.from_ultrasound(
            ga=GestationalAge.parse(text, field="scan_ga"), scan_date=scan_date
        )
    allowed = "a crown-rump length in mm, like 45 or 45.5"
    try:
        crl = float(text)
    except ValueError:
        raise DatingError(field="crl", value=text, allowed=allowed) from None
    if not math.isfinite(crl):
        raise DatingError(field="crl", value=text, allowed=allowed)
    try:
        return Dating.from_ultrasound(crl_mm=crl, scan_date=scan_date)
    except DatingError as err:
        if err.field != "crl_mm":
            raise
        # The library names its own parameter (crl_mm); here the field is crl.
        raise DatingError(field="crl", value=text, allowed=err.allowed) from err


def _required_date(fields: Mapping[str, FieldValue], name: str, order: DateOrder | None) -> date:
    value = _date(fields, name, order)
    assert value is not None  # the caller checked the field is there
    return value


def end_from_fields(
    fields: Mapping[str, FieldValue], *, date_order: DateOrder | None = None
) -> tuple[date | None, EndCause | None]:
    """The day a plan ended and why (``birth``, ``loss`` or ``other``), or nothing
    for a plan that runs; empty fields mean it runs."""
    ended_on = _date(fields, "ended_on", date_order)
    because = _text(fields, "ended_because")
    if because is not None:
        because = because.lower()
        if because not in END_CAUSES:
            raise PlanError(
                field="ended_because",
                value=because,
                allowed=", ".join(END_CAUSES) + ", or empty",
            )
        if ended_on is None:
            raise PlanError(field="ended_because", value=because, allowed="only with ended_on")
    cause = next((known for known in END_CAUSES if known == because), None)
    return ended_on, cause


def profile_from_fields(
    fields: Mapping[str, FieldValue], *, date_order: DateOrder | None = None
) -> Profile:
    """The patient's profile from the fields; empty fields stay unknown. Each fact is
    read from its column as :class:`~care_timeline.profile.Fact` says, and every
    fault names the column."""
    values: dict[str, object] = {}
    written: dict[str, str] = {}
    for name, (fact, info) in facts().items():
        column = written[name] = _column_given(fields, fact.column or name, fact.old_columns)
        value = _fact_value(fields, column, fact, fact_kind(info), info, date_order)
        if value is not None:
            values[name] = value
    try:
        return Profile.model_validate(values)
    except ProfileError as err:
        renamed = written.get(err.field or "")
        if renamed is None or renamed == err.field:
            raise
        # Name the column the user wrote, not the model's field.
        given = fields.get(renamed)
        raise ProfileError(
            field=renamed, value=given if given is not None else err.value, allowed=err.allowed
        ) from None


def _column_given(fields: Mapping[str, FieldValue], column: str, old: Sequence[str]) -> str:
    """The column a fact is read from: its own, or an earlier name of it that the
    fields hold (both, filled, is refused: which one holds the fact?)."""
    if not old:
        return column
    filled = [name for name in (column, *old) if _text(fields, name) is not None]
    if len(filled) > 1:
        raise ProfileError(
            field=filled[1],
            value=_text(fields, filled[1]),
            allowed=f"one of {' or '.join(filled)}, not both (the same fact)",
        )
    return filled[0] if filled else column


def _fact_value(
    fields: Mapping[str, FieldValue],
    column: str,
    fact: Fact,
    kind: FactKind,
    info: FieldInfo,
    date_order: DateOrder | None,
) -> object:
    if kind == "yes-no":
        return _yes_no(fields, column)
    if kind == "list":
        return _names(fields, column, fact)
    text = _text(fields, column)
    if text is None:
        return None
    if kind == "date":
        return parse_date(text, field=column, date_order=date_order)
    if kind == "gestational-age":
        return GestationalAge.parse(text, field=column)
    if kind == "whole-number":
        return _int(fields, column, ProfileError)
    if kind == "number":
        # The model reads a number from text, with its unit; a number a script
        # passed is in the field's own unit.
        raw = fields.get(column)
        return raw if isinstance(raw, int | float) and not isinstance(raw, bool) else text
    choices = get_args(next(a for a in get_args(info.annotation) if a is not type(None)))
    for known in choices:
        if text.lower() == known:
            return known
    raise ProfileError(
        field=column, value=text, allowed=" or ".join(choices) + ", or empty for unknown"
    )


def _names(fields: Mapping[str, FieldValue], column: str, fact: Fact) -> tuple[str, ...]:
    raw = fields.get(column)
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(part.strip() for part in raw.split(";") if part.strip())
    if isinstance(raw, Sequence):
        return tuple(str(part).strip() for part in raw if str(part).strip())
    raise ProfileError(field=column, value=raw, allowed=fact.allowed or "names separated by ';'")


def plan_from_fields(
    fields: Mapping[str, FieldValue],
    *,
    today: date | str,
    protocol: ProtocolChoice = None,
    date_order: DateOrder | None = None,
    plan_id: str | None = None,
    names: Mapping[str, str] | None = None,
) -> Plan:
    """A plan from the patient fields (a batch row, the command line's flags): its
    dating, its profile and its end, read from the fields, and planned for ``today``
    (a ``date``, or text read like the fields' dates). The one way from fields to a
    plan, so a batch row and the same flags give the same plan. ``names``: as for
    :func:`dating_from_fields`."""
    if not isinstance(today, date):
        today = parse_date(today, field="today", date_order=date_order, error=PlanError)
    dating = dating_from_fields(fields, today=today, date_order=date_order, names=names)
    profile = profile_from_fields(fields, date_order=date_order)
    ended_on, ended_because = end_from_fields(fields, date_order=date_order)
    return plan(
        dating,
        profile,
        protocol=protocol,
        today=today,
        plan_id=plan_id,
        ended_on=ended_on,
        ended_because=ended_because,
    )


def today_free_until(
    fields: Mapping[str, FieldValue], plan: Plan, protocols: Sequence[Protocol]
) -> date | None:
    """For a plan :func:`plan_from_fields` made from ``fields`` (as it read them: a
    batch's ignored columns left out) with ``protocols`` (every protocol it is composed
    of): the last today through which the fields plan, without an error, into a plan
    that differs from it only in what it says of today (``today``,
    ``gestational_age_today`` and each milestone's ``timing``), from ``plan.today`` on
    (an earlier today may refuse a day recorded after it); None when today changes more
    than that, so the fields must be planned again on any other today:

    - the dating is a gestational age without its day (``ga`` without ``ga_on``): the
      age is today's, and the due date moves with today;
    - a fact means something else on another today (undated broken waters, an undated
      short cervix: ``today_matters`` in the engine, the one list of what today does
      to the facts).

    Otherwise the day is the last one the pregnancy is planned on
    (``last_valid_today`` in :mod:`care_timeline.planning`: the day of 44w6d; no
    limit, ``date.max``, for a plan that ended).

    A calendar (``.ics``) writes none of what a plan says of today: its events are
    the milestones' days, titles, applicability and reasons, the plan's end, its
    warning signs and notes, never its today, the gestational age today or a
    milestone's timing. So on every today in that span the calendar's bytes are the
    same, given the same stamp and key. (The printable page, the text and the other
    formats do show today.)
    """
    dating = plan.dating
    if (
        dating.method == "gestational-age"
        and dating.inputs.get("on") == plan.today.isoformat()
        and _text(fields, "ga_on") is None
    ):
        return None  # dated as of today (a ga_on that is today is a day like any other)
    profile = Profile() if plan.profile is None else plan.profile
    if any(today_matters(profile, each) for each in protocols):
        return None
    return last_valid_today(dating, plan.ended_on)
