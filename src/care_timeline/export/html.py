"""The printable page: one self-contained HTML file with the timeline, the milestone
table, the warning signs and the clinician note, sized for one A4 or Letter page.

Built with :mod:`xml.etree.ElementTree`, which escapes every text and attribute, so a
title or a clinic's protocol text shows as text and never becomes markup. Nothing is
fetched: the CSS and the SVG are inline, fonts are the reader's own, and a Content
Security Policy forbids loading anything.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from .._text import for_xml
from ._style import BAND, FONT_FAMILY, INK, MUTED, PAPER, RULE
from ._words import (
    APPLICABILITY_LABELS,
    CATEGORY_NOUNS,
    TIMING_WORDS,
    dating_summary,
    format_date,
    format_ga_range,
    format_range,
    page_title,
    series_summary,
    today_summary,
)
from .chart import build_chart

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan

__all__ = ["render"]

# Laid out for a 190 x 259 mm content box, which A4 (210 x 297 mm) and Letter
# (216 x 279 mm) less 10 mm margins both hold; the chart is drawn at that width.
CSS = f"""
@page {{ margin: 10mm; }}
html {{ background: {PAPER}; color: {INK}; }}
body {{
  font-family: {FONT_FAMILY}; font-size: 9.5pt; line-height: 1.3;
  max-width: 190mm; margin: 0 auto; padding: 0;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}}
@media screen {{ body {{ padding: 8mm 4mm; }} }}
h1 {{ font-size: 15pt; margin: 0 0 2pt; }}
h2 {{ font-size: 10.5pt; margin: 6pt 0 2pt; }}
p {{ margin: 0 0 2pt; }}
.facts {{ margin-bottom: 4pt; }}
figure {{ margin: 0; }}
svg.timeline {{ display: block; width: 100%; height: auto; }}
table {{ width: 100%; border-collapse: collapse; font-size: 8.5pt; line-height: 1.2; }}
th, td {{ text-align: left; vertical-align: top; padding: 0.75pt 3pt;
  border-bottom: 0.5pt solid {RULE}; }}
th {{ background: {BAND}; }}
tr {{ break-inside: avoid; }}
td.when {{ white-space: nowrap; }}
.small {{ font-size: 8pt; }}
tr.not-applicable td {{ color: {MUTED}; }}
tr.not-applicable td.what {{ text-decoration: line-through; }}
.bottom {{ display: grid; grid-template-columns: 1fr 1fr; gap: 8pt; margin-top: 4pt; }}
.bottom ul {{ margin: 0; padding-left: 14pt; }}
.note {{ border: 1pt solid {INK}; padding: 4pt 6pt; margin-top: 6pt; font-weight: bold; }}
footer {{ color: {MUTED}; font-size: 8pt; margin-top: 4pt; }}
"""

# Belt and braces: even if a link slipped into the page, the browser loads nothing.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    """A child element; ``class_=`` gives ``class``, ``http_equiv=`` ``http-equiv``."""
    names = {key: key.rstrip("_").replace("_", "-") for key in attrs}
    element = ET.SubElement(parent, tag, {names[key]: value for key, value in attrs.items()})
    if text:
        element.text = text
    return element


def _line_break(parent: ET.Element, tail: str) -> None:
    _sub(parent, "br").tail = tail


def render(plan: Plan, title: str | None = None) -> str:
    name = page_title(plan, title)
    html = ET.Element("html", {"lang": plan.protocol.language})
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "meta", http_equiv="Content-Security-Policy", content=CONTENT_SECURITY_POLICY)
    _sub(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _sub(head, "title", name)
    _sub(head, "style", CSS)
    body = _sub(html, "body")

    header = _sub(body, "header")
    _sub(header, "h1", name)
    facts = f"{dating_summary(plan)}. {today_summary(plan)}."
    if plan.plan_id:
        facts += f" Plan {for_xml(plan.plan_id)}."
    _sub(header, "p", facts, class_="facts")
    if plan.dating.explanation:
        explanation = f"How the pregnancy was dated: {for_xml(plan.dating.explanation)}"
        _sub(header, "p", explanation, class_="small")
    for note in plan.dating.notes:
        _sub(header, "p", f"Note on the dating: {for_xml(note)}", class_="small")

    figure = _sub(body, "figure")
    figure.append(build_chart(plan, title).element)

    _sub(body, "h2", "Milestones")
    _table(body, plan)

    bottom = _sub(body, "div", class_="bottom")
    signs = _sub(bottom, "section")
    _sub(signs, "h2", "Warning signs")
    _sub(signs, "p", "Contact your care team at once if you notice:")
    items = _sub(signs, "ul")
    for sign in plan.warning_signs:
        _sub(items, "li", for_xml(sign))
    # The note and the footer share the column beside the (longer) warning signs.
    aside = _sub(bottom, "div")
    _sub(aside, "p", for_xml(plan.clinician_note), class_="note")
    _sub(
        aside,
        "footer",
        f"Protocol: {for_xml(plan.protocol.title)} ({for_xml(plan.protocol.id)}, "
        f"version {for_xml(plan.protocol.version)}). Planned as of {format_date(plan.today)}.",
    )
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html") + "\n"


def _table(body: ET.Element, plan: Plan) -> None:
    table = _sub(body, "table")
    head = _sub(_sub(table, "thead"), "tr")
    for heading, width in _COLUMNS:
        _sub(head, "th", heading, scope="col", style=f"width: {width}")
    rows = _sub(table, "tbody")
    for item in plan.milestones:
        _row(rows, item)


def _row(rows: ET.Element, item: Milestone) -> None:
    row = _sub(rows, "tr", class_=item.applicability)
    what = _sub(row, "td", class_="what")
    _sub(what, "strong", for_xml(item.title))
    what[-1].tail = " "
    _sub(what, "span", f"({CATEGORY_NOUNS[item.category]})", class_="small")

    when = _sub(row, "td", format_range(item.start, item.end), class_="when")
    ga = format_ga_range(item)
    _line_break(when, f"{ga}, {TIMING_WORDS[item.timing]}" if item.on_timeline else ga)
    if item.occurrences:
        _line_break(when, "")
        _sub(when, "span", series_summary(item), class_="small")

    verdict = _sub(row, "td")
    label = APPLICABILITY_LABELS[item.applicability]
    if not item.on_timeline:
        label += " (not on the timeline)"
    _sub(verdict, "strong", label + ":")
    verdict[-1].tail = " " + for_xml(item.reason)
    for note in item.notes:
        _line_break(verdict, "")
        _sub(verdict, "span", f"Note: {for_xml(note)}", class_="small")


# The reasons are the longest texts (a clinic's may list every risk factor), so they
# get the most room; the dates keep to one line each.
_COLUMNS = (("Milestone", "27%"), ("Dates, weeks+days", "21%"), ("For you", "52%"))
