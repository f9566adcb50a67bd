"""What free text may hold, and how text from other people is shown safely.

Plan ids, calendar names and protocol texts come from clinics' files and apps;
they end up in calendars, CSV, HTML, terminals and error messages. Each place
has one helper here.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

LAYOUT = "\t\n"
"""Control characters that are layout, not control: tab and newline."""

_CONTROL = r"\x00-\x08\x0B-\x1F\x7F-\x9F"
TEXT_PATTERN = f"^[^{_CONTROL}]*[^\\s{_CONTROL}][^{_CONTROL}]*$"
"""Text with something in it besides blanks, and no control character but tab and
newline (the rule of :func:`control_character`), as a pattern checked without a call
into Python for every text of every plan. (Lone surrogates never get this far: they
are not text a pattern can read, and are refused as such.)"""
TEXT_OR_EMPTY_PATTERN = f"^([^{_CONTROL}]*[^\\s{_CONTROL}][^{_CONTROL}]*)?$"
PATTERN_MEANINGS = {
    TEXT_PATTERN: "text that is not blank and holds no control character (a line break "
    "and a tab are fine)",
    TEXT_OR_EMPTY_PATTERN: "empty, or text that is not blank and holds no control "
    "character (a line break and a tab are fine)",
}
"""What a pattern allows, in words, for the error that names it."""

MESSAGE_LENGTH = 80
"""Values quoted in an error message are cut to this many characters, in the middle: a
long path keeps its file name, a long value its start and its end."""


@cache
def _not_xml() -> re.Pattern[str]:
    """Characters XML 1.0 cannot carry at all. (Compiled when first needed: a
    class with the surrogates takes half a millisecond, which a command that
    writes no XML should not pay at start-up.)"""
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def control_character(text: str, *, allow: str = LAYOUT) -> str | None:
    """The first character of ``text`` with no safe form in every export (.ics,
    CSV, HTML): C0 and C1 controls other than ``allow``, DEL, and lone
    surrogates. ``None`` when there is none.

    >>> control_character("Clinic; A\\n"), control_character("bell\\x07")
    (None, '\\x07')
    """
    if text.isprintable():
        return None  # the usual case, found without a loop: no control character
    for char in text:
        code = ord(char)
        if char in allow:
            continue
        if code < 32 or 127 <= code < 160 or 0xD800 <= code <= 0xDFFF:
            return char
    return None


def for_xml(text: str) -> str:
    """Text made safe to put in XML (SVG, HTML): characters XML cannot hold
    become U+FFFD. Markup characters are escaped by the XML writer itself.

    >>> for_xml("a\\x00b")
    'a\\ufffdb'
    """
    return _not_xml().sub("\ufffd", text)


def for_terminal(text: str) -> str:
    """Text made safe to print to a terminal: characters that are not printable
    (escape sequences among them) are shown as Python escapes, not run.

    >>> for_terminal("id\\x1b[2J")
    'id\\\\x1b[2J'
    """
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def for_message(value: Any, *, limit: int = MESSAGE_LENGTH) -> str:
    """A value as an error message quotes it: text in quotes (with line breaks
    and other unprintable characters escaped), cut in the middle to ``limit``
    characters, so that a long path still ends with its file's name.

    >>> print(for_message("14x3"), for_message(45), for_message("/a" * 60 + "/plan.ics")[-12:])
    '14x3' 45 /a/plan.ics'
    """
    if isinstance(value, str):
        return repr(_cut(value.replace("\n", "\\n").replace("\r", "\\r"), limit))
    try:
        text = for_terminal(str(value))
    except ValueError:  # an int too long to turn into text (over 4,300 digits)
        text = "a number too large to show"
    return _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = (limit - 3) // 2
    return text[:head] + "..." + text[len(text) - (limit - 3 - head) :]
