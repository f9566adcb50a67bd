"""What free text (plan ids, calendar names, protocol texts) may hold."""

from __future__ import annotations

LAYOUT = "\t\n"
"""Control characters that are layout, not control: tab and newline."""


def control_character(text: str, *, allow: str = LAYOUT) -> str | None:
    """The first character of ``text`` with no safe form in every export (.ics,
    CSV, HTML): C0 and C1 controls other than ``allow``, DEL, and lone
    surrogates. ``None`` when there is none.

    >>> control_character("Clinic; A\\n"), control_character("bell\\x07")
    (None, '\\x07')
    """
    for char in text:
        code = ord(char)
        if char in allow:
            continue
        if code < 32 or 127 <= code < 160 or 0xD800 <= code <= 0xDFFF:
            return char
    return None
