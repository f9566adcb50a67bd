"""A QR code as an SVG element of the printable page, for a phone's camera.

segno (pure Python) makes the code's matrix; this module draws it with the page's
own markup writer: one path of the dark modules, on a light square with the
quiet zone of four modules that the QR standard asks for. segno is imported
only here, when a page has an address to show, so planning, the other formats
and the command line's start-up do not pay for it.

The error correction is level M at least (segno raises it when the address fits
the same size anyway): up to about 15% of the printed code may be smudged or
folded and a camera still reads it.
"""

from __future__ import annotations

from ._markup import Element
from ._style import INK, PAPER

__all__ = ["QUIET_ZONE", "qr_code"]

QUIET_ZONE = 4
"""Light modules around the code (ISO/IEC 18004 asks for four)."""


def qr_code(text: str, *, size: str, label: str) -> Element:
    """An ``<svg>`` of ``text``'s QR code, ``size`` wide and high (a CSS length),
    titled ``label`` for a screen reader."""
    import segno  # here: only a page with an address loads it

    code = segno.make_qr(text, error="m")
    rows = [tuple(row) for row in code.matrix_iter(scale=1, border=0)]
    side = len(rows) + 2 * QUIET_ZONE
    svg = Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "qr",
            "viewBox": f"0 0 {side} {side}",
            "width": size,
            "height": size,
            "role": "img",
            "aria-label": label,
            "shape-rendering": "crispEdges",
        },
    )
    svg.children.append(Element("title", None, label))
    svg.children.append(Element("rect", {"width": str(side), "height": str(side), "fill": PAPER}))
    svg.children.append(Element("path", {"d": _path(rows), "fill": INK}))
    return svg


def _path(rows: list[tuple[int, ...]]) -> str:
    """Each run of dark modules in a row as one rectangle: ``M x y h n v 1 h -n z``."""
    parts: list[str] = []
    for y, row in enumerate(rows, start=QUIET_ZONE):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            parts.append(f"M{start + QUIET_ZONE} {y}h{x - start}v1h-{x - start}z")
    return "".join(parts)
