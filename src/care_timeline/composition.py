"""Several protocols in one plan: which protocols ``plan(protocol=...)`` means (one, a
shipped one by name, or a list to compose), and what each brings to a plan composed of
them: its milestones (ids never collide; a milestone two of them share, the due date,
is kept once), its warning signs, urgent advice and clinician note.

A routine schedule (the WHO's antenatal contacts, Turkey's antenatal visits) is a
protocol like any other: composing it with the cervical-insufficiency protocol puts both
in one plan, each milestone knowing its protocol (``Milestone.protocol``). See
docs/protocol-format.md, "Composing protocols".
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import PlanError, ProtocolError
from .plan_model import ProtocolRef
from .protocol import check_default_language, default_protocol, shipped_protocol
from .protocol.model import MilestoneSpec, Protocol

__all__ = [
    "ProtocolChoice",
    "clinician_note_of",
    "compose",
    "protocol_ref",
    "protocols_of",
    "urgent_advice_of",
    "warning_signs_of",
]

ProtocolChoice = Protocol | str | Sequence[Protocol | str] | None
"""What ``plan(protocol=...)`` takes: a protocol, a shipped protocol's name, several of
them to compose, or None for the default protocol."""


_ALLOWED_PROTOCOL = "a Protocol, the name of a shipped protocol, or a list of them"


def protocols_of(protocol: object, language: str | None = None) -> tuple[Protocol, ...]:
    """The protocols ``plan(protocol=...)`` plans with, checked: the default one for
    None, a shipped one by its name, or each of a list, none twice, all in one
    language (``language`` when given)."""
    if protocol is None:
        return (default_protocol(check_default_language(language)),)
    if isinstance(protocol, Protocol | str):
        given: list[object] = [protocol]
    elif isinstance(protocol, Sequence):
        given = list(protocol)
        if not given:
            raise PlanError(
                field="protocol", value="[]", allowed=_ALLOWED_PROTOCOL + " (not empty)"
            )
    else:
        raise PlanError(field="protocol", value=type(protocol).__name__, allowed=_ALLOWED_PROTOCOL)
    objects = [item for item in given if isinstance(item, Protocol)]
    # Names are read in the language asked for, else in that of the protocols given
    # with them, else in English.
    names_in = language or (objects[0].language if objects else "en")
    chosen: list[Protocol] = []
    for item in given:
        if isinstance(item, str):
            chosen.append(shipped_protocol(item, check_default_language(names_in)))
        elif isinstance(item, Protocol):
            chosen.append(item)
        else:
            raise PlanError(field="protocol", value=type(item).__name__, allowed=_ALLOWED_PROTOCOL)
    lead = chosen[0]
    for number, each in enumerate(chosen):
        if any(earlier.id == each.id for earlier in chosen[:number]):
            raise PlanError(field="protocol", value=each.id, allowed="each protocol once in a plan")
        if language is not None and each.language != language:
            if len(chosen) == 1:
                allowed = f"the protocol's own language, {each.language!r} (or none)"
            else:
                allowed = f"the language of every protocol given, {lead.language!r} (or none)"
            raise PlanError(field="language", value=language, allowed=allowed)
        if each.language != lead.language:
            raise PlanError(
                f"protocol: {each.id!r} is in {each.language!r} and {lead.id!r} in "
                f"{lead.language!r}; a plan's protocols are in one language, so that no "
                "page mixes two",
                field="protocol",
                value=f"{each.id} ({each.language})",
                allowed=f"protocols in {lead.language!r}, the language of {lead.id!r}",
            )
    return tuple(chosen)


def protocol_ref(protocol: Protocol) -> ProtocolRef:
    """What a plan records of a protocol it was made with."""
    return ProtocolRef._made(
        id=protocol.id,
        version=protocol.version,
        title=protocol.title,
        language=protocol.language,
        source=protocol.source,
    )


def warning_signs_of(protocols: Sequence[Protocol]) -> tuple[str, ...]:
    """Every protocol's warning signs, in order, each sign once."""
    return tuple(dict.fromkeys(sign for each in protocols for sign in each.warning_signs))


def urgent_advice_of(protocols: Sequence[Protocol]) -> str | None:
    """The first protocol's urgent advice that has one."""
    return next((each.urgent_advice for each in protocols if each.urgent_advice), None)


def clinician_note_of(protocols: Sequence[Protocol]) -> str:
    """Every protocol's clinician note, in order, each once, as one text."""
    return " ".join(dict.fromkeys(each.clinician_note for each in protocols))


def _same_milestone(one: MilestoneSpec, other: MilestoneSpec) -> bool:
    """Whether two protocols' milestones of one id are one milestone: the same kind,
    weeks, rhythm and category (their words may differ)."""
    return (one.kind, one.start, one.end_ga, one.every_days, one.category) == (
        other.kind,
        other.start,
        other.end_ga,
        other.every_days,
        other.category,
    )


def compose(
    protocols: Sequence[Protocol],
) -> list[tuple[Protocol, list[MilestoneSpec]]]:
    """Each protocol with the milestones it brings to a plan composed of them all: its
    own, less those an earlier protocol already has (the same id, kind, weeks, rhythm
    and category: the due date). Any other id two of them use is a
    :class:`ProtocolError` naming both, so ids never collide."""
    seen: dict[str, tuple[Protocol, MilestoneSpec]] = {}
    brought = []
    for each in protocols:
        specs = []
        for spec in each.milestones:
            earlier = seen.get(spec.id)
            if earlier is None:
                seen[spec.id] = (each, spec)
                specs.append(spec)
                continue
            first, known = earlier
            if not _same_milestone(known, spec):
                raise ProtocolError(
                    f"protocols {first.id!r} and {each.id!r} both have it, in other weeks "
                    "(or of another kind or category); a milestone two protocols share must "
                    "be the same one, so give one of them another id",
                    field="protocol",
                    value=each.id,
                    milestone=spec.id,
                    allowed=f"milestone ids other than {first.id!r}'s, or its milestone as it is",
                )
        brought.append((each, specs))
    return brought
