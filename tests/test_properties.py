"""Properties: any valid input gives a valid plan; any invalid text gives the library's error."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

import care_timeline as ct
from _support.strategies import profiles
from care_timeline.fields import (
    DATING_FIELDS,
    PROFILE_FIELDS,
    dating_from_fields,
    profile_from_fields,
)

FACTORS = [factor.id for factor in ct.default_protocol().risk_factors]
due_dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))


# today: from day 0 (280 days before the due date) to 34 days after it (44w6d, the last
# day planned)
@given(st.data(), due_dates, st.integers(-280, 34))
def test_any_valid_input_gives_a_valid_plan(data: st.DataObject, due: date, offset: int) -> None:
    day_zero = due - timedelta(days=280)
    today = due + timedelta(days=offset)
    profile = data.draw(profiles(within=(day_zero, today)))
    plan = ct.plan(ct.Dating.from_due_date(due), profile, today=today)
    starts = [m.start for m in plan.milestones]
    assert starts == sorted(starts)
    assert len(plan.milestones) == len(ct.default_protocol().milestones)
    for item in plan.milestones:
        assert item.start <= item.end
        assert ct.GestationalAge.between(due, item.start) == item.start_ga
        assert ct.GestationalAge.between(due, item.end) == item.end_ga
        if item.occurrences:
            assert (item.occurrences[0], item.occurrences[-1]) == (item.start, item.end)
            gaps = {
                (b - a).days for a, b in zip(item.occurrences, item.occurrences[1:], strict=False)
            }
            assert gaps <= {item.every_days}
        expected = "past" if item.end < today else "upcoming" if item.start > today else "current"
        assert item.timing == expected
        assert item.reason
        keys = [rule.key for rule in ct.default_protocol().milestone(item.id).rules]
        assert item.reason_key in keys
    assert plan.milestone("progesterone-injections").applicability != "applies"
    assert ct.Plan.model_validate_json(plan.model_dump_json()) == plan
    json.loads(plan.model_dump_json())


@given(st.text(max_size=20))
def test_any_date_text_parses_or_raises_own_error(text: str) -> None:
    try:
        parsed = ct.parse_date(text)
    except ct.DateInputError:
        return
    assert parsed.isoformat() == text.strip()  # only ISO is read without a date order


field_text = st.one_of(
    st.none(), st.text(max_size=12), st.sampled_from(["2027-05-10", "14w3d", "28", "5", "yes"])
)


@given(
    st.dictionaries(
        st.sampled_from([*DATING_FIELDS, *PROFILE_FIELDS]),
        field_text,
    )
)
def test_any_fields_give_a_plan_or_the_librarys_error(fields: dict[str, str | None]) -> None:
    try:
        dating = dating_from_fields(fields, today=date(2026, 11, 24))
        profile = profile_from_fields(fields)
        ct.plan(dating, profile, today=date(2026, 11, 24))
    except ct.CareTimelineError:
        pass
