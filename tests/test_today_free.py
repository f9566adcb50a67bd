"""A plan's calendar on another today: what ``today_free_until`` promises.

A publication leaves a feed as it is, without planning its row again, on any today from
the one its plan was made for to the day ``today_free_until`` gave (see
``batch/feed_cache.py``). That is only right if the calendar is then the same, byte for
byte: the property below holds the rule to it for any profile, so a later change to the
engine that makes a plan follow its today somewhere new fails here until the rule says so.

Dates are counted by hand: a due date of 2027-05-10 has day 0 on 2026-08-03 (280 days
before) and 44w6d (day 314, the due date + 34 days) on 2027-06-13. The default protocol
asks whether a short cervix was found before 24w1d: day 169, the due date - 111 days,
2027-01-19 (May 10 - 10 = Apr 30, - 30 Apr = Mar 31, - 31 Mar = Feb 28, - 28 Feb =
Jan 31, - 12 = Jan 19).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import care_timeline as ct
from _support.strategies import profiles
from care_timeline.fields import plan_from_fields, today_free_until

KEY = bytes(range(32))
STAMP = datetime(2026, 11, 24, 8, tzinfo=UTC)
CALENDAR = ct.CalendarOptions(timestamp=STAMP, uid_key=KEY, calendar_uid=False)
DEFAULT = ct.default_protocol()
CHOICES = {
    "default": [DEFAULT],
    "with WHO": [DEFAULT, ct.shipped_protocol("who-anc-2016")],
    "after TR": [ct.shipped_protocol("tr-dob-2014"), DEFAULT],
}
FACTORS = [factor.id for factor in DEFAULT.risk_factors]
due_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


def calendar(
    dating: ct.Dating,
    profile: ct.Profile,
    protocols: list[ct.Protocol],
    today: date,
    ended_on: date | None,
) -> tuple[ct.Plan, bytes]:
    protocol = protocols if len(protocols) > 1 else protocols[0]
    made = ct.plan(dating, profile, protocol, today=today, plan_id="7781", ended_on=ended_on)
    return made, ct.to_ics(made, CALENDAR)


# The first today from day 0 to 44w6d (offsets from the due date, -280 to +34); a later
# ones up to 400 days on, within the span the rule gives; one plan in four ended. More
# examples than the default: the rule's cases are a small part of all profiles (an
# undated short cervix found early, in a plan going on, is about 1 example in 25).
@settings(max_examples=max(500, settings().max_examples))
@given(
    st.data(),
    due_dates,
    st.integers(-280, 34),
    st.sampled_from(sorted(CHOICES)),
    st.integers(0, 3),
    st.booleans(),
)
def test_a_today_free_plan_has_the_same_calendar_on_every_today_of_its_span(
    data: st.DataObject,
    due: date,
    offset: int,
    choice: str,
    ending: int,
    by_ga: bool,
) -> None:
    protocols = CHOICES[choice]
    day_zero, first = due - timedelta(days=280), due + timedelta(days=offset)
    profile = data.draw(profiles(within=(day_zero, first), factors=FACTORS))
    if data.draw(st.booleans()):  # as a clinic's file often has them: facts without days
        undated = {"short_cervix_on": None, "cervical_length_on": None}
        profile = ct.Profile.model_validate({**profile.model_dump(), **undated})
    dating, dated_on = ct.Dating.from_due_date(due), day_zero
    fields = {"due_date": due.isoformat()}
    if by_ga:  # the same due date, from a gestational age found on a day by the first today
        dated_on = data.draw(st.dates(day_zero, first))
        age = ct.GestationalAge((dated_on - day_zero).days)
        dating = ct.Dating.from_gestational_age(age, on=dated_on)
        fields = {"ga": str(age), "ga_on": dated_on.isoformat()}
    # An end on or after the day the pregnancy was dated by.
    ended_on = data.draw(st.dates(dated_on, first)) if ending == 0 else None
    plan, ics = calendar(dating, profile, protocols, first, ended_on)
    until = today_free_until(fields, plan, protocols)
    assume(until is not None and until > first)
    assert until is not None
    last = min(until, first + timedelta(days=400))
    # Any day of the span; a day where a rule could turn (a milestone's first or last
    # day, or the day after one); and every day a protocol names (the limit of a short
    # cervix found early).
    turns = [day for item in plan.milestones for day in (item.start, item.end)]
    turns = sorted({day + timedelta(days=shift) for day in turns for shift in (0, 1)})
    limits = [
        dating.date_at(each.short_cervix.found_early_before)
        for each in protocols
        if each.short_cervix is not None and each.short_cervix.found_early_before is not None
    ]
    later = [data.draw(st.dates(first + timedelta(days=1), last))]
    later += [data.draw(st.sampled_from([day for day in turns if first < day <= last] or [last]))]
    later += [day for day in limits if first < day <= last]
    # Only what the plan says of today may differ.
    of_today: Any = {"today": True, "gestational_age_today": True}
    of_today["milestones"] = {"__all__": {"timing"}}
    for day in later:
        again, ics_again = calendar(dating, profile, protocols, day, ended_on)
        assert ics_again == ics, day
        assert again.model_dump(exclude=of_today) == plan.model_dump(exclude=of_today), day


def make(fields: dict[str, str], today: date) -> ct.Plan:
    return plan_from_fields(fields, today=today, plan_id="7781")


@pytest.mark.parametrize(
    ("fields", "until"),
    [
        # Dated by its due date: 44w6d is 2027-06-13.
        ({"due_date": "2027-05-10"}, date(2027, 6, 13)),
        # A gestational age on a day given: 14w3d on 2026-11-24 is day 101, so day 0 is
        # 2026-08-15 (Nov 24 - 24 = Oct 31, - 31 Oct = Sep 30, - 30 Sep = Aug 31, - 16) and
        # the due date 2027-05-22; 44w6d is 34 days on, 2027-06-25.
        ({"ga": "14w3d", "ga_on": "2026-11-24"}, date(2027, 6, 25)),
        ({"ga": "14w3d", "ga_on": "2026-11-23"}, date(2027, 6, 24)),  # a day earlier
        # Facts with their days: nothing follows today.
        (
            {"due_date": "2027-05-10", "membranes_ruptured_on": "2026-11-20"},
            date(2027, 6, 13),
        ),
        (
            {"due_date": "2027-05-10", "short_cervix": "yes", "short_cervix_on": "2026-11-20"},
            date(2027, 6, 13),
        ),
        # A plan that ended: its end, not today, is held to 44w6d.
        ({"due_date": "2027-05-10", "ended_on": "2026-11-20"}, date.max),
        # Undated: broken waters count as broken today; a short cervix (stated, or a
        # measured length under 25 mm) counts as found early while today is before 24w1d.
        ({"due_date": "2027-05-10", "membranes_ruptured": "yes"}, None),
        ({"due_date": "2027-05-10", "short_cervix": "yes"}, None),
        ({"due_date": "2027-05-10", "cervical_length_mm": "22"}, None),
        # A measured length that is not short has no "found" day to wonder about.
        ({"due_date": "2027-05-10", "cervical_length_mm": "30"}, date(2027, 6, 13)),
        # A gestational age without its day is a gestational age today.
        ({"ga": "14w3d"}, None),
    ],
)
def test_today_free_until(fields: dict[str, str], until: date | None) -> None:
    today = date(2026, 11, 24)
    assert today_free_until(fields, make(fields, today), [DEFAULT]) == until


def test_an_undated_short_cervix_matters_only_to_a_protocol_that_asks_when() -> None:
    # The WHO schedule has no short-cervix rules: today changes nothing of its plan.
    who = ct.shipped_protocol("who-anc-2016")
    fields = {"due_date": "2027-05-10", "short_cervix": "yes"}
    plan = plan_from_fields(fields, today=date(2026, 11, 24), protocol=who, plan_id="7781")
    assert today_free_until(fields, plan, [who]) == date(2027, 6, 13)
    # Composed with the default, which asks, it matters again.
    assert today_free_until(fields, plan, [who, DEFAULT]) is None


def test_what_the_rule_calls_today_bound_does_change_the_calendar() -> None:
    # Not today-free for nothing: undated broken waters end the progesterone on the
    # day they are counted from, and an undated short cervix counts as found early only
    # up to 2027-01-18 (the day before 24w1d).
    def ics(fields: dict[str, str], today: date) -> bytes:
        return ct.to_ics(make(fields, today), CALENDAR)

    waters = {"due_date": "2027-05-10", "short_cervix": "yes", "short_cervix_on": "2026-11-20"}
    waters["membranes_ruptured"] = "yes"
    assert ics(waters, date(2026, 12, 1)) != ics(waters, date(2026, 12, 2))
    short = {"due_date": "2027-05-10", "short_cervix": "yes"}
    assert ics(short, date(2027, 1, 18)) != ics(short, date(2027, 1, 19))
    by_ga = {"ga": "14w3d"}
    assert ics(by_ga, date(2026, 11, 24)) != ics(by_ga, date(2026, 11, 25))
