"""The one frozen base model, and the one translation of pydantic's
``ValidationError`` into the library's own errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from .errors import CareTimelineError, describe
from .safe_text import PATTERN_MEANINGS

__all__ = [
    "CheckedModel",
    "FieldProblem",
    "FrozenModel",
    "Problem",
    "library_error",
    "location",
    "problem",
]


class FrozenModel(BaseModel):
    """Values the library hands out: immutable, and refusing unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CheckedModel(FrozenModel):
    """A value users build or load themselves (a dating, a profile, a plan).

    Whether it is built (``Profile(...)``) or loaded (``model_validate``,
    ``model_validate_json``, ``model_validate_strings``), any fault is one
    ``library_error_type`` naming the field, never pydantic's ``ValidationError``.

    Every other way pydantic makes one is checked too: :meth:`replace` (the way to
    change a value), ``model_copy(update=...)`` and ``model_construct(...)``, which
    pydantic itself lets through unchecked. So a value that reaches
    :func:`~care_timeline.plan` or an export has passed its checks, however it was
    made, and a stored plan always loads again.

    No subclass declares its own ``__init__`` with ``**data: Any``: type checkers
    then see every field (pydantic's ``dataclass_transform`` and mypy plugin).
    """

    library_error_type: ClassVar[type[CareTimelineError]]

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as err:
            raise type(self)._converted(err) from err

    # pydantic's own flag: this __init__ only converts errors, so pydantic may skip
    # it when validating (model_validate* and nested values): a model with a
    # custom __init__ would otherwise be re-validated through it, in Python mode.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as err:
            raise cls._converted(err) from err

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as err:
            raise cls._converted(err) from err

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_strings(obj, **kwargs)
        except ValidationError as err:
            raise cls._converted(err) from err

    @classmethod
    def _converted(cls, err: ValidationError) -> CareTimelineError:
        return library_error(err, cls.library_error_type, known_fields=cls.model_fields)

    @classmethod
    def _made(cls, **values: Any) -> Self:
        """Built by the library itself (a plan's parts, some twenty a plan): checked as
        :meth:`model_validate` checks, straight by pydantic's validator (a fault here is
        the library's own bug, not the user's input, so it is not translated)."""
        made: Self = cls.__pydantic_validator__.validate_python(values)
        return made

    def _changed(self, **changes: Any) -> Self:
        """A copy with ``changes`` the library computed from checked values (a window
        cut at a plan's end: days and weeks it counted), not checked again: pydantic's
        own copy. Never for a value from outside (that is :meth:`replace`)."""
        return super().model_copy(update=changes)

    def replace(self, **changes: Any) -> Self:
        """This value with ``changes`` (field names and their new values), checked as a
        new value is: ``profile.replace(fetuses=2)``. A name that is not a field, or a
        value the field does not take, is the library's error naming it.

        >>> from care_timeline import Profile
        >>> Profile(fetuses=1).replace(fetuses=2, short_cervix=True).fetuses
        2
        """
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update({name: _checkable(value) for name, value in changes.items()})
        return type(self).model_validate(values)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, checked as :meth:`replace` checks (pydantic's own
        copy would take the new values unchecked)."""
        if not update:
            return super().model_copy(deep=deep)
        return self.replace(**{str(name): value for name, value in update.items()})

    # pydantic's mypy plugin gives each model a model_construct typed with its fields;
    # this one, for every model, takes them all as keywords.
    @classmethod
    def model_construct(  # type: ignore[override]
        cls, _fields_set: set[str] | None = None, **values: Any
    ) -> Self:
        """Built like ``cls(**values)``, checked: pydantic's own ``model_construct``
        skips every check, and a value that skipped them would fail only later, in
        a plan or an export, or when its stored JSON is loaded again."""
        return cls.model_validate({name: _checkable(value) for name, value in values.items()})


def _checkable(value: Any) -> Any:
    """A value to check whole: a model inside it as its fields (pydantic takes a
    model instance as it is, so one made unchecked would pass unseen)."""
    if isinstance(value, BaseModel) and not isinstance(value, CheckedModel):
        return {name: _checkable(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, tuple | list):
        return type(value)(_checkable(item) for item in value)
    return value


class FieldProblem(ValueError):
    """Raised by a model validator (a rule across fields) to name the field at
    fault, relative to the model; the translation puts the model's own place in
    front of it (``milestones[2].start``)."""

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        super().__init__(describe(field, value, allowed))
        self.field = field
        self.value = value
        self.allowed = allowed


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


def allowed_text(error: ErrorDetails) -> str:
    """pydantic's message, reworded as what is allowed."""
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    kind = error["type"]
    own = ctx.get("error")
    if isinstance(own, CareTimelineError | FieldProblem) and own.allowed:
        return own.allowed
    if kind == "extra_forbidden":
        return "no such field"
    if kind == "missing":
        return "a value (it is required)"
    if kind == "literal_error" and "expected" in ctx:
        return f"one of {ctx['expected']}"
    if kind == "string_pattern_mismatch" and "pattern" in ctx:
        return PATTERN_MEANINGS.get(ctx["pattern"], f"text matching {ctx['pattern']}")
    if kind == "too_short" and "min_length" in ctx:
        return f"at least {ctx['min_length']} item(s)"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    # "Input should be ...", "String should have ...": keep what is allowed.
    return _SHOULD.sub("", message)


class Problem:
    """The first problem pydantic found, in the library's words."""

    def __init__(self, error: ErrorDetails, field: str, known_fields: Collection[str]) -> None:
        self.error = error
        self.allowed = allowed_text(error)
        given = error.get("input")
        # A table or a list is named by its kind, not printed whole.
        self.value: Any = type(given).__name__ if isinstance(given, dict | list) else given
        self.field: str | None = field or None
        kind = error["type"]
        own = dict(error.get("ctx") or {}).get("error")
        if isinstance(own, FieldProblem):
            self.field = f"{field}.{own.field}" if field else own.field
            self.value = own.value
            self.message = describe(self.field, own.value, own.allowed)
        elif not field:
            # A rule across several fields has no location; when its message
            # starts with a field's name, that field is the one named.
            first_word = self.allowed.split(" ", 1)[0]
            self.field = first_word if first_word in known_fields else None
            self.value = None
            self.message = self.allowed
        elif kind == "missing":
            self.value, self.allowed = None, "a value"
            self.message = f"{field}: missing; expected a value"
        elif kind == "extra_forbidden":
            self.message = f"unknown key {field!r}"
        elif kind == "value_error" and isinstance(given, dict | list | tuple):
            self.message = f"{field}: {self.allowed}"
        else:
            self.message = describe(field, self.value, self.allowed)


def problem(
    err: ValidationError,
    *,
    field_prefix: str = "",
    skip: int = 0,
    known_fields: Collection[str] = (),
) -> Problem:
    """The first problem in ``err``; its field is ``field_prefix`` + its location
    without the first ``skip`` parts."""
    error = err.errors(include_url=False)[0]
    where = location(error, skip=skip)
    return Problem(error, field_prefix + where if where else "", known_fields)


def library_error(
    err: ValidationError,
    error_type: Callable[..., CareTimelineError],
    *,
    field_prefix: str = "",
    known_fields: Collection[str] = (),
) -> CareTimelineError:
    """The first problem pydantic found, as ``error_type`` naming field, value and rule."""
    found = problem(err, field_prefix=field_prefix, known_fields=known_fields)
    return error_type(found.message, field=found.field, value=found.value, allowed=found.allowed)
