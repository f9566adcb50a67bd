"""What the two FHIR exports share: canonical URLs, ids derived from hashes,
validation with ``fhir.resources`` and the bytes written."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from ..errors import ExportError

__all__ = [
    "APPLICABILITY_EXTENSION",
    "CANONICAL_BASE",
    "ID_PREFIX",
    "LOINC",
    "PLAN_IDENTIFIER_SYSTEM",
    "REASON_KEY_EXTENSION",
    "RULE_EXTENSION",
    "UCUM",
    "JsonObject",
    "check_available",
    "citation",
    "code_system_url",
    "dump",
    "every",
    "plan_definition_url",
    "urn",
    "uuid_for",
    "validate",
]

JsonObject = dict[str, Any]

CANONICAL_BASE = "https://care-timeline.invalid/fhir"
"""Where every canonical URL of this export starts (PlanDefinition, CodeSystem,
extensions, identifier system). ``.invalid`` says that nothing is published
there yet: these URLs name things, they are not addresses to fetch."""

APPLICABILITY_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/applicability"
"""On ``CarePlan.activity.detail``: ``valueCode`` is the milestone's
applicability (``applies``, ``discuss`` or ``not-applicable``)."""

REASON_KEY_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/reason-key"
"""On ``CarePlan.activity.detail``, after the applicability: ``valueCode`` is the
milestone's ``reason_key``, the stable key of the protocol rule that decided it (the
``key`` of that rule's :data:`RULE_EXTENSION`). Left out when a plan has no key (a plan
stored before rule keys existed)."""

RULE_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/applicability-rule"
"""On ``PlanDefinition.action``, one per rule in the protocol's order: sub-extensions
``key`` (``valueCode``, the rule's key, unique within its milestone), ``when`` (one
``valueCode`` per condition, none for "otherwise"), ``result`` (``valueCode``),
``reason`` (``valueString``, a template) and, where the rule has them, ``becomesDay``,
``startsNoEarlierThan``, ``stopsOn`` and ``alternative`` (``valueCode``) and ``title``
(``valueString``)."""

PLAN_IDENTIFIER_SYSTEM = f"{CANONICAL_BASE}/identifier/plan"
"""The system of the CarePlan's identifier: an opaque hash of the plan id."""

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ID_PREFIX = "care-timeline\x00fhir-1"


def plan_definition_url(protocol_id: str) -> str:
    """The canonical URL of a protocol's PlanDefinition."""
    return f"{CANONICAL_BASE}/PlanDefinition/{protocol_id}"


def code_system_url(protocol_id: str) -> str:
    """The canonical URL of the CodeSystem of a protocol's milestone ids."""
    return f"{CANONICAL_BASE}/CodeSystem/{protocol_id}-milestones"


def uuid_for(seed: str, what: str) -> str:
    """A UUID (version 8: custom, RFC 9562) from the first 16 bytes of a SHA-256."""
    digest = hashlib.sha256(f"{ID_PREFIX}\x00{seed}\x00{what}".encode()).digest()
    value = int.from_bytes(digest[:16], "big")
    value = (value & ~(0xF << 76)) | (0x8 << 76)  # version 8
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return str(uuid.UUID(int=value))


def urn(seed: str, what: str) -> str:
    return f"urn:uuid:{uuid_for(seed, what)}"


def every(days: int) -> JsonObject:
    """A series' rhythm as a Timing's ``period`` and ``periodUnit``."""
    if days % 7 == 0:
        return {"period": days // 7, "periodUnit": "wk"}
    return {"period": days, "periodUnit": "d"}


def citation(display: str, text: str) -> JsonObject:
    return {"type": "citation", "display": display, "citation": text}


def check_available() -> None:
    """Refuse at once, naming the extra to install, when ``fhir.resources`` is missing."""
    try:
        import fhir.resources.R4B.bundle  # noqa: F401
    except ImportError:
        raise ExportError(
            "format 'fhir' needs the optional extra 'fhir': pip install 'care-timeline[fhir]'",
            field="format",
            value="fhir",
            allowed="the extra installed: pip install 'care-timeline[fhir]'",
        ) from None


def validate(bundle: JsonObject) -> None:
    """Check the Bundle with ``fhir.resources``; a fault is an :class:`ExportError`."""
    check_available()
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(bundle)
    except ValueError as err:  # pydantic's ValidationError is a ValueError
        first = str(err).splitlines()[1:3]
        raise ExportError(
            "the FHIR export does not validate: " + " ".join(line.strip() for line in first),
            field="fhir",
        ) from err


def dump(bundle: JsonObject) -> bytes:
    """Indented JSON with a trailing newline; written here, not by ``fhir.resources``,
    so the bytes do not move with that library's version."""
    return (json.dumps(bundle, indent=2, ensure_ascii=False) + "\n").encode()
