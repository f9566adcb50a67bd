"""The FHIR R4 export: a plan as a Bundle (type ``collection``) of a CarePlan and
an Observation of the due date; the protocol's PlanDefinition is in
:mod:`.fhir_protocol`.

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
  also in the extension :data:`APPLICABILITY_EXTENSION` for apps to filter on, and
  the key of the protocol rule that decided it (``reason_key``) in
  :data:`REASON_KEY_EXTENSION`, for apps to match on (the reason's words may change).
  ``doNotPerform`` is never set: it would mean "prohibited";
- no id in the export is the plan id: the CarePlan's identifier is a one-way
  (optionally keyed) hash of it, and every resource id is derived from that.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import TYPE_CHECKING

from .. import phrases as words
from ..errors import ExportError
from ..wording import Words
from ._fhir import (
    APPLICABILITY_EXTENSION,
    CANONICAL_BASE,
    ID_PREFIX,
    LOINC,
    PLAN_IDENTIFIER_SYSTEM,
    REASON_KEY_EXTENSION,
    RULE_EXTENSION,
    JsonObject,
    code_system_url,
    dump,
    every,
    plan_definition_url,
    urn,
    uuid_for,
    validate,
)
from ._ids import plan_token
from .fhir_protocol import protocol_bundle, render_protocol

if TYPE_CHECKING:
    from ..plan_model import Milestone, NoLongerPlanned, Plan

__all__ = [
    "APPLICABILITY_EXTENSION",
    "CANONICAL_BASE",
    "DUE_DATE_CODES",
    "PLAN_IDENTIFIER_SYSTEM",
    "REASON_KEY_EXTENSION",
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
"""The LOINC code and display of the due date for each dating method (LOINC's own
wording, not translated)."""


def render(plan: Plan, *, uid_key: bytes | None = None) -> bytes:
    """The plan as a FHIR R4 Bundle (type ``collection``): JSON bytes.

    ``uid_key`` keys the hash that identifies the plan (HMAC-SHA256), the same
    key as the calendar's UIDs; without it the hash is a plain SHA-256 of the
    plan id, which anyone holding a list of plan ids can recompute.
    """
    return dump(plan_bundle(plan, uid_key=uid_key))


def plan_bundle(plan: Plan, *, uid_key: bytes | None = None) -> JsonObject:
    """The Bundle :func:`render` writes, as validated JSON data."""
    if uid_key is not None and (not isinstance(uid_key, bytes) or not uid_key):
        raise ExportError(field="uid_key", value=repr(uid_key), allowed="non-empty bytes, or None")
    identifier = None
    if plan.plan_id is not None:
        identifier = plan_identifier(plan.plan_id, uid_key)
        seed = identifier
    else:
        seed = _anonymous_seed(plan)
    w = Words.of(plan)
    care_plan_url = urn(seed, "CarePlan")
    observation_url = urn(seed, "Observation")
    bundle = {
        "resourceType": "Bundle",
        "id": uuid_for(seed, "Bundle"),
        "type": "collection",
        "entry": [
            {
                "fullUrl": care_plan_url,
                "resource": _care_plan(plan, care_plan_url, identifier, observation_url, w),
            },
            {"fullUrl": observation_url, "resource": _due_date(plan, observation_url, w)},
        ],
    }
    validate(bundle)
    return bundle


def plan_identifier(plan_id: str, key: bytes | None = None) -> str:
    """The CarePlan's identifier value: a one-way hash of the plan id, never the id,
    keyed like the calendar's UIDs (:func:`~care_timeline.export._ids.plan_token`).
    Every resource id of a plan's Bundle is derived from this value."""
    return plan_token(plan_id, key)


def _anonymous_seed(plan: Plan) -> str:
    # Without a plan id the ids come from what identifies the pregnancy: its protocol and
    # its dating. Not from what changes over its life (the day of the export, the profile,
    # the decisions and days that follow from it, a new version of the protocol, the end):
    # a health record updates the CarePlan it stored, as a calendar follows its UIDs.
    content = json.dumps(
        {"protocol": plan.protocol.id, "dating": plan.dating.model_dump(mode="json")},
        sort_keys=True,
    )
    return hashlib.sha256(f"{ID_PREFIX}\x00anonymous\x00{content}".encode()).hexdigest()


def care_plan_status(plan: Plan) -> str:
    """The CarePlan's ``status``: ``active`` while the plan runs; ``completed``
    once it ended because the pregnancy did (a birth, a loss); ``revoked`` once it
    ended for another reason (care moved elsewhere, a plan made in error)."""
    if plan.ended_because is None:
        return "active"
    return "revoked" if plan.ended_because == "other" else "completed"


def _care_plan(
    plan: Plan, full_url: str, identifier: str | None, observation_url: str, w: Words
) -> JsonObject:
    ref = plan.protocol
    resource: JsonObject = {
        "resourceType": "CarePlan",
        "id": full_url.removeprefix("urn:uuid:"),
        "language": ref.language,
    }
    if identifier is not None:
        resource["identifier"] = [{"system": PLAN_IDENTIFIER_SYSTEM, "value": identifier}]
    # A composed plan instantiates each of its protocols' PlanDefinitions.
    resource["instantiatesCanonical"] = [
        f"{plan_definition_url(each.id)}|{each.version}" for each in plan.made_from
    ]
    resource["status"] = care_plan_status(plan)
    resource["intent"] = "proposal"
    resource["title"] = ref.title
    resource["subject"] = {"display": w.t(words.FHIR_SUBJECT)}
    ended = plan.ended_on
    if not plan.milestones:  # it ended before its first milestone (an early loss): none kept
        assert ended is not None  # a plan that runs holds every milestone
        start = end = ended
    else:
        start = min(item.start for item in plan.milestones)
        end = max(item.end for item in plan.milestones)
        if ended is not None:
            start, end = min(start, ended), min(end, ended)
    resource["period"] = {"start": start.isoformat(), "end": end.isoformat()}
    resource["supportingInfo"] = [
        {"reference": observation_url, "display": w.t(words.DUE_DATE_NAME)}
    ]
    resource["activity"] = [{"detail": _detail(plan, item, w)} for item in plan.milestones] + [
        {"detail": _gone(plan, gone, w)} for gone in plan.no_longer_planned
    ]
    resource["note"] = [{"text": plan.clinician_note}]
    return resource


def _code(plan: Plan, item: Milestone | NoLongerPlanned) -> JsonObject:
    """The milestone's id in the CodeSystem of the protocol it comes from (in a composed
    plan, its own protocol's: a routine schedule added leaves the others' codes as they were)."""
    ref = plan.protocol_of(item)
    return {
        "coding": [
            {
                "system": code_system_url(ref.id),
                "version": ref.version,
                "code": item.id,
                "display": item.title,
            }
        ],
        "text": item.title,
    }


def _detail(plan: Plan, item: Milestone, w: Words) -> JsonObject:
    extensions = [{"url": APPLICABILITY_EXTENSION, "valueCode": item.applicability}]
    if item.reason_key:  # empty only in a plan stored before rules had keys
        extensions.append({"url": REASON_KEY_EXTENSION, "valueCode": item.reason_key})
    detail: JsonObject = {"extension": extensions, "code": _code(plan, item)}
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
                **every(item.every_days),
            },
        }
    else:
        detail["scheduledPeriod"] = _period(item.start, item.end)
    detail["description"] = _activity_text(plan, item, w)
    return detail


def _gone(plan: Plan, gone: NoLongerPlanned, w: Words) -> JsonObject:
    """An activity the plan's end cancelled: named, with no dates (it never came)."""
    ended = w.ended(plan) + " " + w.t(words.NO_LONGER_PLANNED)
    return {
        "code": _code(plan, gone),
        "status": "cancelled",
        "statusReason": {"text": ended},
        "description": ended,
    }


def _period(start: date, end: date) -> JsonObject:
    # FHIR periods include their end day (unlike an .ics DTEND).
    return {"start": start.isoformat(), "end": end.isoformat()}


def _activity_text(plan: Plan, item: Milestone, w: Words) -> str:
    parts = [item.description]
    if item.alternative is not None:
        parts.append(w.choice(plan, item))
    parts.extend(w.t(words.NOTE, note=note) for note in item.notes)
    if item.warning_signs:
        parts.append(w.warning_signs_block(plan.warning_signs, plan.urgent_advice))
    return "\n\n".join(parts)


def _due_date(plan: Plan, full_url: str, w: Words) -> JsonObject:
    dating = plan.dating
    code, display = DUE_DATE_CODES[dating.method]
    resource: JsonObject = {
        "resourceType": "Observation",
        "id": full_url.removeprefix("urn:uuid:"),
        # Computed from what was entered, and not yet reviewed by a clinician.
        "status": "preliminary",
        "code": {
            "coding": [{"system": LOINC, "code": code, "display": display}],
            "text": w.t(words.DUE_DATE_NAME),
        },
        "subject": {"display": w.t(words.FHIR_SUBJECT)},
        "valueDateTime": dating.due_date.isoformat(),
    }
    explanation, dating_notes = w.dating_texts(dating)
    notes = [text for text in (explanation, *dating_notes) if text]
    if notes:
        resource["note"] = [{"text": text} for text in notes]
    resource["method"] = {
        "text": w.t(words.DATED_BY, method=w.t(words.METHOD_DESCRIPTIONS[dating.method]))
    }
    return resource
