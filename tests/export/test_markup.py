"""The page's and the chart's markup writer against ElementTree's, byte for byte:
any tree, any text, any attribute value, written as HTML and as XML.

The printable page and the SVG were written with ``ElementTree.tostring``; the
golden files hold the real pages to those bytes, and this holds the writer to
ElementTree's for everything else a clinic's or a caller's text could bring."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care_timeline.export import _markup as markup
from care_timeline.export._svg import element, fixed, line, text_element

# Characters that need escaping in text or in an attribute (in one method or the
# other), and some that do not.
specials = st.sampled_from(["&", "<", ">", '"', "'", "\r", "\n", "\t", "\r\n", "&amp;", "é", "😀"])
texts = st.lists(st.one_of(specials, st.text(max_size=5)), max_size=6).map("".join)
tags = st.sampled_from(["svg", "g", "text", "tspan", "rect", "p", "br", "meta", "style"])
names = st.sampled_from(["x", "class", "fill", "data-a", "lang", "content"])


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> tuple[markup.Element, ET.Element]:
    """The same tree twice: ours and ElementTree's."""
    tag = draw(tags)
    attrib = draw(st.dictionaries(names, texts, max_size=3))
    text = draw(st.one_of(st.just(""), texts))
    mine = markup.Element(tag, dict(attrib), text)
    theirs = ET.Element(tag, dict(attrib))
    theirs.text = text or None
    if depth < 3:
        for _ in range(draw(st.integers(0, 3))):
            child, their_child = draw(trees(depth + 1))
            child.tail = draw(st.one_of(st.just(""), texts))
            their_child.tail = child.tail or None
            mine.append(child)
            theirs.append(their_child)
    return mine, theirs


@given(trees())
def test_html_is_elementtrees(pair: tuple[markup.Element, ET.Element]) -> None:
    mine, theirs = pair
    assert markup.html(mine) == ET.tostring(theirs, encoding="unicode", method="html")


@given(trees())
def test_xml_is_elementtrees(pair: tuple[markup.Element, ET.Element]) -> None:
    mine, theirs = pair
    assert markup.xml(mine) == ET.tostring(theirs, encoding="unicode")


def test_an_attribute_set_later_keeps_its_place() -> None:
    mine = markup.Element("svg", {"class": "timeline", "width": "", "role": "img"})
    mine.set("width", "718")
    mine.set("height", "4")
    theirs = ET.Element("svg", {"class": "timeline", "width": "", "role": "img"})
    theirs.set("width", "718")
    theirs.set("height", "4")
    assert markup.xml(mine) == ET.tostring(theirs, encoding="unicode")


@given(st.dictionaries(names, st.one_of(texts, st.floats(-1e6, 1e6), st.integers(-9, 9))))
def test_element_writes_numbers_fixed_and_escapes_the_rest(
    attrs: dict[str, str | float],
) -> None:
    """element() writes attributes out at once when nothing needs escaping, and
    leaves the rest to be escaped with the tree: the bytes are the same."""
    root = markup.Element("g")
    element(root, "rect", attrs, "t")
    theirs = ET.Element("g")
    ET.SubElement(
        theirs, "rect", {k: v if isinstance(v, str) else fixed(v) for k, v in attrs.items()}
    ).text = "t"
    assert markup.html(root) == ET.tostring(theirs, encoding="unicode", method="html")
    assert markup.xml(root) == ET.tostring(theirs, encoding="unicode")


def test_the_written_helpers_refuse_words_that_need_escaping() -> None:
    root = markup.Element("g")
    with pytest.raises(ValueError, match="element"):
        text_element(root, 1, 2, "x", size=3, fill='a"b')
    with pytest.raises(ValueError, match="element"):
        line(root, 1, 2, 3, 4, stroke="<", width=1)
    text_element(root, 1.5, 2, "a<b", size=3, anchor="middle", bold=True)
    assert markup.xml(root) == (
        '<g><text x="1.5" y="2" font-size="3" fill="#1a1a1a" text-anchor="middle"'
        ' font-weight="bold">a&lt;b</text></g>'
    )
