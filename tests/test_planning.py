"""plan(): the product contract's milestone table and version-1 decision tables, row by row.

The contract's decision tables are version 1 of the default protocol, kept as
``examples/article-protocol-v1.toml``; the tests of those rules plan with that file
(``make_v1``). Version 2, the default now, has its own tables in
``test_default_protocol_v2.py``. Tests that hold for both plan with the default.

The example pregnancy is due 2027-05-10, so day 0 (0w0d) is 2026-08-03. Dates below
are counted by hand from day 0: 12w0d = +84 = 2026-10-26; 14w6d = +104 = 2026-11-15;
16w0d = +112 = 2026-11-23; 22w6d = +160 = 2027-01-10; 23w0d = +161 = 2027-01-11;
24w0d = +168 = 2027-01-18; 31w6d = +223 = 2027-03-14; 36w0d = due - 28 = 2027-04-12;
37w0d = due - 21 = 2027-04-19; 40w0d = 2027-05-10.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

import care_timeline as ct
from _support.expected import DEFAULT_DATES, INJECTIONS, MONITORING
from care_timeline import CareTimelineError, Dating, Profile, ProfileError

D = date
DUE = D(2027, 5, 10)
TODAY = D(2026, 11, 24)
DATING = Dating.from_due_date(DUE)


V1 = ct.load_protocol(Path(__file__).resolve().parent.parent / "examples/article-protocol-v1.toml")


def make(profile: Profile | None = None, today: date = TODAY, **kwargs: Any) -> ct.Plan:
    return ct.plan(DATING, profile=profile, today=today, **kwargs)


def make_v1(profile: Profile | None = None, today: date = TODAY) -> ct.Plan:
    return ct.plan(DATING, profile=profile, today=today, protocol=V1)


# The article's eight milestones (version 1): their dates are the default protocol's,
# hand-counted in _support/expected.py; timing on 2026-11-24 (day 113, 16w1d).
TIMING = {
    "cervical-change-risk": "current",  # day 84-160
    "cerclage-placement": "past",  # ended on day 104
    "cervical-monitoring": "current",  # first check on day 112
    "progesterone-injections": "current",
    "vaginal-progesterone": "current",
    "preterm-birth-watch": "upcoming",  # from day 161
    "cerclage-removal": "upcoming",
    "due-date": "upcoming",
}
# The weekly injections: a series in version 1 (the default dates none, in a window).
KIND = {"progesterone-injections": "series"}
EXPECTED = [
    (milestone, KIND.get(milestone, kind), start, end, start_ga, end_ga, TIMING[milestone])
    for milestone, (kind, start, end, start_ga, end_ga) in DEFAULT_DATES.items()
    if milestone in TIMING
]


def test_all_eight_milestones_in_order_with_dates_ga_and_timing() -> None:
    plan = make_v1()
    got = [
        (m.id, m.kind, m.start, m.end, str(m.start_ga), str(m.end_ga), m.timing)
        for m in plan.milestones
    ]
    assert got == EXPECTED
    assert str(plan.gestational_age_today) == "16w1d"  # Nov 24 is day 113


def test_series_occurrences() -> None:
    plan = make()
    assert plan.milestone("cervical-monitoring").occurrences == tuple(MONITORING)
    assert plan.milestone("progesterone-injections").occurrences == ()  # none dated now
    injections = make_v1().milestone("progesterone-injections").occurrences
    assert injections == tuple(INJECTIONS)  # weeks 16 to 36 inclusive
    assert injections[:3] == (D(2026, 11, 23), D(2026, 11, 30), D(2026, 12, 7))
    assert injections[-2:] == (D(2027, 4, 5), D(2027, 4, 12))
    assert plan.milestone("vaginal-progesterone").occurrences == ()  # daily: a window


@pytest.mark.parametrize(
    ("today", "timing"),
    [
        (D(2026, 10, 25), "upcoming"),  # the day before 12w0d
        (D(2026, 10, 26), "current"),  # first day
        (D(2026, 11, 15), "current"),  # last day, inclusive
        (D(2026, 11, 16), "past"),  # the day after
    ],
)
def test_timing_edges(today: date, timing: str) -> None:
    assert make(today=today).milestone("cerclage-placement").timing == timing


def test_a_stored_plan_of_a_today_before_day_zero_still_loads() -> None:
    # plan() refuses such a today now (tests/test_today.py); a plan an earlier version
    # stored for it says "before week 0" with no gestational age, and still loads.
    first = make(today=DATING.day_zero)  # 0w0d: every milestone still to come
    stored = first.replace(today=D(2026, 8, 2), gestational_age_today=None).model_dump_json()
    plan = ct.Plan.model_validate_json(stored)
    assert plan.gestational_age_today is None
    assert plan.milestones[0].timing == "upcoming"


RISK = ("trauma", "biopsy")


PLACED = D(2026, 11, 2)
# Nothing on record reads "none recorded" in version 1 and "On record: nothing" from version 3.
NOTHING = "nothing on record"
NOTHING_READS = {"1": "on record: none recorded.", "3": "On record: nothing."}
CERCLAGE_TABLE = [
    (Profile(fetuses=2), "not-applicable", "more than one baby"),  # row 1
    (Profile(fetuses=1, membranes_ruptured=True), "not-applicable", "waters"),  # row 2
    (Profile(cerclage_placed_on=PLACED), "applies", "2026-11-02"),  # row 3
    (Profile(), "discuss", NOTHING),  # otherwise, nothing known
    (Profile(fetuses=1, membranes_ruptured=False), "discuss", NOTHING),  # otherwise
    (Profile(risk_factors=RISK), "discuss", "trauma to the cervix and a cervical biopsy"),
]


@pytest.mark.parametrize(
    ("profile", "applicability", "reason_has"),
    [
        *CERCLAGE_TABLE,
        (
            Profile(fetuses=2, cerclage_placed_on=PLACED),
            "not-applicable",
            "more than one",
        ),  # row 1 wins
        (Profile(membranes_ruptured=True, cerclage_placed_on=PLACED), "not-applicable", "waters"),
    ],
)
def test_cerclage_placement_table(profile: Profile, applicability: str, reason_has: str) -> None:
    # These rows are the same in the default protocol. Planned on 12w0d: waters broken by
    # then (undated) decide the planned stitch's window, which opens that day (later, they
    # would decide only what lies after it).
    opening = D(2026, 10, 26)
    if profile.cerclage_placed_on is not None:  # by then: on that day (not after today)
        profile = profile.replace(cerclage_placed_on=opening)
        reason_has = reason_has.replace("2026-11-02", "2026-10-26")
    for plan in (make_v1(profile, today=opening), make(profile, today=opening)):
        item = plan.milestone("cerclage-placement")
        assert item.applicability == applicability
        expected = NOTHING_READS[plan.protocol.version] if reason_has == NOTHING else reason_has
        assert expected in item.reason


@pytest.mark.parametrize(
    ("profile", "applicability", "reason_has"),
    [
        *CERCLAGE_TABLE,
        # Deliberate departure from the spec's row order: a stitch that is in place must
        # come out, so a recorded cerclage is checked before the exclusions.
        (Profile(fetuses=2, cerclage_placed_on=PLACED), "applies", "2026-11-02"),
        (Profile(membranes_ruptured=True, cerclage_placed_on=PLACED), "applies", "2026-11-02"),
    ],
)
def test_cerclage_removal_table(profile: Profile, applicability: str, reason_has: str) -> None:
    for plan in (make_v1(profile), make(profile)):  # these rows are the same in version 2
        item = plan.milestone("cerclage-removal")
        assert item.applicability == applicability
        expected = NOTHING_READS[plan.protocol.version] if reason_has == NOTHING else reason_has
        assert expected in item.reason


def test_placed_cerclage_becomes_that_day() -> None:
    plan = make(Profile(cerclage_placed_on=D(2026, 11, 2)))
    placement = plan.milestone("cerclage-placement")
    # Nov 2 is day 91 = 13w0d
    assert (placement.kind, placement.start, placement.end) == (
        "day",
        D(2026, 11, 2),
        D(2026, 11, 2),
    )
    assert (str(placement.start_ga), str(placement.end_ga)) == ("13w0d", "13w0d")
    assert "13w0d" in placement.reason
    removal = plan.milestone("cerclage-removal")
    assert (removal.start, removal.end, removal.applicability) == (
        D(2027, 4, 12),
        D(2027, 4, 19),
        "applies",
    )


def test_placed_cerclage_reorders_by_start() -> None:
    # late, after 16w0d, and planned that day
    plan = make(Profile(cerclage_placed_on=D(2026, 12, 1)), today=D(2026, 12, 1))
    ids = [m.id for m in plan.milestones]
    assert ids.index("cerclage-placement") > ids.index("vaginal-progesterone")


@pytest.mark.parametrize(
    ("profile", "applicability"),
    [
        (Profile(fetuses=2, prior_preterm_birth=True), "not-applicable"),  # singleton only
        (Profile(fetuses=1, prior_preterm_birth=True), "applies"),
        (Profile(prior_preterm_birth=True), "applies"),  # fetuses unknown: not "more than one"
        (Profile(fetuses=1, prior_preterm_birth=False), "not-applicable"),
        (Profile(fetuses=1), "discuss"),  # prior preterm birth unknown
        (Profile(), "discuss"),
    ],
)
def test_progesterone_injections_table(profile: Profile, applicability: str) -> None:
    item = make_v1(profile).milestone("progesterone-injections")
    assert item.applicability == applicability
    assert item.reason
    assert any("17-OHPC" in note and "2023" in note for note in item.notes)


@pytest.mark.parametrize(
    ("profile", "applicability", "start"),
    [
        # row 1: more than one fetus
        (Profile(fetuses=2, short_cervix=True, prior_preterm_birth=False), "not-applicable", None),
        # row 2: prior preterm birth (weekly injections instead)
        (Profile(prior_preterm_birth=True, short_cervix=True), "not-applicable", None),
        # row 3: no short cervix, stated or by length (25 mm is not shorter than 25)
        (Profile(short_cervix=False, prior_preterm_birth=False), "not-applicable", None),
        (Profile(cervical_length_mm=25.0, prior_preterm_birth=False), "not-applicable", None),
        (Profile(cervical_length_mm=38, prior_preterm_birth=False), "not-applicable", None),
        # found after 36w0d (2027-04-12): too late
        (
            Profile(short_cervix=True, short_cervix_on=D(2027, 4, 13), prior_preterm_birth=False),
            "not-applicable",
            None,
        ),
        # row 4: applies from 16w0d, or the day the short cervix was found if later
        (Profile(short_cervix=True, prior_preterm_birth=False), "applies", D(2026, 11, 23)),
        (
            Profile(short_cervix=True, short_cervix_on=D(2026, 12, 1), prior_preterm_birth=False),
            "applies",
            D(2026, 12, 1),  # day 120 = 17w1d
        ),
        (
            Profile(short_cervix=True, short_cervix_on=D(2026, 9, 1), prior_preterm_birth=False),
            "applies",
            D(2026, 11, 23),  # found before 16w0d: starts at 16w0d
        ),
        (
            Profile(short_cervix=True, short_cervix_on=D(2027, 4, 12), prior_preterm_birth=False),
            "applies",
            D(2027, 4, 12),  # found on 36w0d exactly: a one-day window
        ),
        (
            Profile(
                cervical_length_mm=24.9,
                cervical_length_on=D(2026, 12, 1),
                prior_preterm_birth=False,
            ),
            "applies",
            D(2026, 12, 1),  # shorter than 25 mm: the measurement day is when it was found
        ),
        # row 5: otherwise
        (Profile(short_cervix=True), "discuss", None),  # prior preterm birth unknown
        (Profile(prior_preterm_birth=False), "discuss", None),  # cervix unknown
        (Profile(fetuses=1), "discuss", None),
    ],
)
def test_vaginal_progesterone_table(
    profile: Profile, applicability: str, start: date | None
) -> None:
    # planned on the day the cervix was found short, when that is later than TODAY
    found = [day for day in (profile.short_cervix_on, profile.cervical_length_on) if day]
    item = make_v1(profile, today=max([TODAY, *found])).milestone("vaginal-progesterone")
    assert item.applicability == applicability
    assert item.end == D(2027, 4, 12)
    if start is not None:
        assert item.start == start
        assert item.start_ga == ct.GestationalAge.between(DUE, start)


def test_vaginal_progesterone_late_start_ga_and_reason() -> None:
    item = make_v1(
        Profile(short_cervix=True, short_cervix_on=D(2026, 12, 1), prior_preterm_birth=False),
        today=D(2026, 12, 1),
    ).milestone("vaginal-progesterone")
    assert str(item.start_ga) == "17w1d"
    assert "2026-12-01" in item.reason


def test_found_too_late_reason_names_the_date() -> None:
    item = make_v1(
        Profile(short_cervix=True, short_cervix_on=D(2027, 4, 13), prior_preterm_birth=False),
        today=D(2027, 4, 13),
    ).milestone("vaginal-progesterone")
    assert "2027-04-13" in item.reason


@pytest.mark.parametrize(
    "profile",
    [
        Profile(),
        Profile(fetuses=2, membranes_ruptured=True),
        Profile(fetuses=1, prior_preterm_birth=True, short_cervix=True),
    ],
)
@pytest.mark.parametrize(
    "milestone", ["cervical-change-risk", "cervical-monitoring", "preterm-birth-watch", "due-date"]
)
def test_always_apply(profile: Profile, milestone: str) -> None:
    assert make_v1(profile).milestone(milestone).applicability == "applies"
    if milestone != "cervical-monitoring":  # version 2 decides monitoring by the profile
        assert make(profile).milestone(milestone).applicability == "applies"


def test_warning_signs_travel_with_risk_windows() -> None:
    plan = make_v1()
    assert len(plan.warning_signs) == 5  # the article's five
    flagged = {m.id for m in plan.milestones if m.warning_signs}
    assert flagged == {"cervical-change-risk", "preterm-birth-watch"}
    assert "clinician" in plan.clinician_note
    assert plan.urgent_advice is None  # version 1 has none


def test_plan_is_frozen_and_deterministic() -> None:
    assert make().model_dump_json() == make().model_dump_json()
    with pytest.raises(ValueError):
        make().today = D(2026, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        (Profile(risk_factors=("bad-luck",)), "risk_factors"),  # not in the protocol's list
        (Profile(cerclage_placed_on=D(2026, 8, 2)), "cerclage_placed_on"),  # before day 0
        (Profile(short_cervix=True, short_cervix_on=D(2026, 1, 1)), "short_cervix_on"),
    ],
)
def test_profile_checked_against_plan(profile: Profile, field: str) -> None:
    with pytest.raises(ProfileError, match=field):
        make(profile)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fetuses": 0}, "fetuses"),  # 1-8
        ({"fetuses": 9}, "fetuses"),
        ({"fetuses": "2"}, "fetuses"),  # strict: a count, not text
        ({"prior_preterm_birth": "yes"}, "prior_preterm_birth"),  # strict: a bool
        ({"cervical_length_mm": -3}, "cervical_length_mm"),
        ({"twins": True}, "twins"),  # unknown field
        ({"short_cervix": False, "short_cervix_on": D(2026, 12, 1)}, "short_cervix_on"),
        ({"short_cervix_on": D(2026, 12, 1)}, "short_cervix_on"),  # would be silently ignored
        ({"risk_factors": ("trauma", "trauma")}, "twice"),
        ({"prior_second_trimester_loss": "no"}, "prior_second_trimester_loss"),  # strict: a bool
        ({"cerclage_type": "transabdominal"}, "cerclage_type"),  # would be silently ignored
        (
            {"cerclage_type": "cervical", "cerclage_placed_on": D(2026, 11, 2)},
            "cerclage_type",
        ),  # not one of transvaginal, transabdominal
    ],
)
def test_profile_rejects(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ProfileError, match=field):
        Profile(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"today": "2026-13-01"}, "today"),  # text is read, but there is no month 13
        ({"today": datetime(2026, 11, 24, 8, 0)}, "today"),  # a time would be dropped
        ({"plan_id": ""}, "plan_id"),
        ({"plan_id": "a\nb"}, "plan_id"),
        ({"plan_id": "x" * 201}, "plan_id"),
    ],
)
def test_plan_rejects(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"today": TODAY, **kwargs}
    with pytest.raises(CareTimelineError, match=field):
        ct.plan(DATING, **args)


def test_default_today_is_the_real_today() -> None:
    # Dated from the real today, so the pregnancy is going on whenever this runs.
    dating = ct.Dating.from_gestational_age("16w1d", on=date.today())
    assert ct.plan(dating).today == date.today()


def test_trimesters_are_dated_from_the_protocol() -> None:
    plan = make()
    got = [(t.name, t.start, t.end, str(t.start_ga), str(t.end_ga)) for t in plan.trimesters]
    assert got == [
        ("First trimester", D(2026, 8, 3), D(2026, 11, 8), "0w0d", "13w6d"),  # 13w6d = day 97
        ("Second trimester", D(2026, 11, 9), D(2027, 2, 14), "14w0d", "27w6d"),  # day 195
        ("Third trimester", D(2027, 2, 15), None, "28w0d", "None"),  # no end
    ]
