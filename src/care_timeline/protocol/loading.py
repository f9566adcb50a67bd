"""Reading protocol files (TOML) into validated :class:`Protocol` objects.

A protocol comes from a clinic's file, so reading one is bounded: the file's
size, how deeply its tables and arrays nest, how many milestones it has and how
many dates its series make (see :data:`LIMITS` and docs/protocol-format.md). A
file past a limit is refused with one line, like any other fault, before it can
make a plan too big to export.

The default protocol is one file, in English: its windows, rules and numbers and
its texts. Its texts in another language are messages of the package's
``protocols`` catalog (see :mod:`.texts`), so :func:`default_protocol` in Turkish
is the English file with each text replaced by its translation, and
:func:`default_protocol_text` in Turkish is the English file's text with each
string replaced where it stands: the same windows and rules by construction.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from .._i18n import PROTOCOL_DOMAIN, SOURCE_LANGUAGE, protocol_catalog, protocol_languages
from .._model import problem
from ..content import MAX_MILESTONES, MAX_PLAN_OCCURRENCES, MAX_SERIES_OCCURRENCES
from ..errors import ProtocolError
from ..files import read_bounded, size_text, utf8_text
from ..safe_text import for_terminal
from .model import Protocol
from .texts import translated_file, translated_table

DEFAULT_NAME = "cervical-insufficiency"
"""The default protocol's id (and name)."""
SHIPPED_FILES = {
    DEFAULT_NAME: "cervical_insufficiency.toml",
    "who-anc-2016": "who_anc_2016.toml",
    "tr-dob-2014": "tr_dob_2014.toml",
}
"""Every protocol the package ships, by name (its id), with its file: the default
first, then the routine schedules a plan may be composed with. Each is one file, in
English; its texts in other languages are in the package's protocols catalog."""
DEFAULT_FILE = SHIPPED_FILES[DEFAULT_NAME]

MAX_FILE_BYTES = 1024 * 1024
"""A protocol file's largest size (the default is about 25 KB)."""
MAX_DEPTH = 8
"""How deeply tables and arrays may nest (the default goes 6 deep: the file, its
milestones, a milestone, its rules, a rule, the rule's conditions)."""
LIMITS = {
    "file bytes": MAX_FILE_BYTES,
    "nesting depth": MAX_DEPTH,
    "milestones": MAX_MILESTONES,
    "dates per series": MAX_SERIES_OCCURRENCES,
    "dates of all series": MAX_PLAN_OCCURRENCES,
}


def default_languages() -> tuple[str, ...]:
    """The languages the default protocol is shipped in, English first: English
    and every language with a compiled protocols catalog in the package."""
    return protocol_languages()


def check_default_language(language: str | None) -> str:
    """The language asked of the default protocol, checked: ``None`` means English,
    and anything else must be one of :func:`default_languages`, or it is a
    :class:`ProtocolError` (field ``language``).

    >>> check_default_language("tr"), check_default_language(None)
    ('tr', 'en')
    >>> check_default_language("de")
    Traceback (most recent call last):
    care_timeline.errors.ProtocolError: language: 'de' is not valid; expected one of en, tr
    """
    if language is None:
        return SOURCE_LANGUAGE
    if not isinstance(language, str) or language not in default_languages():
        raise ProtocolError(
            field="language", value=language, allowed="one of " + ", ".join(default_languages())
        )
    return language


def default_protocol_text(language: str = "en") -> str:
    """The default protocol file's text: the starting point for a clinic's own. In
    another language than English it is the English file with each text in that
    language, where the English file has it (its comments stay English)."""
    return shipped_protocol_text(DEFAULT_NAME, language)


def default_protocol(language: str = "en") -> Protocol:
    """The default protocol, ``cervical-insufficiency`` (version 3), in ``language``
    (one of :func:`default_languages`).

    A text that a language's catalog does not translate stays English, as a phrase
    of the code does: the plan keeps its dates and decisions, and the tests make sure
    no language the package ships lacks one.
    """
    return shipped_protocol(DEFAULT_NAME, language)


def shipped_protocols() -> tuple[str, ...]:
    """The names of the protocols the package ships, the default first: a plan is
    made with any of them, alone or composed (``plan(..., protocol=[...])``).

    >>> shipped_protocols()
    ('cervical-insufficiency', 'who-anc-2016', 'tr-dob-2014')
    """
    return tuple(SHIPPED_FILES)


def _file_of(name: object) -> str:
    if not isinstance(name, str) or name not in SHIPPED_FILES:
        raise ProtocolError(
            field="protocol",
            value=name,
            allowed="the name of a shipped protocol: " + ", ".join(SHIPPED_FILES),
        )
    return SHIPPED_FILES[name]


def shipped_protocol(name: str, language: str = "en") -> Protocol:
    """A protocol the package ships, by its name (see :func:`shipped_protocols`), in
    ``language`` (one of :func:`default_languages`); an unknown name is a
    :class:`ProtocolError` listing the names."""
    return _shipped_protocol(_file_of(name), check_default_language(language))


def shipped_protocol_text(name: str, language: str = "en") -> str:
    """A shipped protocol's file text, in ``language``: the starting point for a
    clinic's own (see :func:`default_protocol_text`)."""
    file = _file_of(name)
    language = check_default_language(language)
    text = _shipped(file)
    if language == SOURCE_LANGUAGE:
        return text
    catalog = f"locale/{language}/LC_MESSAGES/{PROTOCOL_DOMAIN}.po"
    lookup = protocol_catalog(language).pgettext
    return f"# Generated from {file} and the texts of {catalog}.\n" + translated_file(
        text, language, lookup, source=file
    )


@cache
def _shipped_protocol(file: str, language: str) -> Protocol:
    import tomllib  # here, not at the top: importing the package does not need it

    table = tomllib.loads(_shipped(file))
    if language == SOURCE_LANGUAGE:
        return _validated(table, file)
    lookup = protocol_catalog(language).pgettext
    translated = translated_table(table, language, lookup)
    return _validated(translated, f"{file} with its {language} texts")


def find_protocol(name_or_path: str | PathLike[str], language: str | None = None) -> Protocol:
    """A shipped protocol by its name, in ``language`` (default English), or else a
    protocol file by its path: what the command line's ``--protocol NAME|FILE`` reads.
    A name wins over a file of the same name (write ``./who-anc-2016`` for the file).
    A file brings its own language: asking for another one is refused, so a plan never
    mixes two."""
    if isinstance(name_or_path, str) and name_or_path in SHIPPED_FILES:
        return shipped_protocol(name_or_path, check_default_language(language))
    path = Path(name_or_path)
    if not path.exists():
        shown = for_terminal(str(path))
        raise ProtocolError(
            f"{shown}: no such file, nor the name of a shipped protocol "
            f"({', '.join(SHIPPED_FILES)})",
            field="protocol",
            value=str(path),
            allowed="a protocol file, or one of " + ", ".join(SHIPPED_FILES),
        )
    protocol = load_protocol(path)
    if language is not None and language != protocol.language:
        raise ProtocolError(
            field="language",
            value=language,
            allowed=f"the language of {for_terminal(str(path))} ({protocol.language!r}), or none",
        )
    return protocol


def _shipped(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def load_protocol(path: str | PathLike[str]) -> Protocol:
    """Load and validate a clinic's protocol file (UTF-8, with or without a byte-order
    mark); any fault is a :class:`ProtocolError` naming the file and, where one is at
    fault, the milestone."""
    return read_protocol(path).protocol


class ProtocolFile(NamedTuple):
    """A protocol file as read: the protocol, and the very bytes it was read from."""

    protocol: Protocol
    data: bytes


def read_protocol(path: str | PathLike[str]) -> ProtocolFile:
    """A protocol file read once (a file, a pipe, ``/dev/stdin``), within
    :data:`MAX_FILE_BYTES`, and validated: the protocol and the bytes it came from, so
    that what is shown of it is what was checked (``protocol show FILE``). Faults as
    :func:`load_protocol`'s."""
    shown = for_terminal(os.fspath(path))
    data = read_bounded(
        path, MAX_FILE_BYTES, ProtocolError, what="a protocol file", field="protocol"
    )
    text = utf8_text(data, shown, ProtocolError, field="protocol")
    return ProtocolFile(parse_protocol(text, source=shown), data)


def parse_protocol(text: str, *, source: str = "<protocol>") -> Protocol:
    """Validate protocol TOML text (a leading byte-order mark is skipped); ``source``
    names it in error messages."""
    if not isinstance(text, str):
        raise ProtocolError(field="text", value=type(text).__name__, allowed="TOML text (a str)")
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_FILE_BYTES:
        raise ProtocolError(
            f"larger than {size_text(MAX_FILE_BYTES)}; a protocol is far smaller", file=source
        )
    import tomllib  # here, not at the top: importing the package does not need it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ProtocolError(f"not valid TOML ({err})", file=source) from None
    except RecursionError:  # the parser recurses once per level of nesting
        data = None
    return _validated(data, source)


def _validated(data: dict[str, Any] | None, source: str) -> Protocol:
    """A protocol file's table, checked: its nesting, its fields, its size."""
    if data is None or _depth(data) > MAX_DEPTH:
        raise ProtocolError(
            f"tables or arrays nested more than {MAX_DEPTH} deep "
            "(the default protocol nests 6 deep)",
            file=source,
        )
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as err:
        raise _protocol_error(err, data, source) from err
    _check_size(protocol, source)
    return protocol


def _depth(data: object) -> int:
    """How deeply tables and arrays nest in ``data`` (a table of texts is 1), found
    without recursion; it stops counting past :data:`MAX_DEPTH`."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return depth
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            stack.extend(
                (item, depth + 1) for item in value.values() if isinstance(item, dict | list)
            )
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return deepest


def _check_size(protocol: Protocol, source: str) -> None:
    """Refuse a protocol whose plans would be too big to export: too many
    milestones, or series that make too many dates."""
    if len(protocol.milestones) > MAX_MILESTONES:
        raise ProtocolError(
            f"{len(protocol.milestones)} milestones; at most {MAX_MILESTONES} are allowed",
            file=source,
            field="milestones",
        )
    total = 0
    for spec in protocol.milestones:
        if spec.every_days is None:
            continue
        count = (spec.end_ga.total_days - spec.start.total_days) // spec.every_days + 1
        if count > MAX_SERIES_OCCURRENCES:
            raise ProtocolError(
                f"a series of {count} dates; at most {MAX_SERIES_OCCURRENCES} are allowed "
                "(make every_days larger or the series shorter)",
                file=source,
                milestone=spec.id,
                field="every_days",
            )
        total += count
    if total > MAX_PLAN_OCCURRENCES:
        raise ProtocolError(
            f"its series make {total} dates together; at most {MAX_PLAN_OCCURRENCES} are allowed",
            file=source,
            field="milestones",
        )


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
