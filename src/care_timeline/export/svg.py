"""The timeline as a standalone SVG document: a heading, the chart, what is not on
it, the warning signs and the clinician note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import phrases as words
from ..safe_text import for_xml
from ..wording import Words, page_title
from . import _markup as markup
from ._markup import Element
from ._style import FONT_FAMILY, INK, MUTED, PAPER, SVG_NAMESPACE
from ._svg import element, fixed, text_element, wrap
from .chart import EDGE, LABEL_FONT, LINE, WIDTH, build_chart

if TYPE_CHECKING:
    from ..plan_model import Plan

__all__ = ["build_document", "render"]


def build_document(plan: Plan, title: str | None = None) -> Element:
    """The standalone SVG: a heading, the chart, what is not on it, the warning
    signs and the clinician note."""
    name = page_title(plan, title)
    root = Element(
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
    w = Words.of(plan)
    if plan.ended_on is None:
        facts = [f"{w.dating_summary(plan, on_page=True)}. {w.today_summary(plan, on_page=True)}."]
    else:  # no week is counted past the end
        facts = [w.ended(plan, on_page=True), f"{w.dating_summary(plan, on_page=True)}."]
    if plan.plan_id:
        facts.append(w.t(words.PLAN_ID, plan_id=for_xml(plan.plan_id)))
    explanation, notes = w.dating_texts(plan.dating)
    if explanation:
        facts.append(w.t(words.DATING_EXPLANATION, explanation=for_xml(explanation)))
    facts.extend(w.t(words.DATING_NOTE, note=for_xml(note)) for note in notes)
    for fact in facts:
        y = _paragraph(root, y, fact)
    y += 6

    chart = build_chart(plan, title)
    chart.element.set("y", fixed(y))
    del chart.element.attrib["class"]
    root.append(chart.element)
    y += chart.height + 14

    left_out = [item for item in plan.milestones if not item.on_timeline]
    if left_out:
        y = _paragraph(root, y, w.t(words.NOT_ON_TIMELINE), fill=MUTED, bold=True)
        for item in left_out:
            line = w.t(words.TITLE_AND_REASON, title=item.title, reason=item.reason)
            y = _paragraph(root, y, for_xml(line), fill=MUTED)
        y += 6
    if plan.no_longer_planned:  # after the plan's end: named, without dates or weeks
        y = _paragraph(root, y, w.t(words.NO_LONGER_PLANNED_HEADING), fill=MUTED, bold=True)
        for gone in plan.no_longer_planned:
            y = _paragraph(root, y, for_xml(gone.title), fill=MUTED, bullet=True)
        y += 6
    if plan.warning_signs:  # none in a plan that ended
        y = _paragraph(root, y, w.t(words.WARNING_SIGNS), bold=True)
        y = _paragraph(root, y, w.t(words.WARNING_SIGNS_LEAD))
        for sign in plan.warning_signs:
            y = _paragraph(root, y, for_xml(sign), bullet=True)
        if plan.urgent_advice:
            y = _paragraph(root, y, for_xml(plan.urgent_advice), bold=True)
        y += 6
    y = _paragraph(root, y, for_xml(plan.clinician_note), bold=True)
    height = y + 4
    root.set("width", fixed(WIDTH))
    root.set("height", fixed(height))
    root.set("viewBox", f"0 0 {fixed(WIDTH)} {fixed(height)}")
    return root


def _paragraph(
    root: Element,
    y: float,
    text: str,
    *,
    fill: str = INK,
    bold: bool = False,
    bullet: bool = False,
) -> float:
    """Text wrapped to the document's width (a bulleted item indented); returns
    the y below it."""
    indent = 12.0 if bullet else 0.0
    for index, line in enumerate(wrap(text, WIDTH - 2 * EDGE - indent, LABEL_FONT, bold=bold)):
        if bullet:
            line = ("• " if index == 0 else "  ") + line
        text_element(root, EDGE + indent, y, line, size=LABEL_FONT, fill=fill, bold=bold)
        y += LINE
    return y


def render(plan: Plan, title: str | None = None) -> str:
    """The standalone SVG document."""
    body = markup.xml(build_document(plan, title))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
