"""A protocol's texts, each at its place: what a translation translates, and
nothing else.

A place names a text by what it belongs to, not by where it sits in the file:
``milestones.cerclage-placement.rules.prior-second-trimester-loss.reason`` (a
milestone by its id, a rule by its key), ``risk_factors.trauma.label``,
``warning_signs.3``, ``trimesters.0.name``, ``short_cervix.basis``. With the
protocol's id in front it is the message's context in the ``protocols`` catalog,
whose id is the English text (see docs/languages.md). The ids, windows, rules and
numbers stay in the English file; a language brings words only.

A language's words go in two ways: into a protocol's table before it is validated
(:func:`translated_table`, what the default protocol in another language is made
of), and into the English file's own text, each string replaced where it stands
(:func:`translated_file`), so a clinic can start from a whole file in that
language with the English file's comments and layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..errors import ProtocolError
from .model import default_rule_key

__all__ = [
    "Lookup",
    "messages",
    "text_places",
    "toml_string",
    "translated_file",
    "translated_table",
]

TablePath = tuple[str | int, ...]
"""Where a value sits in a protocol's table: keys and list positions."""
Lookup = Callable[[str, str], str]
"""A language's text for a context and its English text (gettext's ``pgettext``)."""

_TOP = ("title", "clinician_note", "urgent_advice")
"""Texts of the protocol as a whole, before its warning signs. ``source`` is not
translated: it is the title of the article the protocol is built from, cited as
it was read."""
_AFTER_SIGNS = ("warning_signs_basis", "trimesters_basis")
_SHORT_CERVIX = ("basis", "progesterone_basis", "found_early_basis")
_PRETERM_BIRTH = ("early_basis",)
_MILESTONE = ("title", "description", "basis")


def text_places(table: Mapping[str, Any]) -> Iterator[tuple[str, TablePath]]:
    """Every translatable text of a protocol's table (as read from its file, or a
    dumped :class:`Protocol`) as its place and its path, in the file's order. A
    text that is left out (an optional one) has no place."""
    for key in _TOP:
        if table.get(key) is not None:
            yield key, (key,)
    for number, _ in enumerate(table.get("warning_signs", ())):
        yield f"warning_signs.{number}", ("warning_signs", number)
    for key in _AFTER_SIGNS:
        if table.get(key) is not None:
            yield key, (key,)
    for number, _ in enumerate(table.get("trimesters", ())):
        yield f"trimesters.{number}.name", ("trimesters", number, "name")
    short_cervix = table.get("short_cervix") or {}
    for key in _SHORT_CERVIX:
        if short_cervix.get(key) is not None:
            yield f"short_cervix.{key}", ("short_cervix", key)
    history = table.get("prior_preterm_birth") or {}
    for key in _PRETERM_BIRTH:
        if history.get(key) is not None:
            yield f"prior_preterm_birth.{key}", ("prior_preterm_birth", key)
    for number, factor in enumerate(table.get("risk_factors", ())):
        yield f"risk_factors.{factor['id']}.label", ("risk_factors", number, "label")
    for number, milestone in enumerate(table.get("milestones", ())):
        at: TablePath = ("milestones", number)
        named = f"milestones.{milestone['id']}"
        for key in _MILESTONE:
            yield f"{named}.{key}", (*at, key)
        for note, _ in enumerate(milestone.get("notes", ())):
            yield f"{named}.notes.{note}", (*at, "notes", note)
        for row, rule in enumerate(milestone.get("rules", ())):
            key = rule.get("key") or default_rule_key(rule.get("when", ()))
            if rule.get("title") is not None:
                yield f"{named}.rules.{key}.title", (*at, "rules", row, "title")
            yield f"{named}.rules.{key}.reason", (*at, "rules", row, "reason")


def messages(table: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every translatable text of a protocol's table as its catalog context
    (``<protocol id>:<place>``) and its text."""
    return [(context, english) for context, _, english in _texts(table)]


def translated_table(table: Mapping[str, Any], language: str, lookup: Lookup) -> dict[str, Any]:
    """A copy of a protocol's table with every text as ``lookup`` gives it and
    ``language`` set; everything else is the table's own."""
    copy: dict[str, Any] = _copied(table)
    for context, path, english in _texts(table):
        _put(copy, path, lookup(context, english))
    copy["language"] = language
    return copy


def translated_file(text: str, language: str, lookup: Lookup, *, source: str) -> str:
    """A protocol file's text with every text as ``lookup`` gives it, each replaced
    where it stands, and ``language = "<language>"`` in place of the file's own;
    comments, layout and data stay as they are.

    The file must write each text as a one-line basic string (``key = "..."``)
    and each item of a list of texts on a line of its own (``    "...",``), as the
    shipped files do; a text written another way is a :class:`ProtocolError`
    naming its place.
    """
    import tomllib

    table = tomllib.loads(text)
    places: dict[TablePath, str] = {("language",): "language"}
    wanted: dict[TablePath, str] = {("language",): language}
    for place, path in text_places(table):
        english = _at(table, path)
        places[path] = place
        translation = lookup(_context(table, place), english)
        if translation != english:
            wanted[path] = translation
    lines = text.splitlines(keepends=True)
    found: set[TablePath] = set()
    for number, path, start, end in _strings(lines):
        if path not in places:
            continue
        written = tomllib.loads(f"v = {lines[number][start:end]}")["v"]
        if written != _at(table, path):  # the scan lost its place: never write there
            raise ProtocolError(
                f"line {number + 1}: cannot tell which text it holds (write each table's "
                "header as [name] or [[name]])",
                file=source,
            )
        found.add(path)
        if path in wanted:
            line = lines[number]
            lines[number] = line[:start] + toml_string(wanted[path]) + line[end:]
    missing = [place for path, place in places.items() if path not in found]
    if missing:
        raise ProtocolError(
            f'{missing[0]} is not written as a one-line string (key = "...", or a list\'s '
            "item on a line of its own), so it cannot be replaced where it stands",
            file=source,
        )
    return "".join(lines)


def _texts(table: Mapping[str, Any]) -> Iterator[tuple[str, TablePath, str]]:
    """Each text's context, path and text."""
    for place, path in text_places(table):
        yield _context(table, place), path, _at(table, path)


def _context(table: Mapping[str, Any], place: str) -> str:
    return f"{table['id']}:{place}"


_KEY = r"[A-Za-z0-9_-]+"
_STRING = r'"(?:[^"\\\n]|\\.)*"'
_TABLE = re.compile(rf"\s*(\[\[?)\s*({_KEY}(?:\.{_KEY})*)\s*\]\]?\s*(?:#.*)?$")
_VALUE = re.compile(rf"\s*({_KEY})\s*=\s*({_STRING})\s*(?:#.*)?$")
_LIST_START = re.compile(rf"\s*({_KEY})\s*=\s*\[\s*(?:#.*)?$")
_ITEM = re.compile(rf"\s*({_STRING})\s*,?\s*(?:#.*)?$")
_LIST_END = re.compile(r"\s*\]\s*(?:#.*)?$")
_BLANK = re.compile(r"\s*(?:#.*)?$")


def _strings(lines: list[str]) -> Iterator[tuple[int, TablePath, int, int]]:
    """Each one-line basic string of a TOML file that is a value of its own or an
    item of a list written one item a line: its line, its path in the table, and
    where the string (quotes included) starts and ends on the line."""
    table: TablePath = ()
    arrays: dict[TablePath, int] = {}  # how many tables each array of tables has so far
    in_list: TablePath | None = None
    item = 0  # the next item's position, or -1 in a list not written one item a line
    for number, line in enumerate(lines):
        if in_list is not None:
            if _LIST_END.match(line):
                in_list = None
            elif _BLANK.match(line):
                pass
            elif (found := _ITEM.match(line)) and item >= 0:
                yield number, (*in_list, item), found.start(1), found.end(1)
                item += 1
            else:
                item = -1
            continue
        if found := _TABLE.match(line):
            table = _table_path(found[2].split("."), found[1] == "[[", arrays)
        elif found := _VALUE.match(line):
            yield number, (*table, found[1]), found.start(2), found.end(2)
        elif found := _LIST_START.match(line):
            in_list, item = (*table, found[1]), 0


def _table_path(keys: list[str], array: bool, arrays: dict[TablePath, int]) -> TablePath:
    """The path of a table header's table: an array of tables (``[[milestones]]``)
    gets its next position; a key that names one (``milestones`` in
    ``[[milestones.rules]]``) means its latest table."""
    path: TablePath = ()
    for number, key in enumerate(keys):
        path = (*path, key)
        if array and number == len(keys) - 1:
            arrays[path] = arrays.get(path, 0) + 1
            path = (*path, arrays[path] - 1)
        elif path in arrays:
            path = (*path, arrays[path] - 1)
    return path


_ESCAPES = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\t"): "\\t", ord("\n"): "\\n"}
_ESCAPES.update({code: f"\\u{code:04X}" for code in (*range(32), 127) if code not in _ESCAPES})


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string, quotes included: a quote, a backslash and
    every control character escaped (the model's texts hold none but tab and
    newline)."""
    return '"' + text.translate(_ESCAPES) + '"'


def _at(table: Mapping[str, Any], path: TablePath) -> Any:
    value: Any = table
    for part in path:
        value = value[part]
    return value


def _put(table: dict[str, Any], path: TablePath, text: str) -> None:
    *parents, last = path
    _at(table, tuple(parents))[last] = text


def _copied(value: Any) -> Any:
    """A copy of a table read from TOML: its tables and lists copied, its values
    (text, numbers, dates: all immutable) shared."""
    if isinstance(value, Mapping):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copied(item) for item in value]
    return value
