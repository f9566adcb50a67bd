"""How the printable page and the chart look: the palette, the fonts, and each
category's colour, fill pattern and mark shape (so categories stay apart in
greyscale too).

Every colour the page uses is one of these; the tests check each pairing of text
or mark on background for WCAG AA contrast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ..vocabulary import Category

__all__ = [
    "BAND",
    "CATEGORY_STYLES",
    "FONT_FAMILY",
    "GRID",
    "INK",
    "MONTH_BAND",
    "MUTED",
    "PAPER",
    "RULE",
    "SVG_NAMESPACE",
    "TODAY",
    "CategoryStyle",
    "Pattern",
    "Shape",
]

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FONT_FAMILY = "'Liberation Sans', Arial, Helvetica, 'DejaVu Sans', sans-serif"

PAPER = "#ffffff"
INK = "#1a1a1a"
MUTED = "#595959"
"""Secondary and not-applicable text; 7:1 on paper."""
RULE = "#767676"
"""Axis, ticks and table rules; 4.5:1 on paper."""
BAND = "#f0f0f0"
"""The first and third trimesters' shading, and table heads."""
MONTH_BAND = "#e0e0e0"
"""Every other month in the month row."""
GRID = "#d9d9d9"
"""Week grid lines: decoration only, so exempt from contrast."""
TODAY = "#c51b7d"

Shape = Literal["triangle", "circle", "square", "diamond", "triangle-down"]
Pattern = Literal["diagonal", "dots", "solid", "cross", "horizontal"]


@dataclass(frozen=True)
class CategoryStyle:
    """How one category looks: a colour, and a fill pattern and a mark shape."""

    colour: str
    pattern: Pattern
    shape: Shape


CATEGORY_STYLES: dict[Category, CategoryStyle] = {
    "risk": CategoryStyle("#b35806", "diagonal", "triangle"),
    "monitoring": CategoryStyle("#2166ac", "dots", "circle"),
    "treatment": CategoryStyle("#762a83", "solid", "square"),
    "medication": CategoryStyle("#1b7837", "cross", "diamond"),
    "birth": CategoryStyle("#4d4d4d", "horizontal", "triangle-down"),
}
