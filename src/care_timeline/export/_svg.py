"""SVG building blocks shared by the chart and the standalone document: elements
with fixed-precision numbers, estimated text widths and wrapping, and each
category's fill pattern and mark shape."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

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


def fixed(value: float) -> str:
    # Fixed precision keeps the bytes the same from run to run and platform to platform.
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def element(
    parent: ET.Element, tag: str, attrs: dict[str, str | float] | None = None, text: str = ""
) -> ET.Element:
    element = ET.SubElement(
        parent,
        tag,
        {k: fixed(v) if isinstance(v, float | int) else v for k, v in (attrs or {}).items()},
    )
    if text:
        element.text = text
    return element


def text_element(
    parent: ET.Element,
    x: float,
    y: float,
    text: str,
    *,
    size: float,
    fill: str = INK,
    anchor: str = "start",
    bold: bool = False,
) -> ET.Element:
    attrs: dict[str, str | float] = {"x": x, "y": y, "font-size": size, "fill": fill}
    if anchor != "start":
        attrs["text-anchor"] = anchor
    if bold:
        attrs["font-weight"] = "bold"
    return element(parent, "text", attrs, text)


def pattern_id(category: str) -> str:
    return f"ct-fill-{category}"


def pattern_fill(category: Category) -> str:
    style = CATEGORY_STYLES[category]
    return style.colour if style.pattern == "solid" else f"url(#{pattern_id(category)})"


def add_patterns(defs: ET.Element) -> None:
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
    parent: ET.Element, shape: Shape, cx: float, cy: float, size: float, fill: str, stroke: str
) -> None:
    half = size / 2
    paint: dict[str, str | float] = {"fill": fill, "stroke": stroke, "stroke-width": 1.5}
    if shape == "circle":
        element(parent, "circle", {"cx": cx, "cy": cy, "r": half * 0.95, **paint})
        return
    if shape == "square":
        side = size * 0.85
        element(
            parent,
            "rect",
            {"x": cx - side / 2, "y": cy - side / 2, "width": side, "height": side, **paint},
        )
        return
    corners = {
        "triangle": ((0, -half), (half, half), (-half, half)),
        "triangle-down": ((-half, -half), (half, -half), (0, half)),
        "diamond": ((0, -half), (half, 0), (0, half), (-half, 0)),
    }[shape]
    points = " ".join(f"{fixed(cx + dx)},{fixed(cy + dy)}" for dx, dy in corners)
    element(parent, "polygon", {"points": points, **paint})
