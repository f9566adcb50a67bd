"""The protocol as FHIR R4: a Bundle (type ``collection``) of its PlanDefinition
(one ``action`` per milestone, its weeks as a ``timingRange`` in UCUM ``wk``, its
rules in words and as extensions) and the CodeSystem of its milestone ids."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from .. import phrases as words
from .._i18n import language
from ..wording import Words
from ._fhir import (
    ID_PREFIX,
    RULE_EXTENSION,
    UCUM,
    JsonObject,
    citation,
    code_system_url,
    dump,
    every,
    plan_definition_url,
    urn,
    uuid_for,
    validate,
)

if TYPE_CHECKING:
    from ..gestational_age import GestationalAge
    from ..protocol.model import MilestoneSpec, Protocol, Rule

__all__ = ["protocol_bundle", "render_protocol"]

PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"


def render_protocol(protocol: Protocol) -> bytes:
    """The protocol as a FHIR R4 Bundle (type ``collection``) of its
    PlanDefinition and the CodeSystem of its milestone ids: JSON bytes."""
    return dump(protocol_bundle(protocol))


def protocol_bundle(protocol: Protocol) -> JsonObject:
    """The Bundle :func:`render_protocol` writes, as validated JSON data."""
    seed = hashlib.sha256(
        f"{ID_PREFIX}\x00protocol\x00{protocol.id}\x00{protocol.version}".encode()
    ).hexdigest()
    w = Words(language(protocol.language))
    definition_url = urn(seed, "PlanDefinition")
    code_system_entry = urn(seed, "CodeSystem")
    bundle = {
        "resourceType": "Bundle",
        "id": uuid_for(seed, "Bundle"),
        "type": "collection",
        "entry": [
            {"fullUrl": definition_url, "resource": _plan_definition(protocol, definition_url, w)},
            {
                "fullUrl": code_system_entry,
                "resource": _code_system(protocol, code_system_entry, w),
            },
        ],
    }
    validate(bundle)
    return bundle


def _bases(protocol: Protocol, w: Words) -> list[JsonObject]:
    """Every source the protocol cites: one ``relatedArtifact`` each."""
    rule = protocol.short_cervix
    found = [
        (w.t(words.FHIR_SOURCE), protocol.source),
        (w.t(words.FHIR_BASIS_WARNING_SIGNS), protocol.warning_signs_basis),
        (w.t(words.FHIR_BASIS_TRIMESTERS), protocol.trimesters_basis),
    ]
    if rule is not None:  # a routine schedule reads no cervical lengths
        found += [
            (w.t(words.FHIR_BASIS_SHORT_CERVIX), rule.basis),
            (w.t(words.FHIR_BASIS_PROGESTERONE_THRESHOLD), rule.progesterone_basis),
            (w.t(words.FHIR_BASIS_FOUND_EARLY), rule.found_early_basis),
        ]
    if protocol.prior_preterm_birth is not None:
        found.append((w.t(words.FHIR_BASIS_EARLY_BIRTH), protocol.prior_preterm_birth.early_basis))
    found.extend(
        (w.t(words.FHIR_BASIS_OF, title=spec.title), spec.basis) for spec in protocol.milestones
    )
    return [citation(display, text) for display, text in found if text]


def _plan_definition(protocol: Protocol, full_url: str, w: Words) -> JsonObject:
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
        "description": w.t(words.FHIR_BUILT_FROM, source=protocol.source),
        "usage": "\n\n".join(_usage(protocol, w)),
        "relatedArtifact": _bases(protocol, w),
        "action": [_action(protocol, spec, w) for spec in protocol.milestones],
    }


def _usage(protocol: Protocol, w: Words) -> list[str]:
    """The clinician note, then the warning signs and the urgent advice, where it has them."""
    parts = [protocol.clinician_note]
    if protocol.warning_signs:
        parts.append(w.warning_signs_block(protocol.warning_signs, protocol.urgent_advice))
    elif protocol.urgent_advice:
        parts.append(protocol.urgent_advice)
    return parts


def _action(protocol: Protocol, spec: MilestoneSpec, w: Words) -> JsonObject:
    description = "\n\n".join(
        [spec.description, *(w.t(words.NOTE, note=note) for note in spec.notes)]
    )
    action: JsonObject = {
        "id": spec.id,
        "extension": [_rule_extension(rule) for rule in spec.rules],
        "title": spec.title,
        "description": description,
        "textEquivalent": _rules_text(spec, w),
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
        "documentation": [citation(w.t(words.FHIR_BASIS_OF, title=spec.title), spec.basis)],
    }
    weeks = {"low": _weeks(spec.start), "high": _weeks(spec.end_ga)}
    if spec.every_days is not None:
        action["timingTiming"] = {
            "repeat": {"boundsRange": weeks, "frequency": 1, **every(spec.every_days)}
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
    parts: list[JsonObject] = [{"url": "key", "valueCode": rule.key}]
    parts.extend({"url": "when", "valueCode": cond} for cond in rule.when)
    parts.append({"url": "result", "valueCode": rule.result})
    parts.append({"url": "reason", "valueString": rule.reason})
    if rule.becomes_day is not None:
        parts.append({"url": "becomesDay", "valueCode": rule.becomes_day})
    if rule.starts_no_earlier_than is not None:
        parts.append({"url": "startsNoEarlierThan", "valueCode": rule.starts_no_earlier_than})
    if rule.stops_on is not None:
        parts.append({"url": "stopsOn", "valueCode": rule.stops_on})
    if rule.title is not None:
        parts.append({"url": "title", "valueString": rule.title})
    if rule.alternative is not None:
        parts.append({"url": "alternative", "valueCode": rule.alternative})
    return {"url": RULE_EXTENSION, "extension": parts}


def _rules_text(spec: MilestoneSpec, w: Words) -> str:
    start, end = w.ga(spec.start), w.ga(spec.end_ga)
    if spec.kind == "day":
        when = w.t(words.FHIR_ON_DAY, ga=start)
    elif spec.every_days is not None:
        when = w.t(words.FHIR_SERIES, rhythm=w.rhythm(spec.every_days), start=start, end=end)
    else:
        when = w.t(words.FHIR_WINDOW, start=start, end=end)
    lines = [when, w.t(words.FHIR_RULES_LEAD)]
    for number, rule in enumerate(spec.rules, start=1):
        if rule.when:
            conditions: str = rule.when[0]
            for more in rule.when[1:]:
                conditions = w.t(words.FHIR_CONDITIONS, first=conditions, second=more)
            condition = w.t(words.FHIR_IF, conditions=conditions)
        else:
            condition = w.t(words.FHIR_ALWAYS if number == 1 else words.FHIR_OTHERWISE)
        line = w.t(
            words.FHIR_RULE,
            number=number,
            condition=condition,
            result=w.t(words.APPLICABILITY_LABELS[rule.result]),
            reason=rule.reason,
        )
        if rule.becomes_day is not None:
            day = w.t(words.DATE_SOURCES[rule.becomes_day])
            line += " " + w.t(words.FHIR_BECOMES_DAY, day=day)
        if rule.starts_no_earlier_than is not None:
            day = w.t(words.DATE_SOURCES[rule.starts_no_earlier_than])
            line += " " + w.t(words.FHIR_STARTS_NO_EARLIER, day=day)
        if rule.stops_on is not None:
            day = w.t(words.DATE_SOURCES[rule.stops_on])
            line += " " + w.t(words.FHIR_STOPS_ON, day=day)
        if rule.title is not None:
            line += " " + w.t(words.FHIR_RULE_TITLE, title=rule.title)
        if rule.alternative is not None:
            line += " " + w.t(words.FHIR_ALTERNATIVE, other=rule.alternative)
        lines.append(line)
    return "\n".join(lines)


def _code_system(protocol: Protocol, full_url: str, w: Words) -> JsonObject:
    return {
        "resourceType": "CodeSystem",
        "id": full_url.removeprefix("urn:uuid:"),
        "language": protocol.language,
        "url": code_system_url(protocol.id),
        "version": protocol.version,
        "name": _name(protocol.id) + "Milestones",
        "title": w.t(words.FHIR_CODE_SYSTEM_TITLE, title=protocol.title),
        "status": "active",
        "description": w.t(words.FHIR_CODE_SYSTEM),
        "caseSensitive": True,
        "content": "complete",
        "count": len(protocol.milestones),
        "property": [
            {"code": "category", "description": w.t(words.FHIR_CATEGORY_PROPERTY), "type": "code"},
            {"code": "kind", "description": w.t(words.FHIR_KIND_PROPERTY), "type": "code"},
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
