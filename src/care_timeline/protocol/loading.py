"""Reading protocol files (TOML) into validated :class:`Protocol` objects."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._model import problem
from ..errors import ProtocolError
from .model import Protocol

DEFAULT_FILE = "cervical_insufficiency.toml"
"""The default protocol in English; its translations sit beside it as
``cervical_insufficiency.<language>.toml`` (same ids, windows and rules)."""


def default_file(language: str = "en") -> str:
    """The file name of the default protocol in ``language``."""
    return DEFAULT_FILE if language == "en" else DEFAULT_FILE.replace(".toml", f".{language}.toml")


def default_languages() -> tuple[str, ...]:
    """The languages the default protocol is shipped in, English first."""
    stem = DEFAULT_FILE.removesuffix(".toml")
    found = [
        entry.name.removeprefix(stem + ".").removesuffix(".toml")
        for entry in resources.files(__package__).iterdir()
        if entry.name.startswith(stem + ".")
        and entry.name.endswith(".toml")
        and entry.name != DEFAULT_FILE
    ]
    return ("en", *sorted(found))


def default_protocol_text(language: str = "en") -> str:
    """The default protocol file's text: the starting point for a clinic's own."""
    if language not in default_languages():
        raise ProtocolError(
            field="language",
            value=language,
            allowed="a language the default protocol is shipped in: "
            + ", ".join(default_languages()),
        )
    return resources.files(__package__).joinpath(default_file(language)).read_text(encoding="utf-8")


@cache
def default_protocol(language: str = "en") -> Protocol:
    """The default protocol, "cervical-insufficiency" version 2, in ``language``
    (one of :func:`default_languages`)."""
    return parse_protocol(default_protocol_text(language), source=default_file(language))


def load_protocol(path: str | PathLike[str]) -> Protocol:
    """Load and validate a clinic's protocol file; any fault is a :class:`ProtocolError`
    naming the file and, where one is at fault, the milestone."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProtocolError(f"{file}: no such file", file=None, field="protocol") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ProtocolError(f"{file}: cannot be read ({err})", field="protocol") from None
    return parse_protocol(text, source=str(file))


def parse_protocol(text: str, *, source: str = "<protocol>") -> Protocol:
    """Validate protocol TOML text; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ProtocolError(f"not valid TOML ({err})", file=source) from None
    try:
        return Protocol.model_validate(data)
    except ValidationError as err:
        raise _protocol_error(err, data, source) from err


def _protocol_error(err: ValidationError, data: dict[str, Any], source: str) -> ProtocolError:
    loc = err.errors(include_url=False)[0]["loc"]
    milestone: str | None = None
    skip = 0
    if len(loc) >= 2 and loc[0] == "milestones" and isinstance(loc[1], int):
        # Name the milestone by its id (or its number, if it has none).
        raw = data.get("milestones")
        if isinstance(raw, list) and loc[1] < len(raw) and isinstance(raw[loc[1]], dict):
            raw_id = raw[loc[1]].get("id")
            milestone = str(raw_id) if raw_id is not None else f"#{loc[1] + 1}"
        skip = 2
    found = problem(err, skip=skip)
    return ProtocolError(
        found.message,
        file=source,
        milestone=milestone,
        field=found.field,
        value=found.value,
        allowed=found.allowed,
    )
