"""Hypothesis strategies the tests share: one way to draw a patient's profile.

Every profile field is drawn (a test of "any profile" covers a fact added later only
if it is drawn here), with the consistency the model asks for: a day a short cervix
was found only with a short cervix, a stitch type only with the day it was placed,
a measurement's day only with its length, the day the waters broke and the week of an
earlier preterm birth never beside a "no".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from hypothesis import strategies as st

import care_timeline as ct

maybe = st.one_of(st.none(), st.booleans())
"""A yes/no fact: yes, no or unknown."""
CERCLAGE_TYPES = (None, "transvaginal", "transabdominal")
preterm_weeks = st.integers(16 * 7, 37 * 7 - 1).map(ct.GestationalAge)
"""The week of an earlier preterm birth: 16w0d to 36w6d."""


@st.composite
def profiles(
    draw: st.DrawFn,
    within: tuple[date, date] | None = None,
    factors: Sequence[str] | None = None,
    fetuses: int = ct.profile.MAX_FETUSES,
) -> ct.Profile:
    """Any valid profile: its dates within ``within`` (from day 0 to today, say;
    default: any date), its risk factors from ``factors`` (default: the default
    protocol's), up to ``fetuses`` babies. An empty ``within`` (its last day before its
    first: today before day 0) gives a profile with no day in it, and waters not broken."""
    days = st.dates() if within is None else st.dates(*within)
    if within is not None and within[1] < within[0]:
        days = st.nothing()
    names = [f.id for f in ct.default_protocol().risk_factors] if factors is None else factors
    short = draw(maybe)
    length = draw(st.none() | st.floats(0, 80, exclude_min=True))
    placed = draw(st.none() | days)
    ruptured, born = draw(maybe), draw(maybe)
    if within is not None and within[1] < within[0] and ruptured:
        ruptured = None  # the waters cannot have broken before the pregnancy began
    return ct.Profile(
        fetuses=draw(st.none() | st.integers(1, fetuses)),
        membranes_ruptured=ruptured,
        membranes_ruptured_on=draw(st.none() | days) if ruptured is not False else None,
        prior_preterm_birth=born,
        prior_preterm_birth_ga=draw(st.none() | preterm_weeks) if born is not False else None,
        prior_second_trimester_loss=draw(maybe),
        short_cervix=short,
        short_cervix_on=draw(st.none() | days) if short is True else None,
        cervical_length_mm=length,
        cervical_length_on=draw(st.none() | days) if length is not None else None,
        cerclage_placed_on=placed,
        cerclage_type=draw(st.sampled_from(CERCLAGE_TYPES)) if placed is not None else None,
        risk_factors=draw(st.lists(st.sampled_from(names), unique=True, max_size=4))
        if names
        else (),
    )


@st.composite
def cases(
    draw: st.DrawFn,
    day_zero: date,
    factors: Sequence[str] | None = None,
    days: tuple[int, int] = (0, 314),
) -> tuple[ct.Profile, date]:
    """A today (``days`` from ``day_zero``: by default from day 0 to 44w6d, the days a
    pregnancy is planned on) and any profile whose days fall from day 0 to that today
    (a fact dated after today is refused)."""
    today = day_zero + timedelta(days=draw(st.integers(*days)))
    return draw(profiles(within=(day_zero, today), factors=factors)), today
