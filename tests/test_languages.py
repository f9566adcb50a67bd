"""Every word a patient reads, in her language: the catalogs are complete and
current, a Turkish plan carries no English message from the code, Turkish
casing is right, and a third language needs no code change."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import string
from collections.abc import Callable
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

import care_timeline as ct
from care_timeline import _i18n
from care_timeline.cli import main
from care_timeline.protocol import check_default_language

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "care_timeline" / "locale"
TODAY = date(2026, 11, 24)
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def _catalogs_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CATALOGS = _catalogs_script()
TEMPLATE = CATALOGS.template()
MESSAGES = [message for message in TEMPLATE if message.id]


def _po(language: str) -> Catalog:
    with (LOCALE / language / "LC_MESSAGES" / "care_timeline.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# -- the catalogs -------------------------------------------------------------------------


def test_the_catalogs_are_current() -> None:
    """The .pot lists every message in the code; every .po and .mo follows it."""
    stale = [str(path.relative_to(ROOT)) for path in CATALOGS.stale()]
    assert not stale, f"run `python scripts/catalogs.py`: {stale}"


def _as_written_by_another_babel(data: bytes) -> bytes:
    """A catalog file as another Babel release writes it: its own version in the
    Generated-By header (same length, so a compiled file's offsets still hold) and,
    in a .pot or .po, without the python-brace-format flags that releases before
    2.15 did not add."""
    data = re.sub(
        rb"(Generated-By: Babel )([0-9.]+)",
        lambda found: found[1] + re.sub(rb"[0-9]", b"9", found[2]),
        data,
    )
    return data.replace(b"#, python-brace-format\n", b"")


def test_a_catalog_written_by_another_babel_release_is_current() -> None:
    """What a Babel release changes on its own does not make a catalog stale."""
    for path, data in CATALOGS.planned().items():
        other = _as_written_by_another_babel(data)
        assert other != data  # the bytes differ...
        assert CATALOGS.content(path, other) == CATALOGS.content(path, data), (
            path
        )  # ...not what they say


@pytest.mark.parametrize(
    ("message_id", "new"),
    [
        ("Warning signs", "Uyarı işaretleri"),  # a translation reworded
        ("Warning signs", None),  # a message dropped
    ],
)
def test_a_real_change_of_a_message_is_still_caught(message_id: str, new: str | None) -> None:
    po_path = LOCALE / "tr" / "LC_MESSAGES" / "care_timeline.po"
    planned = CATALOGS.planned()
    catalog = read_po(io.BytesIO(planned[po_path]), locale="tr")
    if new is None:
        del catalog[message_id]
    else:
        catalog[message_id].string = new
    for path, writer in ((po_path, write_po), (po_path.with_suffix(".mo"), write_mo)):
        out = io.BytesIO()
        writer(out, catalog)
        assert CATALOGS.content(path, out.getvalue()) != CATALOGS.content(path, planned[path])


def test_there_are_messages_and_plurals() -> None:
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in MESSAGES}
    assert "Warning signs" in ids and "{weeks}w{days}d" in ids
    assert any(message.pluralizable for message in MESSAGES)


@pytest.mark.parametrize("language", [path.name for path in CATALOGS.languages()])
def test_every_message_is_translated_with_the_same_parts(language: str) -> None:
    catalog = _po(language)
    missing, wrong = [], []
    for message in MESSAGES:
        found = catalog.get(message.id)
        strings = [] if found is None else found.string
        strings = list(strings) if isinstance(strings, tuple) else [strings]
        if found is None or found.fuzzy or not all(strings):
            missing.append(message.id)
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(_fields(text) for text in ids))
        for text in strings:
            # A plural form may leave the count out (Turkish: "hafta" after a number).
            if not _fields(text) <= wanted or not (_fields(text) | {"count"}) >= wanted - {"count"}:
                wrong.append((message.id, text))
    assert not missing, f"{language}: untranslated: {missing}"
    assert not wrong, f"{language}: placeholders differ: {wrong}"


# -- Turkish output -----------------------------------------------------------------------


def turkish_plans() -> list[ct.Plan]:
    """Plans that between them use every kind of phrase: each applicability, a
    series, a reconciled dating with its explanation, a late scan with its note,
    an ended plan."""
    reconciled = ct.Dating.reconcile(
        ct.Dating.from_lmp(date(2026, 8, 3)),
        ct.Dating.from_ultrasound(ga="10w2d", scan_date=date(2026, 10, 5)),
    )
    late_scan = ct.Dating.from_ultrasound(ga="23w0d", scan_date=date(2026, 11, 20))
    return [
        ct.plan(
            ct.Dating.from_due_date(date(2027, 5, 10)),
            ct.Profile(fetuses=1, prior_preterm_birth=True, risk_factors=("trauma", "biopsy")),
            today=TODAY,
            plan_id="p1",
            language="tr",
        ),
        ct.plan(
            reconciled,
            ct.Profile(fetuses=2, cerclage_placed_on=date(2026, 11, 2)),
            today=TODAY,
            language="tr",
        ),
        ct.plan(late_scan, ct.Profile(prior_preterm_birth=False), today=TODAY, language="tr"),
        ct.plan(  # ended: what was still to come is no longer planned
            ct.Dating.from_due_date(date(2027, 5, 10)),
            today=TODAY,
            ended_on=date(2026, 11, 20),
            ended_because="loss",
            language="tr",
        ),
    ]


def _english_messages() -> list[str]:
    """The English of every message a person reads, as it would appear: the text
    between its placeholders. A piece that a Turkish translation also uses (a name,
    an abbreviation, a word both languages share such as "Risk" or "Plan") proves
    nothing and is left out."""
    turkish = " ".join(
        " ".join(m.string) if isinstance(m.string, tuple) else m.string for m in _po("tr") if m.id
    )
    pieces: set[str] = set()
    for message in MESSAGES:
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            if re.fullmatch(r"[dMy ,.]+", text):
                continue  # a date pattern
            for literal, *_ in string.Formatter().parse(text):
                for piece in re.split(r"[():;,.·\-–]+", literal):
                    piece = piece.strip()
                    if not re.search(r"[A-Za-z]{2}", piece):
                        continue
                    if re.search(r"(?<![A-Za-z])" + re.escape(piece) + r"(?![A-Za-z])", turkish):
                        continue
                    pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


ENGLISH = _english_messages()


class _TextOnly(HTMLParser):
    """The text a reader sees in HTML or SVG: no tags, attributes, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag == "style"

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _readable(format: str, data: str) -> str:
    """What a person reads in an export; machine parts (ids, codes, column names,
    markup) are for machines and stay the same in every language."""
    if format in ("html", "svg"):
        parser = _TextOnly()
        parser.feed(data)
        return "\n".join(parser.parts)
    if format == "ics":
        unfolded = data.replace("\r\n ", "")
        return "\n".join(
            line.split(":", 1)[1]
            for line in unfolded.splitlines()
            if line.startswith(("SUMMARY", "DESCRIPTION"))
        )
    if format == "csv":
        rows = list(csv.DictReader(io.StringIO(data, newline="")))
        human = ("title", "reason", "note", "warning_signs", "urgent_advice")
        return "\n".join(row[column] for row in rows for column in human)
    return re.sub(r"\[[a-z0-9-]+\]", "", data)  # text: the milestone ids in brackets


@pytest.mark.parametrize("format", ["text", "ics", "html", "svg", "csv"])
def test_a_turkish_plan_has_no_english_message_from_the_code(format: str) -> None:
    for plan in turkish_plans():
        for options in ({}, {"private": True}) if format == "ics" else ({},):
            data = _readable(
                format,
                ct.render(plan, format, ct.CalendarOptions(timestamp=T0, **options)).decode(),
            )
            found = [
                english
                for english in ENGLISH
                if re.search(r"(?<![A-Za-z])" + re.escape(english) + r"(?![A-Za-z])", data)
            ]
            assert not found, f"{format} {options}: English words from the code's messages: {found}"


def test_the_english_messages_are_the_ones_an_english_plan_shows() -> None:
    # The scan above must be able to fail: an English plan is full of them.
    plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=TODAY)
    text = ct.to_text(plan)
    assert "Warning signs" in ENGLISH and "Warning signs" in text
    assert sum(1 for english in ENGLISH if english in text) > 10


def test_turkish_dates_ages_and_lists() -> None:
    plan = turkish_plans()[0]
    page = ct.to_html(plan)
    assert "10 Mayıs 2027" in page  # the due date in words, with the Turkish month name
    assert "16+1" in ct.to_text(plan) and "16w1d" not in ct.to_text(plan)
    assert ct.to_json(plan).count('"16w1d"') == 1  # machines keep the notation
    reason = plan.milestone("cerclage-placement").reason
    assert " ve " in reason  # two risk factors joined the Turkish way
    assert 'lang="tr"' in page
    assert "LANGUAGE=tr" in ct.to_ics(plan, ct.CalendarOptions(timestamp=T0)).decode()


def test_turkish_casing_of_headings() -> None:
    """Headings keep the catalog's own casing: no .upper()/.lower()/.title() on
    translated text (Turkish has a dotted and a dotless i: i/İ and ı/I)."""
    plan = turkish_plans()[0]
    words = ct.to_text(plan) + ct.to_html(plan) + ct.to_svg(plan)
    catalog = _po("tr")
    headings = [
        catalog.get(english).string
        for english in ("Warning signs", "Milestones", "Week", "Date", "For you", "Applies")
    ]
    dotted = [heading for heading in headings if re.search("[İıiI]", heading)]
    assert dotted, "no heading has an i of either kind to check"
    for heading in headings:
        assert heading in words, heading  # exactly as the catalog writes it
    # Python's own casing is wrong for Turkish ("i".upper() is "I", not "İ"), so a
    # heading must never go through it: none of the exporters changes case.
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "src" / "care_timeline" / "export").glob("*.py")
    )
    # Two calls change case, neither on a translated text: fhir_protocol._name
    # capitalises a protocol's id into a FHIR computable name, and the calendar's
    # reference writer hands icalendar a property's name in lower case.
    calls = re.findall(r"(\w+)\.(?:upper|lower|title|capitalize|casefold)\(\)", source)
    assert sorted(calls) == ["name", "part"], calls


# -- a third language needs no code change ------------------------------------------------


def test_a_third_language_needs_no_code_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tiny fake language 'xx': a compiled catalog in a folder of its own, and a
    protocol file in that language. Nothing in the package changes."""
    catalog = Catalog(locale="en", domain="care_timeline")  # plural rules like English
    catalog.add("Warning signs", "Zwarnung")
    catalog.add("Applies", "Zapplies")
    catalog.add(
        ("{count} date, {rhythm}", "{count} dates, {rhythm}"), ("{count} zdate", "{count} zdates")
    )
    folder = tmp_path / "locale" / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "care_timeline.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(_i18n, "_LOCALE_DIRS", [*_i18n.locale_dirs(), tmp_path / "locale"])
    _i18n.language.cache_clear()
    try:
        assert "xx" in _i18n.available_languages()
        text = ct.default_protocol_text().replace('language = "en"', 'language = "xx"', 1)
        protocol = ct.parse_protocol(text, source="clinic.xx.toml")
        plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), protocol=protocol, today=TODAY)
        out = ct.to_text(plan)
        assert "Zwarnung" in out and "Warning signs" not in out
        assert "Zapplies:" in out
        assert "5 zdates" in out  # cervical checks: a plural form from the catalog
    finally:
        _i18n.language.cache_clear()


def test_a_language_without_a_catalog_keeps_the_english_words() -> None:
    """A clinic's protocol in a language with no catalog still plans, as before."""
    text = ct.default_protocol_text().replace('language = "en"', 'language = "de"', 1)
    protocol = ct.parse_protocol(text)
    plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), protocol=protocol, today=TODAY)
    assert "Warning signs" in ct.to_text(plan)
    assert "10 Mai 2027" in ct.to_html(plan)  # Babel knows German dates


# -- choosing a language ------------------------------------------------------------------


def test_language_in_the_api_and_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=TODAY, language="tr")
    assert plan.language == "tr" and plan.protocol.language == "tr"
    assert ct.default_languages() == ("en", "tr")
    with pytest.raises(ct.ProtocolError, match="language") as info:
        ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=TODAY, language="de")
    assert (info.value.field, info.value.value, info.value.allowed) == (
        "language",
        "de",
        "one of en, tr",
    )
    with pytest.raises(ct.PlanError, match="protocol's own language"):
        ct.plan(
            ct.Dating.from_due_date(date(2027, 5, 10)),
            protocol=ct.default_protocol(),
            today=TODAY,
            language="tr",
        )
    argv = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "--language", "tr"]
    assert main(argv) == 0
    assert capsys.readouterr().out == ct.to_text(plan)
    assert main([*argv[:-1], "xx"]) == 2
    assert capsys.readouterr().err == f"care-timeline: error: --{UNKNOWN_LANGUAGE}\n"
    assert main(["protocol", "show", "--language", "tr"]) == 0
    assert capsys.readouterr().out == ct.default_protocol_text("tr")


UNKNOWN_LANGUAGE = "language: 'xx' is not valid; expected one of en, tr"


@pytest.mark.parametrize(
    "ask",
    [
        lambda: ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=TODAY, language="xx"),
        lambda: ct.default_protocol("xx"),
        lambda: ct.default_protocol_text("xx"),
        lambda: check_default_language("xx"),
    ],
    ids=["plan", "default_protocol", "default_protocol_text", "check_default_language"],
)
def test_one_error_for_a_language_the_default_protocol_is_not_shipped_in(
    ask: Callable[[], object],
) -> None:
    with pytest.raises(ct.ProtocolError) as info:
        ask()
    assert str(info.value) == UNKNOWN_LANGUAGE
    assert (info.value.field, info.value.value) == ("language", "xx")


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--due-date", "2027-05-10", "--language", "xx"],
        ["protocol", "show", "--language", "xx"],
        ["protocol", "show", "--language", "xx", "--format", "fhir"],
    ],
)
def test_one_error_on_the_command_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err == f"care-timeline: error: --{UNKNOWN_LANGUAGE}\n"
