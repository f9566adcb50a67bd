"""The calendar export (.ics): read back by two independent parsers, compared with the plan.

Every export in this file goes through ``parse()``, which loads it with icalendar
(the library that wrote it) and with ical (an independent implementation), and
checks that both see the same events.

The golden calendar files are compared by tests/test_golden.py (see
tests/golden/README.md).
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

import care_timeline as ct
from _support.ics import Parsed, expand_with_dateutil, expand_with_ical, parse, unescape_text
from care_timeline.cli import main

DEFAULT_REMINDER = ct.DEFAULT_REMINDER


T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)
DUE = date(2027, 5, 10)  # day 0 is 2026-08-03
PLAN_ID = "clinic-42/7781"


def make_plan(
    due: date = DUE,
    profile: ct.Profile | None = None,
    plan_id: str | None = PLAN_ID,
    today: date = TODAY,
) -> ct.Plan:
    return ct.plan(ct.Dating.from_due_date(due), profile, today=today, plan_id=plan_id)


def export(plan: ct.Plan, **kwargs: Any) -> Parsed:
    kwargs.setdefault("timestamp", T0)
    return parse(ct.to_ics(plan, ct.CalendarOptions(**kwargs)))


# -- dates: every event against dates worked out by hand ------------------------

# Due date 2027-05-10: day 0 is 2026-08-03. DTEND is the day after the last day.
HAND_DATES = [
    ("cervical-change-risk", date(2026, 10, 26), date(2027, 1, 11)),  # 12w0d; 22w6d = Jan 10
    ("cerclage-placement", date(2026, 10, 26), date(2026, 11, 16)),  # 12w0d; 14w6d = Nov 15
    ("cervical-monitoring", date(2026, 11, 23), date(2026, 11, 24)),  # series: one day each
    ("cerclage-if-cervix-shortens", date(2026, 11, 23), date(2027, 1, 19)),  # 16w0d; 24w0d = Jan 18
    # 17-OHPC never applies (version 3): one cancelled day on its first day, 16w0d
    ("progesterone-injections", date(2026, 11, 23), date(2026, 11, 24)),
    ("vaginal-progesterone", date(2026, 11, 23), date(2027, 4, 13)),  # 16w0d; 36w0d = Apr 12
    ("preterm-birth-watch", date(2027, 1, 11), date(2027, 3, 15)),  # 23w0d; 31w6d = Mar 14
    ("late-preterm-watch", date(2027, 3, 15), date(2027, 4, 19)),  # 32w0d; 36w6d = Apr 18
    ("cerclage-removal", date(2027, 4, 12), date(2027, 4, 20)),  # 36w0d; 37w0d = Apr 19
    ("due-date", date(2027, 5, 10), date(2027, 5, 11)),  # 40w0d, one day
]

MONITORING = [  # every 14 days from 16w0d (Nov 23) to 24w0d (Jan 18)
    date(2026, 11, 23),
    date(2026, 12, 7),
    date(2026, 12, 21),
    date(2027, 1, 4),
    date(2027, 1, 18),
]
INJECTIONS = [  # every Monday from 16w0d (Nov 23) to 36w0d (Apr 12): version 2's 21 doses
    date(2026, 11, 23),
    date(2026, 11, 30),
    date(2026, 12, 7),
    date(2026, 12, 14),
    date(2026, 12, 21),
    date(2026, 12, 28),
    date(2027, 1, 4),
    date(2027, 1, 11),
    date(2027, 1, 18),
    date(2027, 1, 25),
    date(2027, 2, 1),
    date(2027, 2, 8),
    date(2027, 2, 15),
    date(2027, 2, 22),
    date(2027, 3, 1),
    date(2027, 3, 8),
    date(2027, 3, 15),
    date(2027, 3, 22),
    date(2027, 3, 29),
    date(2027, 4, 5),
    date(2027, 4, 12),
]


def test_events_have_the_hand_worked_dates() -> None:
    plan = make_plan(profile=ct.Profile(fetuses=1, prior_preterm_birth=True))
    parsed = export(plan)
    got = [
        (item_id, event.decoded("DTSTART"), event.decoded("DTEND"))
        for item_id, event in parsed.by_milestone(plan).items()
    ]
    assert got == HAND_DATES


def test_series_expand_to_the_hand_worked_dates() -> None:
    plan = make_plan(profile=ct.Profile(fetuses=1, prior_preterm_birth=True))
    parsed = export(plan)
    event = parsed.by_milestone(plan)["cervical-monitoring"]
    assert event["RRULE"].to_ical().decode() == "FREQ=WEEKLY;UNTIL=20270118;INTERVAL=2"
    assert expand_with_dateutil(event) == MONITORING
    assert expand_with_ical(parsed.other, str(event["UID"])) == MONITORING


V2 = ct.load_protocol(Path(__file__).parent.parent / "protocol/data/cervical-insufficiency-v2.toml")
"""The default protocol as version 2 had it: weekly 17-OHPC injections were a series of
doses, to discuss after an earlier preterm birth."""


def test_the_weekly_doses_of_an_earlier_calendar_are_cancelled_under_their_uid() -> None:
    profile = ct.Profile(fetuses=1, prior_preterm_birth=True)
    dating = ct.Dating.from_due_date(DUE)
    old = ct.plan(dating, profile, protocol=V2, today=TODAY, plan_id=PLAN_ID)
    before = export(old)
    doses = before.by_milestone(old)["progesterone-injections"]
    assert str(doses["SUMMARY"]) == "To discuss: Weekly progesterone injection"
    assert doses["RRULE"].to_ical().decode() == "FREQ=WEEKLY;UNTIL=20270412;INTERVAL=1"
    assert expand_with_dateutil(doses) == INJECTIONS
    assert expand_with_ical(before.other, str(doses["UID"])) == INJECTIONS
    # Version 3, a week later: the same UID, one cancelled day on 16w0d, no repeat rule.
    plan = make_plan(profile=profile)
    after = export(plan, timestamp=T0 + timedelta(days=7))
    event = after.by_milestone(plan)["progesterone-injections"]
    assert str(event["UID"]) == str(doses["UID"])
    assert int(event["SEQUENCE"]) > int(doses["SEQUENCE"])
    assert str(event["SUMMARY"]) == "Does not apply: Weekly progesterone injections (17-OHPC)"
    assert str(event["STATUS"]) == "CANCELLED"
    assert "RRULE" not in event and not _alarms(event)
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        date(2026, 11, 23),
        date(2026, 11, 24),
    )
    assert expand_with_ical(after.other, str(event["UID"])) == [date(2026, 11, 23)]
    assert before.uids() == after.uids()  # every other event keeps its UID too


# -- every profile: the calendar's structure against the plan -------------------

PROFILES = {
    "unknown": ct.Profile(),
    "prior-preterm-birth": ct.Profile(fetuses=1, prior_preterm_birth=True),
    "short-cervix": ct.Profile(
        fetuses=1,
        prior_preterm_birth=False,
        cervical_length_mm=21,
        cervical_length_on=date(2026, 11, 20),  # 15w4d, before today
    ),
    "cerclage-placed": ct.Profile(fetuses=1, cerclage_placed_on=date(2026, 11, 2)),
    "twins": ct.Profile(fetuses=2),
    "membranes-ruptured": ct.Profile(membranes_ruptured=True, risk_factors=("trauma",)),
    # an earlier preterm birth at 30w and a cervix of 18 mm on 16w0d: a choice of either
    "choice-of-either": ct.Profile(
        prior_preterm_birth_ga="30w", cervical_length_mm=18, cervical_length_on=date(2026, 11, 23)
    ),
    # a stitch, and the waters broken on 16w0d: an urgent day that day
    "stitch-and-waters": ct.Profile(
        fetuses=1, cerclage_placed_on=date(2026, 11, 2), membranes_ruptured_on=date(2026, 11, 23)
    ),
}


@pytest.fixture(params=sorted(PROFILES))
def profile(request: pytest.FixtureRequest) -> ct.Profile:
    return PROFILES[request.param]


@pytest.mark.parametrize("plan_id", [PLAN_ID, None])
def test_every_event_matches_its_milestone(profile: ct.Profile, plan_id: str | None) -> None:
    plan = make_plan(profile=profile, plan_id=plan_id)
    parsed = export(plan)
    uids = parsed.uids()
    assert len(set(uids)) == len(uids) == len(plan.milestones)
    assert not plan.no_longer_planned  # a running plan
    for item_id, event in parsed.by_milestone(plan).items():
        item = plan.milestone(item_id)
        assert event.decoded("DTSTART") == item.start
        assert str(event["TRANSP"]) == "TRANSPARENT"
        if not item.on_timeline:
            # Cancelled: one day on its first day, no repeat rule, no span.
            assert "RRULE" not in event
            assert event.decoded("DTEND") == item.start + timedelta(days=1)
            assert expand_with_ical(parsed.other, str(event["UID"])) == [item.start]
        elif item.occurrences:
            assert event.decoded("DTEND") == item.start + timedelta(days=1)
            assert expand_with_dateutil(event) == list(item.occurrences)
            assert expand_with_ical(parsed.other, str(event["UID"])) == list(item.occurrences)
        else:
            assert "RRULE" not in event
            assert event.decoded("DTEND") == item.end + timedelta(days=1)
            assert expand_with_ical(parsed.other, str(event["UID"])) == [item.start]
        if not item.on_timeline:
            assert str(event["STATUS"]) == "CANCELLED"
        elif item.alternative is not None:  # one of two options: not both planned
            assert str(event["STATUS"]) == "TENTATIVE"
        else:
            assert str(event["STATUS"]) == "CONFIRMED"


def test_no_plan_id_in_the_bytes(profile: ct.Profile) -> None:
    plan_id = "clinic-42/Zqxj Wvkp 1987-03-04"
    data = ct.to_ics(make_plan(profile=profile, plan_id=plan_id), ct.CalendarOptions(timestamp=T0))
    unfolded = parse(data).data.replace(b"\r\n ", b"")
    for part in (plan_id, "clinic-42", "Zqxj", "Wvkp", "1987"):
        assert part.encode() not in unfolded


def test_descriptions_say_what_why_when_and_end_with_the_clinician_note(
    profile: ct.Profile,
) -> None:
    plan = make_plan(profile=profile)
    for item_id, event in export(plan).by_milestone(plan).items():
        item = plan.milestone(item_id)
        text = str(event["DESCRIPTION"])
        assert text.startswith(item.description)
        assert text.endswith(plan.clinician_note)
        assert item.reason in text
        assert str(item.start_ga) in text and str(item.end_ga) in text
        for sign in plan.warning_signs:
            assert (sign in text) == item.warning_signs
        for note in item.notes:
            assert note in text
        # One of two options says so, naming the other; nothing else speaks of options.
        assert ("One of two options: this, or " in text) == (item.alternative is not None)
        if item.alternative is not None:
            assert f"this, or {plan.milestone(item.alternative).title}. " in text


def test_warning_signs_and_the_17_ohpc_note_go_where_the_protocol_puts_them() -> None:
    plan = make_plan(profile=ct.Profile(fetuses=1, prior_preterm_birth=True))
    events = export(plan).by_milestone(plan)
    with_signs = {
        i for i, e in events.items() if "Bleeding from the vagina" in str(e["DESCRIPTION"])
    }
    with_17ohpc = {i for i, e in events.items() if "17-OHPC" in str(e["DESCRIPTION"])}
    # the protocol flags both watches (version 2 adds the late-preterm one) and the risk window
    assert with_signs == {"cervical-change-risk", "preterm-birth-watch", "late-preterm-watch"}
    assert with_17ohpc == {"progesterone-injections"}


@pytest.mark.parametrize(
    ("profile_", "summaries"),
    [
        (  # nothing known: the stitch is to discuss; 17-OHPC never applies (version 3)
            ct.Profile(),
            {
                "cerclage-placement": "To discuss: Usual time for a planned cervical stitch (cerclage)",
                "progesterone-injections": "Does not apply: Weekly progesterone injections (17-OHPC)",
                "due-date": "Estimated due date",
            },
        ),
        (  # twins: no planned stitch, no progesterone; routine scans and a stitch if the
            # cervix opens only to discuss
            ct.Profile(fetuses=2),
            {
                "cerclage-placement": "Does not apply: Usual time for a planned cervical stitch (cerclage)",
                "progesterone-injections": "Does not apply: Weekly progesterone injections (17-OHPC)",
                "vaginal-progesterone": "Does not apply: Daily vaginal progesterone",
                "cervical-monitoring": "To discuss: Cervical length scan (vaginal ultrasound)",
                "cerclage-if-cervix-shortens": "To discuss: A stitch if the cervix shortens or opens",
                "cervical-change-risk": "Weeks when a weak cervix may open early",  # applies
            },
        ),
        (  # a choice of either: each is one of two options; the scans apply
            PROFILES["choice-of-either"],
            {
                "cerclage-if-cervix-shortens": "One of two options: A stitch if the cervix shortens or opens",
                "vaginal-progesterone": "One of two options: Daily vaginal progesterone",
                "cervical-monitoring": "Cervical length scan (vaginal ultrasound)",
            },
        ),
        (  # waters broken with a stitch in place: the removal is the urgent item's own title
            PROFILES["stitch-and-waters"],
            {
                "cerclage-removal": "Waters broken with a stitch in place: contact your maternity unit now",
                "cerclage-placement": "Usual time for a planned cervical stitch (cerclage)",
            },
        ),
    ],
)
def test_summaries_say_whether_it_applies(profile_: ct.Profile, summaries: dict[str, str]) -> None:
    plan = make_plan(profile=profile_)
    events = export(plan).by_milestone(plan)
    assert {i: str(events[i]["SUMMARY"]) for i in summaries} == summaries


def test_a_placed_cerclage_is_a_one_day_event() -> None:
    plan = make_plan(profile=ct.Profile(fetuses=1, cerclage_placed_on=date(2026, 11, 2)))
    event = export(plan).by_milestone(plan)["cerclage-placement"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        date(2026, 11, 2),
        date(2026, 11, 3),
    )


def test_vaginal_progesterone_starts_when_the_short_cervix_was_found() -> None:
    profile = ct.Profile(
        fetuses=1, prior_preterm_birth=False, short_cervix=True, short_cervix_on=date(2026, 12, 15)
    )
    plan = make_plan(profile=profile, today=date(2026, 12, 15))  # planned the day it was found
    event = export(plan).by_milestone(plan)["vaginal-progesterone"]
    # found Dec 15 (19w1d), later than 16w0d; ends 36w0d = Apr 12, so DTEND Apr 13
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        date(2026, 12, 15),
        date(2027, 4, 13),
    )
    assert str(event["STATUS"]) == "CONFIRMED"


# -- one of two options: tentative, not both planned ------------------------------------

# An earlier preterm birth at 30w (before 34w0d) and a cervix of 18 mm (under 25 mm) measured
# on 2026-12-21 (20w0d = day 140), by 24w0d: a stitch and vaginal progesterone both apply, as
# a choice of either. Both start on the day the short cervix was found; the stitch's window
# ends on 24w0d (2027-01-18), progesterone's on 36w0d (2027-04-12).
CHOICE_PROFILE = ct.Profile(
    prior_preterm_birth_ga="30w", cervical_length_mm=18, cervical_length_on=date(2026, 12, 21)
)
CHOICE_TODAY = date(2026, 12, 21)
CHOICE = {
    # id: (DTSTART, DTEND, SUMMARY, the sentence its description adds)
    "cerclage-if-cervix-shortens": (
        date(2026, 12, 21),
        date(2027, 1, 19),
        "One of two options: A stitch if the cervix shortens or opens",
        "One of two options: this, or Daily vaginal progesterone. "
        "You and your care team choose one of them, not both.",
    ),
    "vaginal-progesterone": (
        date(2026, 12, 21),
        date(2027, 4, 13),
        "One of two options: Daily vaginal progesterone",
        "One of two options: this, or A stitch if the cervix shortens or opens. "
        "You and your care team choose one of them, not both.",
    ),
}


@pytest.mark.parametrize("reminders", [DEFAULT_REMINDER, timedelta(hours=8), timedelta(days=-28)])
def test_two_options_are_tentative_and_without_a_reminder(reminders: timedelta) -> None:
    plan = make_plan(profile=CHOICE_PROFILE, today=CHOICE_TODAY)
    # parse(): icalendar and ical read the same status, title, description and reminders
    parsed = export(plan, reminders=reminders)
    events = parsed.by_milestone(plan)
    theirs = {event.uid: event for event in parsed.other.events}
    for item_id, (start, end, summary, sentence) in CHOICE.items():
        event = events[item_id]
        other = theirs[str(event["UID"])]
        assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (start, end), item_id
        assert str(event["SUMMARY"]) == other.summary == summary
        assert str(event["STATUS"]) == "TENTATIVE"
        assert other.status is not None and other.status.value == "TENTATIVE"
        assert not _alarms(event) and other.alarm == []
        assert "RRULE" not in event
        assert expand_with_ical(parsed.other, str(event["UID"])) == [start]
        # After the reason, before the clinician note (no signs or notes go with either).
        description = str(event["DESCRIPTION"])
        assert description.endswith(f"{sentence}\n\n{plan.clinician_note}"), item_id
        assert description.count("One of two options") == 1
    # Nothing else is tentative, and the rest keeps its reminders: the scans apply.
    rest = {item_id: str(event["STATUS"]) for item_id, event in events.items()}
    assert {i for i, status in rest.items() if status == "TENTATIVE"} == set(CHOICE)
    assert str(events["cervical-monitoring"]["STATUS"]) == "CONFIRMED"
    (alarm,) = _alarms(events["cervical-monitoring"])
    assert alarm.decoded("TRIGGER") == reminders


def test_two_options_in_a_private_calendar_and_after_an_earlier_export() -> None:
    plan = make_plan(profile=CHOICE_PROFILE, today=CHOICE_TODAY)
    events = {str(e["UID"]): e for e in export(plan, private=True).events}
    plain = export(plan).by_milestone(plan)
    neutral = {
        "cerclage-if-cervix-shortens": "One of two options: Pregnancy care: appointment",
        "vaginal-progesterone": "One of two options: Pregnancy care: medicine",
    }
    for item_id, summary in neutral.items():
        event = events[str(plain[item_id]["UID"])]
        assert str(event["SUMMARY"]) == summary
        assert (str(event["STATUS"]), str(event["CLASS"])) == ("TENTATIVE", "PRIVATE")
        assert not _alarms(event)
        # the details, the other option's real title among them, stay in the description
        assert str(event["DESCRIPTION"]).startswith(plan.milestone(item_id).title + "\n\n")
        assert CHOICE[item_id][3] in str(event["DESCRIPTION"])
    # Before the scan (16w1d, cervix not measured) both were to discuss, on the calendar
    # under the same UIDs: the re-export after the scan turns them into the two options.
    earlier = make_plan(profile=ct.Profile(prior_preterm_birth_ga="30w"))
    before = export(earlier).by_milestone(earlier)
    for item_id in CHOICE:
        assert str(before[item_id]["UID"]) == str(plain[item_id]["UID"])
        assert str(before[item_id]["STATUS"]) == "CONFIRMED"
        assert str(before[item_id]["SUMMARY"]).startswith("To discuss: ")


# -- waters broken with a stitch in place: an urgent day ----------------------------------

# Vector 13 of the protocol's specification: a stitch through the vagina placed on
# 2026-11-09 (14w0d = day 98), an earlier preterm birth, the waters broken on 2027-03-01
# (30w0d = day 210), today that day. The stitch's removal is no longer the 36w0d-37w0d
# window (2027-04-12 to 2027-04-19) but one day, the day the waters broke.
STITCH = ct.Profile(
    cerclage_placed_on=date(2026, 11, 9), cerclage_type="transvaginal", prior_preterm_birth=True
)
WATERS = STITCH.model_copy(update={"membranes_ruptured_on": date(2027, 3, 1)})


def test_waters_broken_with_a_stitch_is_an_urgent_day_on_that_day() -> None:
    plan = make_plan(profile=WATERS, today=date(2027, 3, 1))
    parsed = export(plan)
    event = parsed.by_milestone(plan)["cerclage-removal"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        date(2027, 3, 1),
        date(2027, 3, 2),
    )
    assert str(event["SUMMARY"]) == (
        "Waters broken with a stitch in place: contact your maternity unit now"
    )
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "RRULE" not in event
    assert not _alarms(event)  # a day, like the due date: no reminder the day before
    assert expand_with_ical(parsed.other, str(event["UID"])) == [date(2027, 3, 1)]
    description = str(event["DESCRIPTION"])
    assert "\n\nWhen: 2027-03-01 (30w0d).\n\n" in description
    assert (
        "Why this is in your plan: Applies. Your waters have broken (2027-03-01, 30w0d) with a "
        "stitch in place (2026-11-09, 14w0d). Contact your maternity unit straight away"
    ) in description
    # Before the waters broke (29w0d) the removal was the usual window, with a reminder,
    # under the same UID: a re-export moves it to the day they broke.
    before = make_plan(profile=STITCH, today=date(2027, 2, 22))
    window = export(before).by_milestone(before)["cerclage-removal"]
    assert str(window["UID"]) == str(event["UID"])
    assert str(window["SUMMARY"]) == "Usual time to remove a cervical stitch"
    assert (window.decoded("DTSTART"), window.decoded("DTEND")) == (
        date(2027, 4, 12),
        date(2027, 4, 20),
    )
    assert _alarms(window)


# -- UIDs, SEQUENCE and updates -----------------------------------------------


def test_redating_keeps_uids_and_raises_sequence() -> None:
    first = export(make_plan(due=DUE), timestamp=T0)
    # A week later the due date moves by a week after a dating scan.
    later = export(make_plan(due=DUE + timedelta(days=7)), timestamp=T0 + timedelta(days=7))
    assert first.uids() == later.uids()
    for before, after in zip(first.events, later.events, strict=True):
        assert int(after["SEQUENCE"]) > int(before["SEQUENCE"]) >= 0
        assert after.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(days=7)
        assert after.decoded("DTSTAMP") == T0 + timedelta(days=7)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (T0, T0 + timedelta(seconds=1)),  # one second later
        (T0, T0 + timedelta(days=400)),  # over a year later
        # one second after the epoch SEQUENCE counts from
        (datetime(2020, 1, 1, tzinfo=UTC), datetime(2020, 1, 1, 0, 0, 1, tzinfo=UTC)),
        (T0, datetime(2026, 11, 24, 9, 0, 1, tzinfo=timezone(timedelta(hours=1)))),  # 08:00:01Z
    ],
)
def test_a_later_timestamp_gives_a_higher_sequence(earlier: datetime, later: datetime) -> None:
    plan = make_plan()
    first = export(plan, timestamp=earlier)
    second = export(plan, timestamp=later)
    assert int(second.events[0]["SEQUENCE"]) > int(first.events[0]["SEQUENCE"])


def test_sequence_stays_a_small_non_negative_integer() -> None:
    plan = make_plan()
    assert int(export(plan, timestamp=datetime(1970, 1, 1, tzinfo=UTC)).events[0]["SEQUENCE"]) == 0
    late = export(plan, timestamp=datetime(2087, 12, 31, tzinfo=UTC)).events[0]
    assert 0 < int(late["SEQUENCE"]) < 2**31


def test_uids_depend_on_plan_id_not_on_dates_or_profile() -> None:
    a = export(make_plan(plan_id="a")).uids()
    assert (
        export(make_plan(plan_id="a", due=date(2027, 8, 1), profile=PROFILES["twins"])).uids() == a
    )
    b = export(make_plan(plan_id="b")).uids()
    anonymous = export(make_plan(plan_id=None)).uids()
    assert not set(a) & set(b)
    assert not set(a) & set(anonymous)
    # Without a plan id every patient gets the same UIDs: one patient per calendar.
    assert export(make_plan(plan_id=None, due=date(2027, 8, 1))).uids() == anonymous


def test_uids_are_opaque_and_well_formed() -> None:
    for uid in export(make_plan()).uids():
        assert re.fullmatch(r"[0-9a-f]{32}@care-timeline", uid)


# -- reproducible bytes ---------------------------------------------------------


def test_same_input_same_bytes(profile: ct.Profile) -> None:
    first = ct.to_ics(
        make_plan(profile=profile), ct.CalendarOptions(timestamp=T0, calendar_name="Ana's plan")
    )
    second = ct.to_ics(
        make_plan(profile=profile), ct.CalendarOptions(timestamp=T0, calendar_name="Ana's plan")
    )
    assert first == second


def test_dtstamp_is_utc_to_the_second() -> None:
    stamp = datetime(2026, 11, 24, 9, 30, 15, 999_999, tzinfo=timezone(timedelta(hours=1)))
    parsed = export(make_plan(), timestamp=stamp)
    assert b"DTSTAMP:20261124T083015Z\r\n" in parsed.data
    assert all(
        e.decoded("DTSTAMP") == datetime(2026, 11, 24, 8, 30, 15, tzinfo=UTC) for e in parsed.events
    )


def test_without_a_timestamp_dtstamp_is_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    parsed = parse(ct.to_ics(make_plan()))
    after = datetime.now(UTC)
    assert before <= parsed.events[0].decoded("DTSTAMP") <= after


@pytest.mark.parametrize(
    "timestamp",
    [
        datetime(2026, 11, 24, 8, 0),  # naive: no timezone
        date(2026, 11, 24),  # a date
        "2026-11-24T08:00:00Z",  # text
    ],
)
def test_a_timestamp_must_be_an_aware_datetime(timestamp: Any) -> None:
    with pytest.raises(ct.CareTimelineError, match="timestamp"):
        ct.to_ics(make_plan(), ct.CalendarOptions(timestamp=timestamp))


# -- reminders ------------------------------------------------------------------


def _alarms(event: icalendar.Event) -> list[icalendar.Alarm]:
    return [c for c in event.subcomponents if c.name == "VALARM"]


def test_default_reminders_are_9am_the_day_before_each_window_and_dose() -> None:
    # a mid-pregnancy loss and no preterm birth: the cervical checks apply (a series with
    # doses), the weekly injections do not apply (cancelled), everything else is on the plan
    plan = make_plan(
        profile=ct.Profile(fetuses=1, prior_preterm_birth=False, prior_second_trimester_loss=True)
    )
    assert ct.CalendarOptions().reminders == DEFAULT_REMINDER
    events = export(plan).by_milestone(plan)
    assert str(events["progesterone-injections"]["STATUS"]) == "CANCELLED"
    with_alarm = {i for i, e in events.items() if _alarms(e)}
    # not the cancelled injections, not the due date (a single day)
    assert with_alarm == {
        "cervical-change-risk",
        "cerclage-placement",
        "cervical-monitoring",
        "cerclage-if-cervix-shortens",
        "vaginal-progesterone",
        "preterm-birth-watch",
        "late-preterm-watch",
        "cerclage-removal",
    }
    for item_id in with_alarm:
        (alarm,) = _alarms(events[item_id])
        assert alarm["TRIGGER"].to_ical() == b"-PT15H"
        assert alarm["TRIGGER"].params.get("RELATED") == "START"
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert str(alarm["DESCRIPTION"]) == str(events[item_id]["SUMMARY"])


def test_a_series_only_to_discuss_gets_no_dose_reminders() -> None:
    # With nothing known the cervical scans are to discuss; after a preterm birth they apply.
    unknown = make_plan(profile=ct.Profile())
    assert unknown.milestone("cervical-monitoring").applicability == "discuss"
    event = export(unknown).by_milestone(unknown)["cervical-monitoring"]
    assert "RRULE" in event and str(event["STATUS"]) == "CONFIRMED"
    assert not _alarms(event)
    after_preterm_birth = make_plan(profile=ct.Profile(fetuses=1, prior_preterm_birth=True))
    assert after_preterm_birth.milestone("cervical-monitoring").applicability == "applies"
    events = export(after_preterm_birth).by_milestone(after_preterm_birth)
    assert _alarms(events["cervical-monitoring"])


@pytest.mark.parametrize(
    ("reminders", "trigger"),
    [
        (timedelta(hours=8), b"PT8H"),  # 08:00 on the day
        (timedelta(days=-2, hours=18), b"-P1DT6H"),  # 18:00 two days before
        (timedelta(days=-28), b"-P28D"),  # the earliest allowed
    ],
)
def test_reminders_can_be_moved(reminders: timedelta, trigger: bytes) -> None:
    parsed = export(make_plan(), reminders=reminders)
    triggers = {a["TRIGGER"].to_ical() for e in parsed.events for a in _alarms(e)}
    assert triggers == {trigger}
    assert {alarm.trigger for e in parsed.other.events for alarm in e.alarm} == {reminders}


def test_reminders_can_be_turned_off() -> None:
    parsed = export(make_plan(), reminders=None)
    assert b"VALARM" not in parsed.data


@pytest.mark.parametrize(
    "reminders",
    [
        timedelta(days=1),  # after the first day is over
        timedelta(days=-29),  # more than four weeks before
        15,  # not a timedelta
    ],
)
def test_bad_reminders_are_refused(reminders: Any) -> None:
    with pytest.raises(ct.CareTimelineError, match="reminders"):
        ct.to_ics(make_plan(), ct.CalendarOptions(timestamp=T0, reminders=reminders))


# -- the calendar's name ------------------------------------------------------------

name_text = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=("L", "M", "N", "P", "S", "Z"), include_characters="\t\n;,\\:\"'"
    ),
    min_size=1,
    max_size=120,
).filter(lambda text: text.strip())


def _names(parsed: Parsed) -> list[str]:
    raw = [
        line.decode()
        for line in parsed.data.replace(b"\r\n ", b"").split(b"\r\n")
        if line.startswith((b"NAME:", b"X-WR-CALNAME:"))
    ]
    return [unescape_text(line.split(":", 1)[1]) for line in raw]


@given(
    st.one_of(
        name_text,
        st.sampled_from(
            ["a;b,c", "line one\nline two", "x\nEND:VCALENDAR\nBEGIN:VEVENT", "C:\\new"]
        ),
    )
)
def test_any_calendar_name_stays_text(name: str) -> None:
    plan = make_plan()
    parsed = export(plan, calendar_name=name)
    assert len(parsed.events) == len(plan.milestones)
    assert _names(parsed) == [name, name]
    assert parsed.other.name == [name]
    (extra,) = [x for x in parsed.other.extras if x.name == "x-wr-calname"]
    assert unescape_text(str(extra.value)) == name


def test_line_ends_in_a_name_become_newlines() -> None:
    parsed = export(make_plan(), calendar_name="one\r\ntwo\rthree")
    assert parsed.other.name == ["one\ntwo\nthree"]


def test_default_name_is_the_protocol_title() -> None:
    plan = make_plan()
    assert export(plan).other.name == [plan.protocol.title]


@pytest.mark.parametrize(
    "name",
    [
        "",  # empty
        "   ",  # blank
        "bell\x07",  # a control character
        "nul\x00",  # NUL
        "x" * 1001,  # too long
    ],
)
def test_unwritable_names_are_refused(name: str) -> None:
    with pytest.raises(ct.CareTimelineError, match="calendar_name"):
        ct.to_ics(make_plan(), ct.CalendarOptions(timestamp=T0, calendar_name=name))


# -- any plan gives a calendar both parsers read, with the plan's dates ---------------

maybe = st.one_of(st.none(), st.booleans())


@given(
    due=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    fetuses=st.one_of(st.none(), st.integers(1, 3)),
    prior=maybe,
    short=maybe,
    found_day=st.integers(0, 280),  # by today, the due date
    plan_id=st.one_of(st.none(), st.sampled_from(["p-1", "clinic/2"])),
    seconds=st.integers(0, 2_000_000_000),
)
def test_any_plan_gives_a_calendar_with_its_dates(
    due: date,
    fetuses: int | None,
    prior: bool | None,
    short: bool | None,
    found_day: int,
    plan_id: str | None,
    seconds: int,
) -> None:
    found = due - timedelta(days=280 - found_day) if short else None
    profile = ct.Profile(
        fetuses=fetuses, prior_preterm_birth=prior, short_cervix=short, short_cervix_on=found
    )
    plan = make_plan(due=due, profile=profile, plan_id=plan_id, today=due)
    stamp = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    parsed = export(plan, timestamp=stamp)
    for item_id, event in parsed.by_milestone(plan).items():
        item = plan.milestone(item_id)
        assert event.decoded("DTSTART") == item.start
        if not item.on_timeline:
            assert event.decoded("DTEND") == item.start + timedelta(days=1)  # cancelled: a day
        elif item.occurrences:
            assert expand_with_dateutil(event) == list(item.occurrences)
        else:
            assert event.decoded("DTEND") == item.end + timedelta(days=1)


# -- the command line -----------------------------------------------------------------

CLI_PLAN = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "--format", "ics"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.encode(), err


def test_cli_writes_the_same_bytes_as_the_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plan.ics"
    code, out, err = run(
        capsys,
        *CLI_PLAN,
        "--prior-preterm-birth",
        "--fetuses",
        "1",
        "--plan-id",
        PLAN_ID,
        "--timestamp",
        "2026-11-24T08:00:00Z",
        "--calendar-name",
        "Ana; week by week",
        "-o",
        str(target),
    )
    assert (code, out) == (0, b"")
    assert err.startswith("care-timeline: note: without a key, calendar UIDs")  # one line
    assert err.count("\n") == 1
    api = ct.to_ics(
        make_plan(profile=ct.Profile(fetuses=1, prior_preterm_birth=True)),
        ct.CalendarOptions(timestamp=T0, calendar_name="Ana; week by week"),
    )
    assert target.read_bytes() == api


def test_cli_stdout_is_the_calendar(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code = main([*CLI_PLAN, "--timestamp", "2026-11-24T08:00:00Z"])
    out, _ = capsysbinary.readouterr()
    assert code == 0
    assert out == ct.to_ics(make_plan(plan_id=None), ct.CalendarOptions(timestamp=T0))


def test_source_date_epoch_fixes_the_timestamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795507200")  # 2026-11-24T08:00:00Z
    assert main([*CLI_PLAN, "-o", str(tmp_path / "a.ics")]) == 0
    assert main([*CLI_PLAN, "-o", str(tmp_path / "b.ics")]) == 0
    data = (tmp_path / "a.ics").read_bytes()
    assert data == (tmp_path / "b.ics").read_bytes()
    assert data == ct.to_ics(make_plan(plan_id=None), ct.CalendarOptions(timestamp=T0))
    # --timestamp wins over the environment
    assert (
        main([*CLI_PLAN, "--timestamp", "2026-12-01T00:00:00Z", "-o", str(tmp_path / "c.ics")]) == 0
    )
    assert b"DTSTAMP:20261201T000000Z" in (tmp_path / "c.ics").read_bytes()


def test_cli_fetuses_2_cancels_with_the_same_uids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = [*CLI_PLAN, "--plan-id", PLAN_ID, "--prior-preterm-birth"]
    assert (
        main(
            [
                *common,
                "--fetuses",
                "1",
                "--timestamp",
                "2026-11-24T08:00:00Z",
                "-o",
                str(tmp_path / "one.ics"),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                *common,
                "--fetuses",
                "2",
                "--timestamp",
                "2026-12-01T08:00:00Z",
                "-o",
                str(tmp_path / "two.ics"),
            ]
        )
        == 0
    )
    one = parse((tmp_path / "one.ics").read_bytes())
    two = parse((tmp_path / "two.ics").read_bytes())
    assert one.uids() == two.uids()
    status = {
        (str(e["SUMMARY"]).removeprefix("Does not apply: "), str(e["STATUS"])) for e in two.events
    }
    assert status == {
        ("Weeks when a weak cervix may open early", "CONFIRMED"),
        ("Usual time for a planned cervical stitch (cerclage)", "CANCELLED"),  # discuss with one
        # routine scans are not recommended for twins, but stay on the calendar to discuss
        ("To discuss: Cervical length scan (vaginal ultrasound)", "CONFIRMED"),
        # a stitch for a short cervix is not advised for twins, one for an opening cervix
        # may be: to discuss, as with one baby
        ("To discuss: A stitch if the cervix shortens or opens", "CONFIRMED"),
        ("Weekly progesterone injections (17-OHPC)", "CANCELLED"),  # never applies (version 3)
        ("Daily vaginal progesterone", "CANCELLED"),  # to discuss with one baby
        ("Watch for signs of early labour", "CONFIRMED"),
        ("Keep watching: birth before 37 weeks is still early", "CONFIRMED"),
        ("Usual time to remove a cervical stitch", "CANCELLED"),  # to discuss with one baby
        ("Estimated due date", "CONFIRMED"),
    }
    for before, after in zip(one.events, two.events, strict=True):
        assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
        if str(after["STATUS"]) == "CANCELLED":
            assert not _alarms(after)
    # with one baby the events that stopped applying were on the calendar, to discuss
    before = {str(e["SUMMARY"]): str(e["STATUS"]) for e in one.events}
    for title in (
        "Usual time for a planned cervical stitch (cerclage)",
        "Daily vaginal progesterone",
        "Usual time to remove a cervical stitch",
    ):
        assert before[f"To discuss: {title}"] == "CONFIRMED"
    assert before["Does not apply: Weekly progesterone injections (17-OHPC)"] == "CANCELLED"


@pytest.mark.parametrize(
    ("flags", "trigger"),
    [
        ([], b"TRIGGER;RELATED=START:-PT15H"),  # default: 09:00 the day before
        (["--remind-days-before", "0", "--remind-at", "07:30"], b"TRIGGER;RELATED=START:PT7H30M"),
        (["--remind-days-before", "2", "--remind-at", "18:00"], b"TRIGGER;RELATED=START:-P1DT6H"),
        (["--remind-at", "9:05"], b"TRIGGER;RELATED=START:-PT14H55M"),  # one-digit hour
    ],
)
def test_cli_reminder_flags(
    flags: list[str], trigger: bytes, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main([*CLI_PLAN, "--timestamp", "2026-11-24T08:00:00Z", *flags]) == 0
    out, _ = capsysbinary.readouterr()
    parse(out)
    assert {line for line in out.split(b"\r\n") if line.startswith(b"TRIGGER")} == {trigger}


def test_cli_no_reminders(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main([*CLI_PLAN, "--timestamp", "2026-11-24T08:00:00Z", "--no-reminders"]) == 0
    out, _ = capsysbinary.readouterr()
    assert b"VALARM" not in parse(out).data


@pytest.mark.parametrize(
    ("flags", "env", "named"),
    [
        (["--timestamp", "2026-11-24"], None, "timestamp"),  # a date, no time
        (["--timestamp", "2026-11-24T08:00:00"], None, "timestamp"),  # no UTC offset
        (["--timestamp", "yesterday"], None, "timestamp"),  # not ISO 8601
        ([], "soon", "SOURCE_DATE_EPOCH"),  # not a number
        ([], "-5", "SOURCE_DATE_EPOCH"),  # before 1970
        (["--remind-days-before", "29"], None, "remind-days-before"),  # more than four weeks
        (["--remind-days-before", "-1"], None, "remind-days-before"),  # negative
        (["--remind-at", "24:00"], None, "remind-at"),  # no such time
        (["--remind-at", "9am"], None, "remind-at"),  # not HH:MM
        (["--no-reminders", "--remind-at", "09:00"], None, "--no-reminders"),  # contradiction
        (["--calendar-name", "bell\x07"], None, "--calendar-name: "),  # a control character
    ],
)
def test_cli_bad_calendar_input_exits_2_with_one_line(
    flags: list[str],
    env: str | None,
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if env is not None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", env)
    else:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    code = main([*CLI_PLAN, *flags])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and named in err


def test_writing_a_calendar_does_not_import_icalendar(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from care_timeline.cli import main\n"
        "assert 'icalendar' not in sys.modules, 'imported with the CLI'\n"
        "main(['plan', '--due-date', '2027-05-10', '--today', '2026-11-24', '--format', 'json',"
        " '-o', 'plan.json'])\n"
        "assert 'icalendar' not in sys.modules, 'imported for json'\n"
        "main(['plan', '--due-date', '2027-05-10', '--format', 'ics', '-o', 'plan.ics'])\n"
        "assert 'icalendar' not in sys.modules, 'imported to write a calendar'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    parse((tmp_path / "plan.ics").read_bytes())
