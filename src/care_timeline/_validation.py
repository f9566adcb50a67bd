"""Turning pydantic's ValidationError into the library's own errors."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .errors import CareTimelineError, describe

_SHOULD = re.compile(r"^\w+ should (?:be |have )?")


def location(error: ErrorDetails, *, skip: int = 0) -> str:
    """``('milestones', 2, 'end')`` -> ``milestones[2].end`` (``skip`` leading parts left out)."""
    text = ""
    for part in error["loc"][skip:]:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def first_error(err: ValidationError) -> ErrorDetails:
    return err.errors(include_url=False)[0]


def allowed_text(error: ErrorDetails) -> str:
    """pydantic's message, reworded as what is allowed."""
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    kind = error["type"]
    own = ctx.get("error")
    if isinstance(own, CareTimelineError) and own.allowed:
        return own.allowed
    if kind == "extra_forbidden":
        return "no such field"
    if kind == "missing":
        return "a value (it is required)"
    if kind == "literal_error" and "expected" in ctx:
        return f"one of {ctx['expected']}"
    if kind == "string_pattern_mismatch" and "pattern" in ctx:
        return f"text matching {ctx['pattern']}"
    if kind == "too_short" and "min_length" in ctx:
        return f"at least {ctx['min_length']} item(s)"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    # "Input should be ...", "String should have ...": keep what is allowed.
    return _SHOULD.sub("", message)


def convert(
    err: ValidationError,
    error_type: type[CareTimelineError],
    *,
    field_prefix: str = "",
    known_fields: Collection[str] = (),
) -> CareTimelineError:
    """The first problem pydantic found, as ``error_type`` naming field, value and rule.

    A rule across several fields has no location; when its message starts with
    one of ``known_fields``, that field is the one named.
    """
    error = first_error(err)
    field = field_prefix + location(error)
    if not field:
        first_word = allowed_text(error).split(" ", 1)[0]
        if first_word in known_fields:
            return error_type(allowed_text(error), field=first_word, allowed=allowed_text(error))
    value = error.get("input")
    if error["type"] == "missing":
        return error_type(f"{field}: missing; expected a value", field=field, allowed="a value")
    allowed = allowed_text(error)
    if error["type"] == "value_error" and isinstance(value, dict | list | tuple):
        return error_type(f"{field}: {allowed}" if field else allowed, field=field or None)
    if not location(error):
        # A rule across several fields: pydantic's message already says it all.
        return error_type(allowed, allowed=allowed)
    if isinstance(value, dict):
        value = "{...}"
    return error_type(describe(field, value, allowed), field=field, value=value, allowed=allowed)
