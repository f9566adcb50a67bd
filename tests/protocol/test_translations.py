"""Translations of the shipped protocols: words only, complete, and the same plans.

A shipped protocol is one file, in English: its windows, rules and numbers, and its texts.
Another language is a set of messages in the ``protocols`` catalog, one for each text, keyed
by the protocol id and the text's place (a milestone by its id, a rule by its key); the
default protocol in that language is the English file with each text replaced. So a
translation cannot move a date or change a decision: it has nowhere to write one. What the
tests below hold:

- every shipped language translates every text, with the same placeholders, and leaves no
  English sentence behind;
- a plan in any shipped language has the same dates, applicabilities and rule keys as the
  English one (by construction; checked anyway, across many profiles);
- the windows are written in one file under ``src/``;
- the whole file a clinic starts from in another language (``protocol show --language``) is
  the English file with its strings replaced where they stand, and plans exactly as the
  default protocol in that language does;
- a text a catalog does not translate stays English (the loader's rule at run time).
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

import care_timeline as ct
from _support.strategies import cases
from care_timeline import Profile, _i18n
from care_timeline.cli import main
from care_timeline.protocol import loading
from care_timeline.protocol.texts import messages, text_places, toml_string, translated_file

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "care_timeline"
LOCALE = PACKAGE / "locale"
SHIPPED = sorted((PACKAGE / "protocol").glob("*.toml"))
ENGLISH_FILE = PACKAGE / "protocol" / "cervical_insufficiency.toml"
ENGLISH_TEXT = ENGLISH_FILE.read_text(encoding="utf-8")
TRANSLATED = [language for language in ct.default_languages() if language != "en"]


def _messages() -> list[tuple[str, str]]:
    """(context, English text) of every text of every shipped protocol file."""
    return [
        message for path in SHIPPED for message in messages(ct.load_protocol(path).model_dump())
    ]


MESSAGES = _messages()
ENGLISH = dict(MESSAGES)


def _po(language: str) -> Catalog:
    with (LOCALE / language / "LC_MESSAGES" / "protocols.po").open("rb") as handle:
        return read_po(handle, locale=language)


TURKISH = {message.context: message.string for message in _po("tr") if message.id}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_default_protocol_is_shipped_in_english_and_turkish() -> None:
    """The languages are found (a compiled protocols catalog each), not listed; this pins
    that Turkish is among them, so the tests below cannot pass by finding nothing."""
    assert ct.default_languages() == ("en", "tr")
    assert TRANSLATED == ["tr"]
    turkish = ct.default_protocol("tr")
    assert (turkish.id, turkish.version, turkish.language) == ("cervical-insufficiency", "3", "tr")


def test_every_shipped_protocol_file_is_english() -> None:
    """A translation is a catalog, never a second file of windows and rules. The files are
    the shipped protocols, each named by its id."""
    assert ENGLISH_FILE in SHIPPED
    assert sorted(PACKAGE / "protocol" / name for name in loading.SHIPPED_FILES.values()) == SHIPPED
    for name, file in loading.SHIPPED_FILES.items():
        protocol = ct.load_protocol(PACKAGE / "protocol" / file)
        assert (protocol.id, protocol.language) == (name, "en")
    assert ct.shipped_protocols() == ("cervical-insufficiency", "who-anc-2016", "tr-dob-2014")


def test_the_windows_are_written_only_in_the_protocol_files_under_src() -> None:
    window = re.compile(r'^(start|end|found_early_before) = "\d+w\dd"$', re.MULTILINE)
    holding = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and path.suffix not in (".mo", ".pyc")
        and window.search(path.read_text(encoding="utf-8"))
    )
    assert holding == sorted(f"protocol/{file}" for file in loading.SHIPPED_FILES.values())


def test_the_places_of_the_texts() -> None:
    """Each text is named by what it belongs to (ids and rule keys, not positions, where
    there are ids), with the protocol's id in front."""
    contexts = [context for context, _ in MESSAGES]
    assert len(contexts) == len(set(contexts))
    for context in [
        "cervical-insufficiency:title",
        "cervical-insufficiency:urgent_advice",
        "cervical-insufficiency:warning_signs.3",
        "cervical-insufficiency:trimesters.0.name",
        "cervical-insufficiency:short_cervix.basis",
        "cervical-insufficiency:short_cervix.found_early_basis",
        "cervical-insufficiency:risk_factors.trauma.label",
        "cervical-insufficiency:milestones.cerclage-placement.title",
        "cervical-insufficiency:milestones.cerclage-placement.rules.prior-second-trimester-loss.reason",
        "cervical-insufficiency:milestones.progesterone-injections.notes.0",
        "cervical-insufficiency:milestones.due-date.rules.otherwise.reason",
    ]:
        assert context in contexts, context
    assert not [context for context in contexts if context.endswith(":source")]


# Every field of a protocol that holds words; with the one left as it is (`source`, the
# title of the article the protocol is built from, cited as it was read), these are the
# model's texts. A text field added to the model later fails here until it is given a place.
TEXT_FIELDS = frozenset(
    {
        "title",
        "description",
        "basis",
        "reason",
        "notes",
        "label",
        "name",
        "warning_signs",  # the protocol's list of signs; a milestone's true/false is data
        "urgent_advice",
        "clinician_note",
        "warning_signs_basis",
        "trimesters_basis",
        "progesterone_basis",
        "found_early_basis",
        "early_basis",
    }
)
KEPT_AS_THEY_ARE = frozenset({"source"})


def _texts(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string of a dumped model that is a text (not an id, a word of a vocabulary,
    an age), with where it is."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(item, (*path, name))
    elif isinstance(value, list | tuple):
        for number, item in enumerate(value):
            yield from _texts(item, (*path, number))
    elif isinstance(value, str):
        names = [part for part in path if isinstance(part, str)]
        if names and names[-1] in TEXT_FIELDS | KEPT_AS_THEY_ARE:
            yield path, value


def test_every_text_has_a_place_and_nothing_else_does() -> None:
    table = ct.default_protocol().model_dump()
    places = {path for _, path in text_places(table)}
    texts = {path for path, _ in _texts(table) if path[-1] not in KEPT_AS_THEY_ARE}
    assert places == texts
    # and no field outside the list holds free text: every other string is data
    data = {name for name, value in table.items() if isinstance(value, str)}
    assert data - TEXT_FIELDS - KEPT_AS_THEY_ARE == {"id", "version", "language"}


# -- every shipped language is complete -----------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_is_translated_with_the_same_placeholders(language: str) -> None:
    catalog = _po(language)
    missing, wrong = [], []
    for context, english in MESSAGES:
        found = catalog.get(english, context=context)
        if found is None or found.fuzzy or not found.string:
            missing.append(context)
        elif _placeholders(found.string) != _placeholders(english):
            wrong.append((context, found.string))
    assert not missing, f"{language}: untranslated: {missing}"
    assert not wrong, f"{language}: placeholders differ: {wrong}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_holds_the_texts_and_nothing_else(language: str) -> None:
    """No message of the catalog is anything but a text of a shipped protocol: there is
    no place in it for a window or a rule."""
    found = {(message.context, message.id) for message in _po(language) if message.id}
    assert found == {(context, english) for context, english in MESSAGES}


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_text_is_left_as_it_was(language: str) -> None:
    catalog = _po(language)
    same = [
        context for context, english in MESSAGES if catalog.get(english, context).string == english
    ]
    assert not same


# Common English words; none of them is also a Turkish word. Quoted titles ('...') and
# placeholders are taken out first: the basis texts cite English documents by their titles.
# fmt: off
ENGLISH_WORDS = frozenset([
    "the", "and", "of", "are", "was", "were", "been", "with", "for", "to", "your",
    "you", "this", "that", "these", "there", "which", "what", "when", "than", "after",
    "before", "from", "until", "about", "if", "or", "be", "may", "should", "must", "will",
    "have", "its", "their", "they", "every", "only", "also", "still", "usually", "more",
    "less", "week", "weeks", "pregnancy", "due", "date", "stitch", "cervix", "waters", "baby",
    "care", "team", "trial", "guidance", "article", "labour", "birth",
])
# fmt: on
QUOTED_TITLE = re.compile(r"(?<!\w)'[^']*'(?!\w)")  # not a suffix's apostrophe (mm'den)
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def test_no_english_sentence_is_left_in_turkish() -> None:
    for path, text in _texts(ct.default_protocol("tr").model_dump()):
        if path[-1] in KEPT_AS_THEY_ARE:
            continue
        prose = PLACEHOLDER.sub(" ", QUOTED_TITLE.sub(" ", text))
        words = set(re.findall(r"[^\W\d_]+", prose.lower()))
        assert not words & ENGLISH_WORDS, (path, sorted(words & ENGLISH_WORDS), text)


def test_the_english_words_are_found_in_english() -> None:
    """The scan above can fail: the English texts are full of those words."""
    texts = " ".join(text for _, text in _texts(ct.default_protocol().model_dump()))
    found = set(re.findall(r"[^\W\d_]+", texts.lower())) & ENGLISH_WORDS
    assert len(found) > len(ENGLISH_WORDS) * 0.9


def test_the_quoted_title_pattern_leaves_suffixes_alone() -> None:
    text = "'Preterm Labor and Birth' ve 25 mm'den kısa; ABD'de 'Methods for Estimating'"
    assert QUOTED_TITLE.sub(" ", text).split() == ["ve", "25", "mm'den", "kısa;", "ABD'de"]


# ASCII spellings of the Turkish words these texts use most: a text typed without Turkish
# letters would have them.
# fmt: off
WITHOUT_TURKISH_LETTERS = frozenset([
    "agzi", "agzinin", "dogum", "dogumdan", "haftasi", "gebeligin", "bebegin", "saglik",
    "dikis", "kisa", "icin", "onemli", "once",
])
# fmt: on


def test_turkish_is_written_with_turkish_letters() -> None:
    texts = [text for _, text in _texts(ct.default_protocol("tr").model_dump())]
    words = {word for text in texts for word in re.findall(r"[^\W\d_]+", text.lower())}
    assert not words & WITHOUT_TURKISH_LETTERS
    assert {"ç", "ğ", "ı", "ö", "ş", "ü"} <= set("".join(texts))
    assert "İ" in "".join(texts)  # capital dotted I, as in "İkinci trimester"


# -- the same plans in every language -------------------------------------------------------

TEXT = "<text>"


def _without_text(value: Any, key: str | None = None) -> Any:
    """A dumped model with every text replaced by one marker: what is left is data, and a
    text's presence, and the number of texts in a list, still count."""
    if isinstance(value, dict):
        return {name: _without_text(item, name) for name, item in value.items()}
    if key in TEXT_FIELDS | KEPT_AS_THEY_ARE | {"language"}:
        if isinstance(value, str):
            return TEXT
        if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            return [TEXT] * len(value)
    if isinstance(value, list | tuple):
        return [_without_text(item) for item in value]
    return value


@pytest.mark.parametrize("language", TRANSLATED)
def test_only_the_words_differ(language: str) -> None:
    english, translated = ct.default_protocol(), ct.default_protocol(language)
    assert _without_text(translated.model_dump(mode="json")) == _without_text(
        english.model_dump(mode="json")
    )
    assert translated.language == language and translated.source == english.source


DUE = date(2027, 5, 10)  # day 0 (0w0d) is 2026-08-03
DATING = ct.Dating.from_due_date(DUE)
DAY_ZERO = DUE - timedelta(days=280)


def _ga(weeks: int, days: int = 0) -> date:
    return DAY_ZERO + timedelta(days=weeks * 7 + days)


def _ga_id(day: date) -> str:
    return str(DATING.gestational_age_on(day))


DATED = ("membranes_ruptured_on", "short_cervix_on", "cervical_length_on", "cerclage_placed_on")


# Profiles that reach different rows of the decision tables, planned on an early and a late
# day.
PROFILES = [
    Profile(),  # nothing known: the "otherwise" rows
    Profile(fetuses=2, membranes_ruptured=True),  # the exclusions
    Profile(fetuses=1, prior_preterm_birth=True, short_cervix=True, short_cervix_on=_ga(20)),
    Profile(prior_second_trimester_loss=True, short_cervix=True, short_cervix_on=_ga(18, 3)),
    Profile(short_cervix=True, short_cervix_on=_ga(26)),  # found at 24 weeks or later
    Profile(short_cervix=True, short_cervix_on=_ga(36, 1)),  # found after the window's end
    Profile(short_cervix=True),  # found, day not recorded
    Profile(prior_preterm_birth=False, cervical_length_mm=22, cervical_length_on=_ga(18)),
    Profile(prior_preterm_birth=False, cervical_length_mm=18, cervical_length_on=_ga(19)),
    Profile(prior_preterm_birth=False, short_cervix=False),  # neither
    Profile(prior_preterm_birth=True),  # cervix not known to be short
    Profile(cerclage_placed_on=_ga(13), cerclage_type="transvaginal"),
    Profile(cerclage_placed_on=_ga(13), cerclage_type="transabdominal"),
    Profile(cerclage_placed_on=_ga(13), membranes_ruptured=True),  # stitch and broken waters
    Profile(risk_factors=("trauma", "biopsy"), prior_second_trimester_loss=True),
]
TODAYS = [_ga(16, 1), _ga(26), _ga(37)]
CASES = [
    pytest.param(profile, today, id=f"profile{number}-{_ga_id(today)}")
    for number, profile in enumerate(PROFILES)
    for today in TODAYS
    # a fact's day cannot be after today
    if all(day <= today for day in (getattr(profile, name) for name in DATED) if day)
]


def _decisions(plan: ct.Plan) -> list[tuple[Any, ...]]:
    return [
        (m.id, m.kind, m.start, m.end, m.occurrences, m.timing, m.applicability, m.reason_key)
        for m in plan.milestones
    ]


def _same_plans(language: str, profile: Profile, today: date) -> None:
    english = ct.plan(DATING, profile, today=today)
    translated = ct.plan(DATING, profile, today=today, language=language)
    assert _decisions(translated) == _decisions(english)
    # and everything else a plan holds that is not words (trimesters, dating, flags, counts)
    assert _without_text(translated.model_dump(mode="json")) == _without_text(
        english.model_dump(mode="json")
    )


@pytest.mark.parametrize(("profile", "today"), CASES)
@pytest.mark.parametrize("language", TRANSLATED)
def test_the_same_profiles_get_the_same_plan(language: str, profile: Profile, today: date) -> None:
    _same_plans(language, profile, today)


@pytest.mark.parametrize("language", TRANSLATED)
# today: from day 0 to 44w6d (day 314), the days a pregnancy is planned on
@given(case=cases(DAY_ZERO))
def test_any_profile_gets_the_same_plan(language: str, case: tuple[Profile, date]) -> None:
    profile, today = case
    _same_plans(language, profile, today)


# -- the whole file in another language ------------------------------------------------------


def _unchanged(context: str, english: str) -> str:
    return english


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_the_english_file_writes_each_text_on_one_line(path: Path) -> None:
    """So that a translated file can be made by replacing each string where it stands:
    every text is a one-line basic string (``key = "..."``), every item of a list of texts
    is on a line of its own (``    "...",``). Unchanged texts give the file back as it is."""
    text = path.read_text(encoding="utf-8")
    assert translated_file(text, "en", _unchanged, source="x") == text
    lines = text.splitlines()
    for _, english in messages(ct.load_protocol(path).model_dump()):
        written = toml_string(english)
        assert [line for line in lines if line.endswith((f"= {written}", f"    {written},"))], (
            english
        )


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        (  # a multi-line string
            'title = "Estimated due date"',
            'title = """\nEstimated due date"""',
            "milestones.due-date.title",
        ),
        (  # a literal string
            'reason = "Every pregnancy has a due date."',
            "reason = 'Every pregnancy has a due date.'",
            "milestones.due-date.rules.otherwise.reason",
        ),
        (  # two warning signs on one line
            '    "More vaginal discharge than usual",\n    "Bleeding from the vagina",',
            '    "More vaginal discharge than usual", "Bleeding from the vagina",',
            "warning_signs.0",
        ),
        ('language = "en"\n', "", "language"),  # no language to replace
    ],
)
def test_a_text_written_another_way_is_named(old: str, new: str, place: str) -> None:
    assert old in ENGLISH_TEXT
    text = ENGLISH_TEXT.replace(old, new, 1)
    with pytest.raises(ct.ProtocolError) as info:
        translated_file(text, "tr", _unchanged, source="clinic.toml")
    assert str(info.value).startswith(f"clinic.toml: {place} is not written as a one-line string")


@pytest.mark.parametrize("language", ct.default_languages())
def test_the_shown_file_is_the_default_protocol(language: str) -> None:
    assert ct.parse_protocol(ct.default_protocol_text(language)) == ct.default_protocol(language)


@pytest.mark.parametrize("name", ct.shipped_protocols())
@pytest.mark.parametrize("language", ct.default_languages())
def test_the_shown_file_is_the_shipped_protocol(name: str, language: str) -> None:
    shown = ct.shipped_protocol_text(name, language)
    assert ct.parse_protocol(shown) == ct.shipped_protocol(name, language)


@pytest.mark.parametrize("name", ct.shipped_protocols())
@pytest.mark.parametrize("language", TRANSLATED)
def test_the_shown_file_is_the_english_file_with_other_words(language: str, name: str) -> None:
    """Line for line the English file: its comments, its data, its layout; a line at the
    top says where the words come from."""
    file = loading.SHIPPED_FILES[name]
    shown = ct.shipped_protocol_text(name, language).splitlines()
    assert shown[0].startswith(f"# Generated from {file}")
    english = (PACKAGE / "protocol" / file).read_text(encoding="utf-8").splitlines()
    assert len(shown) == len(english) + 1
    changed = [
        (mine, theirs) for mine, theirs in zip(english, shown[1:], strict=True) if mine != theirs
    ]
    assert ('language = "en"', f'language = "{language}"') in changed
    own = [context for context, _ in MESSAGES if context.startswith(f"{name}:")]
    assert len(changed) == len(own) + 1  # every text, and the language
    for mine, theirs in changed:  # the same key (or list item), another string
        assert mine.split('"', 1)[0] == theirs.split('"', 1)[0]


T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
PLAN = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "--timestamp", T0.isoformat()]
CLINIC_PROFILE = ["--prior-preterm-birth", "--risk-factor", "trauma", "--plan-id", "p1"]


@pytest.mark.parametrize("format", ["text", "json", "ics", "html", "csv"])
@pytest.mark.parametrize("language", TRANSLATED)
def test_a_clinic_can_keep_the_whole_protocol_in_its_language_in_one_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], language: str, format: str
) -> None:
    """The shown file, saved and loaded as a clinic's own, plans byte for byte as the
    default protocol in that language does."""
    assert main(["protocol", "show", "--language", language]) == 0
    clinic = tmp_path / "clinic.toml"
    clinic.write_bytes(capsysbinary.readouterr().out)
    assert ct.load_protocol(clinic) == ct.default_protocol(language)
    argv = [*PLAN, *CLINIC_PROFILE, "--format", format]
    assert main([*argv, "--language", language]) == 0
    default = capsysbinary.readouterr().out
    assert main([*argv, "--protocol", str(clinic)]) == 0
    assert capsysbinary.readouterr().out == default


@given(st.text())
def test_a_text_is_written_as_a_toml_string_that_reads_back(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate is no text a file can hold
    assert tomllib.loads(f"key = {toml_string(text)}\n") == {"key": text}


def test_texts_with_quotes_backslashes_tabs_and_lines_stay_themselves() -> None:
    odd = {
        "cervical-insufficiency:title": 'A "quoted" \\ title',
        "cervical-insufficiency:warning_signs.1": "a\ttab and\ntwo lines",
        "cervical-insufficiency:milestones.due-date.rules.otherwise.reason": "C:\\path, \\n",
    }

    def lookup(context: str, english: str) -> str:
        return odd.get(context, english)

    # German: a language Babel knows, with no catalog of the package's
    protocol = ct.parse_protocol(translated_file(ENGLISH_TEXT, "de", lookup, source="x"))
    assert protocol.title == odd["cervical-insufficiency:title"]
    assert protocol.warning_signs[1] == odd["cervical-insufficiency:warning_signs.1"]
    reason = protocol.milestone("due-date").rules[-1].reason
    assert reason == odd["cervical-insufficiency:milestones.due-date.rules.otherwise.reason"]
    assert protocol.language == "de"


# -- a catalog at run time ---------------------------------------------------------------


@pytest.fixture
def package_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The package's locale folder replaced by an empty one of the test's own."""

    def clear() -> None:
        _i18n.protocol_languages.cache_clear()
        _i18n.protocol_catalog.cache_clear()
        loading._shipped_protocol.cache_clear()

    folder = tmp_path / "locale"
    folder.mkdir()
    monkeypatch.setattr(_i18n, "_package_locale", lambda: folder)
    clear()
    try:
        yield folder
    finally:
        monkeypatch.undo()
        clear()


def _compile(folder: Path, language: str, catalog: Catalog) -> None:
    (folder / language / "LC_MESSAGES").mkdir(parents=True)
    with (folder / language / "LC_MESSAGES" / "protocols.mo").open("wb") as handle:
        write_mo(handle, catalog)


def test_a_text_a_catalog_lacks_stays_english(package_locale: Path) -> None:
    """Cannot happen in a shipped language (the tests above), but a catalog that lacks a
    text gives a plan with that one text in English, not a refusal: the dates and
    decisions do not depend on words."""
    lacking = "cervical-insufficiency:milestones.due-date.title"
    catalog = _po("tr")
    catalog.delete(ENGLISH[lacking], context=lacking)
    _compile(package_locale, "tr", catalog)
    partial = ct.default_protocol("tr")
    for context, text in messages(partial.model_dump()):
        assert text == (ENGLISH if context == lacking else TURKISH)[context], context
    assert ct.parse_protocol(ct.default_protocol_text("tr")) == partial


def test_a_language_for_the_protocol_texts_needs_no_code_change(package_locale: Path) -> None:
    """A fake language 'xx': a compiled protocols catalog in the package's folder, and the
    default protocol is shipped in it."""
    catalog = Catalog(locale="en", domain="protocols")
    for context, english in MESSAGES:
        catalog.add(english, f"[xx] {english}", context=context)
    _compile(package_locale, "xx", catalog)
    assert ct.default_languages() == ("en", "xx")
    protocol = ct.default_protocol("xx")
    assert protocol.language == "xx"
    assert protocol.title == "[xx] Cervical insufficiency care timeline"
    plan = ct.plan(DATING, today=TODAYS[0], language="xx")
    assert plan.milestone("due-date").reason == "[xx] Every pregnancy has a due date."
    with pytest.raises(ct.ProtocolError, match="one of en, xx"):
        ct.default_protocol("tr")


def test_the_catalog_is_read_once() -> None:
    assert _i18n.protocol_catalog("tr") is _i18n.protocol_catalog("tr")
    assert ct.default_protocol("tr") is ct.default_protocol("tr")


def test_the_compiled_catalog_says_what_the_po_says() -> None:
    """Read the way the loader reads it (the catalogs test compares the files too)."""
    translations = _i18n.protocol_catalog("tr")
    for context, english in MESSAGES:
        assert translations.pgettext(context, english) == TURKISH[context]
