"""Calendars that patients keep: a milestone that does not apply is one cancelled day
under its UID (or left out with ``omit``), a plan that ended cancels what it no longer
plans and cuts what ran past its end, and a private calendar hides what each event is.

Every export here is read back with two independent parsers (``parse``). The
pregnancy is due 2027-05-10, so day 0 is 2026-08-03; dates below are counted by hand
from it: 12w0d = +84 = 2026-10-26; 14w6d = +104 = 2026-11-15; 16w0d = +112 =
2026-11-23; 18w3d = +129 = 2026-12-10; 22w0d = +154 = 2027-01-04; 22w6d = +160 =
2027-01-10; 23w0d = +161 = 2027-01-11; 24w0d = +168 = 2027-01-18; 32w0d = +224 =
2027-03-15; 36w0d = +252 = 2027-04-12; 40w0d = 2027-05-10.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

import care_timeline as ct
from _support.ics import Parsed, expand_with_dateutil, expand_with_ical, parse
from care_timeline.batch import file_name
from care_timeline.cli import main

T0 = datetime(2026, 12, 20, 8, 0, tzinfo=UTC)
TODAY = date(2026, 12, 20)
DUE = date(2027, 5, 10)
PLAN_ID = "clinic-42/7781"
SINGLETON = ct.Profile(fetuses=1, prior_preterm_birth=True)
TWINS = ct.Profile(fetuses=2)
D = date


def make(profile: ct.Profile | None = SINGLETON, today: date = TODAY, **kwargs: Any) -> ct.Plan:
    return ct.plan(ct.Dating.from_due_date(DUE), profile, today=today, plan_id=PLAN_ID, **kwargs)


def export(plan: ct.Plan, **kwargs: Any) -> Parsed:
    kwargs.setdefault("timestamp", T0)
    return parse(ct.to_ics(plan, ct.CalendarOptions(**kwargs)))


def by_uid(parsed: Parsed) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in parsed.events}


def ids_by_uid(plan: ct.Plan) -> dict[str, str]:
    """Which milestone each UID is: read from the plain export, whose events are one
    per milestone in the plan's order, then (for a plan that ended) one per milestone
    it no longer plans."""
    plain = export(plan, private=False)
    return {str(event["UID"]): item_id for item_id, event in plain.by_milestone(plan).items()}


def events(plan: ct.Plan, **kwargs: Any) -> dict[str, icalendar.Event]:
    """The export's events by milestone id."""
    names = ids_by_uid(plan)
    return {names[uid]: event for uid, event in by_uid(export(plan, **kwargs)).items()}


def span(event: icalendar.Event) -> tuple[date, date]:
    return event.decoded("DTSTART"), event.decoded("DTEND")


# -- a milestone that does not apply: one cancelled day ---------------------------------

# Twins: the planned stitch, its removal and both progesterones do not apply (a stitch if
# the cervix opens is to discuss). Each is one cancelled day on its first day (DTEND the
# day after), whatever it was: a window of weeks or of twenty.
NOT_APPLICABLE = {
    "cerclage-placement": (D(2026, 10, 26), D(2026, 10, 27)),  # a 12w0d-14w6d window
    "progesterone-injections": (D(2026, 11, 23), D(2026, 11, 24)),  # 16w0d-36w0d, no doses
    "vaginal-progesterone": (D(2026, 11, 23), D(2026, 11, 24)),  # 16w0d-36w0d
    "cerclage-removal": (D(2027, 4, 12), D(2027, 4, 13)),  # 36w0d-37w0d: no stitch to remove
}


def test_not_applicable_is_one_cancelled_day_under_its_uid() -> None:
    twins, singleton = make(TWINS), make(SINGLETON)
    parsed = export(twins)
    got = events(twins)
    for item_id, (start, end) in NOT_APPLICABLE.items():
        event = got[item_id]
        assert span(event) == (start, end), item_id
        assert str(event["STATUS"]) == "CANCELLED"
        assert "RRULE" not in event
        assert event.walk("VALARM") == []  # nothing to be reminded of
        assert str(event["SUMMARY"]) == f"Does not apply: {twins.milestone(item_id).title}"
        # The second parser sees one day too: no span, no repeat.
        assert expand_with_ical(parsed.other, str(event["UID"])) == [start]
    cancelled = {i for i, e in got.items() if str(e["STATUS"]) == "CANCELLED"}
    assert cancelled == set(NOT_APPLICABLE)
    # The same UIDs as the singleton's calendar, where they are to discuss: a re-export
    # after a twin scan cancels the events an earlier import added.
    assert set(ids_by_uid(twins)) == set(ids_by_uid(singleton))
    assert ids_by_uid(twins) == ids_by_uid(singleton)
    before = events(singleton)
    for item_id in ("cerclage-placement", "vaginal-progesterone", "cerclage-removal"):
        assert str(before[item_id]["STATUS"]) == "CONFIRMED"
        assert str(before[item_id]["SUMMARY"]).startswith("To discuss: ")
    # 17-OHPC does not apply to anyone (version 3): cancelled in both.
    assert str(before["progesterone-injections"]["STATUS"]) == "CANCELLED"


# -- omit: left out altogether ----------------------------------------------------------


@pytest.mark.parametrize("omit", [["not-applicable"], ("not-applicable",), "not-applicable"])
def test_omit_not_applicable_leaves_them_out(omit: Any) -> None:
    twins = make(TWINS)
    full = export(twins)
    left = export(twins, omit=omit)
    assert set(events(twins, omit=omit)) == {
        item.id for item in twins.milestones if item.id not in NOT_APPLICABLE
    }
    # Everything else is exactly as without omit, event for event.
    kept = [e for e in full.events if str(e["STATUS"]) != "CANCELLED"]
    assert [e.to_ical() for e in left.events] == [e.to_ical() for e in kept]
    assert all(str(e["STATUS"]) == "CONFIRMED" for e in left.events)


ARTICLE = ct.load_protocol(Path(__file__).parents[2] / "examples/article-protocol-v1.toml")
"""Version 1, the article's rules word for word: with nothing known, everything in it
applies or is to discuss (under the default protocol 17-OHPC never does)."""


def test_omit_changes_nothing_where_everything_applies_or_is_to_discuss() -> None:
    unknown = make(None, protocol=ARTICLE)
    assert all(item.on_timeline for item in unknown.milestones)
    assert ct.to_ics(
        unknown, ct.CalendarOptions(timestamp=T0, omit=["not-applicable"])
    ) == ct.to_ics(unknown, ct.CalendarOptions(timestamp=T0))
    assert ct.to_ics(unknown, ct.CalendarOptions(timestamp=T0, omit=())) == ct.to_ics(
        unknown, ct.CalendarOptions(timestamp=T0)
    )
    # Under the default protocol only the 17-OHPC injections are left out.
    default = make(SINGLETON)
    assert set(events(default)) - set(events(default, omit=["not-applicable"])) == {
        "progesterone-injections"
    }


def test_omit_leaves_in_what_an_ended_plan_no_longer_plans() -> None:
    # Ended 2026-12-10: the watches, the stitch's removal and the due date were still to
    # come. Their cancelled events stay with omit: they cancel what a calendar had.
    plan = make(ended_on=D(2026, 12, 10), ended_because="loss")
    left = events(plan, omit=["not-applicable"])
    gone = {"preterm-birth-watch", "late-preterm-watch", "cerclage-removal", "due-date"}
    assert {item.id for item in plan.no_longer_planned} == gone
    assert set(events(plan)) - set(left) == {"progesterone-injections"}  # does not apply
    for item_id in gone:
        assert str(left[item_id]["STATUS"]) == "CANCELLED"
        assert str(left[item_id]["SUMMARY"]).startswith("No longer planned: ")


def test_omit_in_render_and_write_batch_gives_the_same_bytes(tmp_path: Path) -> None:
    twins = make(TWINS)
    api = ct.to_ics(twins, ct.CalendarOptions(timestamp=T0, omit=["not-applicable"]))
    assert ct.render(twins, "ics", ct.CalendarOptions(timestamp=T0, omit=["not-applicable"])) == api
    row = {"id": PLAN_ID, "due_date": "2027-05-10", "fetuses": "2"}
    report = ct.write_batch(
        [row],
        tmp_path,
        ct.RowOptions(today=TODAY),
        format="ics",
        calendar=ct.CalendarOptions(timestamp=T0, omit=["not-applicable"]),
    )
    assert report.ok
    assert (tmp_path / file_name(PLAN_ID, "ics")).read_bytes() == api


@pytest.mark.parametrize(
    "omit", [["discuss"], ["applies"], ["maybe"], "not-applicable,discuss", [5], 5, [""]]
)
def test_omit_takes_not_applicable_only(omit: Any) -> None:
    # Checked once, where the options are built: to_ics, render and write_batch
    # (and the command line's --omit) all take the value so built.
    with pytest.raises(ct.ExportError) as caught:
        ct.CalendarOptions(timestamp=T0, omit=omit)
    assert caught.value.field == "omit"
    assert "not-applicable" in str(caught.value)


CLI = ["plan", "--due-date", "2027-05-10", "--today", "2026-12-20", "--plan-id", PLAN_ID]
STAMP = ["--timestamp", "2026-12-20T08:00:00Z"]


def test_cli_omit_writes_the_apis_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "plan.ics"
    argv = [*CLI, *STAMP, "--fetuses", "2", "--format", "ics", "-o", str(target)]
    assert main([*argv, "--omit", "not-applicable"]) == 0
    assert target.read_bytes() == ct.to_ics(
        make(TWINS), ct.CalendarOptions(timestamp=T0, omit=["not-applicable"])
    )
    capsys.readouterr()


@pytest.mark.parametrize("value", ["discuss", "maybe", "", "not-applicable,applies"])
@pytest.mark.parametrize("fmt", ["ics", "json"])
def test_cli_bad_omit_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], value: str, fmt: str
) -> None:
    code = main([*CLI, "--format", fmt, "--omit", value])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "omit:" in err and "not-applicable" in err, err


# -- a plan that ended -------------------------------------------------------------------

# Lost on 2026-12-10 (18w3d). What began by then stays, cut at the end: windows that ran
# past it stop on it (DTEND Dec 11), a series stops at its last occurrence by then; what
# was all still to come is no longer planned: one cancelled day on the day it was to start.
ENDED = "This plan ended on 2026-12-10, when the pregnancy ended."
ENDED_DEC_10 = {
    # id: (DTSTART, DTEND, STATUS, SUMMARY's start, repeat rule, the ended sentence)
    "cervical-change-risk": (D(2026, 10, 26), D(2026, 12, 11), "CONFIRMED", "", None, True),
    # over by then: whole, and nothing said of the end
    "cerclage-placement": (
        D(2026, 10, 26),
        D(2026, 11, 16),
        "CONFIRMED",
        "To discuss: ",
        None,
        False,
    ),
    "cervical-monitoring": (
        D(2026, 11, 23),
        D(2026, 11, 24),
        "CONFIRMED",
        "",
        "FREQ=WEEKLY;UNTIL=20261207;INTERVAL=2",  # Nov 23, Dec 7 (Dec 21 came after)
        False,  # its last scan, Dec 7, was before the end day
    ),
    "cerclage-if-cervix-shortens": (
        D(2026, 11, 23),
        D(2026, 12, 11),
        "CONFIRMED",
        "To discuss: ",
        None,
        True,
    ),
    # does not apply (version 3): one cancelled day, as in a running plan; cut at the end
    "progesterone-injections": (
        D(2026, 11, 23),
        D(2026, 11, 24),
        "CANCELLED",
        "Does not apply: ",
        None,
        True,
    ),
    "vaginal-progesterone": (
        D(2026, 11, 23),
        D(2026, 12, 11),
        "CONFIRMED",
        "To discuss: ",
        None,
        True,
    ),
}
NO_LONGER_PLANNED_DEC_10 = {
    # id: the day it was to start (DTEND the day after)
    "preterm-birth-watch": D(2027, 1, 11),  # 23w0d
    "late-preterm-watch": D(2027, 3, 15),  # 32w0d
    "cerclage-removal": D(2027, 4, 12),  # 36w0d
    "due-date": D(2027, 5, 10),  # 40w0d
}
SERIES_DATES = {"cervical-monitoring": [D(2026, 11, 23), D(2026, 12, 7)]}


def test_an_ended_plan_cancels_what_was_to_come_and_cuts_what_ran_past_its_end() -> None:
    plan = make(ended_on=D(2026, 12, 10), ended_because="loss")
    parsed = export(plan)
    got = events(plan)
    assert [item.id for item in plan.milestones] == list(ENDED_DEC_10)
    assert [item.id for item in plan.no_longer_planned] == list(NO_LONGER_PLANNED_DEC_10)
    for item_id, (start, end, status, prefix, rule, says_ended) in ENDED_DEC_10.items():
        event = got[item_id]
        assert (*span(event), str(event["STATUS"])) == (start, end, status), item_id
        assert str(event["SUMMARY"]) == prefix + plan.milestone(item_id).title
        if rule is None:
            assert "RRULE" not in event, item_id
        else:
            assert event["RRULE"].to_ical().decode() == rule
            assert expand_with_dateutil(event) == SERIES_DATES[item_id]
            assert expand_with_ical(parsed.other, str(event["UID"])) == SERIES_DATES[item_id]
        description = str(event["DESCRIPTION"])
        assert (ENDED in description) == says_ended, item_id
        assert "What was still to come is no longer planned." not in description
        assert "Warning signs" not in description  # an ended plan carries none
    for item_id, start in NO_LONGER_PLANNED_DEC_10.items():
        event = got[item_id]
        title = make().milestone(item_id).title
        assert (*span(event), str(event["STATUS"])) == (
            start,
            start + timedelta(days=1),
            "CANCELLED",
        )
        # Marked in the title too, for programs that show a cancelled event as any other.
        assert str(event["SUMMARY"]) == f"No longer planned: {title}"
        assert "RRULE" not in event
        assert event.walk("VALARM") == [], item_id
        assert expand_with_ical(parsed.other, str(event["UID"])) == [start]
        # No weeks, no "When:": only that the plan ended, and the clinician note.
        assert str(event["DESCRIPTION"]) == (
            f"{ENDED} What was still to come is no longer planned.\n\n{plan.clinician_note}"
        )
    # Same UIDs as while it ran, so a re-import replaces the running plan's events.
    running = make()
    assert ids_by_uid(plan) == ids_by_uid(running)


# Vector 19 of the protocol's specification: an earlier preterm birth, the plan ended by a
# loss on 2027-01-04 (22w0d), today 2027-01-18 (24w0d).
ENDED_JAN_4 = "This plan ended on 2027-01-04, when the pregnancy ended."


def test_an_ended_plans_calendar_counts_no_week_past_its_end() -> None:
    """It cancels what it no longer plans under the UIDs the running plan's calendar had,
    and no event speaks of a week after the end, or of warning signs."""
    running = make(today=D(2026, 12, 20))
    ended = make(today=D(2027, 1, 18), ended_on=D(2027, 1, 4), ended_because="loss")
    parsed = export(ended)
    plain = export(running)
    running_uids = {item_id: str(e["UID"]) for item_id, e in plain.by_milestone(running).items()}
    # Every event the running plan had is in the ended plan's calendar, under its UID (in
    # the same order here: what it no longer plans came last anyway).
    assert parsed.uids() == plain.uids()
    by = by_uid(parsed)
    # What lay after the end: cancelled on the day it was to start (by hand: 23w0d, 32w0d,
    # 36w0d, 40w0d), with no weeks in it.
    no_longer = {
        "preterm-birth-watch": D(2027, 1, 11),
        "late-preterm-watch": D(2027, 3, 15),
        "cerclage-removal": D(2027, 4, 12),
        "due-date": D(2027, 5, 10),
    }
    assert {item.id for item in ended.no_longer_planned} == set(no_longer)
    for item_id, start in no_longer.items():
        event = by[running_uids[item_id]]
        assert str(event["STATUS"]) == "CANCELLED"
        assert event.decoded("DTSTART") == start
        assert str(event["SUMMARY"]) == f"No longer planned: {running.milestone(item_id).title}"
        assert str(event["DESCRIPTION"]) == (
            f"{ENDED_JAN_4} What was still to come is no longer planned.\n\n{ended.clinician_note}"
        )
    # What had begun is cut at the end: nothing runs past 2027-01-04 but what is cancelled.
    for event in parsed.events:
        if str(event["STATUS"]) != "CANCELLED":
            assert event.decoded("DTEND") <= D(2027, 1, 5), str(event["SUMMARY"])
    kept = {
        "cervical-change-risk": D(2027, 1, 5),  # 12w0d to 22w0d (22w6d cut)
        "cerclage-if-cervix-shortens": D(2027, 1, 5),
        "vaginal-progesterone": D(2027, 1, 5),
    }
    for item_id, until in kept.items():
        event = by[running_uids[item_id]]
        assert (str(event["STATUS"]), event.decoded("DTEND")) == ("CONFIRMED", until)
        assert ENDED_JAN_4 in str(event["DESCRIPTION"])
    scans = by[running_uids["cervical-monitoring"]]  # Nov 23, Dec 7, Dec 21, Jan 4: on the end
    assert "UNTIL=20270104;" in scans["RRULE"].to_ical().decode()
    assert expand_with_ical(parsed.other, str(scans["UID"])) == [
        D(2026, 11, 23),
        D(2026, 12, 7),
        D(2026, 12, 21),
        D(2027, 1, 4),
    ]
    # No week after 22w0d anywhere, no warning signs, no urgent advice meant for a
    # pregnancy that goes on.
    for event in parsed.events:
        for text in (str(event["SUMMARY"]), str(event["DESCRIPTION"])):
            for weeks, days in re.findall(r"\b(\d+)w(\d)d\b", text):
                assert (int(weeks), int(days)) <= (22, 0), text
            assert "Warning signs" not in text
            for sign in running.warning_signs:
                assert sign not in text
            assert running.urgent_advice is not None
            assert running.urgent_advice not in text
    # The running plan's calendar had them (so the check above can fail).
    assert any("Warning signs" in str(e["DESCRIPTION"]) for e in plain.events)
    assert any("23w0d" in str(e["DESCRIPTION"]) for e in plain.events)


@pytest.mark.parametrize("plan_id", [None, PLAN_ID])
@pytest.mark.parametrize("uid_key", [None, b"a clinic key, 32 bytes long....."])
def test_an_ended_plan_keeps_its_uids(plan_id: str | None, uid_key: bytes | None) -> None:
    # With or without a plan id or a key: the calendar's UID and each milestone's
    # are those of the running plan, exported earlier, in the same order.
    def uids(plan: ct.Plan) -> list[str]:
        parsed = export(plan, uid_key=uid_key)
        return [str(parsed.calendar["UID"])] + [str(event["UID"]) for event in parsed.events]

    dating = ct.Dating.from_due_date(DUE)
    running = ct.plan(dating, SINGLETON, today=D(2026, 11, 24), plan_id=plan_id)
    ended = ct.plan(
        dating,
        SINGLETON,
        today=TODAY,
        plan_id=plan_id,
        ended_on=D(2026, 12, 10),
        ended_because="birth",
    )
    assert len(set(uids(running))) == 1 + len(running.milestones)
    assert uids(ended) == uids(running)


# The cervical scans: every 14 days from 16w0d, Nov 23, Dec 7, Dec 21, Jan 4 and Jan 18.
@pytest.mark.parametrize(
    ("ended_on", "monitoring_until"),
    [
        (D(2026, 12, 7), "20261207"),  # on an occurrence: it is the last
        (D(2026, 12, 6), "20261123"),  # the day before: the one before it
        (D(2026, 12, 20), "20261207"),  # the day before the next: the one before it
        (D(2026, 11, 23), "20261123"),  # the first day: one occurrence
        (D(2027, 1, 18), "20270118"),  # its last day: whole
    ],
)
def test_a_series_until_is_its_last_occurrence_on_or_before_the_end(
    ended_on: date, monitoring_until: str
) -> None:
    plan = make(today=max(TODAY, ended_on), ended_on=ended_on)
    event = events(plan)["cervical-monitoring"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert span(event) == (D(2026, 11, 23), D(2026, 11, 24))
    assert f"UNTIL={monitoring_until};" in event["RRULE"].to_ical().decode()
    last = datetime.strptime(monitoring_until, "%Y%m%d").date()
    assert expand_with_dateutil(event)[-1] == last


def test_an_end_before_a_window_cancels_it_and_one_on_its_last_day_keeps_it() -> None:
    # Ended 2026-11-22 (15w6d): everything from 16w0d (Nov 23) on was still to come.
    plan = make(ended_on=D(2026, 11, 22))
    got = events(plan)
    assert str(got["vaginal-progesterone"]["STATUS"]) == "CANCELLED"
    assert span(got["vaginal-progesterone"]) == (D(2026, 11, 23), D(2026, 11, 24))
    assert str(got["vaginal-progesterone"]["SUMMARY"]) == (
        "No longer planned: Daily vaginal progesterone"
    )
    assert str(got["cervical-monitoring"]["STATUS"]) == "CANCELLED"
    assert "RRULE" not in got["cervical-monitoring"]
    assert str(got["cervical-monitoring"]["SUMMARY"]) == (
        "No longer planned: Cervical length scan (vaginal ultrasound)"
    )
    # so are the injections: not "does not apply", but no longer planned
    assert str(got["progesterone-injections"]["SUMMARY"]) == (
        "No longer planned: Weekly progesterone injections (17-OHPC)"
    )
    assert [item.id for item in plan.milestones] == ["cervical-change-risk", "cerclage-placement"]
    # Ended 2026-11-15, the stitch window's last day: it stays whole and confirmed, and
    # says that the plan ended that day.
    got = events(make(ended_on=D(2026, 11, 15)))
    assert (*span(got["cerclage-placement"]), str(got["cerclage-placement"]["STATUS"])) == (
        D(2026, 10, 26),
        D(2026, 11, 16),
        "CONFIRMED",
    )
    assert "This plan ended on 2026-11-15." in str(got["cerclage-placement"]["DESCRIPTION"])


def test_events_that_ran_keep_their_reminders_and_cancelled_ones_have_none() -> None:
    got = events(make(ended_on=D(2026, 12, 10)))
    with_alarm = {item_id for item_id, event in got.items() if event.walk("VALARM")}
    # Windows and doses that had begun keep theirs; the due date never has one.
    assert with_alarm == {
        "cervical-change-risk",
        "cerclage-placement",
        "cervical-monitoring",
        "cerclage-if-cervix-shortens",
        "vaginal-progesterone",
    }  # not the injections (they do not apply), nor what is no longer planned


# -- private calendars --------------------------------------------------------------------

# What each event is called in a private calendar: its category, never its title; the
# applicability in front, as in every calendar.
PRIVATE_TITLES = {
    "cervical-change-risk": "Pregnancy care: reminder",  # risk, applies
    "cerclage-placement": "To discuss: Pregnancy care: appointment",  # treatment
    "cervical-monitoring": "Pregnancy care: check",  # monitoring, applies
    "cerclage-if-cervix-shortens": "To discuss: Pregnancy care: appointment",
    "progesterone-injections": "Does not apply: Pregnancy care: medicine",  # medication
    "vaginal-progesterone": "To discuss: Pregnancy care: medicine",
    "preterm-birth-watch": "Pregnancy care: reminder",
    "late-preterm-watch": "Pregnancy care: reminder",
    "cerclage-removal": "To discuss: Pregnancy care: appointment",
    "due-date": "Pregnancy care: due date",  # birth
}
PRIVATE_TITLES_TR = {
    "cervical-change-risk": "Gebelik takibi: hatırlatma",
    "cerclage-placement": "Konuşulacak: Gebelik takibi: randevu",
    "cervical-monitoring": "Gebelik takibi: kontrol",
    "progesterone-injections": "Geçerli değil: Gebelik takibi: ilaç",
    "due-date": "Gebelik takibi: tahmini doğum tarihi",
}


def test_private_events_have_neutral_titles_and_keep_the_details_in_the_description() -> None:
    plan = make()
    plain, private = events(plan), events(plan, private=True)
    assert {i: str(e["SUMMARY"]) for i, e in private.items()} == PRIVATE_TITLES
    for item_id, event in private.items():
        item = plan.milestone(item_id)
        assert str(event["CLASS"]) == "PRIVATE"
        assert "CLASS" not in plain[item_id]
        # The real title first, then the description the plain calendar has.
        assert str(event["DESCRIPTION"]) == f"{item.title}\n\n{plain[item_id]['DESCRIPTION']}"
        # A reminder shows its event's neutral title, never the real one.
        for alarm in event.walk("VALARM"):
            assert str(alarm["DESCRIPTION"]) == PRIVATE_TITLES[item_id]
        assert [a["TRIGGER"].to_ical() for a in event.walk("VALARM")] == [
            a["TRIGGER"].to_ical() for a in plain[item_id].walk("VALARM")
        ]
        # Dates, status and UID as in the plain calendar.
        for name in ("DTSTART", "DTEND", "UID", "STATUS", "SEQUENCE"):
            assert event[name].to_ical() == plain[item_id][name].to_ical()


# A choice of either: an earlier preterm birth at 30w, a cervix of 18 mm on 2026-12-14
# (19w0d = +133), today 2026-12-20.
OPTIONS = ct.Profile(
    prior_preterm_birth_ga="30w", cervical_length_mm=18, cervical_length_on=D(2026, 12, 14)
)


def test_no_title_shows_in_a_private_calendars_summaries_or_reminders() -> None:
    plans = [
        make(SINGLETON),
        make(TWINS),
        make(OPTIONS),  # two options
        make(ended_on=D(2026, 12, 10), ended_because="birth"),  # what it no longer plans
    ]
    assert any(item.alternative for item in plans[2].milestones)
    assert plans[3].no_longer_planned
    for plan in plans:
        parsed = export(plan, private=True)
        shown = [str(e["SUMMARY"]) for e in parsed.events] + [
            str(a["DESCRIPTION"]) for e in parsed.events for a in e.walk("VALARM")
        ]
        for item in (*plan.milestones, *plan.no_longer_planned):
            assert not any(item.title in text for text in shown), item.id
            # the title is the first line of the description instead
            assert any(str(e["DESCRIPTION"]).startswith(item.title + "\n\n") for e in parsed.events)
        count = len(plan.milestones) + len(plan.no_longer_planned)
        assert [str(e["CLASS"]) for e in parsed.events] == ["PRIVATE"] * count


def test_private_titles_are_in_the_plans_language() -> None:
    plan = ct.plan(
        ct.Dating.from_due_date(DUE), SINGLETON, today=TODAY, plan_id=PLAN_ID, language="tr"
    )
    private = events(plan, private=True)
    assert {i: str(private[i]["SUMMARY"]) for i in PRIVATE_TITLES_TR} == PRIVATE_TITLES_TR
    for item_id in PRIVATE_TITLES_TR:
        assert str(private[item_id]["DESCRIPTION"]).startswith(plan.milestone(item_id).title)


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Pregnancy care"),  # as the events' "Pregnancy care: check"
        ("tr", "Gebelik takibi"),  # as the events' "Gebelik takibi: kontrol"
    ],
)
def test_a_private_calendars_name_is_neutral_unless_one_is_given(language: str, name: str) -> None:
    plan = ct.plan(
        ct.Dating.from_due_date(DUE), SINGLETON, today=TODAY, plan_id=PLAN_ID, language=language
    )
    title = plan.protocol.title  # names the condition
    plain = export(plan).calendar
    assert (str(plain["NAME"]), str(plain["X-WR-CALNAME"])) == (title, title)
    private = export(plan, private=True).calendar
    assert (str(private["NAME"]), str(private["X-WR-CALNAME"])) == (name, name)
    # Nothing of the calendar's own (what a list of calendars shows) names it.
    for key, value in private.items():
        for words in (title, "insufficiency", "yetmezli", "ervi"):
            assert words.casefold() not in str(value).casefold(), key
    # A name given is the name, private or not.
    given = export(plan, private=True, calendar_name="Ana: appointments").calendar
    assert (str(given["NAME"]), str(given["X-WR-CALNAME"])) == (
        "Ana: appointments",
        "Ana: appointments",
    )


def test_private_and_ended_together() -> None:
    got = events(make(TWINS, ended_on=D(2026, 12, 10), ended_because="other"), private=True)
    assert str(got["due-date"]["SUMMARY"]) == "No longer planned: Pregnancy care: due date"
    assert str(got["due-date"]["STATUS"]) == "CANCELLED"
    assert str(got["due-date"]["DESCRIPTION"]).startswith(
        "Estimated due date\n\nThis plan ended on 2026-12-10. "
        "What was still to come is no longer planned.\n\n"
    )
    assert str(got["vaginal-progesterone"]["SUMMARY"]) == "Does not apply: Pregnancy care: medicine"
    assert {str(e["CLASS"]) for e in got.values()} == {"PRIVATE"}


def test_private_must_be_true_or_false() -> None:
    with pytest.raises(ct.ExportError) as caught:
        ct.to_ics(make(), ct.CalendarOptions(timestamp=T0, private="yes"))  # type: ignore[arg-type]
    assert caught.value.field == "private"


def test_cli_private_writes_the_apis_bytes_and_changes_no_other_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*CLI, *STAMP, "--fetuses", "1", "--prior-preterm-birth"]
    target = tmp_path / "plan.ics"
    assert main([*argv, "--format", "ics", "--private", "-o", str(target)]) == 0
    assert target.read_bytes() == ct.to_ics(make(), ct.CalendarOptions(timestamp=T0, private=True))
    assert b"\r\nX-WR-CALNAME:Pregnancy care\r\n" in target.read_bytes()
    for fmt in ("html", "text", "svg", "csv", "json"):
        assert main([*argv, "--format", fmt, "-o", str(tmp_path / f"plain.{fmt}")]) == 0
        assert main([*argv, "--format", fmt, "--private", "-o", str(tmp_path / f"p.{fmt}")]) == 0
        assert (tmp_path / f"p.{fmt}").read_bytes() == (tmp_path / f"plain.{fmt}").read_bytes()
    capsys.readouterr()


def test_batch_private_files_are_the_single_export(tmp_path: Path) -> None:
    row = {"id": PLAN_ID, "due_date": "2027-05-10", "fetuses": "1", "prior_preterm_birth": "yes"}
    report = ct.write_batch(
        [row],
        tmp_path,
        ct.RowOptions(today=TODAY),
        format="ics",
        calendar=ct.CalendarOptions(timestamp=T0, private=True),
    )
    assert report.ok
    written = (tmp_path / file_name(PLAN_ID, "ics")).read_bytes()
    assert written == ct.to_ics(make(), ct.CalendarOptions(timestamp=T0, private=True))
    assert written.count(b"CLASS:PRIVATE") == 10
    assert b"\r\nNAME:Pregnancy care\r\nX-WR-CALNAME:Pregnancy care\r\n" in written
