"""Is the pregnancy going on today? The rule :func:`~care_timeline.plan` keeps:
no dating event after today, and today from the pregnancy's day 0 (0w0d) to 44w6d.

Planning a pregnancy that is over, one that has not begun, or one dated by an
event that has not happened yet, would give a wrong plan rather than an error: a
year typed wrong in a clinic's file would print "381w2d", or "before the
pregnancy's week 0" for a due date a year ahead. To plan a past pregnancy on
purpose, plan it with its own today.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .dating import MAX_GESTATIONAL_AGE, Dating
from .errors import DatingError, ProfileError

__all__ = [
    "EVENT_INPUTS",
    "after_today",
    "anchor",
    "check_against_today",
    "check_events",
    "event_after",
    "what",
]

EVENT_INPUTS = ("lmp", "on", "conception", "transfer", "scan_date")
"""The inputs that are days something happened (a period, the day a gestational
age was found, a conception, a transfer, a scan): none can come after today."""
_WHAT = {
    "due_date": "a due date",
    "lmp": "an LMP",
    "on": "a day of the gestational age",
    "conception": "a conception",
    "transfer": "a transfer",
    "scan_date": "a scan",
}
_ANCHORS: dict[str, str] = {
    "due-date": "due_date",
    "lmp": "lmp",
    "gestational-age": "on",
    "conception": "conception",
    "embryo-transfer": "transfer",
    "ultrasound": "scan_date",
}


def anchor(dating: Dating) -> tuple[str, date]:
    """The input the due date moves with, day for day, and its date: the due
    date itself, the LMP, the day of a gestational age, the conception, the
    transfer or the scan (for a reconciled dating, that of the one chosen)."""
    field = _ANCHORS.get(dating.method)
    if dating.method == "reconciled":
        field = "lmp" if dating.inputs.get("chosen") == "lmp" else "scan_date"
    day = _input_day(dating, field) if field else None
    if field is None or day is None:
        return "due_date", dating.due_date
    return field, day


def check_against_today(
    dating: Dating, today: date, *, names: Mapping[str, str] | None = None
) -> None:
    """Refuse a dating that cannot describe a pregnancy going on ``today``: a
    dating event after today, or a due date that puts today before the pregnancy's
    day 0 or past 44w6d. The error names the input as ``names`` calls it (default:
    its own name), and both dates."""
    check_events(dating, today, names=names)
    # Counted in days: decades past the due date are no gestational age to write.
    days = (today - dating.day_zero).days
    if 0 <= days <= MAX_GESTATIONAL_AGE.total_days:
        return
    input_name, day = anchor(dating)
    field = (names or {}).get(input_name, input_name)
    if days < 0:
        start = dating.day_zero
        where = f"before the pregnancy's day 0, 0w0d ({start.isoformat()})"
        allowed = f"{_WHAT[input_name]} on or before {(day - (start - today)).isoformat()}"
    else:
        last = dating.date_at(MAX_GESTATIONAL_AGE)
        where = (
            f"at {days // 7}w{days % 7}d, past {MAX_GESTATIONAL_AGE} (reached on "
            f"{last.isoformat()})"
        )
        allowed = (
            f"{_WHAT[input_name]} on or after {(day + (today - last)).isoformat()}, or, to "
            "plan a past pregnancy, that pregnancy's own today"
        )
    raise DatingError(
        f"{field}: {day.isoformat()} puts today ({today.isoformat()}) {where}; expected {allowed}",
        field=field,
        value=day.isoformat(),
        allowed=allowed,
    )


def check_events(dating: Dating, today: date, *, names: Mapping[str, str] | None = None) -> None:
    """The first half of :func:`check_against_today`: no dating event after ``today``."""
    found = event_after(dating, today)
    if found is not None:
        input_name, day = found
        raise after_today((names or {}).get(input_name, input_name), day, today, DatingError)


def after_today(
    field: str, day: date, today: date, error: type[DatingError | ProfileError]
) -> DatingError | ProfileError:
    """The error of a day something happened that is after ``today`` (a dating event, a
    dated fact of the profile), naming both days."""
    allowed = f"a day on or before today ({today.isoformat()})"
    return error(
        f"{field}: {day.isoformat()} is after today ({today.isoformat()}); expected {allowed}",
        field=field,
        value=day.isoformat(),
        allowed=allowed,
    )


def event_after(dating: Dating, day: date) -> tuple[str, date] | None:
    """The first dating input (of :data:`EVENT_INPUTS`) that is a day after ``day``,
    with that day; None if there is none."""
    for input_name in EVENT_INPUTS:
        when = _input_day(dating, input_name)
        if when is not None and when > day:
            return input_name, when
    return None


def what(input_name: str) -> str:
    """A dating input in words: ``a scan``, ``an LMP``."""
    return _WHAT[input_name]


def _input_day(dating: Dating, field: str) -> date | None:
    if field == "due_date":
        return dating.due_date
    text = dating.inputs.get(field)
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
