"""Markup for the printable page and the chart: a small tree of elements that
writes itself as HTML or as XML, byte for byte as ElementTree's ``tostring``
writes the same tree (method ``html`` or ``xml``), and about three times faster
(the page has some four hundred elements, and ElementTree's writer is generic:
namespaces, comments, a call per attribute).

Every text and attribute value is escaped as it is written, the way ElementTree
escapes it, so no text from a clinic or a caller can become markup. Values are
text; numbers are written out by the caller (see ``_svg.fixed``). Tag names are
in lower case, as the page's and the SVG's are.
``tests/export/test_markup.py`` holds the bytes equal to ElementTree's for any
tree and any text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["Element", "html", "needs_escaping", "sub", "xml"]


class Element:
    """An element: its tag, its attributes in order, its text, its children, and
    the text after it (``tail``, as in ElementTree).

    Attributes are in ``attrib``, written (and escaped) when the tree is; or,
    where :func:`write_attributes` found nothing in them to escape, already
    written out in ``written`` (`` x="1" y="2"``, the same in HTML and XML),
    which the tree's writing then only copies. ``written`` comes first.
    """

    __slots__ = ("attrib", "children", "tag", "tail", "text", "written")

    def __init__(self, tag: str, attrib: dict[str, str] | None = None, text: str = "") -> None:
        self.tag = tag
        self.attrib = {} if attrib is None else attrib
        self.written = ""
        self.text = text
        self.tail = ""
        self.children: list[Element] = []

    def set(self, name: str, value: str) -> None:
        """Set an attribute (one already there keeps its place)."""
        self.attrib[name] = value

    def append(self, child: Element) -> None:
        self.children.append(child)


def sub(parent: Element, tag: str, attrib: dict[str, str] | None = None, text: str = "") -> Element:
    """A new last child of ``parent``."""
    child = Element(tag, attrib, text)
    parent.children.append(child)
    return child


def needs_escaping(value: str) -> bool:
    """Whether an attribute value would be written escaped (in HTML or XML)."""
    return _ESCAPED_IN_AN_ATTRIBUTE(value) is not None


def html(root: Element) -> str:
    """The tree as ElementTree's HTML method writes it: void elements (``br``,
    ``meta``) without an end tag, every other one with one, and the text of
    ``style`` and ``script`` as it is."""
    out: list[str] = []
    _html(root, out)
    return "".join(out)


def xml(root: Element) -> str:
    """The tree as ElementTree's XML method writes it: an element with no text
    and no children closes itself (``<rect ... />``)."""
    out: list[str] = []
    _xml(root, out)
    return "".join(out)


# -- writing ------------------------------------------------------------------------------

_VOID = frozenset(
    {
        "area",
        "base",
        "basefont",
        "br",
        "col",
        "embed",
        "frame",
        "hr",
        "img",
        "input",
        "isindex",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
"""HTML elements without content (ElementTree's list)."""
_RAW_TEXT = frozenset({"script", "style"})
_ESCAPED_IN_AN_ATTRIBUTE = re.compile('[&<>"\r\n\t]').search
"""Whether any attribute value of an element needs escaping, found in one pass."""


def _text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _html_value(value: str) -> str:
    if "&" in value:
        value = value.replace("&", "&amp;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if '"' in value:
        value = value.replace('"', "&quot;")
    return value


def _xml_value(value: str) -> str:
    value = _text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "\n" in value:
        value = value.replace("\n", "&#10;")
    if "\t" in value:
        value = value.replace("\t", "&#09;")
    return value


def _attributes(attrib: dict[str, str], escape: Callable[[str], str]) -> str:
    """`` name="value" ...``, escaped."""
    if _ESCAPED_IN_AN_ATTRIBUTE("".join(attrib.values())):
        return "".join([f' {name}="{escape(value)}"' for name, value in attrib.items()])
    return "".join([f' {name}="{value}"' for name, value in attrib.items()])  # the usual case


def _html(element: Element, out: list[str]) -> None:
    tag = element.tag  # lower case, as every tag of the page is (ElementTree lowers it)
    start = f"<{tag}{element.written}"
    if element.attrib:
        start += _attributes(element.attrib, _html_value)
    text = element.text
    if text:
        out.append(f"{start}>{text if tag in _RAW_TEXT else _text(text)}")
    else:
        out.append(start + ">")
    for child in element.children:
        _html(child, out)
    if tag not in _VOID:
        out.append(f"</{tag}>")
    if element.tail:
        out.append(_text(element.tail))


def _xml(element: Element, out: list[str]) -> None:
    start = f"<{element.tag}{element.written}"
    if element.attrib:
        start += _attributes(element.attrib, _xml_value)
    if element.text or element.children:
        out.append(start + ">")
        if element.text:
            out.append(_text(element.text))
        for child in element.children:
            _xml(child, out)
        out.append(f"</{element.tag}>")
    else:
        out.append(start + " />")
    if element.tail:
        out.append(_text(element.tail))
