"""What a protocol's and a plan's texts, ids, languages and numbers may be: one set
of rules, which the protocol model and the plan model both use.

A stored plan is as untrusted as a clinic's protocol file: an app stores its JSON,
and anyone who can edit that file can put anything in it. Everything a plan shows
came from a protocol (titles, reasons, ids, the language, a series' rhythm), so
whatever a protocol file may not hold, a plan may not hold either, and each rule is
written here once. The limits on size are here too: how many milestones and dates a
protocol may make is how many a plan may carry.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from ._i18n import SOURCE_LANGUAGE, available_languages, protocol_languages
from ._model import FieldProblem
from .safe_text import TEXT_OR_EMPTY_PATTERN, TEXT_PATTERN, control_character

__all__ = [
    "ID_PATTERN",
    "KEY_PATTERN",
    "LANGUAGE_ALLOWED",
    "LANGUAGE_PATTERN",
    "MAX_EVERY_DAYS",
    "MAX_MILESTONES",
    "MAX_PLAN_ID_LENGTH",
    "MAX_PLAN_OCCURRENCES",
    "MAX_SERIES_OCCURRENCES",
    "PLAN_ID_ALLOWED",
    "EveryDays",
    "ItemId",
    "LanguageTag",
    "PlanId",
    "RuleKey",
    "StoredRuleKey",
    "Text",
    "TextOrEmpty",
    "Version",
    "check_language",
    "check_plan_size",
    "check_plan_id",
    "check_text",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""A protocol's, a milestone's or a risk factor's id: lower-case letters, digits and
``-``, so it is safe in a file name, a URL, a FHIR id or code and a calendar's UID."""
KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*(\+[a-z0-9][a-z0-9-]*)*$"
"""A rule key: id-like words, joined by ``+`` (the form a default key takes)."""
LANGUAGE_PATTERN = r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"
"""A language tag (BCP 47): ``en``, ``tr``, ``tr-TR``, ``sr-Latn-RS``."""
_LANGUAGE = re.compile(LANGUAGE_PATTERN.removesuffix("$") + r"\Z")

MAX_MILESTONES = 200
"""Milestones a protocol may have, and a plan (with those no longer planned, each)."""
MAX_SERIES_OCCURRENCES = 320
"""Dates one series may make: a daily series over the whole dated range (0w0d to
44w6d) makes 315."""
MAX_PLAN_OCCURRENCES = 2000
"""Dates all series of a protocol (and so of a plan) may make together, so that no
plan's exports grow past a few hundred kilobytes (the default makes 26)."""
MAX_EVERY_DAYS = 366
"""The longest rhythm of a series, in days."""
MAX_PLAN_ID_LENGTH = 200


def check_text(text: str) -> str:
    """A text a plan shows (a title, a reason, a warning sign): not blank, and no
    control character (a line break and a tab are fine). Control characters have no
    safe form in every export (.ics, CSV, HTML, a terminal), so they are refused at
    the door; ``ValueError`` says which."""
    char = control_character(text)
    if char is not None:
        raise ValueError(f"text without control characters (this holds {char!r})")
    if not text.strip():
        raise ValueError("text that is not blank")
    return text


def check_plan_id(plan_id: str) -> str:
    """A plan id: non-blank text of at most :data:`MAX_PLAN_ID_LENGTH` characters with
    no control character at all (it is a file name's start, a calendar's UID seed and
    a CSV cell); ``ValueError`` otherwise, saying what is allowed."""
    if (
        not isinstance(plan_id, str)
        or not plan_id.strip()
        or len(plan_id) > MAX_PLAN_ID_LENGTH
        or control_character(plan_id, allow="") is not None
    ):
        raise ValueError(PLAN_ID_ALLOWED)
    return plan_id


PLAN_ID_ALLOWED = (
    f"non-empty text of at most {MAX_PLAN_ID_LENGTH} characters, no control characters"
)


def check_language(tag: str) -> str:
    """A language tag (BCP 47, :data:`LANGUAGE_PATTERN`) of a language that is known:
    one the package has a catalog for, or one whose dates and lists Babel (CLDR) can
    write. Anything else is a ``ValueError``: a tag is never a path, a line break or a
    language nobody can write. (A known language without a catalog plans with the
    English phrases, see docs/languages.md.)"""
    if not isinstance(tag, str) or len(tag) > 35 or not _LANGUAGE.match(tag):
        raise ValueError(LANGUAGE_ALLOWED)
    base = tag.split("-", 1)[0].lower()
    if not _known(base):
        raise ValueError(f"{LANGUAGE_ALLOWED}; {base!r} is not a language Babel (CLDR) knows")
    return tag


def _known(base: str) -> bool:
    """Whether a language (its first subtag, lower case) is known: English, one with a
    catalog of the package's (its phrases or its protocol texts), or one Babel knows.
    A language found known is remembered (every plan checks its protocol's)."""
    if base in _KNOWN:
        return True
    if base in available_languages() or base in protocol_languages():
        _KNOWN.add(base)  # decided without loading Babel
        return True
    from babel import localedata

    if base != "root" and localedata.exists(base):
        _KNOWN.add(base)
        return True
    return False


_KNOWN = {SOURCE_LANGUAGE}


LANGUAGE_ALLOWED = "a language tag like 'en', 'tr' or 'tr-TR' (BCP 47) of a known language"


Text = Annotated[str, Field(pattern=TEXT_PATTERN)]
"""Non-blank text without control characters (newline and tab are fine): the rule of
:func:`check_text`, as a pattern (a plan has some sixty texts, checked on every plan)."""
TextOrEmpty = Annotated[str, Field(pattern=TEXT_OR_EMPTY_PATTERN)]
"""Empty (a field that plans stored before it existed leave empty), or :data:`Text`."""
ItemId = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
"""The id of a protocol, a milestone or a risk factor."""
RuleKey = Annotated[str, Field(pattern=KEY_PATTERN, max_length=200)]
StoredRuleKey = Annotated[
    str, Field(pattern=KEY_PATTERN.replace("^", "^(", 1).removesuffix("$") + ")?$", max_length=200)
]
"""A plan's ``reason_key``: a rule key, or empty in plans stored before keys existed."""
Version = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")]
LanguageTag = Annotated[str, AfterValidator(check_language)]
EveryDays = Annotated[int, Field(ge=1, le=MAX_EVERY_DAYS)]
"""Days between the occurrences of a series."""
PlanId = Annotated[str, AfterValidator(check_plan_id)]


def check_plan_size(data: dict[Any, Any]) -> None:
    """A plan's raw table (JSON read, nothing else) holds no more milestones, and no
    more dates of series, than a protocol may make; :class:`FieldProblem` names the
    place otherwise."""
    total = 0
    for key in ("milestones", "no_longer_planned"):
        items = data.get(key)
        if not isinstance(items, list | tuple):
            continue
        if len(items) > MAX_MILESTONES:
            raise FieldProblem(
                key, f"{len(items)} items", f"at most {MAX_MILESTONES}, as many as a protocol has"
            )
        for number, item in enumerate(items):
            dates = item.get("occurrences") if isinstance(item, dict) else None
            if not isinstance(dates, list | tuple):
                continue
            if len(dates) > MAX_SERIES_OCCURRENCES:
                raise FieldProblem(
                    f"{key}[{number}].occurrences",
                    f"{len(dates)} dates",
                    f"at most {MAX_SERIES_OCCURRENCES}, as many as a protocol's series makes",
                )
            total += len(dates)
    if total > MAX_PLAN_OCCURRENCES:
        raise FieldProblem(
            "milestones",
            f"{total} dates of series",
            f"at most {MAX_PLAN_OCCURRENCES}, as many as a protocol's series make together",
        )
