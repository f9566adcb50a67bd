"""The printable page: one self-contained HTML file with the timeline, the warning
signs, the clinician note and the milestone table, laid out for A4 or Letter sheets
(the essentials on the first; a long table continues on the next, numbered).

Built with :mod:`._markup`, which escapes every text and attribute, so a title or a
clinic's protocol text shows as text and never becomes markup. Nothing is
fetched: the CSS and the SVG are inline, fonts are the reader's own, and a Content
Security Policy forbids loading anything.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import phrases as words
from ..safe_text import for_xml
from ..wording import Words, page_title
from . import _markup as markup
from ._markup import Element
from ._qr import qr_code
from ._style import BAND, FONT_FAMILY, INK, MUTED, PAPER, RULE
from ._svg import fixed
from .chart import WIDTH, build_chart

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan

__all__ = ["render"]

# On a screen no text is smaller than 11 CSS pixels (the table's 8 pt, 10.7 px on paper,
# is 11 px there), and the chart keeps its own size, in which its smallest text is 11 px: on
# a screen narrower than the chart (a phone, 390 px) it scrolls sideways rather than shrink
# its words to 6 px. On a narrow screen the warning signs are one column and the dates may
# wrap. None of this is printed: paper keeps the layout below.
SCREEN_SMALLEST = "11px"
NARROW = "600px"

# Laid out for a 190 x 259 mm content box, which A4 (210 x 297 mm) and Letter
# (216 x 279 mm) less 10 mm margins both hold; the chart is drawn at that width.
# What matters most comes first (the timeline, the warning signs, the note); the
# table of milestones follows and, for a long plan, continues on a second sheet,
# where its column heads repeat and every sheet says "Page 1 of 2".
CSS = f"""
@page {{ margin: 10mm; @bottom-right {{ content: {{page_numbers}}; font: 8pt {FONT_FAMILY}; color: {MUTED}; }} }}
html {{ background: {PAPER}; color: {INK}; }}
body {{
  font-family: {FONT_FAMILY}; font-size: 9.5pt; line-height: 1.3;
  max-width: 190mm; margin: 0 auto; padding: 0;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}}
h1 {{ font-size: 15pt; margin: 0 0 2pt; }}
h2 {{ font-size: 10.5pt; margin: 6pt 0 2pt; break-after: avoid; }}
p {{ margin: 0 0 2pt; }}
.facts {{ margin-bottom: 4pt; }}
figure {{ margin: 0; }}
svg.timeline {{ display: block; width: 100%; height: auto; }}
table {{ width: 100%; border-collapse: collapse; font-size: 8pt; line-height: 1.2; }}
th, td {{ text-align: left; vertical-align: top; padding: 0.75pt 3pt;
  border-bottom: 0.5pt solid {RULE}; }}
th {{ background: {BAND}; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
td.when {{ white-space: nowrap; }}
.small {{ font-size: 8pt; }}
tr.not-applicable td {{ color: {MUTED}; }}
tr.not-applicable td.what {{ text-decoration: line-through; }}
.signs ul {{ columns: 2; column-gap: 14pt; margin: 0 0 2pt; padding-left: 14pt; }}
.signs li {{ break-inside: avoid; }}
.urgent {{ font-weight: bold; }}
.ended {{ font-weight: bold; margin-bottom: 4pt; }}
.note {{ border: 1pt solid {INK}; padding: 3pt 6pt; margin-top: 4pt; font-weight: bold; }}
footer {{ color: {MUTED}; font-size: 8pt; margin-top: 4pt; }}
@media screen {{
  body {{ padding: 8mm 4mm; }}
  table, .small, footer {{ font-size: {SCREEN_SMALLEST}; }}
  figure {{ overflow-x: auto; }}
  svg.timeline {{ min-width: {fixed(WIDTH)}px; }}
}}
@media screen and (max-width: {NARROW}) {{
  body {{ padding: 4mm 3mm; }}
  .signs ul {{ columns: 1; }}
  td.when {{ white-space: normal; }}
}}
"""
SUBSCRIBE_CSS = f"""\
.subscribe {{ display: flex; gap: 6pt; align-items: center; margin-top: 4pt;
  border: 0.5pt solid {RULE}; padding: 3pt 6pt; break-inside: avoid; }}
.subscribe h2 {{ margin-top: 0; }}
.subscribe svg.qr {{ flex: none; }}
.address {{ font-family: 'Liberation Mono', 'DejaVu Sans Mono', monospace;
  overflow-wrap: anywhere; }}
"""
"""The subscription box's style, on a page that has one only (a page without one is
as it was, byte for byte)."""

QR_SIZE = "32mm"
"""The printed QR code: 0.8 to 1 mm a module for an address of a published feed,
which a phone's camera reads from a hand's length away."""

COMPOSED_CSS = f"""th.group {{ background: none; font-size: 9pt; padding-top: 5pt;
  border-bottom: 1pt solid {INK}; }}
"""
"""Added for a composed plan only (the heads of its protocols' groups of rows), so a plan
of one protocol keeps its page byte for byte."""

# Belt and braces: even if a link slipped into the page, the browser loads nothing.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _sub(parent: Element, tag: str, text: str = "", **attrs: str) -> Element:
    """A child element; ``class_=`` gives ``class``, ``http_equiv=`` ``http-equiv``."""
    names = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    return markup.sub(parent, tag, names, text)


def _line_break(parent: Element, tail: str) -> None:
    _sub(parent, "br").tail = tail


def render(plan: Plan, title: str | None = None, subscribe_url: str | None = None) -> str:
    w = Words.of(plan)
    name = page_title(plan, title)
    html = Element("html", {"lang": plan.protocol.language})
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "meta", http_equiv="Content-Security-Policy", content=CONTENT_SECURITY_POLICY)
    _sub(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _sub(head, "title", name)
    css = CSS + COMPOSED_CSS if plan.protocols else CSS
    if subscribe_url is not None:
        css += SUBSCRIBE_CSS
    _sub(head, "style", css.replace("{page_numbers}", _css_content(w.t(words.PAGE_NUMBERS))))
    body = _sub(html, "body")

    header = _sub(body, "header")
    _sub(header, "h1", name)
    facts = [w.dating_summary(plan, on_page=True)]
    if plan.ended_on is None:
        facts.append(w.today_summary(plan, on_page=True))
    else:  # said on its own, first: no week is counted past it
        _sub(header, "p", w.ended(plan, on_page=True), class_="ended")
    if plan.plan_id:
        facts.append(w.t(words.PLAN_ID, plan_id=for_xml(plan.plan_id)))
    _sub(header, "p", "".join(f"{fact}. " for fact in facts).rstrip(), class_="facts")
    explanation, notes = w.dating_texts(plan.dating)
    if explanation:
        text = w.t(words.DATING_EXPLANATION, explanation=for_xml(explanation))
        _sub(header, "p", text, class_="small")
    for note in notes:
        _sub(header, "p", w.t(words.DATING_NOTE, note=for_xml(note)), class_="small")

    figure = _sub(body, "figure")
    figure.append(build_chart(plan, title).element)

    if plan.warning_signs:  # none in a plan that ended
        signs = _sub(body, "section", class_="signs")
        _sub(signs, "h2", w.t(words.WARNING_SIGNS))
        _sub(signs, "p", w.t(words.WARNING_SIGNS_LEAD))
        items = _sub(signs, "ul")
        for sign in plan.warning_signs:
            _sub(items, "li", for_xml(sign))
        if plan.urgent_advice:
            _sub(signs, "p", for_xml(plan.urgent_advice), class_="urgent")
    _sub(body, "p", for_xml(plan.clinician_note), class_="note")
    if subscribe_url is not None:
        _subscription(body, subscribe_url, w)

    _sub(body, "h2", w.t(words.MILESTONES))
    _table(body, plan, w)
    if plan.no_longer_planned:  # after the plan's end: named, without dates or weeks
        _sub(body, "h2", w.t(words.NO_LONGER_PLANNED_HEADING))
        gone = _sub(body, "ul", class_="small")
        for item in plan.no_longer_planned:
            _sub(gone, "li", for_xml(item.title))
    _sub(body, "footer", for_xml(w.protocol_line(plan, on_page=True)))
    return "<!DOCTYPE html>\n" + markup.html(html) + "\n"


def _subscription(body: Element, address: str, w: Words) -> None:
    """The calendar's subscription: its address as a QR code and in words (checked
    when the options were built: a plain ASCII web address)."""
    box = _sub(body, "section", class_="subscribe")
    box.append(qr_code(address, size=QR_SIZE, label=w.t(words.SUBSCRIBE_QR_LABEL, address=address)))
    text = _sub(box, "div")
    _sub(text, "h2", w.t(words.SUBSCRIBE_HEADING))
    _sub(text, "p", w.t(words.SUBSCRIBE_HOW))
    _sub(text, "p", w.t(words.SUBSCRIBE_ADDRESS, address=address), class_="address")


def _css_content(template: str) -> str:
    """A template with ``{page}`` and ``{pages}`` as a CSS ``content`` value:
    quoted strings around the page counters."""
    parts: list[str] = []
    for piece in re.split(r"(\{page\}|\{pages\})", template):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(parts)


def _table(body: Element, plan: Plan, w: Words) -> None:
    table = _sub(body, "table")
    head = _sub(_sub(table, "thead"), "tr")
    for heading, width in zip(words.TABLE_COLUMNS, _COLUMN_WIDTHS, strict=True):
        _sub(head, "th", w.t(heading), scope="col", style=f"width: {width}")
    if not plan.protocols:
        rows = _sub(table, "tbody")
        for item in plan.milestones:
            _row(rows, plan, item, w)
        return
    # A composed plan: each protocol's milestones in a group of rows of their own, under
    # the protocol's title (the column heads stay one, repeated on every sheet).
    for ref, items in plan.grouped():
        rows = _sub(table, "tbody")
        group_row = _sub(rows, "tr")
        _sub(group_row, "th", for_xml(ref.title), colspan="3", scope="rowgroup", class_="group")
        for item in items:
            _row(rows, plan, item, w)


def _row(rows: Element, plan: Plan, item: Milestone, w: Words) -> None:
    row = _sub(rows, "tr", class_=item.applicability)
    what = _sub(row, "td", class_="what")
    _sub(what, "strong", for_xml(item.title)).tail = " "
    category = w.t(words.CATEGORY_IN_TABLE, category=w.t(words.CATEGORY_NOUNS[item.category]))
    _sub(what, "span", category, class_="small")

    when = _sub(row, "td", w.page_dates(item), class_="when")
    weeks = w.page_weeks(item)
    if item.on_timeline:
        weeks = w.t(
            words.WEEKS_AND_TIMING, weeks=weeks, timing=w.t(words.TIMING_WORDS[item.timing])
        )
    _line_break(when, weeks)
    if item.occurrences:
        _line_break(when, "")
        _sub(when, "span", w.series(item), class_="small")

    verdict = _sub(row, "td")
    label = w.applicability(item)
    if not item.on_timeline:
        label = w.t(words.NOT_ON_TIMELINE_LABEL, applicability=label)
    _sub(verdict, "strong", w.t(words.LABEL, label=label)).tail = " " + for_xml(item.reason)
    if item.alternative is not None:
        _line_break(verdict, "")
        _sub(verdict, "strong", for_xml(w.choice(plan, item)))
    for note in item.notes:
        _line_break(verdict, "")
        _sub(verdict, "span", w.t(words.NOTE, note=for_xml(note)), class_="small")


# The reasons are the longest texts (a clinic's may list every risk factor), so they
# get the most room; the dates keep to one line each.
_COLUMN_WIDTHS = ("24%", "18%", "58%")
