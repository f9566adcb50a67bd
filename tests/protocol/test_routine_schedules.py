"""The routine schedules care-timeline ships: the WHO's 2016 antenatal contacts
(``who-anc-2016``) and the Turkish Ministry of Health's antenatal visits (``tr-dob-2014``),
dated exactly for two pregnancies, from tables counted by hand.

Day 0 is the first day of the last period (the due date less 280 days); NwDd is day
7N + D after it. Each row's counting is written beside it.
"""

from __future__ import annotations

from datetime import date

import pytest

import care_timeline as ct

TODAY = date(2026, 11, 24)

# Due date 2027-05-10, so day 0 (the LMP) is 2026-08-03, a Monday: every NNw0d is a Monday.
# 280 days back from 2027-05-10: May 10 -> Apr 30 (10), -> Mar 31 (40), -> Feb 28 (71),
# -> Jan 31 (99), -> Dec 31 (130), -> Nov 30 (161), -> Oct 31 (191), -> Sep 30 (222),
# -> Aug 31 (252), -> Aug 3 (280).
DUE_2027 = date(2027, 5, 10)
LMP_2026 = date(2026, 8, 3)

# (id, kind, first day, last day, first age, last age)
WHO_2027 = [
    # 0w0d is day 0; 12w0d = day 84: Aug 3 + 28 = Aug 31 (4w), + 28 = Sep 28 (8w), + 28 = Oct 26
    ("who-contact-1", "window", date(2026, 8, 3), date(2026, 10, 26), "0w0d", "12w0d"),
    # from day 0 to 23w6d = day 167, the day before 24w0d; 24w0d = 20w0d (Dec 21, below) + 28
    # = Jan 18, so 23w6d = Jan 17
    ("who-early-ultrasound", "window", date(2026, 8, 3), date(2027, 1, 17), "0w0d", "23w6d"),
    # 20w0d = day 140: Aug 3 + 28 = Aug 31, + 30 = Sep 30, + 31 = Oct 31, + 30 = Nov 30 (119
    # days), + 21 = Dec 21
    ("who-contact-2", "day", date(2026, 12, 21), date(2026, 12, 21), "20w0d", "20w0d"),
    # 26w0d = 20w0d + 42: Dec 21 + 10 = Dec 31, + 31 = Jan 31, + 1 = Feb 1
    ("who-contact-3", "day", date(2027, 2, 1), date(2027, 2, 1), "26w0d", "26w0d"),
    # 30w0d = Feb 1 + 28; February 2027 has 28 days: Mar 1
    ("who-contact-4", "day", date(2027, 3, 1), date(2027, 3, 1), "30w0d", "30w0d"),
    # 34w0d = Mar 1 + 28 = Mar 29
    ("who-contact-5", "day", date(2027, 3, 29), date(2027, 3, 29), "34w0d", "34w0d"),
    # 36w0d = Mar 29 + 14: Mar 31 (2), + 12 = Apr 12
    ("who-contact-6", "day", date(2027, 4, 12), date(2027, 4, 12), "36w0d", "36w0d"),
    # 38w0d = Apr 12 + 14 = Apr 26
    ("who-contact-7", "day", date(2027, 4, 26), date(2027, 4, 26), "38w0d", "38w0d"),
    # 40w0d = Apr 26 + 14: Apr 30 (4), + 10 = May 10, the due date; the contact comes first
    # in the file, and equal days keep the file's order
    ("who-contact-8", "day", date(2027, 5, 10), date(2027, 5, 10), "40w0d", "40w0d"),
    ("due-date", "day", date(2027, 5, 10), date(2027, 5, 10), "40w0d", "40w0d"),
]

TR_2027 = [
    # the first 14 weeks: 0w0d to 13w6d = day 97, the day before 14w0d; 14w0d = 12w0d (Oct 26)
    # + 14 = Nov 9, so 13w6d = Nov 8
    ("tr-visit-1", "window", date(2026, 8, 3), date(2026, 11, 8), "0w0d", "13w6d"),
    # 18w0d = 20w0d (Dec 21) - 14 = Dec 7; 24w6d = 24w0d (Jan 18) + 6 = Jan 24
    ("tr-visit-2", "window", date(2026, 12, 7), date(2027, 1, 24), "18w0d", "24w6d"),
    # 28w0d = 26w0d (Feb 1) + 14 = Feb 15; 32w6d = 34w0d (Mar 29) - 8 = Mar 21
    ("tr-visit-3", "window", date(2027, 2, 15), date(2027, 3, 21), "28w0d", "32w6d"),
    # 36w0d = Apr 12; 38w6d = 38w0d (Apr 26) + 6 = May 2
    ("tr-visit-4", "window", date(2027, 4, 12), date(2027, 5, 2), "36w0d", "38w6d"),
    ("due-date", "day", date(2027, 5, 10), date(2027, 5, 10), "40w0d", "40w0d"),
]

# A pregnancy across 29 February 2028: LMP 2027-07-26, a Monday, so the due date is
# day 280: Jul 26 + 5 = Jul 31, + 31 = Aug 31 (36), + 30 = Sep 30 (66), + 31 = Oct 31 (97),
# + 30 = Nov 30 (127), + 31 = Dec 31 (158), + 31 = Jan 31 (189), + 29 = Feb 29 (218: 2028 is a
# leap year), + 31 = Mar 31 (249), + 30 = Apr 30 (279), + 1 = May 1 2028.
LMP_2027 = date(2027, 7, 26)
DUE_2028 = date(2028, 5, 1)

WHO_2028 = [
    # 12w0d = day 84: Oct 31 is day 97, so day 84 is Oct 18
    ("who-contact-1", "window", date(2027, 7, 26), date(2027, 10, 18), "0w0d", "12w0d"),
    # 23w6d = day 167: Dec 31 is day 158, + 9 = Jan 9 2028
    ("who-early-ultrasound", "window", date(2027, 7, 26), date(2028, 1, 9), "0w0d", "23w6d"),
    # 20w0d = day 140: Nov 30 is day 127, + 13 = Dec 13
    ("who-contact-2", "day", date(2027, 12, 13), date(2027, 12, 13), "20w0d", "20w0d"),
    # 26w0d = day 182: Dec 31 (158) + 24 = Jan 24 2028
    ("who-contact-3", "day", date(2028, 1, 24), date(2028, 1, 24), "26w0d", "26w0d"),
    # 30w0d = day 210: Jan 31 (189) + 21 = Feb 21
    ("who-contact-4", "day", date(2028, 2, 21), date(2028, 2, 21), "30w0d", "30w0d"),
    # 34w0d = day 238: Feb 29 (218) + 20 = Mar 20 (without the leap day it would be Mar 21)
    ("who-contact-5", "day", date(2028, 3, 20), date(2028, 3, 20), "34w0d", "34w0d"),
    # 36w0d = day 252: Mar 31 (249) + 3 = Apr 3
    ("who-contact-6", "day", date(2028, 4, 3), date(2028, 4, 3), "36w0d", "36w0d"),
    # 38w0d = day 266: Apr 3 + 14 = Apr 17
    ("who-contact-7", "day", date(2028, 4, 17), date(2028, 4, 17), "38w0d", "38w0d"),
    ("who-contact-8", "day", date(2028, 5, 1), date(2028, 5, 1), "40w0d", "40w0d"),
    ("due-date", "day", date(2028, 5, 1), date(2028, 5, 1), "40w0d", "40w0d"),
]

TR_2028 = [
    # 13w6d = day 97 = Oct 31
    ("tr-visit-1", "window", date(2027, 7, 26), date(2027, 10, 31), "0w0d", "13w6d"),
    # 18w0d = day 126: Nov 30 is day 127, so Nov 29; 24w6d = day 174: Dec 31 (158) + 16 = Jan 16
    ("tr-visit-2", "window", date(2027, 11, 29), date(2028, 1, 16), "18w0d", "24w6d"),
    # 28w0d = day 196: Jan 31 (189) + 7 = Feb 7; 32w6d = day 230: Feb 29 (218) + 12 = Mar 12,
    # the window holding the leap day
    ("tr-visit-3", "window", date(2028, 2, 7), date(2028, 3, 12), "28w0d", "32w6d"),
    # 36w0d = day 252 = Apr 3; 38w6d = day 272: Apr 30 (279) - 7 = Apr 23
    ("tr-visit-4", "window", date(2028, 4, 3), date(2028, 4, 23), "36w0d", "38w6d"),
    ("due-date", "day", date(2028, 5, 1), date(2028, 5, 1), "40w0d", "40w0d"),
]


def _rows(plan: ct.Plan) -> list[tuple[str, str, date, date, str, str]]:
    return [(m.id, m.kind, m.start, m.end, str(m.start_ga), str(m.end_ga)) for m in plan.milestones]


@pytest.mark.parametrize(
    ("name", "dating", "today", "table"),
    [
        ("who-anc-2016", ct.Dating.from_due_date(DUE_2027), TODAY, WHO_2027),
        ("who-anc-2016", ct.Dating.from_lmp(LMP_2026), TODAY, WHO_2027),
        ("tr-dob-2014", ct.Dating.from_due_date(DUE_2027), TODAY, TR_2027),
        ("tr-dob-2014", ct.Dating.from_lmp(LMP_2026), TODAY, TR_2027),
        ("who-anc-2016", ct.Dating.from_lmp(LMP_2027), date(2027, 11, 1), WHO_2028),
        ("who-anc-2016", ct.Dating.from_due_date(DUE_2028), date(2027, 11, 1), WHO_2028),
        ("tr-dob-2014", ct.Dating.from_lmp(LMP_2027), date(2027, 11, 1), TR_2028),
        ("tr-dob-2014", ct.Dating.from_due_date(DUE_2028), date(2027, 11, 1), TR_2028),
    ],
    ids=[
        "who-2027-due",
        "who-2027-lmp",
        "tr-2027-due",
        "tr-2027-lmp",
        "who-2028-lmp",
        "who-2028-due",
        "tr-2028-lmp",
        "tr-2028-due",
    ],
)
def test_dated_exactly(
    name: str, dating: ct.Dating, today: date, table: list[tuple[str, ...]]
) -> None:
    plan = ct.plan(dating, protocol=name, today=today)
    assert plan.dating.due_date == table[-1][2]  # the due date row
    assert _rows(plan) == table
    assert all(m.applicability == "applies" and m.reason_key for m in plan.milestones)
    # in either language: the words change, the days do not
    turkish = ct.plan(dating, protocol=name, today=today, language="tr")
    assert _rows(turkish) == table


@pytest.mark.parametrize("language", ["en", "tr"])
@pytest.mark.parametrize(("name", "table"), [("who-anc-2016", WHO_2027), ("tr-dob-2014", TR_2027)])
def test_composed_with_the_default_the_rows_keep_their_days(
    name: str, table: list[tuple[str, ...]], language: str
) -> None:
    """Beside the cervical-insufficiency milestones, each routine row has the same days
    and knows its protocol; the due date, which both have, is there once, the default's."""
    plan = ct.plan(
        ct.Dating.from_due_date(DUE_2027),
        protocol=["cervical-insufficiency", name],
        today=TODAY,
        language=language,
    )
    by_id = {m.id: m for m in plan.milestones}
    assert [m.id for m in plan.milestones].count("due-date") == 1
    assert by_id["due-date"].protocol == "cervical-insufficiency"
    for row in table:
        if row[0] == "due-date":
            continue
        item = by_id[row[0]]
        assert (
            item.id,
            item.kind,
            item.start,
            item.end,
            str(item.start_ga),
            str(item.end_ga),
        ) == row
        assert item.protocol == name


PROFILES = [
    ct.Profile(),
    ct.Profile(fetuses=2, prior_preterm_birth=True),
    ct.Profile(fetuses=1, short_cervix=True, short_cervix_on=date(2026, 11, 20)),
    ct.Profile(membranes_ruptured_on=date(2026, 11, 23), cerclage_placed_on=date(2026, 11, 2)),
]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", ["who-anc-2016", "tr-dob-2014"])
def test_a_routine_schedule_applies_to_every_pregnancy(name: str, profile: ct.Profile) -> None:
    """No rule of a routine schedule has a condition: whatever is known, every visit applies."""
    plan = ct.plan(ct.Dating.from_due_date(DUE_2027), profile, protocol=name, today=TODAY)
    assert {m.applicability for m in plan.milestones} == {"applies"}
    assert all(not rule.when for m in ct.shipped_protocol(name).milestones for rule in m.rules)


def test_a_routine_schedule_has_no_warning_signs_or_cervical_threshold_of_its_own() -> None:
    """Its plans alone carry no warning signs; composed, the default protocol brings them."""
    for name in ("who-anc-2016", "tr-dob-2014"):
        protocol = ct.shipped_protocol(name)
        assert (protocol.warning_signs, protocol.urgent_advice, protocol.short_cervix) == (
            (),
            None,
            None,
        )
        assert protocol.trimesters == ()
        alone = ct.plan(ct.Dating.from_due_date(DUE_2027), protocol=name, today=TODAY)
        assert (alone.warning_signs, alone.urgent_advice, alone.trimesters) == ((), None, ())


def test_the_sources_are_cited_by_document_and_year() -> None:
    who = ct.shipped_protocol("who-anc-2016")
    assert who.source.startswith("WHO recommendations on antenatal care for a positive pregnancy")
    assert "2016" in who.source
    for milestone in who.milestones:
        if milestone.id != "due-date":  # the due date cites ACOG, as the default's does
            assert "WHO recommendations on antenatal care" in milestone.basis, milestone.id
            assert "(2016)" in milestone.basis, milestone.id
    assert "recommendation B.2.4" in who.milestone("who-early-ultrasound").basis
    turkish = ct.shipped_protocol("tr-dob-2014")
    assert "Doğum Öncesi Bakım Yönetim Rehberi" in turkish.source and "2014" in turkish.source
    for milestone in turkish.milestones:
        if milestone.id != "due-date":
            assert "Doğum Öncesi Bakım Yönetim Rehberi (T.C. Sağlık Bakanlığı, 2014)" in (
                milestone.basis
            )
            # what was not read is said: the guide's own pages were not
            assert "the guide's own page was not read" in milestone.basis or (
                "neither the guide's page nor a Ministry page" in milestone.basis
            )
    # the glucose screening is left out, and the second visit's basis says why
    assert not any("glucose" in m.id for m in turkish.milestones)
    assert "24-26 and as 24-28" in turkish.milestone("tr-visit-2").basis


@pytest.mark.parametrize("name", ["who-anc-2016", "tr-dob-2014"])
def test_texts_speak_to_the_patient(name: str) -> None:
    for language in ct.default_languages():
        protocol = ct.shipped_protocol(name, language)
        texts = [protocol.title, protocol.clinician_note]
        for milestone in protocol.milestones:
            texts += [milestone.title, milestone.description, *milestone.notes]
            texts += [rule.reason for rule in milestone.rules]
        for text in texts:
            lowered = text.lower()
            assert "article" not in lowered and "the source" not in lowered, text
            assert " must " not in lowered and "you should" not in lowered, text
            assert "zorunda" not in lowered and "gerekir" not in lowered, (
                text
            )  # no order in Turkish
        # not appointments: the clinician note says so, in every language
        assert "not appointments" in ct.shipped_protocol(name).clinician_note


def test_the_turkish_visits_have_the_guides_names() -> None:
    visits = [m for m in ct.shipped_protocol("tr-dob-2014", "tr").milestones if m.id != "due-date"]
    assert [m.title for m in visits] == [
        "Birinci İzlem (İlk İzlem)",
        "İkinci İzlem",
        "Üçüncü İzlem",
        "Dördüncü İzlem",
    ]


def test_a_single_week_is_one_day_on_that_weeks_first_day() -> None:
    """The WHO gives contacts 2 to 8 as single weeks; each is one day at NNw0d (this
    project's reading, which each basis states)."""
    for milestone in ct.shipped_protocol("who-anc-2016").milestones:
        if milestone.id.startswith("who-contact-") and milestone.id != "who-contact-1":
            assert milestone.kind == "day" and milestone.start.days == 0, milestone.id
            assert "this project's reading of a single week" in milestone.basis


# -- what a routine schedule's file may leave out, and what it may not --------------------------

WHO_TEXT = ct.shipped_protocol_text("who-anc-2016")
FIRST_RULE = '[[milestones.rules]]\nkey = "always"'


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (  # a short-cervix condition needs the table that reads a length
            FIRST_RULE,
            '[[milestones.rules]]\nwhen = ["short-cervix"]\nkey = "short"\nresult = "discuss"\n'
            f'reason = "y"\n\n{FIRST_RULE}',
            "which needs a [short_cervix] table",
        ),
        (  # warning signs need their source
            'clinician_note = "',
            'warning_signs = ["Bleeding"]\nclinician_note = "',
            "warning_signs and warning_signs_basis go together",
        ),
        (  # and a source needs its signs
            'clinician_note = "',
            'warning_signs_basis = "WHO 2016."\nclinician_note = "',
            "warning_signs and warning_signs_basis go together",
        ),
        (  # no milestone carries signs the file does not have
            'category = "monitoring"\ntitle = "First antenatal contact"',
            'category = "monitoring"\nwarning_signs = true\ntitle = "First antenatal contact"',
            "carries the warning signs (warning_signs = true), but the protocol has none",
        ),
        (
            'clinician_note = "',
            'trimesters_basis = "ACOG 2017."\nclinician_note = "',
            "trimesters and trimesters_basis go together",
        ),
    ],
)
def test_what_a_routine_schedule_may_not_leave_out(old: str, new: str, said: str) -> None:
    assert old in WHO_TEXT
    text = WHO_TEXT.replace(old, new, 1)
    with pytest.raises(ct.ProtocolError) as caught:
        ct.parse_protocol(text, source="clinic-visits.toml")
    assert said in str(caught.value)
