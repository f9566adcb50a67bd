"""Composing protocols: one plan made of the cervical-insufficiency protocol and a routine
schedule (or any protocols of one language), each milestone knowing its protocol.

The pregnancy is due 2027-05-10: day 0 is 2026-08-03 and today, 2026-11-24, is 16w1d
(day 113: Aug 3 + 28 = Aug 31, + 30 = Sep 30, + 31 = Oct 31, + 24 = Nov 24).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import jsonschema
import pytest

import care_timeline as ct
from _support.tools import needs_fhir_extra
from care_timeline.export import CSV_COLUMNS

DUE = date(2027, 5, 10)
DATING = ct.Dating.from_due_date(DUE)
TODAY = date(2026, 11, 24)
PROFILE = ct.Profile(fetuses=1, prior_preterm_birth=True, risk_factors=("biopsy",))
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
CI = "cervical-insufficiency"
ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "src/care_timeline/plan.schema.json").read_text(encoding="utf-8"))


def make(
    *names: str | ct.Protocol, plan_id: str | None = "clinic-42/7781", **kwargs: object
) -> ct.Plan:
    protocol: object = list(names) if len(names) != 1 else names[0]
    kwargs.setdefault("today", TODAY)
    return ct.plan(DATING, PROFILE, protocol=protocol, plan_id=plan_id, **kwargs)  # type: ignore[arg-type]


CI_IDS = [m.id for m in ct.default_protocol().milestones]


# -- one plan of several protocols ------------------------------------------------------------


def test_a_plan_of_one_protocol_is_not_composed() -> None:
    """Named alone (or as a list of one), a protocol plans exactly as before: no
    ``protocols``, no milestone names its protocol, the same JSON."""
    before = ct.plan(DATING, PROFILE, today=TODAY, plan_id="clinic-42/7781")
    for alone in (
        make(CI),
        make(ct.default_protocol()),
        ct.plan(DATING, PROFILE, protocol=[CI], today=TODAY, plan_id="clinic-42/7781"),
    ):
        assert alone == before
        assert alone.protocols == () and alone.made_from == (before.protocol,)
    data = json.loads(before.model_dump_json())
    assert "protocols" not in data
    assert all("protocol" not in item for item in data["milestones"])


def test_each_milestone_knows_its_protocol_and_the_due_date_is_there_once() -> None:
    plan = make(CI, "who-anc-2016")
    assert [ref.id for ref in plan.protocols] == [CI, "who-anc-2016"]
    assert plan.protocol == plan.protocols[0]
    ids = [m.id for m in plan.milestones]
    assert len(ids) == len(set(ids)) == 10 + 9  # the WHO's due date is the default's
    who = {m.id for m in ct.shipped_protocol("who-anc-2016").milestones} - {"due-date"}
    for item in plan.milestones:
        expected = "who-anc-2016" if item.id in who else CI
        assert item.protocol == expected, item.id
        assert plan.protocol_of(item).id == expected
    assert plan.milestone("due-date").protocol == CI
    # in date order; on one day, the first protocol's milestone first (40w0d: the due
    # date, then the WHO's eighth contact)
    starts = [m.start for m in plan.milestones]
    assert starts == sorted(starts)
    assert ids[-2:] == ["due-date", "who-contact-8"]
    groups = plan.grouped()
    assert [ref.id for ref, _ in groups] == [CI, "who-anc-2016"]
    assert [m.id for m in groups[0][1]] == [m.id for m in plan.milestones if m.protocol == CI]
    assert sorted(m.id for m in groups[1][1]) == sorted(who)


def test_the_cervical_insufficiency_milestones_are_unchanged_by_a_routine_schedule() -> None:
    alone = make(CI)
    for other in ("who-anc-2016", "tr-dob-2014"):
        composed = make(CI, other)
        for item in alone.milestones:
            assert composed.milestone(item.id).model_copy(update={"protocol": None}) == item


def test_the_first_protocol_leads() -> None:
    """The first protocol gives the title and identity; the warning signs, urgent advice
    and trimesters come from the protocols that have them, whichever comes first; the
    clinician notes of all, each once."""
    who_first = make("who-anc-2016", CI)
    default = ct.default_protocol()
    who = ct.shipped_protocol("who-anc-2016")
    assert who_first.protocol.id == "who-anc-2016"
    assert who_first.milestone("due-date").protocol == "who-anc-2016"  # the first that has it
    assert who_first.warning_signs == default.warning_signs
    assert who_first.urgent_advice == default.urgent_advice
    assert [stage.name for stage in who_first.trimesters] == [t.name for t in default.trimesters]
    assert who_first.clinician_note == f"{who.clinician_note} {default.clinician_note}"
    ci_first = make(CI, "who-anc-2016")
    assert ci_first.clinician_note == f"{default.clinician_note} {who.clinician_note}"
    assert ci_first.protocol.title == default.title


def test_the_risk_factors_of_any_protocol_of_the_plan() -> None:
    """A WHO plan alone knows no risk factor; composed with the default, the default's."""
    with pytest.raises(ct.ProfileError) as caught:
        make("who-anc-2016")
    assert str(caught.value) == (
        "risk_factors: 'biopsy' is not valid; expected none: the plan's protocols list no "
        "risk factors"
    )
    assert make("who-anc-2016", CI).profile == PROFILE


def test_a_cervical_length_means_nothing_to_a_schedule_without_a_threshold() -> None:
    plan = ct.plan(
        DATING,
        ct.Profile(cervical_length_mm=18, cervical_length_on=date(2026, 11, 20)),
        protocol="who-anc-2016",
        today=TODAY,
    )
    assert {m.applicability for m in plan.milestones} == {"applies"}


# -- what is refused ----------------------------------------------------------------------------


def test_protocols_in_different_languages_are_refused() -> None:
    with pytest.raises(ct.PlanError) as caught:
        ct.plan(
            DATING,
            protocol=[ct.default_protocol("tr"), ct.shipped_protocol("who-anc-2016")],
            today=TODAY,
        )
    assert caught.value.field == "protocol"
    assert "'who-anc-2016' is in 'en' and 'cervical-insufficiency' in 'tr'" in str(caught.value)
    with pytest.raises(ct.PlanError) as caught:
        ct.plan(
            DATING, protocol=[CI, ct.shipped_protocol("who-anc-2016")], today=TODAY, language="tr"
        )
    assert caught.value.field == "language"
    # names follow the language asked for, or that of the protocols given with them
    turkish = ct.plan(DATING, protocol=[ct.default_protocol("tr"), "who-anc-2016"], today=TODAY)
    assert {ref.language for ref in turkish.protocols} == {"tr"}
    assert turkish.milestone("who-contact-2").title == "20. haftada doğum öncesi bakım görüşmesi"


@pytest.mark.parametrize(
    ("protocol", "message"),
    [
        (
            [CI, "who-anc-2016", CI],
            "protocol: 'cervical-insufficiency' is not valid; expected each protocol once",
        ),
        ([], "protocol: '[]' is not valid; expected a Protocol, the name of a shipped protocol"),
        ([CI, 7], "protocol: 'int' is not valid"),
        (
            "nice-ng201",
            "protocol: 'nice-ng201' is not valid; expected the name of a shipped protocol: cervical-insufficiency, who-anc-2016, tr-dob-2014",
        ),
    ],
)
def test_what_plan_refuses(protocol: object, message: str) -> None:
    with pytest.raises(ct.CareTimelineError) as caught:
        ct.plan(DATING, protocol=protocol, today=TODAY)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


def _clinic_visits(change: str = "") -> ct.Protocol:
    """A clinic's routine schedule: the WHO's, under its own id, with ``change``."""
    text = ct.shipped_protocol_text("who-anc-2016").replace(
        'id = "who-anc-2016"', 'id = "clinic-visits"'
    )
    if change:
        old, new = change.split(" -> ")
        assert old in text
        text = text.replace(old, new, 1)
    return ct.parse_protocol(text, source="clinic-visits.toml")


def test_an_id_two_protocols_use_for_different_milestones_is_refused() -> None:
    clinic = _clinic_visits('id = "who-contact-2" -> id = "cerclage-removal"')
    with pytest.raises(ct.ProtocolError) as caught:
        ct.plan(DATING, protocol=[CI, clinic], today=TODAY)
    assert caught.value.field == "protocol" and caught.value.milestone == "cerclage-removal"
    assert str(caught.value).startswith(
        "milestone 'cerclage-removal': protocols 'cervical-insufficiency' and 'clinic-visits' "
        "both have it, in other weeks"
    )
    # the due date a clinic moved is another milestone too
    moved = _clinic_visits(
        'start = "40w0d"\ncategory = "birth" -> start = "40w1d"\ncategory = "birth"'
    )
    with pytest.raises(ct.ProtocolError, match="milestone 'due-date': protocols"):
        ct.plan(DATING, protocol=[CI, moved], today=TODAY)
    # the same milestone in other words is one milestone
    reworded = _clinic_visits(
        'reason = "Every pregnancy has a due date." -> reason = "Each has one."'
    )
    plan = ct.plan(DATING, protocol=[CI, reworded], today=TODAY)
    assert plan.milestone("due-date").reason == "Every pregnancy has a due date."


# -- what stays stable ------------------------------------------------------------------------


def _uids(plan: ct.Plan, key: bytes | None = None) -> dict[str, str]:
    data = ct.to_ics(plan, ct.CalendarOptions(timestamp=T0, uid_key=key))
    calendar = icalendar.Calendar.from_ical(data)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    items = [*plan.milestones, *plan.no_longer_planned]
    assert len(events) == len(items)
    return {item.id: str(event["UID"]) for item, event in zip(items, events, strict=True)}


@pytest.mark.parametrize("plan_id", ["clinic-42/7781", None])
@pytest.mark.parametrize("key", [None, b"k" * 32])
@pytest.mark.parametrize("other", ["who-anc-2016", "tr-dob-2014"])
def test_adding_a_routine_schedule_keeps_the_calendar_uids(
    other: str, plan_id: str | None, key: bytes | None
) -> None:
    """Calendars already imported keep updating: every event of the cervical-insufficiency
    plan keeps its UID, and the calendar's own, when a routine schedule is added; without a
    plan id a routine event's UID is the one it has in a plan of its schedule alone."""
    alone = _uids(make(CI, plan_id=plan_id), key)
    composed = _uids(make(CI, other, plan_id=plan_id), key)
    assert {name: composed[name] for name in alone} == alone
    assert len(set(composed.values())) == len(composed)  # no two events share one
    if plan_id is None:
        schedule = ct.plan(DATING, protocol=other, today=TODAY)
        routine = _uids(schedule)
        assert {name: composed[name] for name in routine if name != "due-date"} == {
            name: uid for name, uid in routine.items() if name != "due-date"
        }
    calendar_uid = next(
        line
        for line in ct.to_ics(
            make(CI, other, plan_id=plan_id), ct.CalendarOptions(timestamp=T0, uid_key=key)
        )
        .decode()
        .splitlines()
        if line.startswith("UID:")
    )
    assert calendar_uid.encode() in ct.to_ics(
        make(CI, plan_id=plan_id), ct.CalendarOptions(timestamp=T0, uid_key=key)
    )


def _fhir(plan: ct.Plan, key: bytes | None = None) -> dict[str, object]:
    data: dict[str, object] = json.loads(ct.to_fhir(plan, uid_key=key))
    return data


@pytest.mark.parametrize("plan_id", ["clinic-42/7781", None])
@pytest.mark.parametrize("other", ["who-anc-2016", "tr-dob-2014"])
def test_adding_a_routine_schedule_keeps_the_fhir_ids(other: str, plan_id: str | None) -> None:
    """The Bundle's, the CarePlan's and the Observation's ids, the CarePlan's identifier, and
    each cervical-insufficiency activity's code (system, version, code) are the same with
    and without a routine schedule; the CarePlan instantiates both PlanDefinitions."""
    needs_fhir_extra()
    alone, composed = _fhir(make(CI, plan_id=plan_id)), _fhir(make(CI, other, plan_id=plan_id))

    def ids(bundle: dict[str, object]) -> list[object]:
        entries = bundle["entry"]
        assert isinstance(entries, list)
        return [
            bundle["id"],
            *[
                (e["fullUrl"], e["resource"]["id"], e["resource"].get("identifier"))
                for e in entries
            ],
        ]

    assert ids(composed) == ids(alone)

    def codes(bundle: dict[str, object]) -> dict[str, dict[str, str]]:
        entries = bundle["entry"]
        assert isinstance(entries, list)
        care_plan = entries[0]["resource"]
        return {
            a["detail"]["code"]["coding"][0]["code"]: a["detail"]["code"]["coding"][0]
            for a in care_plan["activity"]
        }

    before, after = codes(alone), codes(composed)
    assert {name: after[name] for name in before} == before
    assert after["who-contact-2" if other == "who-anc-2016" else "tr-visit-2"]["system"] == (
        f"https://care-timeline.invalid/fhir/CodeSystem/{other}-milestones"
    )
    care_plan = composed["entry"][0]["resource"]  # type: ignore[index]
    assert care_plan["instantiatesCanonical"] == [
        "https://care-timeline.invalid/fhir/PlanDefinition/cervical-insufficiency|3",
        f"https://care-timeline.invalid/fhir/PlanDefinition/{other}|1",
    ]


# -- the exports --------------------------------------------------------------------------------


def test_json_names_each_milestones_protocol_and_loads_back() -> None:
    plan = make(CI, "who-anc-2016")
    data = json.loads(ct.to_json(plan))
    jsonschema.validate(data, SCHEMA)
    assert [ref["id"] for ref in data["protocols"]] == [CI, "who-anc-2016"]
    assert {item["id"]: item["protocol"] for item in data["milestones"]}[
        "who-contact-1"
    ] == "who-anc-2016"
    assert all("protocol" in item for item in data["milestones"])
    assert ct.Plan.model_validate_json(ct.to_json(plan)) == plan


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda d: d["milestones"][0].update(protocol="nice-ng201"), "milestones[0].protocol"),
        (lambda d: d["milestones"][0].pop("protocol"), "milestones[0].protocol"),
        (lambda d: d["protocols"].reverse(), "protocols"),
        (lambda d: d["protocols"].pop(), "protocols"),
        (lambda d: d["protocols"][1].update(language="tr"), "protocols[1].language"),
        (lambda d: d["protocols"].append(d["protocols"][1]), "protocols[2].id"),
    ],
)
def test_a_stored_composed_plan_is_checked(edit: object, field: str) -> None:
    data = json.loads(ct.to_json(make(CI, "who-anc-2016")))
    edit(data)  # type: ignore[operator]
    with pytest.raises(ct.PlanError) as caught:
        ct.Plan.model_validate(data)
    assert caught.value.field == field


def test_a_single_protocol_plan_names_no_protocol_on_its_milestones() -> None:
    data = json.loads(ct.to_json(make(CI)))
    data["milestones"][0]["protocol"] = CI
    with pytest.raises(ct.PlanError) as caught:
        ct.Plan.model_validate(data)
    assert caught.value.field == "milestones[0].protocol"


def test_csv_has_the_protocol_column_only_when_composed() -> None:
    single = list(csv.reader(io.StringIO(ct.to_csv(make(CI)), newline="")))
    assert single[0] == list(CSV_COLUMNS)
    composed = list(csv.DictReader(io.StringIO(ct.to_csv(make(CI, "tr-dob-2014")), newline="")))
    assert list(composed[0]) == [*CSV_COLUMNS, "protocol"]
    assert {row["milestone_id"]: row["protocol"] for row in composed} == {
        **dict.fromkeys(CI_IDS, CI),
        **{f"tr-visit-{n}": "tr-dob-2014" for n in range(1, 5)},
    }


def test_text_and_page_group_by_protocol() -> None:
    plan = make(CI, "who-anc-2016")
    text = ct.to_text(plan)
    ci_heading = text.index("\nCervical insufficiency care timeline [cervical-insufficiency]\n")
    who_heading = text.index("\nRoutine antenatal care contacts (WHO 2016) [who-anc-2016]\n")
    assert (
        ci_heading < text.index("[cerclage-removal]") < who_heading < text.index("[who-contact-1]")
    )
    assert (
        "Protocols: Cervical insufficiency care timeline (cervical-insufficiency, version 3) and"
        in text
    )
    assert "[cervical-insufficiency]" not in ct.to_text(make(CI))  # one protocol: no groups
    page = ct.to_html(plan)
    assert page.count('class="group"') == 2 and "th.group" in page
    assert page.index(">Cervical insufficiency care timeline</th>") < page.index(
        ">Routine antenatal care contacts (WHO 2016)</th>"
    )
    assert 'class="group"' not in ct.to_html(make(CI)) and "th.group" not in ct.to_html(make(CI))
    chart = ct.to_svg(plan)
    assert chart.index("Cervical insufficiency care timeline</tspan>") < chart.index(
        "Routine antenatal care contacts (WHO 2016)</tspan>"
    )


def test_the_calendar_carries_both() -> None:
    plan = make(CI, "who-anc-2016")
    calendar = icalendar.Calendar.from_ical(ct.to_ics(plan, ct.CalendarOptions(timestamp=T0)))
    summaries = [str(e["SUMMARY"]) for e in calendar.walk() if e.name == "VEVENT"]
    assert "Antenatal contact at 20 weeks" in summaries
    assert "Weeks when a weak cervix may open early" in summaries
    assert len(summaries) == len(plan.milestones)


# -- a plan that ended, a plan planned again ---------------------------------------------------


def test_a_composed_plan_that_ended() -> None:
    """Ended by a birth at 35w0d (2027-04-05 = 34w0d, Mar 29, + 7): the WHO contacts from 36
    weeks on and the due date are no longer planned, each knowing its protocol."""
    plan = make(
        CI,
        "who-anc-2016",
        ended_on=date(2027, 4, 5),
        ended_because="birth",
        today=date(2027, 4, 10),
    )
    gone = {item.id: item.protocol for item in plan.no_longer_planned}
    assert gone == {
        "cerclage-removal": CI,
        "who-contact-6": "who-anc-2016",
        "who-contact-7": "who-anc-2016",
        "due-date": CI,
        "who-contact-8": "who-anc-2016",
    }
    assert all(item.end <= date(2027, 4, 5) for item in plan.milestones)
    assert ct.Plan.model_validate_json(ct.to_json(plan)) == plan
    rows = list(csv.DictReader(io.StringIO(ct.to_csv(plan), newline="")))
    assert {r["milestone_id"]: r["protocol"] for r in rows if r["timing"] == "after-end"} == gone
    running = make(CI, "who-anc-2016", today=date(2027, 4, 10))
    assert _uids(plan) == _uids(running)  # the same events, cancelled under their UIDs


def test_replan_a_composed_plan() -> None:
    first = make(CI, "tr-dob-2014", language="tr")
    later = ct.replan(first.model_dump_json(), today="2027-01-05")
    assert later.protocols == first.protocols
    assert later.today == date(2027, 1, 5)
    assert [(m.id, m.protocol, m.start) for m in later.milestones] == [
        (m.id, m.protocol, m.start) for m in first.milestones
    ]
    assert ct.replan(first, today=TODAY) == first
    given = [ct.default_protocol("tr"), ct.shipped_protocol("tr-dob-2014", "tr")]
    assert ct.replan(first, today=TODAY, protocol=given) == first
    with pytest.raises(ct.PlanError) as caught:
        ct.replan(first, today=TODAY, protocol=[ct.default_protocol("tr")])
    assert str(caught.value).startswith(
        "protocol: the plan was made with 'cervical-insufficiency' version 3 and 'tr-dob-2014' "
        "version 1, not 'cervical-insufficiency' version 3; pass those protocols, in that order"
    )


# -- queries and diffs --------------------------------------------------------------------------


def test_upcoming_across_protocols() -> None:
    """From 2026-12-01 to 2026-12-31: the cervical length scans on Dec 7 and Dec 21 (16w0d =
    Nov 23, every 14 days) and the WHO's contact at 20w0d, Dec 21."""
    plan = make(CI, "who-anc-2016")
    found = ct.upcoming([plan], date(2026, 12, 1), date(2026, 12, 31), applicability=["applies"])
    assert [(u.on, u.milestone_id, u.protocol) for u in found] == [
        (date(2026, 12, 7), "cervical-monitoring", CI),
        (date(2026, 12, 21), "cervical-monitoring", CI),
        (date(2026, 12, 21), "who-contact-2", "who-anc-2016"),
    ]
    rows = list(csv.DictReader(io.StringIO(ct.upcoming_csv(found), newline="")))
    assert [row["protocol"] for row in rows] == [CI, CI, "who-anc-2016"]
    single = ct.upcoming_csv(ct.upcoming([make(CI)], date(2026, 12, 1), date(2026, 12, 31)))
    assert "protocol" not in single.splitlines()[0]
    only = ct.upcoming([plan], date(2026, 12, 1), date(2026, 12, 31), milestone="who-contact-2")
    assert [u.milestone_id for u in only] == ["who-contact-2"]


def test_diff_across_protocols() -> None:
    old, new = make(CI), make(CI, "who-anc-2016")
    changes = ct.diff(old, new)
    added = {item.milestone_id: item.protocol for item in changes.changed}
    assert added == {f"who-contact-{n}": "who-anc-2016" for n in range(1, 9)} | {
        "who-early-ultrasound": "who-anc-2016"
    }
    assert {item.change for item in changes.changed} == {"added"}
    data = json.loads(ct.render_diff(changes, "json"))
    assert all("protocol" in item for item in data["milestones"])
    rows = list(csv.DictReader(io.StringIO(ct.render_diff(changes, "csv").decode(), newline="")))
    assert {row["milestone_id"]: row["protocol"] for row in rows}["due-date"] == CI
    # two plans of one protocol: no protocol anywhere
    plain = ct.diff(old, make(CI))
    assert all(
        "protocol" not in item for item in json.loads(ct.render_diff(plain, "json"))["milestones"]
    )
    assert "protocol" not in ct.render_diff(plain, "csv").decode().splitlines()[0]


# -- batches ------------------------------------------------------------------------------------


def test_a_batch_setting_of_several_protocols() -> None:
    options = ct.RowOptions(today=TODAY, protocol=[CI, "tr-dob-2014"])
    assert [each.id for each in options.protocols] == [CI, "tr-dob-2014"]
    assert options.protocol.id == CI
    assert "protocol=[<Protocol 'cervical-insufficiency' version 3>, <Protocol 'tr-dob-2014'" in (
        repr(options)
    )
    rows = [{"id": "a", "due_date": "2027-05-10", "prior_preterm_birth": "yes"}]
    (result,) = ct.plan_many(rows, options)
    assert isinstance(result, ct.PlanResult)
    assert result.plan == ct.plan(
        DATING,
        ct.Profile(prior_preterm_birth=True),
        protocol=[CI, "tr-dob-2014"],
        today=TODAY,
        plan_id="a",
    )
    with pytest.raises(ct.BatchError) as caught:
        ct.RowOptions(today=TODAY, protocol=[CI, "clinic.toml"])
    assert caught.value.field == "protocol"
    assert "ct.load_protocol(path)" in str(caught.value)
