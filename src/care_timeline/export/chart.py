"""The plan drawn as a timeline: weeks 0-42 with month labels, the trimester bands,
one lane per milestone on the timeline, today's and the due date's markers and a
legend. The printable page embeds it; :mod:`.svg` wraps it in a document of its own.

One piece, though long: every part is laid out on the same axis and the same
running height (lanes push the markers down, the markers the legend), so
splitting it would only pass that geometry around.

Everything is built as :mod:`._markup` elements, which escape text and attributes
as they are written, so a clinic's or a caller's text can never become markup. Geometry is in
CSS pixels: the chart is 718 units wide, the width of an A4 or Letter page less 10 mm
margins, so one unit prints as one CSS pixel and font sizes mean what they say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from .. import phrases as words
from ..safe_text import for_xml
from ..wording import Words, page_title
from ._markup import Element
from ._style import (
    BAND,
    CATEGORY_STYLES,
    FONT_FAMILY,
    GRID,
    INK,
    MONTH_BAND,
    PAPER,
    RULE,
    TODAY,
)
from ._svg import (
    add_patterns,
    element,
    fixed,
    line,
    mark,
    pattern_fill,
    text_element,
    text_width,
    wrap,
)

if TYPE_CHECKING:
    from ..plan_model import Milestone, Plan
    from ..vocabulary import Category

__all__ = [
    "EDGE",
    "LABEL_FONT",
    "LINE",
    "WIDTH",
    "Chart",
    "build_chart",
    "element",
    "text_element",
    "fixed",
    "text_width",
    "wrap",
]

AXIS_WEEKS = 42
"""The chart runs from 0 weeks to at least here (post-term begins at 42w0d)."""


WIDTH = 718.0
GUTTER = 50.0
"""Left margin holding the row captions."""
RIGHT = 14.0
EDGE = 4.0
"""No text comes closer than this to the left or right edge."""

TICK_FONT = 11.0
LABEL_FONT = 12.0
TRIMESTER_FONT = 12.0
LEGEND_FONT = 11.0
LINE = 14.0
"""Line height of lane labels and legend rows."""
BAR = 10.0


@dataclass(frozen=True)
class _Axis:
    day0: date
    weeks: int
    left: float = GUTTER
    right: float = WIDTH - RIGHT
    last: date | None = None
    """The last day a week may be labelled on: a plan that ended counts no week past
    its end."""

    @property
    def per_day(self) -> float:
        return (self.right - self.left) / (self.weeks * 7)

    @property
    def end(self) -> date:
        """The first day after the axis."""
        return self.day0 + timedelta(days=self.weeks * 7)

    def x(self, day: date) -> float:
        return self.left + (day - self.day0).days * self.per_day

    def centre(self, day: date) -> float:
        return self.x(day) + self.per_day / 2

    def holds(self, day: date) -> bool:
        return self.day0 <= day < self.end

    def span(self, start: date, last: date) -> tuple[float, float] | None:
        """The x range of the inclusive days start..last, cut to the axis."""
        first = max(start, self.day0)
        after = min(last + timedelta(days=1), self.end)
        if after <= first:
            return None
        return self.x(first), self.x(after)


def _axis_for(plan: Plan) -> _Axis:
    # 0-42 weeks, widened when a clinic's protocol puts a live milestone later; a plan
    # that ended runs to the week it ended in, and labels no week after its end.
    day0 = plan.dating.day_zero
    if plan.ended_on is not None:
        ended = (plan.ended_on - day0).days
        return _Axis(day0, max(1, math.ceil((ended + 1) / 7)), last=plan.ended_on)
    last = max((item.end_ga.total_days for item in plan.milestones if item.on_timeline), default=0)
    return _Axis(day0, max(AXIS_WEEKS, math.ceil((last + 1) / 7)))


def _place(text_px: float, want_x: float) -> float:
    """Start text at ``want_x`` unless it would run past the right edge."""
    return max(EDGE, min(want_x, WIDTH - EDGE - text_px))


def _centred(text_px: float, want_x: float) -> float:
    """The middle of text centred on ``want_x`` but kept inside the chart."""
    half = text_px / 2
    return max(EDGE + half, min(want_x, WIDTH - EDGE - half))


@dataclass(frozen=True)
class Chart:
    """The timeline as an ``<svg>`` element (no namespace attribute: the HTML page
    embeds it as is, the standalone SVG declares the namespace on its root)."""

    element: Element
    width: float
    height: float


def build_chart(plan: Plan, title: str | None = None) -> Chart:
    """The timeline with its axis, trimester bands, milestone lanes, today and due
    date markers and a legend."""
    axis = _axis_for(plan)
    w = Words.of(plan)
    name = page_title(plan, title)
    # Sizes are filled in at the end; set now so the attribute order stays fixed.
    svg = Element(
        "svg",
        {
            "class": "timeline",
            "width": "",
            "height": "",
            "viewBox": "",
            "role": "img",
            "font-family": FONT_FAMILY,
        },
    )
    element(svg, "title", text=w.t(words.TIMELINE_TITLE, title=name, weeks=axis.weeks))
    defs = element(svg, "defs")
    add_patterns(defs)

    top_trimester = 0.0
    bands = _band_labels(plan, axis, w)
    top_months = top_trimester + 8 + LINE * max((len(lines) for _, _, lines in bands), default=1)
    top_weeks = top_months + 20
    axis_y = top_weeks + 17
    top_lanes = axis_y + 20
    labels: list[_Box] = []
    lanes, lanes_height = _lanes(plan, axis, top_lanes + 4, w, labels)
    bottom_lanes = top_lanes + 4 + lanes_height
    markers = Element("g", {"class": "markers"})
    bottom = _markers(markers, plan, axis, top_lanes, bottom_lanes, w, labels)

    backdrop = element(svg, "g", {"class": "trimesters"})
    # The protocol's stages (trimesters), every other one shaded.
    for number, (x0, x1, label_lines) in enumerate(bands):
        if x1 <= x0:
            continue
        if number % 2 == 0:
            element(
                backdrop,
                "rect",
                {
                    "x": x0,
                    "y": top_trimester,
                    "width": x1 - x0,
                    "height": bottom_lanes - top_trimester,
                    "fill": BAND,
                },
            )
        for row, text in enumerate(label_lines):
            text_element(
                backdrop,
                (x0 + x1) / 2,
                top_trimester + 15 + row * LINE,
                text,
                size=TRIMESTER_FONT,
                anchor="middle",
                bold=True,
            )

    _month_row(svg, axis, top_months, w)
    _week_rows(svg, axis, top_weeks, axis_y, top_lanes, bottom_lanes, w)
    # Marker lines go under the lanes, so they never cross out a label.
    svg.append(markers)
    svg.append(lanes)
    height = _legend(svg, plan, axis, bottom + 6, w)
    svg.set("width", fixed(WIDTH))
    svg.set("height", fixed(height))
    svg.set("viewBox", f"0 0 {fixed(WIDTH)} {fixed(height)}")
    return Chart(svg, WIDTH, height)


def _band_labels(plan: Plan, axis: _Axis, w: Words) -> list[tuple[float, float, list[str]]]:
    """Each stage's x range and its label: its name and its weeks on one line when
    they fit the band, else on two lines (the weeks under the name), else the name
    alone. A band label never drops its weeks while there is room for them below."""
    bands: list[tuple[float, float, list[str]]] = []
    for stage in plan.trimesters:
        after = axis.end if stage.end is None else stage.end + timedelta(days=1)
        x0, x1 = axis.x(max(stage.start, axis.day0)), axis.x(min(after, axis.end))
        room = x1 - x0 - 4
        weeks = w.trimester_weeks(stage)
        one_line = w.t(words.TRIMESTER_BAND, name=stage.name, weeks=weeks)
        if text_width(one_line, TRIMESTER_FONT) <= room:
            lines = [one_line]
        elif text_width(weeks, TRIMESTER_FONT) <= room:
            lines = [stage.name, weeks]
        else:
            lines = [stage.name]
        bands.append((x0, x1, lines))
    return bands


def _month_row(svg: Element, axis: _Axis, top: float, w: Words) -> None:
    row = element(svg, "g", {"class": "months"})
    month = date(axis.day0.year, axis.day0.month, 1)
    while month < axis.end:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        x0, x1 = axis.x(max(month, axis.day0)), axis.x(min(following, axis.end))
        if month.month % 2 == 0:
            element(
                row, "rect", {"x": x0, "y": top, "width": x1 - x0, "height": 18, "fill": MONTH_BAND}
            )
        for label in (
            w.month_name(month, with_year=True),
            w.month_name(month, with_year=False),
        ):
            if text_width(label, TICK_FONT) <= x1 - x0 - 4:
                text_element(row, (x0 + x1) / 2, top + 13, label, size=TICK_FONT, anchor="middle")
                break
        month = following


def _week_rows(
    svg: Element,
    axis: _Axis,
    top: float,
    axis_y: float,
    top_lanes: float,
    bottom: float,
    w: Words,
) -> None:
    """A tick for every week; the week number above and the date it starts on below,
    for every week when there is room and every other week when there is not."""
    row = element(svg, "g", {"class": "weeks"})
    text_element(row, EDGE, top + 12, w.t(words.WEEK_ROW), size=TICK_FONT, bold=True)
    text_element(row, EDGE, axis_y + 15, w.t(words.DATE_ROW), size=TICK_FONT, bold=True)
    line(row, axis.left, axis_y, axis.right, axis_y, stroke=RULE, width=1)
    week_px = axis.per_day * 7
    every = 1 if week_px >= text_width("00", TICK_FONT) * 2 else 2
    for week in range(axis.weeks + 1):
        day = axis.day0 + timedelta(weeks=week)
        x = axis.x(day)
        labelled = week % every == 0 and (axis.last is None or day <= axis.last)
        line(row, x, top_lanes, x, bottom, stroke=GRID, width=1 if labelled else 0.5)
        tick_up, tick_down = (5, 4) if labelled else (3, 2)
        line(row, x, axis_y - tick_up, x, axis_y + tick_down, stroke=RULE, width=1)
        if labelled:
            text_element(row, x, top + 12, str(week), size=TICK_FONT, anchor="middle")
            text_element(
                row,
                x,
                axis_y + 15,
                w.day_month(day)
                if week_px * every >= text_width("00 May", TICK_FONT) + 4
                else str(day.day),
                size=TICK_FONT,
                anchor="middle",
            )


_Box = tuple[float, float, float, float]
"""A label's room on the chart: left, top, right, bottom."""

_HALO_WIDTH = 1.5
"""How far a label's white outline (:data:`_HALO`) reaches beyond its letters."""


def _label_box(left: float, baseline: float, width: float, size: float) -> _Box:
    """The room a label takes: its estimated width, from a capital's top (a little
    above: the font's ascent) to a descender's foot, and its white outline around."""
    return (
        left - _HALO_WIDTH,
        baseline - size - _HALO_WIDTH,
        left + width + _HALO_WIDTH,
        baseline + 0.3 * size + _HALO_WIDTH,
    )


def _lanes(
    plan: Plan, axis: _Axis, top: float, w: Words, labels: list[_Box]
) -> tuple[Element, float]:
    """Every live milestone's lane; the room each label takes is added to ``labels``."""
    group = Element("g", {"class": "milestones"})
    y = top
    if not plan.protocols:
        for item in plan.milestones:
            if item.on_timeline:
                y += _lane(group, item, axis, y, w, labels)
        return group, y - top
    # A composed plan: each protocol's lanes together, under a caption with its title.
    for ref, items in plan.grouped():
        live = [item for item in items if item.on_timeline]
        if not live:
            continue
        caption = for_xml(ref.title)
        for number, text in enumerate(wrap(caption, WIDTH - 2 * EDGE, LABEL_FONT, bold=True)):
            baseline = y + 11 + number * LINE
            labels.append(
                _label_box(EDGE, baseline, text_width(text, LABEL_FONT, bold=True), LABEL_FONT)
            )
            label = element(
                group,
                "text",
                {"x": EDGE, "y": baseline, "font-size": LABEL_FONT, "fill": INK, **_HALO},
            )
            element(label, "tspan", {"font-weight": "bold", "font-style": "italic"}, text)
            y += LINE
        y += 2
        for item in live:
            y += _lane(group, item, axis, y, w, labels)
    return group, y - top


# A white outline behind label text keeps it legible where it crosses a grid line,
# a marker or the shaded trimester bands.
_HALO: dict[str, str | float] = {
    "stroke": PAPER,
    "stroke-width": 3,
    "stroke-linejoin": "round",
    "paint-order": "stroke",
}


def _lane(
    parent: Element, item: Milestone, axis: _Axis, top: float, w: Words, labels: list[_Box]
) -> float:
    """One milestone's row; returns its height. The label goes beside the bar or
    marks when it fits there (right, else left), and above them when it does not."""
    style = CATEGORY_STYLES[item.category]
    discuss = item.applicability == "discuss"
    lane = element(parent, "g", {"class": f"milestone {item.category}"})
    title = for_xml(item.title)
    dates = w.chart_dates(item)
    if item.occurrences:
        dates = w.t(words.DATES_AND_SERIES, dates=dates, series=w.series(item))
    if discuss:
        dates = w.t(words.DISCUSS_MARK, dates=dates)
    element(
        lane,
        "title",
        text=w.t(words.LANE_TITLE, title=title, dates=w.page_dates(item), weeks=w.page_weeks(item)),
    )

    span = axis.span(item.start, item.end)
    size = 9.0 if item.occurrences else 11.0
    shown = [day for day in item.occurrences or (item.start,) if axis.holds(day)]
    if item.kind == "window":
        extent = (span[0], max(span[1], span[0] + 3)) if span else None
    elif shown:
        extent = (axis.centre(shown[0]) - size / 2, axis.centre(shown[-1]) + size / 2)
    else:
        extent = None

    title_px = text_width(title, LABEL_FONT, bold=True)
    dates_px = text_width(" " + dates, LABEL_FONT)
    one_line = title_px + dates_px
    gap = 6.0
    beside: float | None = None
    if extent is not None and extent[1] + gap + one_line <= WIDTH - EDGE:
        beside = extent[1] + gap
    elif extent is not None and extent[0] - gap - one_line >= EDGE:
        beside = extent[0] - gap - one_line

    room = WIDTH - 2 * EDGE
    lines: list[list[tuple[str, bool]]]
    if one_line <= room:
        lines = [[(title, True), (" " + dates, False)]]
    else:
        lines = [[(line, True)] for line in wrap(title, room, LABEL_FONT, bold=True)]
        lines += [[(line, False)] for line in wrap(dates, room, LABEL_FONT)]
    above = 0 if beside is not None else len(lines)
    bar_y = top + above * LINE + 3
    middle = bar_y + BAR / 2
    want_x = extent[0] if extent else axis.left
    for number, parts in enumerate(lines):
        px = sum(text_width(text, LABEL_FONT, bold=bold) for text, bold in parts)
        x = beside if beside is not None else _place(px, want_x)
        # Beside: centred on the bar (a 12 px font's capitals are about 8.6 px tall).
        y = middle + 4.3 if beside is not None else top + 11 + number * LINE
        labels.append(_label_box(x, y, px, LABEL_FONT))
        label = element(
            lane, "text", {"x": x, "y": y, "font-size": LABEL_FONT, "fill": INK, **_HALO}
        )
        for text, bold in parts:
            element(label, "tspan", {"font-weight": "bold"} if bold else {}, text)

    stroke = style.colour
    if item.kind == "window" and span is not None:
        x0, x1 = span
        attrs: dict[str, str | float] = {
            "x": x0,
            "y": bar_y,
            "width": max(x1 - x0, 3.0),
            "height": BAR,
            "fill": pattern_fill(item.category),
            "stroke": stroke,
            "stroke-width": 1,
        }
        if discuss:  # hollow and dashed, like the hollow marks
            attrs.update({"fill": PAPER, "stroke-width": 2, "stroke-dasharray": "5 3"})
        element(lane, "rect", attrs)
    elif item.kind != "window":
        if len(shown) > 1:
            first, last = axis.centre(shown[0]), axis.centre(shown[-1])
            line(lane, first, middle, last, middle, stroke=stroke, width=1.5)
        for day in shown:
            fill = PAPER if discuss else style.colour
            mark(lane, style.shape, axis.centre(day), middle, size, fill, stroke)
    return above * LINE + BAR + 6


def _markers(
    group: Element,
    plan: Plan,
    axis: _Axis,
    top: float,
    bottom: float,
    w: Words,
    labels: list[_Box],
) -> float:
    """Today's and the due date's vertical lines, labelled under the lanes (on one row
    when the two labels do not collide); returns the y below the labels. A line is
    broken where a label stands (a lane's, or another marker's), so it never crosses
    out a word."""
    due = plan.dating.due_date
    markers: list[tuple[str, date, str, str, str | None]] = []
    if plan.ended_on is not None:  # its end, not today: no week is counted past it
        ended = plan.dating.gestational_age_on(plan.ended_on)
        label = w.t(
            words.ENDED_MARKER, date=w.full_date(plan.ended_on), ga=w.ga(ended) if ended else ""
        )
        markers.append(("ended", plan.ended_on, label, INK, None))
    elif axis.holds(plan.today):
        ga = plan.gestational_age_today
        label = w.t(words.TODAY_MARKER, date=w.full_date(plan.today), ga=w.ga(ga) if ga else "")
        markers.append(("today", plan.today, label, TODAY, "5 3"))
    if axis.holds(due) and plan.ended_on is None:
        ga_due = plan.dating.gestational_age_on(due)
        label = w.t(words.DUE_DATE_MARKER, date=w.full_date(due), ga=w.ga(ga_due) if ga_due else "")
        markers.append(("due-date", due, label, INK, None))
    widths = [text_width(label, TICK_FONT, bold=True) for _, _, label, _, _ in markers]
    centres = [_centred(px, axis.centre(m[1])) for m, px in zip(markers, widths, strict=True)]
    one_row = len(markers) == 2 and (
        abs(centres[0] - centres[1]) > (widths[0] + widths[1]) / 2 + 10
    )
    rows = [bottom + LINE * (1 if one_row else number + 1) for number in range(len(markers))]
    boxes = [
        _label_box(centre - px / 2, y, px, TICK_FONT)
        for centre, px, y in zip(centres, widths, rows, strict=True)
    ]
    for number, (kind, day, label, colour, dashes) in enumerate(markers):
        marker = element(group, "g", {"class": f"marker {kind}"})
        x, y = axis.centre(day), rows[number]
        others = labels + boxes[:number] + boxes[number + 1 :]  # its own label is below it
        for y0, y1 in _clear_of(x, top, y - 11, others):
            line(marker, x, y0, x, y1, stroke=colour, width=2, dashes=dashes or "")
        text_element(
            marker,
            centres[number],
            y,
            label,
            size=TICK_FONT,
            fill=colour,
            anchor="middle",
            bold=True,
        )
    return (rows[-1] if rows else bottom) + 4


_SHORTEST_SEGMENT = 4.0
"""A marker line's piece between two labels shorter than this is left out (a dot, not a line)."""


def _clear_of(x: float, top: float, bottom: float, boxes: list[_Box]) -> list[tuple[float, float]]:
    """The parts of a vertical line at ``x`` from ``top`` to ``bottom`` (2 units wide)
    that pass no box."""
    parts = [(top, bottom)]
    for left, box_top, right, box_bottom in sorted(boxes, key=lambda box: box[1]):
        if not left - 1 < x < right + 1:
            continue
        parts = [
            piece
            for y0, y1 in parts
            for piece in ((y0, min(y1, box_top)), (max(y0, box_bottom), y1))
            if piece[1] - piece[0] >= _SHORTEST_SEGMENT
        ]
    return parts


def _legend(svg: Element, plan: Plan, axis: _Axis, top: float, w: Words) -> float:
    """The key to colours, patterns and marks; returns the chart's full height."""
    group = element(svg, "g", {"class": "legend"})
    live = [item for item in plan.milestones if item.on_timeline]
    entries: list[tuple[str, Category | None, bool]] = [
        (w.t(words.CATEGORY_LABELS[category]), category, False)
        for category, style in CATEGORY_STYLES.items()
        if any(item.category == category for item in live)
    ]
    if any(item.applicability == "discuss" for item in live):
        entries.append((w.t(words.DISCUSS_KEY), None, True))
    x, y = EDGE, top + 11
    for label, category, is_discuss in entries:
        swatch = 38.0
        width = swatch + text_width(label, LEGEND_FONT) + 14
        if x + width > WIDTH - EDGE and x > EDGE:
            x, y = EDGE, y + LINE
        if category is not None:
            style = CATEGORY_STYLES[category]
            element(
                group,
                "rect",
                {
                    "x": x,
                    "y": y - 9,
                    "width": 20,
                    "height": 10,
                    "fill": pattern_fill(category),
                    "stroke": style.colour,
                },
            )
            mark(group, style.shape, x + 30, y - 4, 9, style.colour, style.colour)
        elif is_discuss:
            element(
                group,
                "rect",
                {
                    "x": x + 1,
                    "y": y - 8,
                    "width": 18,
                    "height": 8,
                    "fill": PAPER,
                    "stroke": INK,
                    "stroke-width": 2,
                    "stroke-dasharray": "5 3",
                },
            )
            mark(group, "circle", x + 30, y - 4, 9, PAPER, INK)
        text_element(group, x + swatch, y, label, size=LEGEND_FONT)
        x += width
    return y + 6
