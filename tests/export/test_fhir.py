"""The FHIR R4 export: every decision-table row of the default protocol exports a Bundle
that fhir.resources parses and validates and that the official FHIR R4 JSON Schema
accepts; the activities carry the plan's dates; the plan id never appears.

The second check is the FHIR R4 (4.0.1) JSON Schema, ``fhir.schema.json`` as HL7
publishes it (CC0), vendored gzip-compressed beside this file: see README.md here.

The example pregnancy is due 2027-05-10, so day 0 (0w0d) is 2026-08-03. Dates below are
counted by hand from day 0: 12w0d = +84 = 2026-10-26; 14w6d = +104 = 2026-11-15;
16w0d = +112 = 2026-11-23; 22w6d = +160 = 2027-01-10; 23w0d = +161 = 2027-01-11;
24w0d = +168 = 2027-01-18; 31w6d = +223 = 2027-03-14; 36w0d = due - 28 = 2027-04-12;
37w0d = due - 21 = 2027-04-19; 40w0d = 2027-05-10.

Regenerate the example Bundle in docs/fhir.md after an intended change:
``REGENERATE=1 pytest tests/export/test_fhir.py -k example``.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft6Validator

import care_timeline as ct
from care_timeline import Dating, Profile
from care_timeline.errors import ExportError
from care_timeline.export import fhir

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "fhir.md"
SCHEMA_FILE = Path(__file__).with_name("fhir.schema.json.gz")
SCHEMA_SHA256 = "73bc879b1476fea7e096fd71c5fb5967d8c48cc9ffc28706f66613f6a82af3cb"
"""Of the decompressed schema, as shipped (see README.md here)."""

D = date
DUE = D(2027, 5, 10)
TODAY = D(2026, 11, 24)
PLACED = D(2026, 11, 2)  # day 91 = 13w0d
APPLICABILITY_EXTENSION = "https://care-timeline.invalid/fhir/StructureDefinition/applicability"
CODE_SYSTEM = "https://care-timeline.invalid/fhir/CodeSystem/cervical-insufficiency-milestones"
PLAN_DEFINITION = "https://care-timeline.invalid/fhir/PlanDefinition/cervical-insufficiency"

# id: (start, end) with no profile facts; two rows below move a milestone.
DATES = {
    "cervical-change-risk": (D(2026, 10, 26), D(2027, 1, 10)),
    "cerclage-placement": (D(2026, 10, 26), D(2026, 11, 15)),
    "cervical-monitoring": (D(2026, 11, 23), D(2027, 1, 18)),
    "progesterone-injections": (D(2026, 11, 23), D(2027, 4, 12)),
    "vaginal-progesterone": (D(2026, 11, 23), D(2027, 4, 12)),
    "preterm-birth-watch": (D(2027, 1, 11), D(2027, 3, 14)),
    "cerclage-removal": (D(2027, 4, 12), D(2027, 4, 19)),
    "due-date": (D(2027, 5, 10), D(2027, 5, 10)),
}
# Every 14 days from 16w0d to 24w0d; every 7 days from 16w0d to 36w0d.
MONITORING = [D(2026, 11, 23), D(2026, 12, 7), D(2026, 12, 21), D(2027, 1, 4), D(2027, 1, 18)]
INJECTIONS = [
    *(D(2026, 11, day) for day in (23, 30)),
    *(D(2026, 12, day) for day in (7, 14, 21, 28)),
    *(D(2027, 1, day) for day in (4, 11, 18, 25)),
    *(D(2027, 2, day) for day in (1, 8, 15, 22)),
    *(D(2027, 3, day) for day in (1, 8, 15, 22, 29)),
    *(D(2027, 4, day) for day in (5, 12)),
]
SERIES = {"cervical-monitoring": (MONITORING, 2), "progesterone-injections": (INJECTIONS, 1)}
"""Occurrences and the interval in weeks."""

WORD = {"A": "applies", "D": "discuss", "N": "not-applicable"}
VARIABLE = (
    "cerclage-placement",
    "progesterone-injections",
    "vaginal-progesterone",
    "cerclage-removal",
)
ALWAYS = ("cervical-change-risk", "cervical-monitoring", "preterm-birth-watch", "due-date")

# Every rule of every milestone's decision table decides at least one row. The letters
# are the applicabilities of placement, injections, vaginal progesterone and removal
# (A applies, D discuss, N not-applicable); the other four milestones always apply.
# The last item moves milestones away from DATES.
ROWS: list[tuple[str, Profile, str, dict[str, tuple[date, date]]]] = [
    ("nothing-known", Profile(), "DDDD", {}),
    ("twins", Profile(fetuses=2), "NNNN", {}),
    ("waters-broken", Profile(membranes_ruptured=True), "NDDN", {}),
    (
        "cerclage-placed",
        Profile(cerclage_placed_on=PLACED),
        "ADDA",
        {"cerclage-placement": (PLACED, PLACED)},
    ),
    ("prior-preterm-birth", Profile(fetuses=1, prior_preterm_birth=True), "DAND", {}),
    ("no-prior-preterm-birth", Profile(fetuses=1, prior_preterm_birth=False), "DNDD", {}),
    ("no-short-cervix", Profile(short_cervix=False, prior_preterm_birth=False), "DNND", {}),
    (
        "short-cervix-found-too-late",
        Profile(short_cervix=True, short_cervix_on=D(2027, 4, 13), prior_preterm_birth=False),
        "DNND",
        {},
    ),
    (
        "short-cervix-found-17w1d",
        Profile(short_cervix=True, short_cervix_on=D(2026, 12, 1), prior_preterm_birth=False),
        "DNAD",
        {"vaginal-progesterone": (D(2026, 12, 1), D(2027, 4, 12))},
    ),
    (
        "twins-waters-broken-cerclage-placed",
        Profile(fetuses=2, membranes_ruptured=True, cerclage_placed_on=PLACED),
        "NNNA",
        {},
    ),
]


def make(profile: Profile | None = None, plan_id: str | None = "patient-0042") -> ct.Plan:
    return ct.plan(Dating.from_due_date(DUE), profile, today=TODAY, plan_id=plan_id)


@pytest.fixture(scope="module")
def schema() -> Draft6Validator:
    raw = gzip.decompress(SCHEMA_FILE.read_bytes())
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "the vendored schema changed"
    return Draft6Validator(json.loads(raw))


def schema_errors(validator: Draft6Validator, document: dict[str, Any]) -> list[str]:
    """Each error, with the deepest reason a ``oneOf`` over resource types gives."""
    found = []
    for error in validator.iter_errors(document):
        deepest = error
        while deepest.context:
            deepest = max(deepest.context, key=lambda e: len(e.absolute_path))
        found.append(f"{list(deepest.absolute_path)}: {deepest.message[:200]}")
    return found


def invariant_problems(bundle: dict[str, Any]) -> list[str]:
    """FHIR invariants that neither fhir.resources nor the JSON Schema checks: per-1 (a
    period starts no later than it ends), rng-2 (a range's low is at most its high),
    tim-2 (a period has a unit), ext-1 (an extension has a value or extensions, not both)
    and bdl-7 (no two entries share a fullUrl)."""
    problems = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, list):
            for number, item in enumerate(value):
                walk(item, f"{path}[{number}]")
            return
        if not isinstance(value, dict):
            return
        if {"start", "end"} <= set(value) and value["start"] > value["end"]:
            problems.append(f"per-1 {path}")
        if {"low", "high"} <= set(value) and value["low"]["value"] > value["high"]["value"]:
            problems.append(f"rng-2 {path}")
        if "period" in value and isinstance(value["period"], int) and "periodUnit" not in value:
            problems.append(f"tim-2 {path}")
        for extension in value.get("extension", []):
            values = [key for key in extension if key.startswith("value")]
            if len(values) + ("extension" in extension) != 1:
                problems.append(f"ext-1 {path}")
        for key, item in value.items():
            walk(item, f"{path}.{key}")

    walk(bundle, "Bundle")
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    if len(set(urls)) != len(urls):
        problems.append("bdl-7")
    return problems


def resources(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}


def activities(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    details = [activity["detail"] for activity in resources(bundle)["CarePlan"]["activity"]]
    return {detail["code"]["coding"][0]["code"]: detail for detail in details}


# -- every decision-table row --------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "letters", "moved"), [row[1:] for row in ROWS], ids=[row[0] for row in ROWS]
)
def test_decision_table_rows_export_valid_bundles(
    profile: Profile, letters: str, moved: dict[str, tuple[date, date]], schema: Draft6Validator
) -> None:
    data = fhir.render(make(profile))
    Bundle.model_validate_json(data)  # fhir.resources parses and validates the bytes
    bundle = json.loads(data)
    assert schema_errors(schema, bundle) == []
    assert invariant_problems(bundle) == []
    expected = {
        **dict.fromkeys(ALWAYS, "applies"),
        **{m: WORD[c] for m, c in zip(VARIABLE, letters, strict=True)},
    }
    found = activities(bundle)
    assert set(found) == set(DATES)  # not-applicable milestones are kept, as cancelled
    for milestone, detail in found.items():
        applicability = expected[milestone]
        assert detail["extension"] == [{"url": APPLICABILITY_EXTENSION, "valueCode": applicability}]
        assert "doNotPerform" not in detail
        status, reason_at = {
            "applies": ("not-started", "reasonCode"),
            "discuss": ("not-started", "statusReason"),
            "not-applicable": ("cancelled", "statusReason"),
        }[applicability]
        assert detail["status"] == status
        if reason_at == "reasonCode":
            assert detail["reasonCode"][0]["text"]
            assert "statusReason" not in detail
        else:
            assert detail["statusReason"]["text"]
            assert "reasonCode" not in detail
        start, end = moved.get(milestone, DATES[milestone])
        if milestone in SERIES:
            occurrences, weeks = SERIES[milestone]
            timing = detail["scheduledTiming"]
            assert timing["event"] == [day.isoformat() for day in occurrences]
            assert timing["repeat"]["boundsPeriod"] == {
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
            assert (timing["repeat"]["period"], timing["repeat"]["periodUnit"]) == (weeks, "wk")
            assert "scheduledPeriod" not in detail
        else:
            assert detail["scheduledPeriod"] == {"start": start.isoformat(), "end": end.isoformat()}
            assert "scheduledTiming" not in detail


def test_every_rule_of_every_milestone_decides_a_row() -> None:
    protocol = ct.default_protocol()
    decided: set[tuple[str, str]] = set()
    for _, profile, _, _ in ROWS:
        for item in make(profile).milestones:
            spec = protocol.milestone(item.id)
            # The rule that decided: the first whose result and reason text match.
            for number, rule in enumerate(spec.rules):
                head = rule.reason.split("{")[0]
                if rule.result == item.applicability and item.reason.startswith(head):
                    decided.add((item.id, str(number)))
                    break
    every = {(spec.id, str(n)) for spec in protocol.milestones for n in range(len(spec.rules))}
    assert every - decided == set()


def test_the_care_plan(schema: Draft6Validator) -> None:
    plan = make(Profile(fetuses=1, prior_preterm_birth=True))
    bundle = fhir.plan_bundle(plan)
    assert bundle["type"] == "collection"
    care_plan = resources(bundle)["CarePlan"]
    assert care_plan["status"] == "active"
    assert care_plan["intent"] == "proposal"
    assert care_plan["instantiatesCanonical"] == [f"{PLAN_DEFINITION}|1"]
    assert care_plan["period"] == {"start": "2026-10-26", "end": "2027-05-10"}
    assert care_plan["note"] == [{"text": plan.clinician_note}]
    assert [a["detail"]["code"]["coding"][0]["code"] for a in care_plan["activity"]] == [
        m.id for m in plan.milestones
    ]
    observation_url = next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    )
    assert care_plan["supportingInfo"][0]["reference"] == observation_url
    for detail in activities(bundle).values():
        assert detail["code"]["coding"][0]["system"] == CODE_SYSTEM
    risk = activities(bundle)["cervical-change-risk"]["description"]
    assert "Warning signs" in risk and plan.warning_signs[0] in risk
    injections = activities(bundle)["progesterone-injections"]["description"]
    assert "17-OHPC" in injections
    assert "doNotPerform" not in json.dumps(bundle)


def test_status_of_a_plan() -> None:
    assert fhir.care_plan_status(make()) == "active"


# -- the due date ----------------------------------------------------------------

# Each dating method, each giving the due date 2027-05-10 (counted by hand), and its code.
DATINGS = [
    (Dating.from_due_date(DUE), "11778-8", "Delivery date Estimated"),
    (
        Dating.from_lmp(D(2026, 8, 3)),
        "11779-6",
        "Delivery date Estimated from last menstrual period",
    ),
    (
        Dating.from_gestational_age("16w1d", on=D(2026, 11, 24)),  # day 0 + 113
        "53694-6",
        "Delivery date Estimated from prior gestational age assessment",
    ),
    (
        Dating.from_conception(D(2026, 8, 17)),  # day 0 + 14
        "53692-0",
        "Delivery date Estimated from conception date",
    ),
    (
        Dating.from_embryo_transfer(D(2026, 8, 22), embryo_age_days=5),  # conception + 5
        "53692-0",
        "Delivery date Estimated from conception date",
    ),
    (
        Dating.from_ultrasound(ga="10w2d", scan_date=D(2026, 10, 14)),  # day 0 + 72
        "11781-2",
        "Delivery date US composite estimate",
    ),
    (
        Dating.reconcile(
            Dating.from_lmp(D(2026, 8, 3)),
            Dating.from_ultrasound(ga="10w3d", scan_date=D(2026, 10, 14)),  # 1 day apart
        ),
        "11778-8",
        "Delivery date Estimated",
    ),
]


@pytest.mark.parametrize(("dating", "code", "display"), DATINGS, ids=[d[0].method for d in DATINGS])
def test_due_date_observation(
    dating: Dating, code: str, display: str, schema: Draft6Validator
) -> None:
    assert dating.due_date == DUE
    bundle = fhir.plan_bundle(ct.plan(dating, today=TODAY, plan_id="x-1"))
    assert schema_errors(schema, bundle) == []
    observation = resources(bundle)["Observation"]
    assert observation["code"]["coding"] == [
        {"system": "http://loinc.org", "code": code, "display": display}
    ]
    assert observation["valueDateTime"] == "2027-05-10"
    assert observation["method"]["text"].startswith("Dated by ")
    if dating.method == "reconciled":
        assert dating.explanation in [note["text"] for note in observation["note"]]


# -- the protocol ---------------------------------------------------------------

# id: low and high in weeks (whole weeks exact; 6 days = 0.8571 week), interval in weeks.
WEEKS = {
    "cervical-change-risk": (12, 22.8571, None),
    "cerclage-placement": (12, 14.8571, None),
    "cervical-monitoring": (16, 24, 2),
    "progesterone-injections": (16, 36, 1),
    "vaginal-progesterone": (16, 36, None),
    "preterm-birth-watch": (23, 31.8571, None),
    "cerclage-removal": (36, 37, None),
    "due-date": (40, 40, None),
}


def test_protocol_as_plan_definition(schema: Draft6Validator) -> None:
    protocol = ct.default_protocol()
    data = fhir.render_protocol(protocol)
    Bundle.model_validate_json(data)
    bundle = json.loads(data)
    assert schema_errors(schema, bundle) == []
    assert invariant_problems(bundle) == []
    definition = resources(bundle)["PlanDefinition"]
    assert (definition["url"], definition["version"]) == (PLAN_DEFINITION, "1")
    assert definition["title"] == protocol.title
    citations = [artifact["citation"] for artifact in definition["relatedArtifact"]]
    bases = [
        protocol.source,
        protocol.warning_signs_basis,
        protocol.trimesters_basis,
        protocol.short_cervix.basis,
        *(spec.basis for spec in protocol.milestones),
    ]
    assert citations == bases
    assert [action["id"] for action in definition["action"]] == list(WEEKS)
    for action in definition["action"]:
        low, high, every = WEEKS[action["id"]]
        spec = protocol.milestone(action["id"])
        if every is None:
            weeks = action["timingRange"]
        else:
            repeat = action["timingTiming"]["repeat"]
            weeks = repeat["boundsRange"]
            assert (repeat["period"], repeat["periodUnit"]) == (every, "wk")
        for bound, value in (("low", low), ("high", high)):
            assert weeks[bound] == {
                "value": value,
                "unit": "wk",
                "system": "http://unitsofmeasure.org",
                "code": "wk",
            }
        rules = action["extension"]
        assert len(rules) == len(spec.rules)
        for rule, extension in zip(spec.rules, rules, strict=True):
            parts = extension["extension"]
            assert [p["valueCode"] for p in parts if p["url"] == "when"] == list(rule.when)
            assert {"url": "result", "valueCode": rule.result} in parts
        for rule in spec.rules:
            assert rule.reason in action["textEquivalent"]
        assert action["documentation"][0]["citation"] == spec.basis
    code_system = resources(bundle)["CodeSystem"]
    assert code_system["url"] == CODE_SYSTEM
    assert [(c["code"], c["display"]) for c in code_system["concept"]] == [
        (spec.id, spec.title) for spec in protocol.milestones
    ]
    # A plan points at this PlanDefinition, version included.
    care_plan = resources(fhir.plan_bundle(make()))["CarePlan"]
    assert care_plan["instantiatesCanonical"] == [f"{definition['url']}|{definition['version']}"]


def test_clinic_protocol_exports(schema: Draft6Validator) -> None:
    protocol = ct.load_protocol(ROOT / "examples" / "clinic-protocol.toml")
    assert schema_errors(schema, fhir.protocol_bundle(protocol)) == []
    plan = ct.plan(Dating.from_due_date(DUE), protocol=protocol, today=TODAY, plan_id="c-1")
    assert schema_errors(schema, fhir.plan_bundle(plan)) == []


# -- the second check is alive ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("CarePlan", "period", "end"), "soon"),  # not a date
        (("CarePlan", "activity", 0, "detail", "status"), "postponed"),
        (("CarePlan", "activity", 0, "detail", "scheduledPeriod", "start"), "2026-13-01"),
        (("CarePlan", "colour"), "blue"),  # no such element
        (("Observation", "status"), "guessed"),
    ],
)
def test_schema_refuses_a_broken_bundle(
    path: tuple[Any, ...], value: str, schema: Draft6Validator
) -> None:
    bundle = fhir.plan_bundle(make())
    target: Any = resources(bundle)[path[0]]
    for step in path[1:-1]:
        target = target[step]
    target[path[-1]] = value
    assert schema_errors(schema, bundle) != []


def test_invariant_check_finds_a_reversed_period() -> None:
    bundle = fhir.plan_bundle(make())
    resources(bundle)["CarePlan"]["period"] = {"start": "2027-05-10", "end": "2026-10-26"}
    assert invariant_problems(bundle) == ["per-1 Bundle.entry[0].resource.period"]


def test_fhir_resources_refuses_a_care_plan_without_subject() -> None:
    care_plan = resources(fhir.plan_bundle(make()))["CarePlan"]
    del care_plan["subject"]
    with pytest.raises(ValueError, match="subject"):
        CarePlan.model_validate(care_plan)


# -- round trip -----------------------------------------------------------------

FACTORS = [factor.id for factor in ct.default_protocol().risk_factors]
maybe = st.one_of(st.none(), st.booleans())
ROUND_TRIPS = 10 * settings.default.max_examples
"""1,000 under the default profile (HYPOTHESIS_MAX_EXAMPLES=100)."""


plan_ids = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=200).filter(
    str.strip
)
"""What a plan id may be: non-blank, no control characters, at most 200 characters."""


@st.composite
def plans(draw: st.DrawFn) -> ct.Plan:
    due = draw(st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 12, 31)))
    day_zero = due - timedelta(days=280)
    days = st.integers(0, 300).map(lambda n: day_zero + timedelta(days=n))
    short = draw(maybe)
    profile = Profile(
        fetuses=draw(st.one_of(st.none(), st.integers(1, 8))),
        membranes_ruptured=draw(maybe),
        prior_preterm_birth=draw(maybe),
        short_cervix=short,
        short_cervix_on=draw(st.none() | days) if short is True else None,
        cervical_length_mm=draw(st.none() | st.floats(1, 60)),
        cerclage_placed_on=draw(st.none() | days),
        risk_factors=tuple(draw(st.lists(st.sampled_from(FACTORS), unique=True, max_size=3))),
    )
    plan_id = draw(st.none() | plan_ids)
    today = due + timedelta(days=draw(st.integers(-400, 400)))
    return ct.plan(ct.Dating.from_due_date(due), profile, today=today, plan_id=plan_id)


@settings(max_examples=ROUND_TRIPS)
@given(plans())
def test_round_trip_dates_and_occurrences(plan: ct.Plan) -> None:
    data = fhir.render(plan)
    parsed = Bundle.model_validate_json(data)
    care_plan = parsed.entry[0].resource
    assert isinstance(care_plan, CarePlan)
    assert care_plan.intent == "proposal"
    assert len(care_plan.activity) == len(plan.milestones)
    for activity, item in zip(care_plan.activity, plan.milestones, strict=True):
        detail = activity.detail
        assert detail.code.coding[0].code == item.id
        assert detail.extension[0].valueCode == item.applicability
        assert detail.doNotPerform is None
        if item.occurrences:
            timing = detail.scheduledTiming
            assert tuple(timing.event) == item.occurrences
            bounds = timing.repeat.boundsPeriod
            assert (bounds.start, bounds.end) == (item.start, item.end)
            step = {"d": 1, "wk": 7}[timing.repeat.periodUnit]
            assert int(timing.repeat.period) * step == item.every_days
        else:
            assert detail.scheduledTiming is None
            period = detail.scheduledPeriod
            assert (period.start, period.end) == (item.start, item.end)
    observation = parsed.entry[1].resource
    assert observation.valueDateTime == plan.dating.due_date
    if plan.plan_id is not None:
        # Another plan id changes the hashes and nothing else, so the id is nowhere.
        # (A short id such as "1" may well equal some text of the plan, so the check
        # is this, not a search for the id.)
        other = plan.model_copy(update={"plan_id": plan.plan_id + "-other"})
        assert _scrub(data) == _scrub(fhir.render(other))


# -- the plan id never appears ----------------------------------------------------

HOSTILE_IDS = [
    "MRN-0012345",
    "Jane Doe 1990-01-31",
    '"}],"resourceType":"Patient',
    "</script><script>alert(1)</script>",
    "urn:uuid:00000000-0000-0000-0000-000000000000",
    "Ünïcødé-🤰-患者-042",
    "a\\b\\u0022c",
    "x" * 200,
    "  leading and trailing  ",
    "MRN 0012345; DROP TABLE plans; --",
]


HASHES = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}")


def _scrub(data: bytes) -> bytes:
    """The bytes with every UUID and SHA-256 hex digest blanked out."""
    return HASHES.sub(b"#", data)


def _strings(value: Any) -> list[str]:
    """Every key and string value in a JSON document, decoded."""
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *_strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("plan_id", HOSTILE_IDS)
@pytest.mark.parametrize("key", [None, b"clinic secret"])
def test_plan_id_never_in_the_bundle(
    plan_id: str, key: bytes | None, schema: Draft6Validator
) -> None:
    plan = ct.plan(Dating.from_due_date(DUE), Profile(fetuses=2), today=TODAY, plan_id=plan_id)
    data = fhir.render(plan, identifier_key=key)
    for form in (plan_id, json.dumps(plan_id, ensure_ascii=False)[1:-1], json.dumps(plan_id)[1:-1]):
        assert form.encode() not in data
    bundle = json.loads(data)
    assert not any(plan_id in text for text in _strings(bundle))
    other = plan.model_copy(update={"plan_id": "someone else"})
    assert _scrub(data) == _scrub(fhir.render(other, identifier_key=key))
    assert schema_errors(schema, bundle) == []


def test_identifier_is_a_keyed_hash_of_the_plan_id() -> None:
    plan = make(plan_id="MRN-0012345")
    message = b"care-timeline\x00fhir-1\x00plan\x00MRN-0012345"

    def identifier(key: bytes | None) -> str:
        care_plan = resources(fhir.plan_bundle(plan, identifier_key=key))["CarePlan"]
        [entry] = care_plan["identifier"]
        assert entry["system"] == "https://care-timeline.invalid/fhir/identifier/plan"
        value: str = entry["value"]
        return value

    assert identifier(None) == hashlib.sha256(message).hexdigest()
    assert identifier(b"k1") == hmac.new(b"k1", message, hashlib.sha256).hexdigest()
    assert identifier(b"k2") != identifier(b"k1")
    # The resource ids follow the identifier: another key, other ids.
    ids = {
        key: [e["fullUrl"] for e in fhir.plan_bundle(plan, identifier_key=key)["entry"]]
        for key in (None, b"k1", b"k2")
    }
    assert len({url for urls in ids.values() for url in urls}) == 6


@pytest.mark.parametrize("key", [b"", "text key", 42])
def test_identifier_key_must_be_bytes(key: Any) -> None:
    with pytest.raises(ExportError, match="identifier_key"):
        fhir.render(make(), identifier_key=key)


def test_anonymous_plan_has_no_identifier_and_ids_from_its_content() -> None:
    one = fhir.plan_bundle(make(plan_id=None))
    assert "identifier" not in resources(one)["CarePlan"]
    same = fhir.plan_bundle(make(plan_id=None))
    other = fhir.plan_bundle(make(Profile(fetuses=2), plan_id=None))
    assert one == same
    assert one["id"] != other["id"]
    assert {e["fullUrl"] for e in one["entry"]}.isdisjoint(e["fullUrl"] for e in other["entry"])


# -- bytes ----------------------------------------------------------------------------


def test_same_inputs_same_bytes_whatever_the_day_of_export() -> None:
    data = fhir.render(make(Profile(fetuses=1)))
    assert data == fhir.render(make(Profile(fetuses=1)))
    later = ct.plan(
        Dating.from_due_date(DUE), Profile(fetuses=1), today=D(2027, 2, 1), plan_id="patient-0042"
    )
    assert fhir.render(later) == data
    assert data.endswith(b"}\n") and data.startswith(b'{\n  "resourceType": "Bundle",\n')
    assert json.loads(data) == fhir.plan_bundle(make(Profile(fetuses=1)))
    assert fhir.render_protocol(ct.default_protocol()) == fhir.render_protocol(
        ct.default_protocol()
    )


def test_fhir_resources_reads_back_what_was_written() -> None:
    for bundle in (fhir.plan_bundle(make()), fhir.protocol_bundle(ct.default_protocol())):
        assert json.loads(Bundle.model_validate(bundle).model_dump_json()) == bundle


def test_without_the_extra_the_library_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B.bundle", None)  # import fails
    for export in (
        lambda: fhir.render(make()),
        lambda: fhir.render_protocol(ct.default_protocol()),
    ):
        with pytest.raises(ExportError) as caught:
            export()
        assert "care-timeline[fhir]" in str(caught.value)
        assert "\n" not in str(caught.value)
        assert isinstance(caught.value, ct.CareTimelineError)


def test_an_invalid_document_is_the_library_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fhir, "care_plan_status", lambda plan: None)  # status is required
    with pytest.raises(ExportError, match="does not validate"):
        fhir.render(make())


# -- docs/fhir.md -------------------------------------------------------------------

EXAMPLE = re.compile(r"<!-- example-bundle -->\n```json\n(.*?)```", re.S)


def example_plan() -> ct.Plan:
    """The plan of the example in docs/fhir.md (its Python block makes the same one)."""
    return ct.plan(
        ct.Dating.from_lmp(D(2026, 8, 3)),
        ct.Profile(fetuses=1, prior_preterm_birth=True),
        today=TODAY,
        plan_id="example-patient-1",
    )


def test_example_bundle_in_the_docs_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    match = EXAMPLE.search(text)
    assert match, "docs/fhir.md has no example Bundle after <!-- example-bundle -->"
    current = fhir.render(example_plan()).decode()
    if os.environ.get("REGENERATE"):
        text = text[: match.start(1)] + current + text[match.end(1) :]
        DOC.write_text(text, encoding="utf-8")
        return
    assert match[1] == current, (
        "regenerate: REGENERATE=1 pytest tests/export/test_fhir.py -k example"
    )


def test_mapping_table_names_every_milestone_field() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("## Milestone to activity", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"^\| `(\w+)` \|", table, re.M))
    assert named == set(ct.Milestone.model_fields)
