"""The gestational-age value type: parse, format, compare, add, convert."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

import care_timeline as ct
from care_timeline import GestationalAge, GestationalAgeError


@pytest.mark.parametrize(
    ("text", "total_days", "shown"),
    [
        ("14w3d", 101, "14w3d"),  # the canonical form
        ("14+3", 101, "14w3d"),  # the obstetric shorthand
        ("14w", 98, "14w0d"),  # whole weeks
        ("0w0d", 0, "0w0d"),  # day 0
        ("44w6d", 314, "44w6d"),  # the latest the dating accepts
        (" 9W2D ", 65, "9w2d"),  # case and surrounding space do not matter
        ("40+0", 280, "40w0d"),  # the due date
        ("7w 6d", 55, "7w6d"),  # a space between the parts
    ],
)
def test_parse_and_format(text: str, total_days: int, shown: str) -> None:
    ga = GestationalAge.parse(text)
    assert ga.total_days == total_days
    assert str(ga) == shown


@pytest.mark.parametrize(
    "text",
    [
        "14w7d",  # days run 0-6
        "14+7",  # the same in shorthand
        "14",  # a bare number is ambiguous (weeks? days?)
        "14d",  # days without weeks
        "w3d",  # no weeks
        "-1w0d",  # negative
        "14w3",  # day part without its unit
        "14.5w",  # fractions
        "١٤w",  # non-ASCII digits
        "",  # nothing
        "14w3d extra",  # trailing text
    ],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(GestationalAgeError) as info:
        GestationalAge.parse(text)
    assert repr(text.replace("\n", "\\n")) in str(info.value) or text == ""
    assert "14w3d" in str(info.value)  # says what is allowed


def test_compare_and_add() -> None:
    assert GestationalAge.parse("14w6d") + 1 == GestationalAge.parse("15w0d")
    assert GestationalAge.parse("15w0d") - 1 == GestationalAge.parse("14w6d")
    assert GestationalAge.parse("13w6d") < GestationalAge.parse("14w0d")
    assert GestationalAge.of(14, 3) == GestationalAge(101)
    with pytest.raises(GestationalAgeError):
        GestationalAge.parse("1w") - 8  # below zero


@pytest.mark.parametrize(
    ("due", "on", "shown"),
    [
        (date(2027, 5, 10), date(2026, 8, 3), "0w0d"),  # day 0 = due - 280
        (date(2027, 5, 10), date(2026, 11, 24), "16w1d"),  # the spec's example
        (date(2027, 5, 10), date(2027, 5, 10), "40w0d"),  # the due date itself
        (
            date(2028, 3, 7),
            date(2028, 2, 29),
            "39w0d",
        ),  # a leap day inside the pregnancy (273 days)
    ],
)
def test_between_and_to_date(due: date, on: date, shown: str) -> None:
    ga = GestationalAge.between(due, on)
    assert str(ga) == shown
    assert GestationalAge.parse(shown).to_date(due) == on


def test_before_day_zero_is_none() -> None:
    assert GestationalAge.between(date(2027, 5, 10), date(2026, 8, 2)) is None


def test_of_rejects_day_seven() -> None:
    with pytest.raises(GestationalAgeError):
        GestationalAge.of(14, 7)


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_own_error(text: str) -> None:
    try:
        ga = GestationalAge.parse(text)
    except GestationalAgeError as err:
        assert isinstance(err, ValueError) and isinstance(err, ct.CareTimelineError)
    else:
        assert GestationalAge.parse(str(ga)) == ga


@given(st.integers(min_value=0, max_value=400))
def test_format_round_trips(days: int) -> None:
    ga = GestationalAge(days)
    assert GestationalAge.parse(str(ga)) == ga
    assert ga.weeks * 7 + ga.days == days
