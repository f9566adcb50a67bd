"""The FHIR R4 export: a plan as a Bundle of a CarePlan and an Observation, and a
protocol as a Bundle of a PlanDefinition and the CodeSystem of its milestones.

Every document is built as plain JSON data, validated with ``fhir.resources``
(its R4B models, wire-compatible with R4 for these resources) and written as
indented JSON with a trailing newline: the same inputs give the same bytes.
``fhir.resources`` is the optional extra ``care-timeline[fhir]``; without it
these functions raise :class:`~care_timeline.errors.ExportError`.

The mapping, field by field, is in ``docs/fhir.md``. In short:

- the CarePlan's ``intent`` is always ``proposal``: the plan is for discussion,
  never an order;
- every milestone is one ``activity``: ``applies`` is ``not-started`` with its
  reason in ``reasonCode``; ``discuss`` is ``not-started`` with its reason in
  ``statusReason``; ``not-applicable`` is ``cancelled`` with its reason in
  ``statusReason`` (kept, not left out, so a re-import withdraws what an earlier
  one proposed, as the calendar's cancelled events do). The applicability is
  also in the extension :data:`APPLICABILITY_EXTENSION` for apps to filter on.
  ``doNotPerform`` is never set: it would mean "prohibited";
- no id in the export is the plan id: the CarePlan's identifier is a one-way
  (optionally keyed) hash of it, and every resource id is derived from that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from ..dating import METHOD_DESCRIPTIONS
from ..errors import ExportError

if TYPE_CHECKING:
    from ..gestational_age import GestationalAge
    from ..plan import Milestone, Plan
    from ..protocol.model import MilestoneSpec, Protocol, Rule

__all__ = [
    "APPLICABILITY_EXTENSION",
    "CANONICAL_BASE",
    "DUE_DATE_CODES",
    "PLAN_IDENTIFIER_SYSTEM",
    "RULE_EXTENSION",
    "care_plan_status",
    "code_system_url",
    "plan_bundle",
    "plan_definition_url",
    "plan_identifier",
    "protocol_bundle",
    "render",
    "render_protocol",
]

JsonObject = dict[str, Any]

CANONICAL_BASE = "https://care-timeline.invalid/fhir"
"""Where every canonical URL of this export starts (PlanDefinition, CodeSystem,
extensions, identifier system). ``.invalid`` says that nothing is published
there yet: these URLs name things, they are not addresses to fetch."""

APPLICABILITY_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/applicability"
"""On ``CarePlan.activity.detail``: ``valueCode`` is the milestone's
applicability (``applies``, ``discuss`` or ``not-applicable``)."""

RULE_EXTENSION = f"{CANONICAL_BASE}/StructureDefinition/applicability-rule"
"""On ``PlanDefinition.action``, one per rule in the protocol's order: sub-extensions
``when`` (one ``valueCode`` per condition, none for "otherwise"), ``result``
(``valueCode``), ``reason`` (``valueString``, a template) and, where the rule has
them, ``becomesDay`` and ``startsNoEarlierThan`` (``valueCode``)."""

PLAN_IDENTIFIER_SYSTEM = f"{CANONICAL_BASE}/identifier/plan"
"""The system of the CarePlan's identifier: an opaque hash of the plan id."""

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"

DUE_DATE_CODES: dict[str, tuple[str, str]] = {
    "due-date": ("11778-8", "Delivery date Estimated"),
    "lmp": ("11779-6", "Delivery date Estimated from last menstrual period"),
    "gestational-age": (
        "53694-6",
        "Delivery date Estimated from prior gestational age assessment",
    ),
    "conception": ("53692-0", "Delivery date Estimated from conception date"),
    # An embryo's transfer date less its age is its fertilisation (conception) date.
    "embryo-transfer": ("53692-0", "Delivery date Estimated from conception date"),
    "ultrasound": ("11781-2", "Delivery date US composite estimate"),
    "reconciled": ("11778-8", "Delivery date Estimated"),
}
"""The LOINC code and display of the due date for each dating method."""

_ID_PREFIX = "care-timeline\x00fhir-1"
_SUBJECT = {"display": "The patient this plan was made for (not named in this export)"}
_DATE_SOURCE_WORDS = {
    "cerclage-placed-on": "the day the cerclage was placed",
    "short-cervix-found-on": "the day the short cervix was found",
}
_APPLICABILITY_WORDS = {
    "applies": "applies",
    "discuss": "to discuss with a clinician",
    "not-applicable": "does not apply",
}


# -- entry points ---------------------------------------------------------------


def render(plan: Plan, *, identifier_key: bytes | None = None) -> bytes:
    """The plan as a FHIR R4 Bundle (type ``collection``): JSON bytes.

    ``identifier_key`` keys the hash that identifies the plan (HMAC-SHA256);
    without it the hash is a plain SHA-256 of the plan id, which anyone holding a
    list of plan ids can recompute.
    """
    return _dump(plan_bundle(plan, identifier_key=identifier_key))


def render_protocol(protocol: Protocol) -> bytes:
    """The protocol as a FHIR R4 Bundle (type ``collection``) of its
    PlanDefinition and the CodeSystem of its milestone ids: JSON bytes."""
    return _dump(protocol_bundle(protocol))


def plan_bundle(plan: Plan, *, identifier_key: bytes | None = None) -> JsonObject:
    """The Bundle :func:`render` writes, as validated JSON data."""
    if identifier_key is not None and (not isinstance(identifier_key, bytes) or not identifier_key):
        raise ExportError(
            field="identifier_key",
            value=repr(identifier_key),
            allowed="non-empty bytes, or None",
        )
    identifier = None
    if plan.plan_id is not None:
        identifier = plan_identifier(plan.plan_id, identifier_key)
        seed = identifier
    else:
        seed = _anonymous_seed(plan)
    care_plan_url = _urn(seed, "CarePlan")
    observation_url = _urn(seed, "Observation")
    bundle = {
        "resourceType": "Bundle",
        "id": _uuid(seed, "Bundle"),
        "type": "collection",
        "entry": [
            {
                "fullUrl": care_plan_url,
                "resource": _care_plan(plan, care_plan_url, identifier, observation_url),
            },
            {"fullUrl": observation_url, "resource": _due_date(plan, observation_url)},
        ],
    }
    _validate(bundle)
    return bundle


def protocol_bundle(protocol: Protocol) -> JsonObject:
    """The Bundle :func:`render_protocol` writes, as validated JSON data."""
    seed = hashlib.sha256(
        f"{_ID_PREFIX}\x00protocol\x00{protocol.id}\x00{protocol.version}".encode()
    ).hexdigest()
    definition_url = _urn(seed, "PlanDefinition")
    code_system_entry = _urn(seed, "CodeSystem")
    bundle = {
        "resourceType": "Bundle",
        "id": _uuid(seed, "Bundle"),
        "type": "collection",
        "entry": [
            {"fullUrl": definition_url, "resource": _plan_definition(protocol, definition_url)},
            {"fullUrl": code_system_entry, "resource": _code_system(protocol, code_system_entry)},
        ],
    }
    _validate(bundle)
    return bundle


# -- identity -------------------------------------------------------------------


def plan_identifier(plan_id: str, key: bytes | None = None) -> str:
    """The CarePlan's identifier value: a one-way hash of the plan id, never the id.

    HMAC-SHA256 under ``key`` when one is given, else SHA-256; of a fixed prefix
    and the plan id (NUL cannot occur in a plan id, so the parts cannot run
    together). Every resource id of a plan's Bundle is derived from this value.
    """
    data = f"{_ID_PREFIX}\x00plan\x00{plan_id}".encode()
    if key is not None:
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def _anonymous_seed(plan: Plan) -> str:
    # Without a plan id the ids come from the plan's content, less what changes with
    # the day of the export: different plans get different ids, the same plan the same.
    content = plan.model_dump_json(
        exclude={
            "today": True,
            "gestational_age_today": True,
            "milestones": {"__all__": {"timing"}},
        }
    )
    return hashlib.sha256(f"{_ID_PREFIX}\x00anonymous\x00{content}".encode()).hexdigest()


def _uuid(seed: str, what: str) -> str:
    """A UUID (version 8: custom, RFC 9562) from the first 16 bytes of a SHA-256."""
    digest = hashlib.sha256(f"{_ID_PREFIX}\x00{seed}\x00{what}".encode()).digest()
    value = int.from_bytes(digest[:16], "big")
    value = (value & ~(0xF << 76)) | (0x8 << 76)  # version 8
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return str(uuid.UUID(int=value))


def _urn(seed: str, what: str) -> str:
    return f"urn:uuid:{_uuid(seed, what)}"


def plan_definition_url(protocol_id: str) -> str:
    """The canonical URL of a protocol's PlanDefinition."""
    return f"{CANONICAL_BASE}/PlanDefinition/{protocol_id}"


def code_system_url(protocol_id: str) -> str:
    """The canonical URL of the CodeSystem of a protocol's milestone ids."""
    return f"{CANONICAL_BASE}/CodeSystem/{protocol_id}-milestones"


# -- the plan -------------------------------------------------------------------


def care_plan_status(plan: Plan) -> str:
    """The CarePlan's ``status``: ``active`` for every plan today.

    Plans cannot end yet. Once they can (an end date and a cause), an ended plan
    maps to ``completed`` when it ended because the pregnancy did (a birth, a
    loss), and to ``revoked`` when it was withdrawn or replaced by another plan;
    ``entered-in-error`` is for a plan that should never have existed.
    """
    del plan  # every plan is current until plans record an end
    return "active"


def _care_plan(
    plan: Plan, full_url: str, identifier: str | None, observation_url: str
) -> JsonObject:
    ref = plan.protocol
    resource: JsonObject = {
        "resourceType": "CarePlan",
        "id": full_url.removeprefix("urn:uuid:"),
        "language": ref.language,
    }
    if identifier is not None:
        resource["identifier"] = [{"system": PLAN_IDENTIFIER_SYSTEM, "value": identifier}]
    resource["instantiatesCanonical"] = [f"{plan_definition_url(ref.id)}|{ref.version}"]
    resource["status"] = care_plan_status(plan)
    resource["intent"] = "proposal"
    resource["title"] = ref.title
    resource["subject"] = dict(_SUBJECT)
    resource["period"] = {
        "start": min(item.start for item in plan.milestones).isoformat(),
        "end": max(item.end for item in plan.milestones).isoformat(),
    }
    resource["supportingInfo"] = [{"reference": observation_url, "display": "Estimated due date"}]
    resource["activity"] = [{"detail": _detail(plan, item)} for item in plan.milestones]
    resource["note"] = [{"text": plan.clinician_note}]
    return resource


def _detail(plan: Plan, item: Milestone) -> JsonObject:
    detail: JsonObject = {
        "extension": [{"url": APPLICABILITY_EXTENSION, "valueCode": item.applicability}],
        "code": {
            "coding": [
                {
                    "system": code_system_url(plan.protocol.id),
                    "version": plan.protocol.version,
                    "code": item.id,
                    "display": item.title,
                }
            ],
            "text": item.title,
        },
    }
    reason = {"text": item.reason}
    if item.applicability == "applies":
        detail["reasonCode"] = [reason]
        detail["status"] = "not-started"
    elif item.applicability == "discuss":
        detail["status"] = "not-started"
        detail["statusReason"] = reason
    else:
        detail["status"] = "cancelled"
        detail["statusReason"] = reason
    if item.occurrences and item.every_days is not None:
        detail["scheduledTiming"] = {
            "event": [day.isoformat() for day in item.occurrences],
            "repeat": {
                "boundsPeriod": _period(item.start, item.end),
                "frequency": 1,
                **_every(item.every_days),
            },
        }
    else:
        detail["scheduledPeriod"] = _period(item.start, item.end)
    detail["description"] = _activity_text(plan, item)
    return detail


def _period(start: date, end: date) -> JsonObject:
    # FHIR periods include their end day (unlike an .ics DTEND).
    return {"start": start.isoformat(), "end": end.isoformat()}


def _every(days: int) -> JsonObject:
    if days % 7 == 0:
        return {"period": days // 7, "periodUnit": "wk"}
    return {"period": days, "periodUnit": "d"}


def _activity_text(plan: Plan, item: Milestone) -> str:
    parts = [item.description]
    parts.extend(f"Note: {note}" for note in item.notes)
    if item.warning_signs:
        signs = "\n".join(f"- {sign}" for sign in plan.warning_signs)
        parts.append(f"Warning signs: contact your care team at once if you notice\n{signs}")
    return "\n\n".join(parts)


def _due_date(plan: Plan, full_url: str) -> JsonObject:
    dating = plan.dating
    code, display = DUE_DATE_CODES[dating.method]
    resource: JsonObject = {
        "resourceType": "Observation",
        "id": full_url.removeprefix("urn:uuid:"),
        # Computed from what was entered, and not yet reviewed by a clinician.
        "status": "preliminary",
        "code": {
            "coding": [{"system": LOINC, "code": code, "display": display}],
            "text": "Estimated due date",
        },
        "subject": dict(_SUBJECT),
        "valueDateTime": dating.due_date.isoformat(),
    }
    notes = [text for text in (dating.explanation, *dating.notes) if text]
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    resource["method"] = {"text": f"Dated by {METHOD_DESCRIPTIONS[dating.method]}"}
    return resource


# -- the protocol ---------------------------------------------------------------


def _plan_definition(protocol: Protocol, full_url: str) -> JsonObject:
    signs = "\n".join(f"- {sign}" for sign in protocol.warning_signs)
    return {
        "resourceType": "PlanDefinition",
        "id": full_url.removeprefix("urn:uuid:"),
        "language": protocol.language,
        "url": plan_definition_url(protocol.id),
        "version": protocol.version,
        "name": _name(protocol.id),
        "title": protocol.title,
        "type": {
            "coding": [
                {
                    "system": PLAN_DEFINITION_TYPE,
                    "code": "clinical-protocol",
                    "display": "Clinical Protocol",
                }
            ]
        },
        "status": "active",
        "description": f"Built from: {protocol.source}",
        "usage": f"{protocol.clinician_note}\n\nWarning signs:\n{signs}",
        "relatedArtifact": [
            _citation("The protocol's source", protocol.source),
            _citation("Basis of the warning signs", protocol.warning_signs_basis),
            _citation("Basis of the trimesters", protocol.trimesters_basis),
            _citation("Basis of the short-cervix threshold", protocol.short_cervix.basis),
            *(_citation(f"Basis of: {spec.title}", spec.basis) for spec in protocol.milestones),
        ],
        "action": [_action(protocol, spec) for spec in protocol.milestones],
    }


def _citation(display: str, text: str) -> JsonObject:
    return {"type": "citation", "display": display, "citation": text}


def _action(protocol: Protocol, spec: MilestoneSpec) -> JsonObject:
    description = "\n\n".join([spec.description, *(f"Note: {note}" for note in spec.notes)])
    action: JsonObject = {
        "id": spec.id,
        "extension": [_rule_extension(rule) for rule in spec.rules],
        "title": spec.title,
        "description": description,
        "textEquivalent": _rules_text(spec),
        "code": [
            {
                "coding": [
                    {
                        "system": code_system_url(protocol.id),
                        "version": protocol.version,
                        "code": spec.id,
                        "display": spec.title,
                    }
                ]
            }
        ],
        "documentation": [_citation(f"Basis of: {spec.title}", spec.basis)],
    }
    weeks = {"low": _weeks(spec.start), "high": _weeks(spec.end_ga)}
    if spec.every_days is not None:
        action["timingTiming"] = {
            "repeat": {"boundsRange": weeks, "frequency": 1, **_every(spec.every_days)}
        }
    else:
        action["timingRange"] = weeks
    return action


def _weeks(ga: GestationalAge) -> JsonObject:
    """A gestational age in UCUM weeks: exact for whole weeks, else to 4 decimals
    (weeks x 7, rounded, gives the day back)."""
    days = ga.total_days
    value: int | float = days // 7 if days % 7 == 0 else round(days / 7, 4)
    return {"value": value, "unit": "wk", "system": UCUM, "code": "wk"}


def _rule_extension(rule: Rule) -> JsonObject:
    parts: list[JsonObject] = [{"url": "when", "valueCode": cond} for cond in rule.when]
    parts.append({"url": "result", "valueCode": rule.result})
    parts.append({"url": "reason", "valueString": rule.reason})
    if rule.becomes_day is not None:
        parts.append({"url": "becomesDay", "valueCode": rule.becomes_day})
    if rule.starts_no_earlier_than is not None:
        parts.append({"url": "startsNoEarlierThan", "valueCode": rule.starts_no_earlier_than})
    return {"url": RULE_EXTENSION, "extension": parts}


def _rules_text(spec: MilestoneSpec) -> str:
    if spec.kind == "day":
        when = f"On {spec.start} of pregnancy."
    elif spec.every_days is not None:
        when = f"Every {spec.every_days} days from {spec.start} to {spec.end_ga} of pregnancy."
    else:
        when = f"From {spec.start} to {spec.end_ga} of pregnancy, both days included."
    lines = [when, "Who it is for (the first rule that matches decides):"]
    for number, rule in enumerate(spec.rules, start=1):
        if rule.when:
            condition = "if " + " and ".join(rule.when)
        else:
            condition = "always" if number == 1 else "otherwise"
        extra = ""
        if rule.becomes_day is not None:
            extra += f" It becomes one day: {_DATE_SOURCE_WORDS[rule.becomes_day]}."
        if rule.starts_no_earlier_than is not None:
            extra += (
                f" It starts no earlier than {_DATE_SOURCE_WORDS[rule.starts_no_earlier_than]}."
            )
        lines.append(
            f"{number}. {condition}: {_APPLICABILITY_WORDS[rule.result]}. {rule.reason}{extra}"
        )
    return "\n".join(lines)


def _code_system(protocol: Protocol, full_url: str) -> JsonObject:
    return {
        "resourceType": "CodeSystem",
        "id": full_url.removeprefix("urn:uuid:"),
        "language": protocol.language,
        "url": code_system_url(protocol.id),
        "version": protocol.version,
        "name": _name(protocol.id) + "Milestones",
        "title": f"{protocol.title}: milestones",
        "status": "active",
        "description": "The milestone ids of the protocol, with their titles.",
        "caseSensitive": True,
        "content": "complete",
        "count": len(protocol.milestones),
        "property": [
            {
                "code": "category",
                "description": "risk, monitoring, treatment, medication or birth",
                "type": "code",
            },
            {"code": "kind", "description": "window, day or series", "type": "code"},
        ],
        "concept": [
            {
                "code": spec.id,
                "display": spec.title,
                "definition": spec.description,
                "property": [
                    {"code": "category", "valueCode": spec.category},
                    {"code": "kind", "valueCode": spec.kind},
                ],
            }
            for spec in protocol.milestones
        ],
    }


def _name(protocol_id: str) -> str:
    """A computable name (FHIR's ``cnl-0``: starts with a capital letter)."""
    name = "".join(part.capitalize() for part in protocol_id.split("-") if part)
    return name if name[:1].isalpha() else "Protocol" + name


# -- validation and bytes ------------------------------------------------------


def _validate(bundle: JsonObject) -> None:
    try:
        from fhir.resources.R4B.bundle import Bundle
    except ImportError:
        raise ExportError(
            "format 'fhir' needs the optional extra 'fhir': pip install 'care-timeline[fhir]'",
            field="format",
            value="fhir",
            allowed="the extra installed: pip install 'care-timeline[fhir]'",
        ) from None
    try:
        Bundle.model_validate(bundle)
    except ValueError as err:  # pydantic's ValidationError is a ValueError
        first = str(err).splitlines()[1:3]
        raise ExportError(
            "the FHIR export does not validate: " + " ".join(line.strip() for line in first),
            field="fhir",
        ) from err


def _dump(bundle: JsonObject) -> bytes:
    return (json.dumps(bundle, indent=2, ensure_ascii=False) + "\n").encode()
