"""Hypothesis strategies the tests share: one way to draw a patient's profile.

Every profile field is drawn (a test of "any profile" covers a fact added later only
if it is drawn here), with the consistency the model asks for: a day a short cervix
was found only with a short cervix, a stitch type only with the day it was placed,
a measurement's day only with its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hypothesis import strategies as st

import care_timeline as ct

maybe = st.one_of(st.none(), st.booleans())
"""A yes/no fact: yes, no or unknown."""
CERCLAGE_TYPES = (None, "transvaginal", "transabdominal")


@st.composite
def profiles(
    draw: st.DrawFn,
    within: tuple[date, date] | None = None,
    factors: Sequence[str] | None = None,
    fetuses: int = ct.profile.MAX_FETUSES,
) -> ct.Profile:
    """Any valid profile: its dates within ``within`` (from day 0 to today, say;
    default: any date), its risk factors from ``factors`` (default: the default
    protocol's), up to ``fetuses`` babies."""
    days = st.dates() if within is None else st.dates(*within)
    names = [f.id for f in ct.default_protocol().risk_factors] if factors is None else factors
    short = draw(maybe)
    length = draw(st.none() | st.floats(0, 80, exclude_min=True))
    placed = draw(st.none() | days)
    return ct.Profile(
        fetuses=draw(st.none() | st.integers(1, fetuses)),
        membranes_ruptured=draw(maybe),
        prior_preterm_birth=draw(maybe),
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
