"""SVG building blocks shared by the chart and the standalone document: elements
with fixed-precision numbers, estimated text widths and wrapping, and each
category's fill pattern and mark shape."""

from __future__ import annotations

import textwrap
from functools import lru_cache
from typing import TYPE_CHECKING

from ._markup import Element, needs_escaping, sub
from ._style import CATEGORY_STYLES, INK, PAPER, Shape

if TYPE_CHECKING:
    from ..vocabulary import Category

__all__ = [
    "add_patterns",
    "element",
    "pattern_fill",
    "fixed",
    "mark",
    "text_element",
    "text_width",
    "wrap",
]

# Text is not measured (no fonts are read); these per-character widths, as a
# share of the font size, are a little above Arial's and Liberation Sans's
# averages, so estimates err on the wide side and labels stay inside the chart
# with the usual sans-serif fonts.
_CHAR_WIDTH = 0.55
_BOLD_CHAR_WIDTH = 0.6


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """An upper estimate of the rendered width of ``text``."""
    return len(text) * size * (_BOLD_CHAR_WIDTH if bold else _CHAR_WIDTH)


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    per_char = size * (_BOLD_CHAR_WIDTH if bold else _CHAR_WIDTH)
    return textwrap.wrap(text, max(8, int(width / per_char))) or [""]


@lru_cache(maxsize=4096)
def fixed(value: float) -> str:
    """A number with at most two decimals, without trailing zeros: ``12.5``, ``3``.

    Kept once written: a chart writes the same few hundred numbers (its grid,
    its font sizes) a thousand times. (Equal numbers give equal text, so ``1``
    and ``1.0`` may share an entry.)
    """
    # Fixed precision keeps the bytes the same from run to run and platform to platform.
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def element(
    parent: Element, tag: str, attrs: dict[str, str | float] | None = None, text: str = ""
) -> Element:
    """A new last child of ``parent``, its numbers written with :func:`fixed`."""
    child = sub(parent, tag, None, text)
    if attrs:
        values = {name: v if v.__class__ is str else fixed(v) for name, v in attrs.items()}
        if needs_escaping("".join(values.values())):
            child.attrib = values  # written escaped with the tree
        else:
            child.written = "".join([f' {name}="{value}"' for name, value in values.items()])
    return child


def _written(parent: Element, tag: str, written: str, words: str, text: str = "") -> Element:
    """A new last child whose attributes are written out already (``written``),
    unless the words in them (``words``: its values that are not numbers) need
    escaping, which the caller then does the usual way."""
    if needs_escaping(words):
        raise ValueError(f"{words!r} needs escaping: write this <{tag}> with element()")
    child = sub(parent, tag, None, text)
    child.written = written
    return child


def text_element(
    parent: Element,
    x: float,
    y: float,
    text: str,
    *,
    size: float,
    fill: str = INK,
    anchor: str = "start",
    bold: bool = False,
) -> Element:
    # Written out in one go: the chart has a few hundred of these and of line().
    written = f' x="{fixed(x)}" y="{fixed(y)}" font-size="{fixed(size)}" fill="{fill}"'
    if anchor != "start":
        written += f' text-anchor="{anchor}"'
    if bold:
        written += ' font-weight="bold"'
    return _written(parent, "text", written, fill + anchor, text)


def line(
    parent: Element,
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    *,
    stroke: str,
    width: float,
    dashes: str = "",
) -> Element:
    written = (
        f' x1="{fixed(x1)}" y1="{fixed(y1)}" x2="{fixed(x2)}" y2="{fixed(y2)}"'
        f' stroke="{stroke}" stroke-width="{fixed(width)}"'
    )
    if dashes:
        written += f' stroke-dasharray="{dashes}"'
    return _written(parent, "line", written, stroke + dashes)


def pattern_id(category: str) -> str:
    return f"ct-fill-{category}"


def pattern_fill(category: Category) -> str:
    style = CATEGORY_STYLES[category]
    return style.colour if style.pattern == "solid" else f"url(#{pattern_id(category)})"


def add_patterns(defs: Element) -> None:
    for category, style in CATEGORY_STYLES.items():
        if style.pattern == "solid":
            continue
        attrs: dict[str, str | float] = {
            "id": pattern_id(category),
            "patternUnits": "userSpaceOnUse",
            "width": 6,
            "height": 6,
        }
        if style.pattern == "diagonal":
            attrs["patternTransform"] = "rotate(45)"
        pattern = element(defs, "pattern", attrs)
        element(pattern, "rect", {"width": 6, "height": 6, "fill": style.colour})
        if style.pattern in ("diagonal", "cross"):
            element(pattern, "rect", {"x": 4, "width": 2, "height": 6, "fill": PAPER})
        if style.pattern in ("horizontal", "cross"):
            element(pattern, "rect", {"y": 4, "width": 6, "height": 2, "fill": PAPER})
        if style.pattern == "dots":
            element(pattern, "circle", {"cx": 3, "cy": 3, "r": 1.3, "fill": PAPER})


def mark(
    parent: Element, shape: Shape, cx: float, cy: float, size: float, fill: str, stroke: str
) -> None:
    half = size / 2
    paint = f' fill="{fill}" stroke="{stroke}" stroke-width="1.5"'
    if shape == "circle":
        written = f' cx="{fixed(cx)}" cy="{fixed(cy)}" r="{fixed(half * 0.95)}"'
        _written(parent, "circle", written + paint, fill + stroke)
        return
    if shape == "square":
        side = size * 0.85
        written = (
            f' x="{fixed(cx - side / 2)}" y="{fixed(cy - side / 2)}"'
            f' width="{fixed(side)}" height="{fixed(side)}"'
        )
        _written(parent, "rect", written + paint, fill + stroke)
        return
    corners = {
        "triangle": ((0, -half), (half, half), (-half, half)),
        "triangle-down": ((-half, -half), (half, -half), (0, half)),
        "diamond": ((0, -half), (half, 0), (0, half), (-half, 0)),
    }[shape]
    points = " ".join(f"{fixed(cx + dx)},{fixed(cy + dy)}" for dx, dy in corners)
    _written(parent, "polygon", f' points="{points}"' + paint, fill + stroke)
