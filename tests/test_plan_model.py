"""The JSON shape: stable keys, and the JSON Schema that ships in the package.

Regenerate the schema file after adding a key: ``REGENERATE=1 pytest tests/test_json.py``.
"""

from __future__ import annotations

import json
import os
from datetime import date
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

import care_timeline as ct

SCHEMA_FILE = Path(str(resources.files("care_timeline").joinpath("plan.schema.json")))


def _shipped_schema() -> dict[str, object]:
    if os.environ.get("REGENERATE"):
        SCHEMA_FILE.write_text(
            json.dumps(ct.plan_json_schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    loaded: dict[str, object] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


def _keys(schema: object, at: str = "") -> set[str]:
    """Every key a plan's JSON may have and every key it must have, by place
    (``$defs.Milestone.properties.start``, ``... required start``): what the schema
    promises an app, without the words and the layout a pydantic release chooses."""
    found: set[str] = set()
    if isinstance(schema, dict):
        for name, value in schema.items():
            if name in ("title", "description"):
                continue
            if name == "required" and isinstance(value, list):
                found.update(f"{at} required {key}" for key in value)
            elif name in ("properties", "$defs") and isinstance(value, dict):
                for key, inner in value.items():
                    found.add(f"{at}.{name}.{key}")
                    found |= _keys(inner, f"{at}.{name}.{key}")
            else:
                found |= _keys(value, f"{at}.{name}")
    elif isinstance(schema, list):
        for inner in schema:
            found |= _keys(inner, at)
    return found


def test_shipped_schema_matches_the_models() -> None:
    """The shipped schema names the keys the models have (the types are held by
    every plan validating against it, below). Compared by keys, not bytes: a
    pydantic release may word or lay out the same schema differently."""
    assert _keys(_shipped_schema()) == _keys(json.loads(json.dumps(ct.plan_json_schema())))


PLANS = [
    ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24)),
    ct.plan(
        ct.Dating.from_lmp(date(2026, 8, 3), cycle_length=30),
        ct.Profile(fetuses=1, prior_preterm_birth=True, cerclage_placed_on=date(2026, 11, 2)),
        today=date(2026, 11, 24),
        plan_id="clinic-42/7781",
    ),
    # day 0 is 2026-11-10 (2027-08-17 - 280 days): a plan an earlier version stored for a
    # today before it (plan() now refuses one), with no week today
    ct.plan(ct.Dating.from_due_date(date(2027, 8, 17)), today=date(2026, 11, 10)).replace(
        today=date(2026, 11, 1), gestational_age_today=None
    ),
    # a choice of either, and the waters: an earlier preterm birth at 30w, a cervix of
    # 18 mm at 20w0d (2026-12-21), waters broken on 22w0d (2027-01-04)
    ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)),
        ct.Profile(
            prior_preterm_birth_ga="30w",
            cervical_length_mm=18,
            cervical_length_on=date(2026, 12, 21),
            membranes_ruptured_on=date(2027, 1, 4),
        ),
        today=date(2027, 1, 18),
    ),
    # ended by a loss on 22w0d: no_longer_planned, no warning signs, no week today
    ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)),
        today=date(2027, 1, 18),
        ended_on=date(2027, 1, 4),
        ended_because="loss",
    ),
]


@pytest.mark.parametrize("plan", PLANS)
def test_output_validates_against_schema(plan: ct.Plan) -> None:
    data = json.loads(plan.model_dump_json())
    jsonschema.validate(data, _shipped_schema())


def test_stable_minimum_keys_and_values() -> None:
    data = json.loads(PLANS[0].model_dump_json())
    assert (data["protocol"]["id"], data["protocol"]["version"]) == ("cervical-insufficiency", "3")
    assert data["protocol"]["language"] == "en"
    assert data["dating"]["method"] == "due-date"
    assert data["dating"]["due_date"] == "2027-05-10"
    assert data["today"] == "2026-11-24"
    assert data["gestational_age_today"] == "16w1d"
    first = data["milestones"][0]
    for key in (
        "id",
        "title",
        "kind",
        "start",
        "end",
        "start_ga",
        "end_ga",
        "occurrences",
        "category",
        "description",
        "basis",
        "applicability",
        "reason",
        "reason_key",
        "timing",
    ):
        assert key in first
    assert (first["id"], first["start"], first["end"]) == (
        "cervical-change-risk",
        "2026-10-26",
        "2027-01-10",
    )
    assert (first["start_ga"], first["end_ga"], first["occurrences"]) == ("12w0d", "22w6d", [])
    assert data["warning_signs"] and data["clinician_note"]
    assert first["reason_key"] == "otherwise"  # the risk window's only rule
    assert "hospital" in data["urgent_advice"]


def test_urgent_advice_is_null_for_a_protocol_without_it() -> None:
    v1 = ct.load_protocol(
        Path(__file__).resolve().parent.parent / "examples/article-protocol-v1.toml"
    )
    plan = ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)), protocol=v1, today=date(2026, 11, 24)
    )
    data = json.loads(plan.model_dump_json())
    assert data["urgent_advice"] is None
    jsonschema.validate(data, _shipped_schema())


def test_a_plan_stored_before_rule_keys_still_loads() -> None:
    data = json.loads(PLANS[0].model_dump_json())
    for item in data["milestones"]:
        del item["reason_key"]
    del data["urgent_advice"]
    old = ct.Plan.model_validate(data)
    assert old.milestones[0].reason_key == "" and old.urgent_advice is None


def test_ga_today_null_before_day_zero() -> None:
    assert json.loads(PLANS[2].model_dump_json())["gestational_age_today"] is None


def test_json_round_trips_into_the_model() -> None:
    for plan in PLANS:
        assert ct.Plan.model_validate_json(plan.model_dump_json()) == plan
