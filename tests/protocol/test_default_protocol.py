"""The default protocol, version 3: every row of every decision table (``protocol-v2.md``
as ``protocol-v3.md`` changes it), the row orders where the first match matters, the
dated facts that decide only what lies ahead, the clinician's scenario, the texts, and
properties across many profiles. The specification's own vectors are in
test_protocol_v3.py.

Expected results are written by hand. The example pregnancy is due 2027-05-10, so day 0
(0w0d) is 2026-08-03, and counted from it: 12w0d = +84 = 2026-10-26; 13w0d = +91 =
2026-11-02; 14w6d = +104 = 2026-11-15; 15w0d = +105 = 2026-11-16; 16w0d = +112 =
2026-11-23; 16w1d = +113 = 2026-11-24; 17w1d = +120 = 2026-12-01; 18w0d = +126 = 2026-12-07;
20w0d = +140 = 2026-12-21; 22w0d = +154 = 2027-01-04; 22w6d = +160 = 2027-01-10; 23w0d =
+161 = 2027-01-11; 23w6d = +167 = 2027-01-17; 24w0d = +168 = 2027-01-18; 26w0d = +182 =
2027-02-01; 30w0d = +210 = 2027-03-01; 31w6d = +223 = 2027-03-14; 32w0d = +224 =
2027-03-15; 36w0d = due - 28 = 2027-04-12; 36w1d = 2027-04-13; 36w6d = due - 22 =
2027-04-18; 37w0d = due - 21 = 2027-04-19; 38w0d = due - 14 = 2027-04-26.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import care_timeline as ct
from _support.expected import DEFAULT_DATES
from _support.strategies import cases
from care_timeline import Profile

D = date
DUE = D(2027, 5, 10)
DATING = ct.Dating.from_due_date(DUE)
HERE = Path(__file__).resolve().parent
V1 = ct.load_protocol(HERE.parents[1] / "examples/article-protocol-v1.toml")
V2 = ct.load_protocol(HERE / "data/cervical-insufficiency-v2.toml")

W12 = D(2026, 10, 26)  # 12w0d
PLACED = W13 = D(2026, 11, 2)  # 13w0d
W15 = D(2026, 11, 16)  # 15w0d: before the windows of 16w0d open
W16 = D(2026, 11, 23)  # 16w0d, where the medication and monitoring windows open
TODAY = D(2026, 11, 24)  # 16w1d
W18 = D(2026, 12, 7)  # 18w0d
W20 = D(2026, 12, 21)  # 20w0d: the default today of the tables below
W22 = D(2027, 1, 4)  # 22w0d
W23D6 = D(2027, 1, 17)  # 23w6d
W24 = D(2027, 1, 18)  # 24w0d
W26 = D(2027, 2, 1)  # 26w0d
W30 = D(2027, 3, 1)  # 30w0d
W36 = D(2027, 4, 12)  # 36w0d
W36D1 = D(2027, 4, 13)  # 36w1d, the day after the progesterone windows end
W37 = D(2027, 4, 19)  # 37w0d
W38 = D(2027, 4, 26)  # 38w0d

# A short cervix as the profile states it, found on a known day.
EARLY: dict[str, Any] = {"short_cervix": True, "short_cervix_on": W20}  # by 24w0d
LATE: dict[str, Any] = {"short_cervix": True, "short_cervix_on": W26}  # after 24w0d
AFTER_END: dict[str, Any] = {"short_cervix": True, "short_cervix_on": W36D1}
UNDATED: dict[str, Any] = {"short_cervix": True}  # no day: known by today at the latest
BORN_30 = {"prior_preterm_birth_ga": "30w0d"}  # an earlier preterm birth at 30w0d: before 34w


def decide(milestone: str, profile: Profile, today: date = W20) -> ct.Milestone:
    return ct.plan(DATING, profile, today=today).milestone(milestone)


def check(milestone: str, profile: Profile, applicability: str, key: str, today: date) -> None:
    item = decide(milestone, profile, today)
    assert (item.applicability, item.reason_key) == (applicability, key), item.reason
    assert item.reason and "{" not in item.reason


# ---------------------------------------------------------------------------------------
# The whole plan


def test_all_ten_milestones_in_order_with_dates_ga_and_timing() -> None:
    plan = ct.plan(DATING, today=TODAY)
    assert (plan.protocol.id, plan.protocol.version) == ("cervical-insufficiency", "3")
    got = {m.id: (m.kind, m.start, m.end, str(m.start_ga), str(m.end_ga)) for m in plan.milestones}
    assert list(got) == list(DEFAULT_DATES)
    assert got == DEFAULT_DATES
    timing = {m.id: m.timing for m in plan.milestones}
    assert timing == {
        "cervical-change-risk": "current",  # day 84-160; today is day 113
        "cerclage-placement": "past",  # ended on day 104
        "cervical-monitoring": "current",  # first check on day 112
        "cerclage-if-cervix-shortens": "current",
        "progesterone-injections": "current",
        "vaginal-progesterone": "current",
        "preterm-birth-watch": "upcoming",  # from day 161
        "late-preterm-watch": "upcoming",
        "cerclage-removal": "upcoming",
        "due-date": "upcoming",
    }


def test_warning_signs_and_urgent_advice() -> None:
    plan = ct.plan(DATING, today=TODAY)
    assert plan.warning_signs[:5] == (  # the article's five, first
        "More vaginal discharge than usual",
        "Bleeding from the vagina",
        "Pain in the groin or the abdomen",
        "A fever, or chills",
        "Your waters breaking (a gush or a trickle of fluid)",
    )
    added = " ".join(plan.warning_signs[5:]).lower()
    for sign in ("tightenings", "even if they do not hurt", "pelvis", "pushing down", "back"):
        assert sign in added  # the signs of preterm labour
    assert "period" in added  # cramps like a period
    # version 3: a change in the kind of discharge, fluid that smells or is coloured, and
    # the baby's movements
    for sign in ("watery", "mucus", "blood", "smells", "green or brown", "moving less"):
        assert sign in added, sign
    assert len(plan.warning_signs) == 12
    advice = plan.urgent_advice
    assert advice is not None and advice.count(".") == 1  # one sentence
    for word in ("maternity unit", "hospital", "bleeding", "waters", "tightenings", "fever"):
        assert word in advice
    assert "moving less" in advice and "next day" in advice
    flagged = {m.id for m in plan.milestones if m.warning_signs}
    assert flagged == {"cervical-change-risk", "preterm-birth-watch", "late-preterm-watch"}


def test_risk_factors_keep_the_articles_seven_and_add_five() -> None:
    protocol = ct.default_protocol()
    ids = [factor.id for factor in protocol.risk_factors]
    assert ids == [
        "weak-cervix",
        "unexplained-miscarriage",
        "abortion-damage",
        "trauma",
        "cervical-cancer-surgery",
        "biopsy",
        "infection",
        "cone-biopsy-or-leep",
        "uterine-anomaly",
        "des-exposure",
        "connective-tissue-disorder",
        "prior-cerclage",
    ]
    # version 3: a loss in the middle of pregnancy, not any miscarriage; an earlier stitch
    # for painless opening (ACOG PB 142), not any stitch
    assert "14 to 24 weeks" in protocol.risk_factor_label("unexplained-miscarriage")
    assert "without pain" in protocol.risk_factor_label("prior-cerclage")


# ---------------------------------------------------------------------------------------
# Decision tables, row by row (first match decides); today is 20w0d unless a row says


@pytest.mark.parametrize(
    "profile",
    [
        Profile(),
        Profile(fetuses=3, membranes_ruptured_on=W15),
        Profile(prior_preterm_birth=True),
    ],
)
@pytest.mark.parametrize(
    "milestone", ["cervical-change-risk", "preterm-birth-watch", "late-preterm-watch", "due-date"]
)
def test_always_apply(milestone: str, profile: Profile) -> None:
    check(milestone, profile, "applies", "otherwise", W20)


# (profile, applicability, key, today)
CERCLAGE_PLACEMENT: list[tuple[Profile, str, str, date]] = [
    (Profile(fetuses=2), "not-applicable", "multiple-fetuses", W20),  # row 1
    (
        Profile(fetuses=1, membranes_ruptured_on=W12),
        "not-applicable",
        "membranes-ruptured",
        W12,
    ),  # row 2: the waters broke on the window's first day
    (Profile(cerclage_placed_on=PLACED), "applies", "cerclage-placed", W20),  # row 3
    (Profile(prior_second_trimester_loss=True), "applies", "prior-second-trimester-loss", W20),
    (
        Profile(risk_factors=["prior-cerclage"]),
        "applies",
        "prior-cerclage",
        W20,
    ),  # version 3: a stitch in an earlier pregnancy for painless opening (ACOG PB 142)
    (Profile(), "discuss", "otherwise", W20),  # nothing known
    (Profile(prior_second_trimester_loss=False), "discuss", "otherwise", W20),  # a recorded no
    (Profile(prior_preterm_birth=True), "discuss", "otherwise", W20),  # a preterm birth alone
    (Profile(risk_factors=["trauma"]), "discuss", "otherwise", W20),  # another risk factor
    # order: the exclusions come first
    (
        Profile(fetuses=2, prior_second_trimester_loss=True),
        "not-applicable",
        "multiple-fetuses",
        W20,
    ),
    (
        Profile(membranes_ruptured_on=W12, cerclage_placed_on=W12),
        "not-applicable",
        "membranes-ruptured",
        W12,
    ),
    # version 3: waters that broke after the window (today, undated) leave it as it was
    (
        Profile(membranes_ruptured=True, cerclage_placed_on=PLACED),
        "applies",
        "cerclage-placed",
        W20,
    ),
    (
        Profile(cerclage_placed_on=PLACED, prior_second_trimester_loss=True),
        "applies",
        "cerclage-placed",
        W20,
    ),  # a placed stitch before the history
]


@pytest.mark.parametrize(("profile", "applicability", "key", "today"), CERCLAGE_PLACEMENT)
def test_cerclage_placement(profile: Profile, applicability: str, key: str, today: date) -> None:
    check("cerclage-placement", profile, applicability, key, today)


def test_cerclage_placement_after_a_loss_gives_both_guidelines() -> None:
    reason = decide("cerclage-placement", Profile(prior_second_trimester_loss=True)).reason
    assert "American" in reason and "one such loss" in reason  # ACOG: one or more
    assert "UK" in reason and "three or more" in reason  # RCOG: three or more


def test_placed_stitch_becomes_that_day() -> None:
    item = decide("cerclage-placement", Profile(cerclage_placed_on=PLACED))
    assert (item.kind, item.start, item.end, str(item.start_ga)) == ("day", PLACED, PLACED, "13w0d")


def test_waters_breaking_inside_the_window_end_it_that_day() -> None:
    """The waters broke on 13w0d, inside 12w0d-14w6d: the window ends that day and keeps
    the decision it had (discuss), its reason saying why it stopped."""
    item = decide("cerclage-placement", Profile(membranes_ruptured_on=W13), W13)
    assert (item.applicability, item.reason_key) == ("discuss", "otherwise")
    assert (item.start, item.end) == (W12, W13)
    assert "waters have broken (2026-11-02, 13w0d)" in item.reason


# (profile, applicability, key, start, end, today); the window is 16w0d-24w0d
CERCLAGE_IF_SHORTENS: list[tuple[Profile, str, str, date, date, date]] = [
    (
        Profile(fetuses=2, prior_preterm_birth=True, **EARLY),
        "discuss",
        "multiple-fetuses",
        W16,
        W24,
        W20,
    ),  # version 3: with twins, may be considered for an opening cervix (Roman 2020)
    (
        Profile(membranes_ruptured_on=W15, **BORN_30, **EARLY),
        "not-applicable",
        "membranes-ruptured",
        W16,
        W24,
        W20,
    ),  # the waters broke before the window opened
    (
        Profile(cerclage_placed_on=PLACED, **BORN_30, **EARLY),
        "not-applicable",
        "cerclage-placed",
        W16,
        W24,
        W20,
    ),  # a stitch is already in place
    (
        Profile(**BORN_30, **LATE),
        "not-applicable",
        "short-cervix-found-late",
        W16,
        W24,
        W26,
    ),  # found at 26w0d
    (
        Profile(**BORN_30, cervical_length_mm=18, cervical_length_on=W24),
        "applies",
        "short-cervix-found-early+early-prior-preterm-birth",
        W24,
        W24,
        W24,
    ),  # version 3: measured on 24w0d is found early; one day, 24w0d
    (
        Profile(**BORN_30, **EARLY),
        "applies",
        "short-cervix-found-early+early-prior-preterm-birth",
        W20,
        W24,
        W20,
    ),  # starts the day the short cervix was found
    (
        Profile(**BORN_30, cervical_length_mm=24.9, cervical_length_on=W23D6),
        "applies",
        "short-cervix-found-early+early-prior-preterm-birth",
        W23D6,
        W24,
        W23D6,
    ),
    (
        Profile(**BORN_30, short_cervix=True, short_cervix_on=D(2026, 9, 1)),
        "applies",
        "short-cervix-found-early+early-prior-preterm-birth",
        W16,
        W24,
        W20,
    ),  # found before 16w0d: the window opens at 16w0d
    (
        Profile(prior_second_trimester_loss=True, **EARLY),
        "applies",
        "short-cervix-found-early+prior-second-trimester-loss",
        W20,
        W24,
        W20,
    ),  # after a mid-pregnancy loss (NICE NG25)
    (
        Profile(prior_preterm_birth=True, **EARLY),
        "discuss",
        "short-cervix-found-early+prior-preterm-birth",
        W20,
        W24,
        W20,
    ),  # version 3: the week of the earlier birth is not recorded
    (
        Profile(prior_preterm_birth_ga="34w0d", **EARLY),
        "discuss",
        "short-cervix-found-early+prior-preterm-birth",
        W20,
        W24,
        W20,
    ),  # version 3: born at 34w0d, not before 34 weeks
    (
        Profile(prior_preterm_birth_ga="33w6d", **EARLY),
        "applies",
        "short-cervix-found-early+early-prior-preterm-birth",
        W20,
        W24,
        W20,
    ),  # born at 33w6d: before 34 weeks
    (Profile(**EARLY), "discuss", "short-cervix-found-early", W20, W24, W20),  # history unknown
    (
        Profile(prior_preterm_birth=False, prior_second_trimester_loss=False, **EARLY),
        "discuss",
        "short-cervix-found-early",
        W20,
        W24,
        W20,
    ),
    (Profile(), "discuss", "otherwise", W16, W24, W20),
    (Profile(prior_preterm_birth=True), "discuss", "otherwise", W16, W24, W20),  # cervix unknown
    (
        Profile(**BORN_30, cervical_length_mm=25.0, cervical_length_on=W20),
        "discuss",
        "otherwise",
        W16,
        W24,
        W20,
    ),  # 25 mm is not shorter than 25: not short
    (
        Profile(**BORN_30, **EARLY, membranes_ruptured_on=W22),
        "applies",
        "short-cervix-found-early+early-prior-preterm-birth",
        W20,
        W22,
        W24,
    ),  # version 3: the waters broke on 22w0d, inside the window: it ends that day
]


@pytest.mark.parametrize(
    ("profile", "applicability", "key", "start", "end", "today"), CERCLAGE_IF_SHORTENS
)
def test_cerclage_if_cervix_shortens(
    profile: Profile, applicability: str, key: str, start: date, end: date, today: date
) -> None:
    check("cerclage-if-cervix-shortens", profile, applicability, key, today)
    item = decide("cerclage-if-cervix-shortens", profile, today)
    assert (item.start, item.end) == (start, end)


def test_the_stitch_after_a_birth_of_unknown_week_names_the_34_week_condition() -> None:
    reason = decide(
        "cerclage-if-cervix-shortens", Profile(prior_preterm_birth=True, **EARLY)
    ).reason
    assert "before 34 weeks" in reason and "On record" not in reason
    assert "on record: an earlier preterm birth." in reason
    later = decide("cerclage-if-cervix-shortens", Profile(prior_preterm_birth_ga="35w", **EARLY))
    assert "on record: an earlier preterm birth at 35w0d." in later.reason


@pytest.mark.parametrize(
    ("today", "key"),
    [
        (TODAY, "short-cervix-found-early+early-prior-preterm-birth"),  # known by 16w1d: early
        (W23D6, "short-cervix-found-early+early-prior-preterm-birth"),  # known by 23w6d: early
        (W24, "short-cervix-found-early+early-prior-preterm-birth"),  # version 3: 24w0d too
        (W26, "otherwise"),  # known by 26w0d: early or late is unknown
    ],
)
def test_an_undated_short_cervix_was_known_by_today(today: date, key: str) -> None:
    profile = Profile(**BORN_30, **UNDATED)
    assert decide("cerclage-if-cervix-shortens", profile, today).reason_key == key


def test_cerclage_if_cervix_shortens_describes_the_emergency_stitch() -> None:
    item = decide("cerclage-if-cervix-shortens", Profile())
    assert "emergency" in item.description and "24 weeks" in item.description


MONITORING = (W16, D(2026, 12, 7), W20, D(2027, 1, 4), W24)  # every 14 days, 16w0d-24w0d

# (profile, applicability, key, occurrences, today)
CERVICAL_MONITORING: list[tuple[Profile, str, str, tuple[date, ...], date]] = [
    (
        Profile(membranes_ruptured_on=W15, prior_preterm_birth=True),
        "not-applicable",
        "membranes-ruptured",
        MONITORING,
        W20,
    ),  # the waters broke before the first scan
    (
        Profile(membranes_ruptured=True, prior_preterm_birth=True),
        "applies",
        "prior-preterm-birth",
        MONITORING[:3],
        W20,
    ),  # version 3: undated, so known by today (20w0d): the scans until then, and no more
    (Profile(fetuses=2, prior_preterm_birth=True), "discuss", "multiple-fetuses", MONITORING, W20),
    (
        Profile(cerclage_placed_on=PLACED, prior_preterm_birth=True),
        "discuss",
        "cerclage-placed",
        MONITORING,
        W20,
    ),
    (Profile(prior_preterm_birth=True), "applies", "prior-preterm-birth", MONITORING, W20),
    (
        Profile(prior_second_trimester_loss=True),
        "applies",
        "prior-second-trimester-loss",
        MONITORING,
        W20,
    ),
    (Profile(), "discuss", "otherwise", MONITORING, W20),
    (
        Profile(prior_preterm_birth=False, prior_second_trimester_loss=False),
        "discuss",
        "otherwise",
        MONITORING,
        W20,
    ),
    # order
    (
        Profile(membranes_ruptured_on=W15, fetuses=2),
        "not-applicable",
        "membranes-ruptured",
        MONITORING,
        W20,
    ),
    (Profile(fetuses=2, cerclage_placed_on=PLACED), "discuss", "multiple-fetuses", MONITORING, W20),
    # version 3: waters that broke at 30w0d, long after the last scan, leave the scans as
    # they were (a stitch since 13w0d: discuss)
    (
        Profile(cerclage_placed_on=PLACED, prior_preterm_birth=True, membranes_ruptured_on=W30),
        "discuss",
        "cerclage-placed",
        MONITORING,
        W30,
    ),
    (
        Profile(prior_preterm_birth=True, membranes_ruptured_on=W30),
        "applies",
        "prior-preterm-birth",
        MONITORING,
        W30,
    ),
]


@pytest.mark.parametrize(
    ("profile", "applicability", "key", "occurrences", "today"), CERVICAL_MONITORING
)
def test_cervical_monitoring(
    profile: Profile, applicability: str, key: str, occurrences: tuple[date, ...], today: date
) -> None:
    check("cervical-monitoring", profile, applicability, key, today)
    assert decide("cervical-monitoring", profile, today).occurrences == occurrences


def test_cervical_monitoring_is_a_length_scan() -> None:
    item = decide("cervical-monitoring", Profile())
    assert item.title == "Cervical length scan (vaginal ultrasound)"
    assert "does not replace the scan" in item.description


@pytest.mark.parametrize(
    "profile",
    [
        Profile(fetuses=2, prior_preterm_birth=True),
        Profile(fetuses=1, prior_preterm_birth=False),
        Profile(fetuses=1, prior_preterm_birth=True),
        Profile(prior_preterm_birth_ga="20w", **EARLY),
        Profile(),
    ],
)
def test_progesterone_injections_are_never_planned(profile: Profile) -> None:
    """Version 3: one not-applicable entry for every profile, and no dated dose."""
    item = decide("progesterone-injections", profile)
    assert (item.applicability, item.reason_key) == ("not-applicable", "otherwise")
    assert (item.kind, item.occurrences, item.start, item.end) == ("window", (), W16, W36)
    assert any("April 2023" in note and "May 2024" in note for note in item.notes)


def test_progesterone_injections_say_what_was_advised_and_why_they_are_not_planned() -> None:
    item = decide("progesterone-injections", Profile(prior_preterm_birth=True))
    assert "long offered" in item.reason  # what was long advised
    assert "trial" in item.reason and "April 2023" in item.reason  # and why it changed
    assert "European Medicines Agency" in item.reason and "May 2024" in item.reason
    assert "cancer" in item.reason
    assert "may lower" not in item.description  # no claim of a benefit
    assert "no injections are planned" in item.description


# (profile, applicability, key, start, end, today); the window is 16w0d-36w0d, starting
# no earlier than the day a short cervix was found (every rule but the not-applicable
# ones before it)
VAGINAL_PROGESTERONE: list[tuple[Profile, str, str, date, date, date]] = [
    (
        Profile(fetuses=2, prior_preterm_birth=False, **EARLY),
        "not-applicable",
        "multiple-fetuses",
        W16,
        W36,
        W20,
    ),
    (
        Profile(prior_preterm_birth=False, **AFTER_END),
        "not-applicable",
        "short-cervix-found-after-end",
        W16,
        W36,
        W36D1,
    ),  # found on 36w1d
    (
        Profile(membranes_ruptured_on=W15, **BORN_30, **EARLY),
        "not-applicable",
        "membranes-ruptured",
        W16,
        W36,
        W20,
    ),  # version 3: the waters broke before the window opened
    (
        Profile(membranes_ruptured_on=W22, **BORN_30, **EARLY),
        "applies",
        "short-cervix-found-early+early-prior-preterm-birth",
        W20,
        W22,
        W24,
    ),  # version 3: broke on 22w0d: the window ends that day, keeping its decision
    (
        Profile(**BORN_30, **EARLY),
        "applies",
        "short-cervix-found-early+early-prior-preterm-birth",
        W20,
        W36,
        W20,
    ),  # a birth at 30w0d: before 34 weeks, UK guidance offers a choice
    (
        Profile(
            cerclage_placed_on=PLACED, **BORN_30, cervical_length_mm=12, cervical_length_on=W20
        ),
        "discuss",
        "cerclage-placed",
        W20,
        W36,
        W20,
    ),  # version 3: with a stitch in place (PREGNANT left such pregnancies out)
    (
        Profile(prior_preterm_birth=False, **LATE),
        "discuss",
        "short-cervix-found-late",
        W26,
        W36,
        W26,
    ),  # found on 26w0d; the window starts that day
    (
        Profile(prior_preterm_birth=True, **LATE),
        "discuss",
        "short-cervix-found-late",
        W26,
        W36,
        W26,
    ),
    (
        Profile(prior_preterm_birth=True, **EARLY),
        "applies",
        "short-cervix-found-early+prior-preterm-birth",
        W20,
        W36,
        W20,
    ),
    (
        Profile(prior_preterm_birth=True, cervical_length_mm=18, cervical_length_on=W24),
        "applies",
        "short-cervix-found-early+prior-preterm-birth",
        W24,
        W36,
        W24,
    ),  # version 3: measured on 24w0d is found early
    (
        Profile(prior_preterm_birth=True, cervical_length_mm=22, cervical_length_on=W20),
        "applies",
        "short-cervix-found-early+prior-preterm-birth",
        W20,
        W36,
        W20,
    ),  # after a preterm birth, short (< 25 mm) is enough
    (
        Profile(
            prior_second_trimester_loss=True,
            prior_preterm_birth=False,
            cervical_length_mm=22,
            cervical_length_on=W20,
        ),
        "applies",
        "short-cervix-found-early+prior-second-trimester-loss",
        W20,
        W36,
        W20,
    ),  # version 3: after a mid-pregnancy loss as after a preterm birth (NICE NG25)
    (
        Profile(prior_preterm_birth=False, cervical_length_mm=22, cervical_length_on=W20),
        "discuss",
        "cervix-between-thresholds+no-prior-preterm-birth",
        W20,
        W36,
        W20,
    ),  # 22 mm is short but above 20 mm
    (
        Profile(prior_preterm_birth=False, cervical_length_mm=20.1, cervical_length_on=W20),
        "discuss",
        "cervix-between-thresholds+no-prior-preterm-birth",
        W20,
        W36,
        W20,
    ),
    (
        Profile(prior_preterm_birth=False, cervical_length_mm=30, **EARLY),
        "discuss",
        "cervix-between-thresholds+no-prior-preterm-birth",
        W20,
        W36,
        W20,
    ),  # stated short, but a measured length above 20 mm is also given
    (
        Profile(prior_preterm_birth=False, **EARLY),
        "applies",
        "short-cervix-found-early+cervix-at-most-progesterone-threshold+no-prior-preterm-birth",
        W20,
        W36,
        W20,
    ),  # stated short, no length: trusted as short enough
    (
        Profile(prior_preterm_birth=False, cervical_length_mm=20, cervical_length_on=W20),
        "applies",
        "short-cervix-found-early+cervix-at-most-progesterone-threshold+no-prior-preterm-birth",
        W20,
        W36,
        W20,
    ),  # 20 mm is "at most 20"
    (
        Profile(
            prior_preterm_birth=False, cervical_length_mm=12, cervical_length_on=D(2026, 12, 1)
        ),
        "applies",
        "short-cervix-found-early+cervix-at-most-progesterone-threshold+no-prior-preterm-birth",
        D(2026, 12, 1),
        W36,
        W20,
    ),  # measured on 17w1d
    (
        Profile(prior_preterm_birth=False, cervical_length_mm=18),
        "applies",
        "short-cervix-found-early+cervix-at-most-progesterone-threshold+no-prior-preterm-birth",
        W16,
        W36,
        TODAY,
    ),  # undated, known by today (16w1d): early; no day to start from, so 16w0d
    (Profile(prior_preterm_birth=True), "discuss", "prior-preterm-birth", W16, W36, W20),
    (
        Profile(prior_preterm_birth=True, short_cervix=False),
        "discuss",
        "prior-preterm-birth",
        W16,
        W36,
        W20,
    ),
    (
        Profile(prior_preterm_birth=False, short_cervix=False),
        "not-applicable",
        "no-short-cervix+no-prior-preterm-birth",
        W16,
        W36,
        W20,
    ),
    (
        Profile(prior_preterm_birth=False, cervical_length_mm=25.0, cervical_length_on=W20),
        "not-applicable",
        "no-short-cervix+no-prior-preterm-birth",
        W16,
        W36,
        W20,
    ),  # 25 mm is not shorter than 25
    (Profile(), "discuss", "otherwise", W16, W36, W20),
    (
        Profile(membranes_ruptured_on=W15, fetuses=2),
        "not-applicable",
        "multiple-fetuses",
        W16,
        W36,
        W20,
    ),
    (
        Profile(membranes_ruptured_on=W15, prior_preterm_birth=False, **AFTER_END),
        "not-applicable",
        "short-cervix-found-after-end",
        W16,
        W36,
        W36D1,
    ),  # found after the window: that row comes before the waters row
    (Profile(**EARLY), "discuss", "otherwise", W20, W36, W20),  # preterm birth unknown
    (Profile(prior_preterm_birth=False), "discuss", "otherwise", W16, W36, W20),
    (Profile(short_cervix=False), "discuss", "otherwise", W16, W36, W20),
]


@pytest.mark.parametrize(
    ("profile", "applicability", "key", "start", "end", "today"), VAGINAL_PROGESTERONE
)
def test_vaginal_progesterone(
    profile: Profile, applicability: str, key: str, start: date, end: date, today: date
) -> None:
    check("vaginal-progesterone", profile, applicability, key, today)
    item = decide("vaginal-progesterone", profile, today)
    assert (item.start, item.end) == (start, end)


@pytest.mark.parametrize(
    ("profile", "key"),
    [
        # Undated, and today is after 24w0d: found early or late is unknown.
        (Profile(prior_preterm_birth=True, **UNDATED), "prior-preterm-birth"),
        (Profile(prior_preterm_birth=False, **UNDATED), "otherwise"),
        (Profile(prior_preterm_birth=False, cervical_length_mm=18), "otherwise"),
    ],
)
def test_vaginal_progesterone_undated_after_24_weeks(profile: Profile, key: str) -> None:
    item = decide("vaginal-progesterone", profile, W26)
    assert (item.applicability, item.reason_key) == ("discuss", key)


def test_vaginal_progesterone_after_a_preterm_birth_says_what_changed() -> None:
    reason = decide("vaginal-progesterone", Profile(prior_preterm_birth=True, **EARLY)).reason
    assert "2026-12-21, 20w0d" in reason  # the day it was found
    assert "no longer used" in reason and "may be considered" in reason


def test_vaginal_progesterone_stopped_by_the_waters_says_why_and_since_when() -> None:
    item = decide(
        "vaginal-progesterone", Profile(membranes_ruptured_on=W22, **BORN_30, **EARLY), W24
    )
    assert "(2027-01-04, 22w0d)" in item.reason and "stops when the waters break" in item.reason


# (profile, applicability, key, start, end, today)
CERCLAGE_REMOVAL: list[tuple[Profile, str, str, date, date, date]] = [
    (
        Profile(
            cerclage_placed_on=PLACED, cerclage_type="transabdominal", membranes_ruptured_on=W20
        ),
        "not-applicable",
        "transabdominal-cerclage+membranes-ruptured",
        W36,
        W37,
        W20,
    ),  # version 3 (W6): the transabdominal case first; the stitch stays
    (
        Profile(cerclage_placed_on=PLACED, cerclage_type="transabdominal"),
        "not-applicable",
        "transabdominal-cerclage",
        W36,
        W37,
        W20,
    ),
    (
        Profile(cerclage_placed_on=PLACED, membranes_ruptured_on=W20),
        "applies",
        "cerclage-placed+membranes-ruptured",
        W20,
        W20,
        W20,
    ),  # version 3 (U1): an item on the day the waters broke, not the 36-37 week window
    (
        Profile(cerclage_placed_on=PLACED, cerclage_type="transvaginal", membranes_ruptured=True),
        "applies",
        "cerclage-placed+membranes-ruptured",
        W24,
        W24,
        W24,
    ),  # undated: today
    (Profile(cerclage_placed_on=PLACED), "applies", "cerclage-placed", W36, W37, W20),
    (
        Profile(cerclage_placed_on=PLACED, cerclage_type="transvaginal"),
        "applies",
        "cerclage-placed",
        W36,
        W37,
        W20,
    ),
    (Profile(cerclage_placed_on=PLACED, fetuses=2), "applies", "cerclage-placed", W36, W37, W20),
    (Profile(fetuses=2), "not-applicable", "multiple-fetuses", W36, W37, W20),
    (Profile(membranes_ruptured_on=W15), "not-applicable", "membranes-ruptured", W36, W37, W20),
    (Profile(), "discuss", "otherwise", W36, W37, W20),
    (
        Profile(cerclage_placed_on=PLACED, membranes_ruptured_on=W38),
        "applies",
        "cerclage-placed",
        W36,
        W37,
        W38,
    ),  # waters at 38w0d, after the window ended: it keeps its decision
]


@pytest.mark.parametrize(
    ("profile", "applicability", "key", "start", "end", "today"), CERCLAGE_REMOVAL
)
def test_cerclage_removal(
    profile: Profile, applicability: str, key: str, start: date, end: date, today: date
) -> None:
    check("cerclage-removal", profile, applicability, key, today)
    item = decide("cerclage-removal", profile, today)
    assert (item.start, item.end) == (start, end)


def test_stitch_with_broken_waters_is_an_urgent_item_that_day() -> None:
    item = decide("cerclage-removal", Profile(cerclage_placed_on=PLACED, membranes_ruptured_on=W20))
    assert item.title == "Waters broken with a stitch in place: contact your maternity unit now"
    assert (item.kind, item.timing) == ("day", "current")
    assert (
        "straight away" in item.reason
        and "2026-11-02" in item.reason
        and "2026-12-21" in item.reason
    )


def test_watches_and_due_date_texts() -> None:
    plan = ct.plan(DATING, today=TODAY)
    watch = plan.milestone("preterm-birth-watch").description
    assert "steroid" in watch and "22 weeks" in watch
    assert (
        "24 weeks until 34 weeks" in watch and "until 37 weeks if none were given before" in watch
    )
    assert "37 weeks" in plan.milestone("late-preterm-watch").reason
    due = plan.milestone("due-date").description
    assert "42w0d" in due and "post-term" in due


@pytest.mark.parametrize(
    ("profile", "shown"),
    [
        (Profile(), "On record: nothing."),
        (Profile(prior_preterm_birth=True), "On record: an earlier preterm birth."),
        (Profile(prior_preterm_birth_ga="31w2d"), "On record: an earlier preterm birth at 31w2d."),
        (
            Profile(prior_second_trimester_loss=True, risk_factors=["trauma"]),
            "On record: an earlier mid-pregnancy loss and trauma to the cervix.",
        ),
    ],
)
def test_reasons_list_the_recorded_history(profile: Profile, shown: str) -> None:
    """Version 3: the history recorded, never "none recorded" while a history fact is."""
    item = decide("cerclage-removal", profile)
    assert item.reason == "Only if a stitch is placed. " + shown


def test_the_risk_weeks_do_not_assume_a_risk() -> None:
    reason = decide("cervical-change-risk", Profile()).reason
    assert "Everyone with a risk" not in reason and "weak cervix" in reason


# ---------------------------------------------------------------------------------------
# The clinician's scenario


@pytest.mark.parametrize(
    ("born", "stitch", "choice"),
    [
        ({"prior_preterm_birth": True}, "discuss", False),  # the week is not recorded
        ({"prior_preterm_birth_ga": "30w"}, "applies", True),  # before 34 weeks
    ],
)
def test_singleton_after_a_preterm_birth_with_18_mm_at_20_weeks(
    born: dict[str, Any], stitch: str, choice: bool
) -> None:
    profile = Profile(fetuses=1, cervical_length_mm=18, cervical_length_on=W20, **born)
    plan = ct.plan(DATING, profile, today=W20)
    got = {m.id: (m.applicability, m.start, m.end, m.occurrences) for m in plan.milestones}
    # from 20w0d (2026-12-21), the day the short cervix was found, to 36w0d
    assert got["vaginal-progesterone"] == ("applies", W20, W36, ())
    # from 20w0d to 24w0d
    assert got["cerclage-if-cervix-shortens"] == (stitch, W20, W24, ())
    # never planned: no weekly dose
    assert got["progesterone-injections"] == ("not-applicable", W16, W36, ())
    # every two weeks, 16w0d-24w0d
    assert got["cervical-monitoring"] == ("applies", W16, W24, MONITORING)
    assert str(plan.milestone("vaginal-progesterone").start_ga) == "20w0d"
    options = {m.id: m.alternative for m in plan.milestones if m.alternative}
    expected = (
        {
            "vaginal-progesterone": "cerclage-if-cervix-shortens",
            "cerclage-if-cervix-shortens": "vaginal-progesterone",
        }
        if choice
        else {}
    )
    assert options == expected


# ---------------------------------------------------------------------------------------
# Words a patient reads


def test_texts_speak_to_the_patient() -> None:
    protocol = ct.default_protocol()
    texts = [*protocol.warning_signs, protocol.urgent_advice or "", protocol.clinician_note]
    for milestone in protocol.milestones:
        texts += [milestone.title, milestone.description, *milestone.notes]
        texts += [rule.reason for rule in milestone.rules]
    for text in texts:
        lowered = text.lower()
        assert "article" not in lowered and "the source" not in lowered, text
        assert " must " not in lowered and "you should" not in lowered, text
    for milestone in protocol.milestones:  # the article is cited by title in the basis
        if milestone.id not in ("due-date", "cerclage-if-cervix-shortens", "late-preterm-watch"):
            assert "What Should Those With Cervical Insufficiency Do?" in milestone.basis


# ---------------------------------------------------------------------------------------
# Properties over many profiles

FIRST_DAY = DUE - timedelta(days=280)


@given(cases(FIRST_DAY))
def test_weekly_injections_are_never_planned_for_any_profile(case: tuple[Profile, date]) -> None:
    profile, today = case
    item = ct.plan(DATING, profile, today=today).milestone("progesterone-injections")
    assert (item.applicability, item.occurrences) == ("not-applicable", ())


V1_FACTORS = [factor.id for factor in V1.risk_factors]


@settings(max_examples=200)
@given(cases(FIRST_DAY, V1_FACTORS))
def test_version_one_dates_are_unchanged(case: tuple[Profile, date]) -> None:
    """Every milestone version 1 had keeps its dates, but for the documented changes:
    vaginal progesterone starts on the day a short cervix was found; the weekly injections
    have no dates; and the waters end the windows open on the day they broke (and make the
    stitch's removal that day)."""
    profile, today = case
    v1 = ct.plan(DATING, profile, today=today, protocol=V1)
    v3 = ct.plan(DATING, profile, today=today)
    waters = profile.membranes_ruptured is True or profile.membranes_ruptured_on is not None
    for old in v1.milestones:
        new = v3.milestone(old.id)
        if old.id == "progesterone-injections" or waters:
            continue
        assert (new.kind, new.end) == (old.kind, old.end), old.id
        if new.start == old.start:
            assert (new.occurrences, new.timing) == (old.occurrences, old.timing), old.id
            continue
        assert old.id == "vaginal-progesterone"
        moved = [m for m in (old, new) if m.start != W16]
        assert moved  # one of them starts on the day the short cervix was found
        found = profile.short_cervix_on if profile.short_cervix else profile.cervical_length_on
        for item in moved:
            assert found is not None and item.start == min(found, item.end)


@settings(max_examples=300)
@given(cases(FIRST_DAY))
def test_version_two_dates_are_unchanged_but_where_version_three_says(
    case: tuple[Profile, date],
) -> None:
    """What version 3 changed in the dates, and nothing else: the stitch-if-it-shortens
    window ends on 24w0d (not 23w6d); the weekly injections have no dates; the waters end
    a window open on the day they broke and make the stitch's removal that day; a short
    cervix found on 24w0d is found early."""
    profile, today = case
    v2 = ct.plan(DATING, profile, today=today, protocol=V2)
    v3 = ct.plan(DATING, profile, today=today)
    waters = profile.membranes_ruptured is True or profile.membranes_ruptured_on is not None
    found = profile.short_cervix_on if profile.short_cervix else profile.cervical_length_on
    on_24 = found == W24 or (found is None and today == W24)
    for old in v2.milestones:
        new = v3.milestone(old.id)
        if old.id == "progesterone-injections":
            assert new.occurrences == ()
            continue
        if waters or on_24:
            continue
        if old.id == "cerclage-if-cervix-shortens":
            assert (old.end, new.end) == (W23D6, W24)
            assert new.start == old.start or new.start == W24
            continue
        assert (new.kind, new.start, new.end, new.occurrences) == (
            old.kind,
            old.start,
            old.end,
            old.occurrences,
        ), old.id
