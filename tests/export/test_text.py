"""The plain-text plan: its key to the not-applicable mark, and every line wrapped
to 100 characters (the heading's dating lines too)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct

ROOT = Path(__file__).resolve().parents[2]
DUE = date(2027, 5, 10)  # day 0 (0w0d) is 3 Aug 2026
TODAY = date(2026, 11, 24)  # 16w1d

# A re-dated pregnancy: the dating's explanation is one sentence of about 300 characters.
RECONCILED = ct.Dating.reconcile(
    ct.Dating.from_lmp(date(2026, 8, 3)),
    ct.Dating.from_ultrasound(ga="10w2d", scan_date=date(2026, 10, 5)),
)


def text_of(language: str, dating: ct.Dating = RECONCILED, **facts: object) -> str:
    profile = ct.Profile(**{"fetuses": 1, "prior_preterm_birth": True, **facts})
    return ct.to_text(
        ct.plan(dating, profile, today=TODAY, plan_id="clinic-42/7781", language=language)
    )


@pytest.mark.parametrize("language", ["en", "tr"])
def test_every_line_is_at_most_100_characters(language: str) -> None:
    text = text_of(language, risk_factors=[f.id for f in ct.default_protocol().risk_factors])
    long = [line for line in text.splitlines() if len(line) > 100]
    assert long == []


@pytest.mark.parametrize(
    ("language", "lead"),
    [("en", "How the pregnancy was dated: "), ("tr", "Gebelik haftasının nasıl belirlendiği: ")],
)
def test_the_dating_explanation_is_wrapped_not_cut(language: str, lead: str) -> None:
    plan = ct.plan(RECONCILED, today=TODAY, language=language)
    lines = ct.to_text(plan).splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(lead))
    end = lines.index("", start)
    paragraph = " ".join(lines[start:end])
    assert len(paragraph) > 250 and end - start >= 3  # one line of it before
    if language == "en":  # every word, in order
        assert paragraph == lead + (plan.dating.explanation or "")


def test_the_turkish_heading_is_wrapped() -> None:
    # "Tahmini doğum tarihi 2027-05-01 (belirleme yöntemi: ...). Bugün 2026-11-24, ..."
    # was one line of 142 characters.
    heading = text_of("tr").split("\n\n")[0].splitlines()
    assert heading[1].startswith("Tahmini doğum tarihi 2027-05-01")
    assert not heading[1].rstrip().endswith("17+3")  # today's week is on the next line
    assert "Bugün 2026-11-24" in " ".join(heading[1:3])


@pytest.mark.parametrize(
    ("language", "key"),
    [
        ("en", "Marked x: does not apply, so not on the timeline"),
        ("tr", "Başında x olanlar sizin için geçerli değil, bu yüzden takvimde yer almıyor"),
    ],
)
def test_the_not_applicable_mark_has_a_key(language: str, key: str) -> None:
    # The weekly injections never apply under version 3: marked x, and the key says why.
    lines = text_of(language).splitlines()
    marked = [line for line in lines if line.startswith("x ")]
    assert marked == [
        "x "
        + (
            "Weekly progesterone injections (17-OHPC)"
            if language == "en"
            else "Haftalık progesteron iğneleri (17-OHPC)"
        )
        + "  [progesterone-injections]"
    ]
    first = next(n for n, line in enumerate(lines) if line.endswith("[cervical-change-risk]"))
    assert lines[first - 1] == key  # right above the list


def test_no_key_without_a_mark() -> None:
    # The version-1 article protocol with nothing known: every milestone applies or is
    # to be discussed, so no line is marked and no key is given.
    protocol = ct.load_protocol(ROOT / "examples" / "article-protocol-v1.toml")
    text = ct.to_text(ct.plan(ct.Dating.from_due_date(DUE), protocol=protocol, today=TODAY))
    assert not [line for line in text.splitlines() if line.startswith("x ")]
    assert "Marked x" not in text


def test_ids_and_hyphenated_words_are_never_split() -> None:
    text = text_of("en")
    plan = ct.plan(RECONCILED, ct.Profile(fetuses=1, prior_preterm_birth=True), today=TODAY)
    for item in plan.milestones:
        assert f"[{item.id}]" in text
    assert not re.search(r"-\n", text)  # no line ends inside a hyphenated word
