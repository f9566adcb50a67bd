"""The timeline as a standalone SVG document: a heading, the chart, what is not on
it, the warning signs and the clinician note."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from .._text import for_xml
from ._style import FONT_FAMILY, MUTED, PAPER, SVG_NAMESPACE
from ._svg import element, fixed, text_element, wrap
from ._words import dating_summary, page_title, today_summary
from .chart import EDGE, LABEL_FONT, LINE, WIDTH, build_chart

if TYPE_CHECKING:
    from ..plan_model import Plan

__all__ = ["build_document", "render"]


def build_document(plan: Plan, title: str | None = None) -> ET.Element:
    """The standalone SVG: a heading, the chart, what is not on it, the warning
    signs and the clinician note."""
    name = page_title(plan, title)
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "width": "",
            "height": "",
            "viewBox": "",
            "role": "img",
            "font-family": FONT_FAMILY,
        },
    )
    element(root, "title", text=name)
    # A white sheet of its own, so an app's dark background cannot sink the contrast.
    element(root, "rect", {"width": "100%", "height": "100%", "fill": PAPER})
    room = WIDTH - 2 * EDGE
    y = 22.0
    for line in wrap(name, room, 18, bold=True):
        text_element(root, EDGE, y, line, size=18, bold=True)
        y += 22
    facts = [f"{dating_summary(plan)}. {today_summary(plan)}."]
    if plan.plan_id:
        facts.append(f"Plan {for_xml(plan.plan_id)}")
    if plan.dating.explanation:
        facts.append(f"How the pregnancy was dated: {for_xml(plan.dating.explanation)}")
    facts.extend(f"Note on the dating: {for_xml(note)}" for note in plan.dating.notes)
    for fact in facts:
        for line in wrap(fact, room, LABEL_FONT):
            text_element(root, EDGE, y, line, size=LABEL_FONT)
            y += LINE
    y += 6

    chart = build_chart(plan, title)
    chart.element.set("y", fixed(y))
    del chart.element.attrib["class"]
    root.append(chart.element)
    y += chart.height + 14

    left_out = [item for item in plan.milestones if not item.on_timeline]
    if left_out:
        text_element(
            root,
            EDGE,
            y,
            "Does not apply, so not on the timeline",
            size=LABEL_FONT,
            fill=MUTED,
            bold=True,
        )
        y += LINE
        for item in left_out:
            for line in wrap(f"{for_xml(item.title)}: {for_xml(item.reason)}", room, LABEL_FONT):
                text_element(root, EDGE, y, line, size=LABEL_FONT, fill=MUTED)
                y += LINE
        y += 6
    text_element(
        root,
        EDGE,
        y,
        "Warning signs: contact your care team at once if you notice",
        size=LABEL_FONT,
        bold=True,
    )
    y += LINE
    for sign in plan.warning_signs:
        for index, line in enumerate(wrap(for_xml(sign), room - 12, LABEL_FONT)):
            text_element(root, EDGE + 12, y, ("• " if index == 0 else "  ") + line, size=LABEL_FONT)
            y += LINE
    y += 6
    for line in wrap(for_xml(plan.clinician_note), room, LABEL_FONT, bold=True):
        text_element(root, EDGE, y, line, size=LABEL_FONT, bold=True)
        y += LINE
    height = y + 4
    root.set("width", fixed(WIDTH))
    root.set("height", fixed(height))
    root.set("viewBox", f"0 0 {fixed(WIDTH)} {fixed(height)}")
    return root


def render(plan: Plan, title: str | None = None) -> str:
    """The standalone SVG document."""
    body = ET.tostring(build_document(plan, title), encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
