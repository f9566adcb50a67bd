"""Translations: two protocol files with the same id and version but another language.

A translation may change words and nothing else. Every pair of such files in the repository
(the package's protocols and the examples) is compared: with every text removed, the two
protocols must be identical (ids, kinds, windows, intervals, thresholds, conditions, results,
keys, and how many warning signs and notes there are); each reason must use the same
placeholders; and plans made with either file must have the same dates and decisions. So a
translation can never move a date or change a decision. A translation must also have no text
left in the original language.

Expected values are not computed here: each test compares one file of a pair with the other.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import care_timeline as ct
from care_timeline import Profile

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("src/care_timeline/protocol/*.toml"), *ROOT.glob("examples/*.toml")])
LOADED = {path: ct.load_protocol(path) for path in FILES}
TURKISH = ROOT / "src/care_timeline/protocol/cervical_insufficiency.tr.toml"
ENGLISH = ROOT / "src/care_timeline/protocol/cervical_insufficiency.toml"


def _pairs() -> list[tuple[Path, Path]]:
    """Every two files with the same id and version and different languages; the English
    one (the original) first when there is one."""
    groups: dict[tuple[str, str], list[Path]] = {}
    for path, protocol in LOADED.items():
        groups.setdefault((protocol.id, protocol.version), []).append(path)
    pairs = []
    for paths in groups.values():
        for first, second in combinations(paths, 2):
            if LOADED[first].language == LOADED[second].language:
                continue
            if LOADED[second].language == "en":
                first, second = second, first
            pairs.append((first, second))
    return pairs


PAIRS = _pairs()
PAIR_NAMES = [f"{a.name}+{b.name}" for a, b in PAIRS]

# Every field of a protocol (and of a plan) that holds words rather than data. Anything not
# named here is compared, so a field added later is compared until it is named.
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
        "source",
        "warning_signs_basis",
        "trimesters_basis",
        "progesterone_basis",
        "found_early_basis",
        "language",
    }
)
TEXT = "<text>"


def _without_text(value: Any, key: str | None = None) -> Any:
    """A dumped model with every text replaced by one marker: what is left is data, and a
    text's presence, and the number of texts in a list, still count."""
    if isinstance(value, dict):
        return {name: _without_text(item, name) for name, item in value.items()}
    if key in TEXT_FIELDS:
        if isinstance(value, str):
            return TEXT
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [TEXT] * len(value)
    if isinstance(value, list):
        return [_without_text(item) for item in value]
    return value


def _skeleton(protocol: ct.Protocol) -> Any:
    return _without_text(protocol.model_dump(mode="json"))


def _texts(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text of a dumped model, with where it is."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(item, (*path, name))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _texts(item, (*path, number))
    elif isinstance(value, str) and _text_field(path):
        yield path, value


def _text_field(path: tuple[str | int, ...]) -> bool:
    names = [part for part in path if isinstance(part, str)]
    return bool(names) and names[-1] in TEXT_FIELDS


def _placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_the_default_protocol_has_a_turkish_translation() -> None:
    """The pairs below are found, not listed; this pins that the one the package ships is
    among them, so the tests cannot pass by finding nothing."""
    assert (ENGLISH, TURKISH) in PAIRS
    turkish = LOADED[TURKISH]
    assert (turkish.id, turkish.version, turkish.language) == ("cervical-insufficiency", "2", "tr")


@pytest.mark.parametrize(("original", "translation"), PAIRS, ids=PAIR_NAMES)
def test_only_the_words_differ(original: Path, translation: Path) -> None:
    assert _skeleton(LOADED[translation]) == _skeleton(LOADED[original])


@pytest.mark.parametrize(("original", "translation"), PAIRS, ids=PAIR_NAMES)
def test_the_counts_a_reader_sees_are_the_same(original: Path, translation: Path) -> None:
    """Spelt out, though the skeleton already holds them: the failures a reviewer most needs
    to read plainly."""
    one, other = LOADED[original], LOADED[translation]
    assert len(other.warning_signs) == len(one.warning_signs)
    assert (other.urgent_advice is None) == (one.urgent_advice is None)
    assert [f.id for f in other.risk_factors] == [f.id for f in one.risk_factors]
    assert [m.id for m in other.milestones] == [m.id for m in one.milestones]
    for mine, theirs in zip(one.milestones, other.milestones, strict=True):
        assert len(theirs.notes) == len(mine.notes), mine.id
        assert [r.key for r in theirs.rules] == [r.key for r in mine.rules], mine.id


@pytest.mark.parametrize(("original", "translation"), PAIRS, ids=PAIR_NAMES)
def test_each_reason_uses_the_same_placeholders(original: Path, translation: Path) -> None:
    one, other = LOADED[original], LOADED[translation]
    for mine, theirs in zip(one.milestones, other.milestones, strict=True):
        for rule, translated in zip(mine.rules, theirs.rules, strict=True):
            assert _placeholders(translated.reason) == _placeholders(rule.reason), (
                f"{mine.id}: rule {rule.key}"
            )


# Changes that a translation must not make, each applied to the Turkish file's text: every one
# must make the skeleton differ from the English file's. (old, new) pairs, applied once each.
CHANGES = [
    pytest.param([('end = "22w6d"', 'end = "21w6d"')], id="a window's end"),
    pytest.param([("every_days = 14", "every_days = 7")], id="a series' interval"),
    pytest.param([("threshold_mm = 25", "threshold_mm = 24")], id="the short-cervix threshold"),
    pytest.param([('comparison = "less-than"', 'comparison = "at-most"')], id="a comparison"),
    pytest.param([('found_early_before = "24w0d"', 'found_early_before = "23w0d"')], id="24w"),
    pytest.param([('category = "risk"', 'category = "monitoring"')], id="a category"),
    pytest.param([('id = "infection"', 'id = "infections"')], id="a risk factor id"),
    pytest.param(
        [
            (
                'when = ["prior-second-trimester-loss"]\nresult = "applies"',
                'when = ["prior-second-trimester-loss"]\nresult = "discuss"',
            )
        ],
        id="a result",
    ),
    pytest.param(
        [
            (
                'when = ["multiple-fetuses"]\nresult',
                'when = ["multiple-fetuses"]\nkey = "twins"\nresult',
            )
        ],
        id="a rule key",
    ),
    pytest.param(
        [
            (
                'when = ["short-cervix-found-early", "prior-preterm-birth"]',
                'when = ["short-cervix-found-early", "singleton"]',
            )
        ],
        id="a condition",
    ),
    pytest.param([('becomes_day = "cerclage-placed-on"\n', "")], id="becomes_day"),
    pytest.param(
        [('starts_no_earlier_than = "short-cervix-found-on"\n', "")], id="starts_no_earlier_than"
    ),
    pytest.param(
        [("warning_signs = true", "warning_signs = false")], id="a milestone's signs flag"
    ),
    pytest.param([('    "Adet sancısına benzeyen kramplar",\n', "")], id="a warning sign fewer"),
    pytest.param(
        [
            ('end = "13w6d"', 'end = "12w6d"'),
            ('start = "14w0d"\nend = "27w6d"', 'start = "13w0d"\nend = "27w6d"'),
        ],
        id="a trimester",
    ),
    pytest.param([('version = "2"', 'version = "2.1"')], id="the version"),
]


@pytest.mark.parametrize("changes", CHANGES)
def test_a_change_beyond_words_is_caught(changes: list[tuple[str, str]]) -> None:
    """The comparison above can fail: a translated file with a data change does not pass."""
    text = TURKISH.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old  # the file still has what this change edits
        text = text.replace(old, new, 1)
    changed = ct.parse_protocol(text, source="changed.toml")
    assert _skeleton(changed) != _skeleton(LOADED[ENGLISH])


def test_a_change_of_words_alone_passes() -> None:
    text = TURKISH.read_text(encoding="utf-8")
    old = 'title = "Tahmini doğum tarihi"'
    assert old in text
    changed = ct.parse_protocol(text.replace(old, 'title = "Doğum tarihi"'), source="t.toml")
    assert _skeleton(changed) == _skeleton(LOADED[ENGLISH])


# ---------------------------------------------------------------------------------------
# Plans made with either file

DUE = date(2027, 5, 10)  # day 0 (0w0d) is 2026-08-03
DATING = ct.Dating.from_due_date(DUE)
DAY_ZERO = DUE - timedelta(days=280)


def _ga(weeks: int, days: int = 0) -> date:
    return DAY_ZERO + timedelta(days=weeks * 7 + days)


# Profiles that reach different rows of the decision tables, planned on an early and a late
# day. Risk factors are added per protocol below (their ids belong to the protocol).
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
]
TODAYS = [_ga(16, 1), _ga(26)]


def _decisions(plan: ct.Plan) -> list[tuple[Any, ...]]:
    return [
        (m.id, m.kind, m.start, m.end, m.occurrences, m.timing, m.applicability, m.reason_key)
        for m in plan.milestones
    ]


def _same_plans(one: ct.Protocol, other: ct.Protocol, profile: Profile, today: date) -> None:
    mine = ct.plan(DATING, profile, protocol=one, today=today)
    theirs = ct.plan(DATING, profile, protocol=other, today=today)
    assert _decisions(theirs) == _decisions(mine)
    # and everything else a plan holds that is not words (trimesters, dating, flags, counts)
    assert _without_text(theirs.model_dump(mode="json")) == _without_text(
        mine.model_dump(mode="json")
    )


@pytest.mark.parametrize("today", TODAYS, ids=["16w1d", "26w0d"])
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("original", "translation"), PAIRS, ids=PAIR_NAMES)
def test_the_same_profiles_get_the_same_plan(
    original: Path, translation: Path, profile: Profile, today: date
) -> None:
    _same_plans(LOADED[original], LOADED[translation], profile, today)


@pytest.mark.parametrize(("original", "translation"), PAIRS, ids=PAIR_NAMES)
def test_every_risk_factor_on_record_gives_the_same_plan(original: Path, translation: Path) -> None:
    factors = tuple(factor.id for factor in LOADED[original].risk_factors)
    profile = Profile(risk_factors=factors, prior_second_trimester_loss=True)
    _same_plans(LOADED[original], LOADED[translation], profile, TODAYS[0])


maybe = st.one_of(st.none(), st.booleans())
days = st.integers(0, 300).map(lambda n: DAY_ZERO + timedelta(days=n))


@st.composite
def profiles(draw: st.DrawFn, factor_ids: tuple[str, ...]) -> Profile:
    short = draw(maybe)
    length = draw(st.none() | st.floats(1, 60))
    placed = draw(st.none() | days)
    return Profile(
        fetuses=draw(st.none() | st.integers(1, 4)),
        membranes_ruptured=draw(maybe),
        prior_preterm_birth=draw(maybe),
        prior_second_trimester_loss=draw(maybe),
        short_cervix=short,
        short_cervix_on=draw(st.none() | days) if short is True else None,
        cervical_length_mm=length,
        cervical_length_on=draw(st.none() | days) if length is not None else None,
        cerclage_placed_on=placed,
        cerclage_type=(
            draw(st.sampled_from([None, "transvaginal", "transabdominal"]))
            if placed is not None
            else None
        ),
        risk_factors=tuple(draw(st.lists(st.sampled_from(factor_ids), unique=True)))
        if factor_ids
        else (),
    )


@pytest.mark.parametrize(("original", "translation"), PAIRS, ids=PAIR_NAMES)
# today: from 100 days before day 0 to 44w6d (day 314), the last day a pregnancy is planned on
@given(data=st.data(), today=st.integers(-100, 314).map(lambda n: DAY_ZERO + timedelta(days=n)))
def test_any_profile_gets_the_same_plan(
    original: Path, translation: Path, data: st.DataObject, today: date
) -> None:
    one, other = LOADED[original], LOADED[translation]
    profile = data.draw(profiles(tuple(factor.id for factor in one.risk_factors)))
    _same_plans(one, other, profile, today)


# ---------------------------------------------------------------------------------------
# Nothing left in the original language

# Text fields a translation may leave word for word, each with why.
KEPT_AS_THEY_ARE = {
    "source",  # the source article's title: a proper name, cited as it was read
}

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


@pytest.mark.parametrize(("original", "translation"), PAIRS, ids=PAIR_NAMES)
def test_no_text_is_left_as_it_was(original: Path, translation: Path) -> None:
    mine = dict(_texts(LOADED[original].model_dump(mode="json")))
    theirs = dict(_texts(LOADED[translation].model_dump(mode="json")))
    assert theirs.keys() == mine.keys()
    for path, text in theirs.items():
        field = [part for part in path if isinstance(part, str)][-1]
        if field in KEPT_AS_THEY_ARE:
            continue
        assert text != mine[path], path


FROM_ENGLISH = [pair for pair in PAIRS if LOADED[pair[0]].language == "en"]


@pytest.mark.parametrize(
    ("original", "translation"), FROM_ENGLISH, ids=[f"{a.name}+{b.name}" for a, b in FROM_ENGLISH]
)
def test_no_english_sentence_is_left(original: Path, translation: Path) -> None:
    for path, text in _texts(LOADED[translation].model_dump(mode="json")):
        if path[-1] in KEPT_AS_THEY_ARE:
            continue
        prose = PLACEHOLDER.sub(" ", QUOTED_TITLE.sub(" ", text))
        words = set(re.findall(r"[^\W\d_]+", prose.lower()))
        assert not words & ENGLISH_WORDS, (path, sorted(words & ENGLISH_WORDS), text)


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


@pytest.mark.parametrize(
    "path", [p for p, protocol in LOADED.items() if protocol.language == "tr"], ids=lambda p: p.name
)
def test_turkish_is_written_with_turkish_letters(path: Path) -> None:
    texts = [text for _, text in _texts(LOADED[path].model_dump(mode="json"))]
    words = {word for text in texts for word in re.findall(r"[^\W\d_]+", text.lower())}
    assert not words & WITHOUT_TURKISH_LETTERS
    assert {"ç", "ğ", "ı", "ö", "ş", "ü"} <= set("".join(texts))
    assert "İ" in "".join(texts)  # capital dotted I, as in "İkinci trimester"
