"""Reading a FHIR export back, two independent ways: fhir.resources (the library that
validated it on the way out) and the official FHIR R4 (4.0.1) JSON Schema that HL7
publishes (vendored gzip-compressed in tests/export/, see the README there), plus the
FHIR invariants that neither checks."""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator

from .tools import needs_fhir_extra

needs_fhir_extra()

from fhir.resources.R4B.bundle import Bundle  # noqa: E402

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "export" / "fhir.schema.json.gz"
SCHEMA_SHA256 = "73bc879b1476fea7e096fd71c5fb5967d8c48cc9ffc28706f66613f6a82af3cb"
"""Of the decompressed schema, as shipped (see tests/export/README.md)."""


@cache
def schema() -> Draft6Validator:
    """The FHIR R4 JSON Schema, after checking that it is the copy shipped."""
    raw = gzip.decompress(SCHEMA_FILE.read_bytes())
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "the vendored schema changed"
    return Draft6Validator(json.loads(raw))


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Each error, with the deepest reason a ``oneOf`` over resource types gives."""
    found = []
    for error in schema().iter_errors(document):
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


def read(data: bytes) -> dict[str, Any]:
    """The exported bytes as JSON, after both validations and the invariants: a
    failure names what is wrong."""
    Bundle.model_validate_json(data)  # fhir.resources parses and validates the bytes
    bundle: dict[str, Any] = json.loads(data)
    assert schema_errors(bundle) == []
    assert invariant_problems(bundle) == []
    return bundle


def resources(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The Bundle's resources by type (a plan's or a protocol's Bundle has one of each)."""
    return {entry["resource"]["resourceType"]: entry["resource"] for entry in bundle["entry"]}


def activities(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The CarePlan's activity details by milestone id."""
    details = [activity["detail"] for activity in resources(bundle)["CarePlan"]["activity"]]
    return {detail["code"]["coding"][0]["code"]: detail for detail in details}
