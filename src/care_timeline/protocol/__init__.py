"""Protocols as data: the models, loading and validation, the condition vocabulary."""

from .loading import (
    check_default_language,
    default_languages,
    default_protocol,
    default_protocol_text,
    find_protocol,
    load_protocol,
    parse_protocol,
    read_protocol,
    shipped_protocol,
    shipped_protocol_text,
    shipped_protocols,
)
from .model import (
    Condition,
    DateSource,
    MilestoneSpec,
    Protocol,
    RiskFactor,
    Rule,
    ShortCervixRule,
)

__all__ = [
    "Condition",
    "DateSource",
    "MilestoneSpec",
    "Protocol",
    "RiskFactor",
    "Rule",
    "ShortCervixRule",
    "check_default_language",
    "default_languages",
    "default_protocol",
    "default_protocol_text",
    "find_protocol",
    "load_protocol",
    "parse_protocol",
    "read_protocol",
    "shipped_protocol",
    "shipped_protocol_text",
    "shipped_protocols",
]
