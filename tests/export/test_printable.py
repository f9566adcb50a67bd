"""The printable page (HTML) and the timeline (SVG): what is on them, escaping,
self-containment, contrast, determinism, and a real browser's rendering when one
is installed."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from datetime import date
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import care_timeline as ct
from care_timeline.cli import main
from care_timeline.export import _style as drawing
from care_timeline.export.chart import WIDTH

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"
DUE = date(2027, 5, 10)  # day 0 (0w0d) is 3 Aug 2026
TODAY = date(2026, 11, 24)  # 16w1d


def example_plan(**profile: object) -> ct.Plan:
    facts = {"fetuses": 1, "prior_preterm_birth": True, **profile}
    return ct.plan(ct.Dating.from_due_date(DUE), profile=ct.Profile(**facts), today=TODAY)


def protocol_with(*replacements: tuple[str, str]) -> ct.Protocol:
    text = ct.default_protocol_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return ct.parse_protocol(text)


class Page(HTMLParser):
    """An HTML page as the tests see it: tags, attributes, visible text, the head's
    title, table rows, and the chart's own <title> texts."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.chunks: list[str] = []
        self.title = ""
        self.h1 = ""
        self.rows: list[tuple[str, list[str]]] = []
        self.chart_titles: list[str] = []
        self.style = ""
        self._in: dict[str, int] = {"title": 0, "h1": 0, "td": 0, "style": 0, "svg": 0}
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)
        if tag == "tr":
            self.rows.append((dict(attrs).get("class") or "", []))
        if tag in ("td", "th"):
            self.rows[-1][1].append("")
            tag = "td"
        if tag == "title" and self._in["svg"]:
            self.chart_titles.append("")
        if tag in self._in:
            self._in[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        tag = "td" if tag == "th" else tag
        if tag in self._in:
            self._in[tag] -= 1

    def handle_data(self, data: str) -> None:
        if self._in["style"]:
            self.style += data
            return
        self.chunks.append(data)
        if self._in["title"] and self._in["svg"]:
            self.chart_titles[-1] += data
        elif self._in["title"]:
            self.title += data
        if self._in["h1"]:
            self.h1 += data
        if self._in["td"]:
            cells = self.rows[-1][1]
            cells[-1] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def row(self, title: str) -> tuple[str, list[str]]:
        found = [row for row in self.rows if row[1] and row[1][0].startswith(title)]
        assert len(found) == 1, (title, self.rows)
        return found[0]


def svg_texts(root: ET.Element) -> str:
    return " ".join(" ".join(root.itertext()).split())


def lanes(root: ET.Element) -> list[ET.Element]:
    """The chart's milestone lanes (one <g class="milestone ..."> each)."""
    return [
        g
        for g in root.iter()
        if g.tag in ("g", f"{SVG}g") and (g.get("class") or "").startswith("milestone ")
    ]


def lane_title(lane: ET.Element) -> str:
    title = next(child for child in lane if child.tag in ("title", f"{SVG}title"))
    return title.text or ""


# Every live milestone of the example plan (due 10 May 2027, singleton, prior preterm
# birth), with dates counted by hand from day 0 = 3 Aug 2026.
LIVE = [
    # 12w0d = day 84, 22w6d = day 160
    (
        "Weeks when a weak cervix may open early",
        "26 Oct 2026",
        "10 Jan 2027",
        "12w0d – 22w6d",
        "applies",
    ),
    # 14w6d = day 104
    (
        "Usual time for a planned cervical stitch (cerclage)",
        "26 Oct 2026",
        "15 Nov 2026",
        "12w0d – 14w6d",
        "discuss",
    ),
    # 16w0d = day 112, every 2 weeks to 24w0d = day 168
    (
        "Cervical length scan (vaginal ultrasound)",
        "23 Nov 2026",
        "18 Jan 2027",
        "16w0d – 24w0d",
        "applies",
    ),
    # 16w0d = day 112 to 24w0d = day 168; no short cervix recorded
    (
        "A stitch if the cervix shortens or opens",
        "23 Nov 2026",
        "18 Jan 2027",
        "16w0d – 24w0d",
        "discuss",
    ),
    # daily to 36w0d = day 252; preterm birth, cervix not known to be short
    ("Daily vaginal progesterone", "23 Nov 2026", "12 Apr 2027", "16w0d – 36w0d", "discuss"),
    # 23w0d = day 161, 31w6d = day 223
    ("Watch for signs of early labour", "11 Jan 2027", "14 Mar 2027", "23w0d – 31w6d", "applies"),
    # 32w0d = day 224, 36w6d = day 258
    (
        "Keep watching: birth before 37 weeks is still early",
        "15 Mar 2027",
        "18 Apr 2027",
        "32w0d – 36w6d",
        "applies",
    ),
    # 37w0d = day 259
    (
        "Usual time to remove a cervical stitch",
        "12 Apr 2027",
        "19 Apr 2027",
        "36w0d – 37w0d",
        "discuss",
    ),
    # 40w0d = day 280, the due date itself
    ("Estimated due date", "10 May 2027", "10 May 2027", "40w0d", "applies"),
]
# Under version 3 the weekly injections (16w0d to 36w0d) are not-applicable for everyone:
# listed, greyed, not drawn.
NOT_APPLICABLE = (
    "Weekly progesterone injections (17-OHPC)",
    "Weekly 17-OHPC injections were long offered after an earlier preterm birth, but a large "
    "trial found that they did not lower the chance of another early birth.",
)


@pytest.fixture(scope="module")
def page() -> Page:
    return Page(ct.to_html(example_plan()))


@pytest.fixture(scope="module")
def svg_root() -> ET.Element:
    return ET.fromstring(ct.to_svg(example_plan()))


@pytest.mark.parametrize(("title", "first", "last", "ga", "applicability"), LIVE)
def test_live_milestone_in_table_and_chart(
    page: Page,
    svg_root: ET.Element,
    title: str,
    first: str,
    last: str,
    ga: str,
    applicability: str,
) -> None:
    kind, cells = page.row(title)
    assert kind == applicability
    assert first in cells[1] and last in cells[1] and ga in cells[1]
    dates = first if first == last else f"{first} – {last}"
    expected = f"{title}: {dates} ({ga})"
    assert expected in page.chart_titles  # the lane inside the page's chart
    assert expected in [lane_title(lane) for lane in lanes(svg_root)]  # the standalone SVG


def test_every_lane_is_a_live_milestone(page: Page, svg_root: ET.Element) -> None:
    # a lane's title is "{title}: {dates} ({ga})", and a title may hold a colon itself
    drawn = sorted(lane_title(lane).rsplit(": ", 1)[0] for lane in lanes(svg_root))
    assert drawn == sorted(row[0] for row in LIVE)
    assert len(page.chart_titles) == len(LIVE) + 1  # and the chart's own title


def test_not_applicable_is_listed_greyed_and_not_drawn() -> None:
    plan = example_plan(prior_preterm_birth=False)
    page, svg_root = Page(ct.to_html(plan)), ET.fromstring(ct.to_svg(plan))
    title, reason = NOT_APPLICABLE
    kind, cells = page.row(title)
    assert kind == "not-applicable"
    assert "23 Nov 2026 – 12 Apr 2027" in cells[1]
    assert reason in cells[2] and "Does not apply" in cells[2]
    assert "tr.not-applicable td { color: #595959; }" in page.style
    assert not any(t.startswith(title) for t in page.chart_titles)
    assert not any(lane_title(lane).startswith(title) for lane in lanes(svg_root))
    assert f"{title}: {reason}" in svg_texts(svg_root)  # listed under the standalone chart


def test_page_has_warning_signs_note_and_summary(page: Page) -> None:
    plan = example_plan()
    for sign in plan.warning_signs:
        assert sign in page.text
    assert plan.clinician_note in page.text
    assert "Due date 10 May 2027" in page.text
    assert "Today 24 Nov 2026: 16w1d (16 weeks and 1 day)" in page.text
    assert page.title == page.h1 == "Cervical insufficiency care timeline"


@pytest.mark.parametrize(
    ("today", "words"),
    [
        (date(2026, 11, 24), "Today 24 Nov 2026: 16w1d (16 weeks and 1 day)"),  # day 113
        (date(2027, 3, 1), "Today 1 Mar 2027: 30w0d (30 weeks)"),  # day 210
        (date(2026, 8, 10), "Today 10 Aug 2026: 1w0d (1 week)"),  # day 7
        (date(2026, 8, 5), "Today 5 Aug 2026: 0w2d (0 weeks and 2 days)"),  # day 2
    ],
)
def test_today_in_words(today: date, words: str) -> None:
    plan = ct.plan(ct.Dating.from_due_date(DUE), today=today)
    assert words in Page(ct.to_html(plan)).text
    assert words in svg_texts(ET.fromstring(ct.to_svg(plan)))


def test_svg_has_warning_signs_and_note(svg_root: ET.Element) -> None:
    plan = example_plan()
    text = svg_texts(svg_root)
    for sign in plan.warning_signs:
        assert sign in text
    assert plan.clinician_note in text  # wrapped over lines; itertext joins with spaces


def test_axis_months_trimesters_and_markers(svg_root: ET.Element) -> None:
    chart = svg_root.find(f"{SVG}svg")
    assert chart is not None
    text = svg_texts(chart)
    for label in (
        "First trimester · to 13w6d",
        "Second trimester · 14w0d–27w6d",
        "Third trimester · from 28w0d",
    ):
        assert label in text
    for month in (
        "Aug 2026",
        "Sep 2026",
        "Oct 2026",
        "Nov 2026",
        "Dec 2026",
        "Jan 2027",
        "Feb 2027",
        "Mar 2027",
        "Apr 2027",
    ):
        assert month in text
    weeks = chart.find(f"{SVG}g[@class='weeks']")
    assert weeks is not None
    numbers = [t.text for t in weeks.iter(f"{SVG}text")]
    for week in range(0, 43, 2):
        assert str(week) in numbers
    assert "Today 24 Nov 2026 · 16w1d" in text
    assert "Due date 10 May 2027 · 40w0d" in text


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        (
            "en",  # each fits its band on one line
            [
                ["First trimester · to 13w6d"],
                ["Second trimester · 14w0d–27w6d"],
                ["Third trimester · from 28w0d"],
            ],
        ),
        (
            "tr",  # the first and the third are too long for one line: weeks go under the name
            [
                ["Birinci trimester", "13+6 sonuna kadar"],
                ["İkinci trimester · 14+0–27+6"],
                ["Üçüncü trimester", "28+0 ve sonrası"],
            ],
        ),
    ],
)
def test_every_trimester_shows_its_weeks(language: str, labels: list[list[str]]) -> None:
    plan = ct.plan(ct.Dating.from_due_date(DUE), today=TODAY, language=language)
    bands = ET.fromstring(ct.to_svg(plan)).find(f".//{SVG}g[@class='trimesters']")
    assert bands is not None
    texts = [(float(t.get("x", "")), t.text) for t in bands.iter(f"{SVG}text")]
    by_band = [
        [text for x, text in texts if x == centre] for centre in sorted({x for x, _ in texts})
    ]
    assert by_band == labels


def test_trimester_bands_split_the_42_weeks_in_three_equal_parts(svg_root: ET.Element) -> None:
    # First through 13w6d, second 14w0d-27w6d, third 28w0d-42w0d: 14 weeks each.
    bands = svg_root.find(f".//{SVG}g[@class='trimesters']")
    assert bands is not None
    first, third = (
        (float(rect.get("x", "")), float(rect.get("width", "")))
        for rect in bands.iter(f"{SVG}rect")
    )
    assert first[1] == pytest.approx(third[1])
    assert first[0] + 2 * first[1] == pytest.approx(third[0])


@pytest.mark.parametrize(
    ("today", "explanation"),
    [
        (date(2026, 7, 1), "before the pregnancy's week 0"),  # 33 days before day 0
        (date(2027, 5, 31), "43w0d"),  # 301 days: after the 42-week axis
    ],
)
def test_no_today_marker_off_the_axis(today: date, explanation: str) -> None:
    dating = ct.Dating.from_due_date(DUE)
    if today < dating.day_zero:  # plan() refuses it: a plan an earlier version stored
        plan = ct.plan(dating, today=dating.day_zero).replace(
            today=today, gestational_age_today=None
        )
    else:
        plan = ct.plan(dating, today=today)
    root = ET.fromstring(ct.to_svg(plan))
    assert "Today" not in " ".join(svg_texts(g) for g in root.iter(f"{SVG}g"))
    assert explanation in Page(ct.to_html(plan)).text


RECONCILED = {
    # LMP 2026-07-24 gives 2027-04-30; on 2026-10-20 that is day 88 = 12w4d, and a CRL of
    # 45 mm is 11w1d: 10 days apart, more than the 7 of the 9w0d-13w6d band, so the scan
    # decides and the due date is 2026-10-20 + (280 - 78) days = 2027-05-10 (DUE)
    "lmp": "2026-07-24",
    "cycle_length": 28,
    "crl_mm": 45.0,
    "scan_date": "2026-10-20",
    "chosen": "ultrasound",
    "difference_days": 10,
    "threshold_days": 7,
    "lmp_ga_at_scan": "12w4d",
    "ultrasound_ga_at_scan": "11w1d",
}
"""A reconciled dating's inputs, which must give its due date (a dating is made again
from them when it is built by hand)."""


def test_dating_explanation_and_notes_are_shown_escaped() -> None:
    dating = ct.Dating(
        method="reconciled",
        due_date=DUE,
        inputs=RECONCILED,
        explanation="The scan <b>and</b> the LMP differ by 9 days & more",
        notes=("Cycle <i>irregular</i>",),
    )
    plan = ct.plan(dating, today=TODAY)
    html = Page(ct.to_html(plan))
    assert "b" not in html.tags and "i" not in html.tags
    assert "The scan <b>and</b> the LMP differ by 9 days & more" in html.text
    assert "Cycle <i>irregular</i>" in html.text
    text = svg_texts(ET.fromstring(ct.to_svg(plan)))
    assert "The scan <b>and</b> the LMP differ by 9 days & more" in text
    assert "Cycle <i>irregular</i>" in text


HOSTILE = '<script>alert("x")</script> & <b>Co</b>'


def test_script_title_stays_text() -> None:
    plan = example_plan()
    html = Page(ct.to_html(plan, title=HOSTILE))
    assert "script" not in html.tags and "b" not in html.tags
    assert html.title == html.h1 == HOSTILE
    root = ET.fromstring(ct.to_svg(plan, title=HOSTILE))
    assert not [e for e in root.iter() if e.tag.endswith(("script", "}b"))]
    assert root.findtext(f"{SVG}title") == HOSTILE
    assert HOSTILE in svg_texts(root)


def test_protocol_and_plan_texts_are_escaped() -> None:
    protocol = protocol_with(
        (
            'title = "Daily vaginal progesterone"',
            'title = "Weekly <img src=x onerror=alert(1)> injection"',
        ),
        ('"Bleeding from the vagina"', '"Bleeding </li><script>x</script>"'),
        ('clinician_note = "For discussion', "clinician_note = \"<a href='x'>For</a> discussion"),
    )
    plan = ct.plan(
        ct.Dating.from_due_date(DUE),
        profile=ct.Profile(fetuses=1, prior_preterm_birth=True),
        protocol=protocol,
        today=TODAY,
        plan_id="<i>clinic</i>/7781",
    )
    html = Page(ct.to_html(plan))
    assert not {"img", "script", "a", "i"} & set(html.tags)
    for text in (
        "Weekly <img src=x onerror=alert(1)> injection",
        "Bleeding </li><script>x</script>",
        "<a href='x'>For</a> discussion",
        "Plan <i>clinic</i>/7781",
    ):
        assert text in html.text
    root = ET.fromstring(ct.to_svg(plan))
    assert "Weekly <img src=x onerror=alert(1)> injection" in svg_texts(root)


def test_characters_xml_cannot_hold_are_replaced() -> None:
    svg = ct.to_svg(example_plan(), title="Mia\x00\x08 plan")
    assert ET.fromstring(svg).findtext(f"{SVG}title") == "Mia\ufffd\ufffd plan"


def _network_references(markup: str) -> list[str]:
    found = re.findall(r"https?:|//|url\((?!#)", markup, flags=re.IGNORECASE)
    return found


def test_nothing_is_fetched_from_anywhere(page: Page) -> None:
    plan = example_plan()
    html = ct.to_html(plan)
    assert _network_references(html) == []
    # The one address in the SVG is its namespace name, which is never fetched.
    svg = ct.to_svg(plan)
    assert svg.count('xmlns="http://www.w3.org/2000/svg"') == 1
    assert _network_references(svg.replace('xmlns="http://www.w3.org/2000/svg"', "")) == []
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    assert not [name for name, _ in page.attributes if name in ("src", "href", "action")]
    assert ("http-equiv", "Content-Security-Policy") in page.attributes


def test_print_css(page: Page) -> None:
    assert "@page { margin: 10mm;" in page.style
    assert "max-width: 190mm" in page.style  # A4's 210 mm and Letter's 216 mm less margins
    assert "print-color-adjust: exact" in page.style


def test_same_plan_same_bytes() -> None:
    assert ct.to_html(example_plan()) == ct.to_html(example_plan())
    assert ct.to_svg(example_plan(), title="A") == ct.to_svg(example_plan(), title="A")


def test_blank_title_falls_back_to_the_protocol_title() -> None:
    assert (
        Page(ct.to_html(example_plan(), title="  ")).title == "Cervical insufficiency care timeline"
    )


def test_milestone_after_42_weeks_widens_the_axis() -> None:
    protocol = protocol_with(('end = "37w0d"', 'end = "43w2d"'))  # cerclage removal, day 303
    plan = ct.plan(ct.Dating.from_due_date(DUE), protocol=protocol, today=TODAY)
    root = ET.fromstring(ct.to_svg(plan))
    chart = root.find(f"{SVG}svg")
    assert chart is not None
    assert chart.findtext(f"{SVG}title", "").endswith("week 0 to week 44")  # ceil(304 / 7)
    weeks = chart.find(f"{SVG}g[@class='weeks']")
    assert weeks is not None
    assert "44" in [t.text for t in weeks.iter(f"{SVG}text")]


def test_long_titles_wrap_inside_the_chart() -> None:
    long_title = " ".join(["a very long clinic milestone title"] * 6)
    protocol = protocol_with(('title = "Estimated due date"', f'title = "{long_title}"'))
    plan = ct.plan(ct.Dating.from_due_date(DUE), protocol=protocol, today=TODAY)
    root = ET.fromstring(ct.to_svg(plan))
    lane = next(lane for lane in lanes(root) if lane_title(lane).startswith("a very long"))
    texts = lane.findall(f"{SVG}text")
    assert len(texts) >= 3  # title over two lines or more, then the dates
    assert " ".join("".join(t.itertext()) for t in texts[:-1]) == long_title
    assert all(0 <= float(t.get("x", "-1")) < WIDTH for t in texts)


# WCAG 2.1 contrast: 4.5:1 for text (1.4.3), 3:1 for graphics such as bars, marks and
# the axis (1.4.11). Each row is a colour and what it is drawn on.
CONTRAST = [
    (drawing.INK, drawing.PAPER, 4.5),  # body text, labels, table
    (drawing.INK, drawing.BAND, 4.5),  # labels and table heads on the shaded trimesters
    (drawing.INK, drawing.MONTH_BAND, 4.5),  # month names on every other month
    (drawing.MUTED, drawing.PAPER, 4.5),  # not-applicable rows, footer
    (drawing.TODAY, drawing.PAPER, 4.5),  # the today label under the lanes
    (drawing.TODAY, drawing.BAND, 3.0),  # the today line across a shaded trimester
    (drawing.RULE, drawing.PAPER, 3.0),  # axis, ticks and table rules
    *[(style.colour, drawing.PAPER, 3.0) for style in drawing.CATEGORY_STYLES.values()],
    *[(style.colour, drawing.BAND, 3.0) for style in drawing.CATEGORY_STYLES.values()],
]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_on_known_pairs() -> None:
    assert _contrast("#000000", "#ffffff") == pytest.approx(21)
    assert _contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the usual AA grey


@pytest.mark.parametrize(("colour", "background", "minimum"), CONTRAST)
def test_colour_pairs_meet_wcag_aa(colour: str, background: str, minimum: float) -> None:
    assert _contrast(colour, background) >= minimum


def test_pages_use_only_checked_colours() -> None:
    checked = {colour for pair in CONTRAST for colour in pair[:2]}
    decoration = {drawing.GRID}  # week grid lines; WCAG exempts pure decoration
    plan = example_plan()
    used = set(re.findall(r"#[0-9a-fA-F]{6}\b", ct.to_html(plan) + ct.to_svg(plan)))
    assert used <= checked | decoration


def test_categories_differ_without_colour() -> None:
    styles = list(drawing.CATEGORY_STYLES.values())
    assert len({s.pattern for s in styles}) == len(styles)
    assert len({s.shape for s in styles}) == len(styles)
    root = ET.fromstring(ct.to_svg(example_plan()))
    assert all(lane.findall(f"{SVG}text") for lane in lanes(root))  # every lane is labelled


def test_cli_html_and_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "plan",
        "--due-date",
        "2027-05-10",
        "--today",
        "2026-11-24",
        "--prior-preterm-birth",
        "--fetuses",
        "1",
    ]
    out = tmp_path / "plan.html"
    assert main([*argv, "--format", "html", "--calendar-name", "Mia's plan", "-o", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    assert written == ct.to_html(example_plan(), title="Mia's plan")
    assert written.startswith("<!DOCTYPE html>\n")
    assert main([*argv, "--format", "svg"]) == 0
    shown = capsys.readouterr().out
    assert shown == ct.to_svg(example_plan())
    assert ET.fromstring(shown.encode()).tag == f"{SVG}svg"


TITLES = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=60)


@given(TITLES)
def test_any_title_is_text_in_both_formats(title: str) -> None:
    plan = example_plan()
    expected = title.strip() or "Cervical insufficiency care timeline"
    assert Page(ct.to_html(plan, title=title)).title == expected
    assert ET.fromstring(ct.to_svg(plan, title=title)).findtext(f"{SVG}title") == expected


# -- a real browser -----------------------------------------------------------------


def _screenshot_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_screenshot", ROOT / "docs" / "make_screenshot.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _screenshot_script()
BROWSER = SCRIPT.find_browser()
needs_browser = pytest.mark.skipif(
    BROWSER is None,
    reason="no Chromium or Chrome on the PATH (install the `chromium` package to run this)",
)


def png_pixels(data: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, channels and the raw 8-bit samples of a non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, bytearray(), b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"IHDR":
            header = data[at + 8 : at + 8 + length]
        elif kind == b"IDAT":
            idat += data[at + 8 : at + 8 + length]
        at += length + 12
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0) and colour_type in (2, 6), header
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    out = bytearray()
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b, c = previous[i], previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        out += line
        previous = line
    return width, height, channels, bytes(out)


def test_png_decoder_on_a_tiny_image() -> None:
    # 2 x 1 RGB: one white pixel, one red; row filter 1 (Sub): red = white + (0, 1, 1) mod 256.
    row = bytes([1, 255, 255, 255, 0, 1, 1])
    ihdr = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row))
        + chunk(b"IEND", b"")
    )
    assert png_pixels(png) == (2, 1, 3, bytes([255, 255, 255, 255, 0, 0]))


def _ink_share(png: bytes) -> tuple[float, float]:
    """Shares of pixels that are not white, and that are clearly coloured."""
    width, height, channels, samples = png_pixels(png)
    inked = coloured = 0
    for at in range(0, len(samples), channels):
        r, g, b = samples[at], samples[at + 1], samples[at + 2]
        if min(r, g, b) < 235:
            inked += 1
            if max(r, g, b) - min(r, g, b) > 60:
                coloured += 1
    return inked / (width * height), coloured / (width * height)


@needs_browser
def test_browser_draws_the_page(tmp_path: Path) -> None:
    page = tmp_path / "plan.html"
    page.write_text(ct.to_html(example_plan()), encoding="utf-8")
    shot = tmp_path / "plan.png"
    assert BROWSER is not None
    SCRIPT.screenshot(BROWSER, page, shot, window=(1240, 1754))
    width, height, _, _ = png_pixels(shot.read_bytes())
    assert (width, height) == (1240, 1754)
    inked, coloured = _ink_share(shot.read_bytes())
    assert inked > 0.03, "the page looks blank"
    assert coloured > 0.002, "the chart's bars and marks are missing"


def tallest_plan() -> ct.Plan:
    """The default protocol's tallest page: every risk factor named in the reasons, an
    unknown history, a plan id, and a re-dated pregnancy with its explanation and note."""
    dating = ct.Dating(
        method="reconciled",
        due_date=DUE,
        inputs=RECONCILED,
        explanation=(
            "ultrasound at 11w1d differs from LMP by 10 days (> 7): re-dated to ultrasound. "
            "The scan on 2026-10-20 was at 12w4d by LMP; for scans at 9w0d-13w6d by LMP, "
            "ACOG Committee Opinion 700 re-dates when the difference is more than 7 days."
        ),
        notes=("No ultrasound before 22w0d: the dating of this pregnancy is suboptimal.",),
    )
    factors = tuple(factor.id for factor in ct.default_protocol().risk_factors)
    profile = ct.Profile(fetuses=1, risk_factors=factors)
    return ct.plan(dating, profile=profile, today=TODAY, plan_id="clinic-42/7781")


PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None,
    reason="no pdftotext on the PATH (install the `poppler-utils` package to run this)",
)


def print_pages(tmp_path: Path, html: str, paper: str) -> list[str]:
    """The text of each printed sheet, as the browser prints the page on ``paper``."""
    if paper == "A4":
        html = html.replace("@page { margin: 10mm;", "@page { size: A4; margin: 10mm;")
    page = tmp_path / "plan.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / "plan.pdf"
    assert BROWSER is not None and PDFTOTEXT is not None
    SCRIPT.run_browser(BROWSER, page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(sheet.split()) for sheet in text.split("\f") if sheet.strip()]


def turkish_plan() -> ct.Plan:
    """The example plan in Turkish: longer words, the same milestones."""
    return ct.plan(
        ct.Dating.from_due_date(DUE),
        ct.Profile(fetuses=1, prior_preterm_birth=True),
        today=TODAY,
        language="tr",
    )


def composed_plan(schedule: str = "who-anc-2016", language: str = "en") -> ct.Plan:
    """The example plan composed with a routine schedule: the WHO's contacts (nine more
    lanes), or in Turkish the Turkish Ministry of Health's visits (four more)."""
    return ct.plan(
        ct.Dating.from_due_date(DUE),
        ct.Profile(fetuses=1, prior_preterm_birth=True),
        protocol=["cervical-insufficiency", schedule],
        today=TODAY,
        plan_id="clinic-42/7781",
        language=language,
    )


def v1_plan() -> ct.Plan:
    """A shorter plan: the version-1 protocol's eight milestones."""
    protocol = ct.load_protocol(ROOT / "examples" / "article-protocol-v1.toml")
    return ct.plan(
        ct.Dating.from_due_date(DUE),
        ct.Profile(fetuses=1, prior_preterm_birth=True),
        protocol=protocol,
        today=TODAY,
    )


@needs_browser
@needs_pdftotext
@pytest.mark.parametrize("paper", ["Letter", "A4"])  # Letter: the browser's default, the shorter
@pytest.mark.parametrize("which", ["example", "tallest", "turkish", "composed", "turkish-composed"])
def test_a_long_plan_continues_on_a_second_sheet_that_says_so(
    tmp_path: Path, paper: str, which: str
) -> None:
    plan = {
        "example": example_plan,
        "tallest": tallest_plan,
        "turkish": turkish_plan,
        "composed": composed_plan,
        "turkish-composed": lambda: composed_plan("tr-dob-2014", "tr"),
    }[which]()
    turkish = plan.language == "tr"
    sheets = print_pages(tmp_path, ct.to_html(plan), paper)
    assert 1 <= len(sheets) <= 2, len(sheets)
    page_numbers = "Sayfa {number}/{count}" if turkish else "Page {number} of {count}"
    for number, sheet in enumerate(sheets, start=1):
        assert page_numbers.format(number=number, count=len(sheets)) in sheet
    # The first sheet holds what matters most: the timeline, the warning signs, when
    # to go to hospital now, and the note; the table may run on.
    first = sheets[0]
    assert plan.trimesters[0].name in first  # the chart's band labels
    assert ("Uyarı belirtileri" if turkish else "Warning signs") in first
    assert " ".join((plan.urgent_advice or "").split()) in first
    assert plan.clinician_note.split(":")[0] in first
    assert ("Önemli dönemler ve tarihler" if turkish else "Milestones") in " ".join(sheets)
    assert all(item.title.split()[0] in " ".join(sheets) for item in plan.milestones)
    # a composed plan's table heads each protocol's rows with its title
    assert all(ref.title.split()[0] in " ".join(sheets) for ref in plan.made_from)


@needs_browser
@needs_pdftotext
@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_a_short_plan_prints_on_one_sheet(tmp_path: Path, paper: str) -> None:
    sheets = print_pages(tmp_path, ct.to_html(v1_plan()), paper)
    assert len(sheets) == 1
    assert "Page 1 of 1" in sheets[0]


# -- on a phone ------------------------------------------------------------------------

PHONE = 390
"""A phone's width in CSS pixels (an iPhone 12 to 15)."""

# Run in the frame that holds the page, once everything is laid out: every visible
# piece of text and the size it is drawn at (an SVG text's font size times the chart's
# scale on the screen), and every marker line's segments against every chart label's box.
MEASURE = """
const frame = document.getElementById('phone');
const doc = frame.contentDocument, win = doc.defaultView;
const seen = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
const out = {width: win.innerWidth, pageWidth: doc.documentElement.scrollWidth,
             texts: [], labels: [], lines: []};
const walker = doc.createTreeWalker(doc.body, win.NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!node.textContent.trim() || el.closest('title, style') || !seen(el)) continue;
  let size = parseFloat(win.getComputedStyle(el).fontSize);
  if (el instanceof win.SVGElement) { const m = el.getScreenCTM(); size *= Math.hypot(m.a, m.b); }
  out.texts.push([node.textContent.trim(), size]);
}
const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
for (const el of doc.querySelectorAll('svg.timeline text')) {
  if (seen(el)) out.labels.push([el.textContent, box(el)]);
}
for (const el of doc.querySelectorAll('svg.timeline g.marker line')) {
  out.lines.push([el.parentElement.getAttribute('class'), box(el)]);
}
const result = document.createElement('pre');
result.id = 'measured';
result.textContent = JSON.stringify(out);
document.body.appendChild(result);
"""


def on_a_phone(tmp_path: Path, html: str) -> dict[str, Any]:
    """The page as a browser lays it out on a screen 390 CSS pixels wide.

    A headless Chromium window is at least 500 pixels wide, so the page is shown in a
    frame 390 pixels wide (its ``srcdoc``: the page itself, unchanged, its Content
    Security Policy too), whose width is what the page's layout and media queries
    see; the script runs in the outer page once the frame has loaded, and the
    browser prints the outer page's DOM with the measurements in it."""
    outer = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">'
        f'<iframe id="phone" style="border:0; width:{PHONE}px; height:900px" '
        f'srcdoc="{escape(html, quote=True)}"></iframe>'
        f"<script>addEventListener('load', () => {{ {MEASURE} }});</script></body></html>"
    )
    page = tmp_path / "phone.html"
    page.write_text(outer, encoding="utf-8")
    assert BROWSER is not None
    dom = SCRIPT.run_browser(BROWSER, page, "--window-size=800,1000", "--dump-dom")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, "the measuring script did not run"
    measured: dict[str, Any] = json.loads(unescape(found[1]))
    assert measured["width"] == PHONE
    return measured


def _overlap(line: list[float], label: list[float]) -> bool:
    """Whether a marker line (2 px wide, so widened by 1 px each side) and a label's
    box share any area."""
    left, top, right, bottom = line
    return left - 1 < label[2] and label[0] < right + 1 and top < label[3] and label[1] < bottom


@needs_browser
@pytest.mark.parametrize("which", ["example", "tallest", "turkish"])
def test_on_a_phone_no_text_is_small_and_no_line_crosses_a_label(
    tmp_path: Path, which: str
) -> None:
    plan = {"example": example_plan, "tallest": tallest_plan, "turkish": turkish_plan}[which]()
    measured = on_a_phone(tmp_path, ct.to_html(plan))
    small = [(text[:40], round(size, 2)) for text, size in measured["texts"] if size < 11]
    assert small == [], "text under 11 CSS px on a phone"
    assert len(measured["texts"]) > 100  # the chart, the signs, the note and the table
    # The page fits the phone's width; only the chart scrolls sideways, inside its figure.
    assert measured["pageWidth"] <= PHONE
    lines = measured["lines"]
    assert any(kind == "marker today" for kind, _ in lines)  # 24 Nov 2026 is on the chart
    crossed = [
        (kind, text[:40])
        for kind, line in lines
        for text, label in measured["labels"]
        if _overlap(line, label)
    ]
    assert crossed == []


@needs_browser
def test_documented_screenshot_command(tmp_path: Path) -> None:
    out = tmp_path / "img" / "example.png"
    assert SCRIPT.main(["--output", str(out)]) == 0
    inked, _ = _ink_share(out.read_bytes())
    assert inked > 0.03


def test_trimester_bands_come_from_the_protocol() -> None:
    text = ct.default_protocol_text().replace(
        'name = "Third trimester"', 'name = "Drittes Trimester"'
    )
    protocol = ct.parse_protocol(text, source="clinic.toml")
    plan = ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)), protocol=protocol, today=date(2026, 11, 24)
    )
    svg = ct.to_svg(plan)
    assert "Drittes Trimester" in svg and "Third trimester" not in svg


# -- the subscription's QR code ---------------------------------------------------------

SUBSCRIBE = "webcal://calendars.example.org/feeds/ktksouk5gsy6hkuowvrbh7zhkl6zq6h2.ics"
ZBARIMG = shutil.which("zbarimg")


def qr_modules(page: str) -> set[tuple[int, int]]:
    """The dark modules the page's QR code draws: each ``M x y h n v 1 h -n z`` of its
    path is a run of ``n`` modules in row ``y`` from column ``x``."""
    found = re.search(r'<svg [^>]*class="qr"[^>]*>.*?<path d="([^"]+)"', page)
    assert found is not None, "no QR code on the page"
    modules = set()
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", found[1]):
        modules.update((int(x) + i, int(y)) for i in range(int(n)))
    assert "".join(re.findall(r"M\d+ \d+h\d+v1h-\d+z", found[1])) == found[1]
    return modules


def test_the_page_shows_the_subscription_in_words_and_as_a_qr_code() -> None:
    import segno

    page = ct.to_html(example_plan(), subscribe_url=SUBSCRIBE)
    parsed = Page(page)
    assert "Follow this plan in your calendar" in parsed.text
    assert f"Address: {SUBSCRIBE}" in parsed.text
    # The drawn modules are the code's dark modules, inside a quiet zone of four.
    code = segno.make_qr(SUBSCRIBE, error="m")
    expected = {
        (x + 4, y + 4)
        for y, row in enumerate(code.matrix_iter(scale=1, border=0))
        for x, dark in enumerate(row)
        if dark
    }
    assert qr_modules(page) == expected
    side = len(code.matrix) + 8
    assert f'viewBox="0 0 {side} {side}"' in page
    assert code.error in ("M", "Q", "H")  # level M at least
    # Without an address, no box and no code: the page is as it was.
    assert ct.to_html(example_plan()) == ct.render(example_plan(), "html").decode()
    assert 'class="qr"' not in ct.to_html(example_plan())
    options = ct.CalendarOptions(subscribe_url=SUBSCRIBE)
    assert ct.render(example_plan(), "html", options).decode() == page


def test_the_subscription_box_is_in_the_plan_s_language() -> None:
    plan = ct.plan(ct.Dating.from_due_date(DUE), today=TODAY, language="tr")
    text = Page(ct.to_html(plan, subscribe_url=SUBSCRIBE)).text
    assert "Bu planı takviminizde izleyin" in text and f"Adres: {SUBSCRIBE}" in text


@pytest.mark.parametrize(
    "address",
    [
        "http://calendars.example.org/x.ics",  # not https, not this computer
        "javascript:alert(1)",
        "https://user:secret@calendars.example.org/x.ics",
        "webcal://calendars.example.org/a b.ics",
        "https://calendars.example.org/" + "a" * 500,
        "https://calendars.example.org/é.ics",
        "",
    ],
)
def test_a_subscription_address_that_cannot_be_printed_safely_is_refused(address: str) -> None:
    with pytest.raises(ct.ExportError, match="subscribe_url"):
        ct.to_html(example_plan(), subscribe_url=address)
    with pytest.raises(ct.ExportError, match="subscribe_url"):
        ct.CalendarOptions(subscribe_url=address)


def test_plan_subscribe_url_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24"]
    page = tmp_path / "page.html"
    assert main([*argv, "--format", "html", "--subscribe-url", SUBSCRIBE, "-o", str(page)]) == 0
    assert f"Address: {SUBSCRIBE}" in page.read_text(encoding="utf-8")
    assert main([*argv, "--format", "ics", "--subscribe-url", SUBSCRIBE]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "subscribe-url" in err and "--format html" in err
    assert main([*argv, "--format", "html", "--subscribe-url", "http://example.org/"]) == 2
    assert "--subscribe-url: 'http://example.org/' is not valid" in capsys.readouterr().err


def test_segno_is_loaded_only_for_a_page_with_an_address() -> None:
    probe = (
        "import sys; from care_timeline.cli import main; main(sys.argv[1:]); "
        "print('segno' in sys.modules, file=sys.stderr)"
    )
    argv = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "--format", "html"]
    for extra, loaded in (([], "False"), (["--subscribe-url", SUBSCRIBE], "True")):
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv, *extra],
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stderr.strip().splitlines()[-1] == loaded


@needs_browser
@pytest.mark.skipif(ZBARIMG is None, reason="no zbarimg (install the `zbar-tools` package)")
def test_the_printed_qr_code_reads_back_as_the_address(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(ct.to_html(example_plan(), subscribe_url=SUBSCRIBE), encoding="utf-8")
    shot = tmp_path / "page.png"
    assert BROWSER is not None and ZBARIMG is not None
    SCRIPT.screenshot(BROWSER, page, shot, window=(1240, 1754))
    read = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(shot)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.splitlines() == [SUBSCRIBE]
