"""Ultrasound dating: gestational age from crown–rump length, and the
re-dating thresholds that decide between an ultrasound and the LMP.

Both are published rules kept here as data with their sources, so that
:class:`~care_timeline.dating.Dating` only has to apply them.

- CRL to GA: Robinson & Fleming (1975), GA days = 8.052 × √CRL(mm) + 23.73,
  for CRL 10.0–84.0 mm, rounded to the nearest whole day (a half rounds up).
- LMP against ultrasound: ACOG Committee Opinion 700 (2017), Table 1; the band
  is chosen by the gestational age *by LMP on the scan date*.

>>> str(ga_from_crl(45))
'11w1d'
>>> band = redating_band(GestationalAge.parse("10w2d"))
>>> band.label, band.threshold_days
('9w0d-13w6d', 7)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from ._i18n import SOURCE_LANGUAGE, Language, language
from .errors import DatingError
from .gestational_age import GestationalAge
from .phrases import (
    AGE_BY,
    AGE_SOURCES,
    BAND_FROM,
    BAND_RANGE,
    BAND_UP_TO,
    EXPLANATION_KEPT,
    EXPLANATION_REDATED,
    REDATING_DAYS,
    SUBOPTIMAL,
)

__all__ = [
    "CRL_FORMULA",
    "CRL_RANGE_MM",
    "CRL_SOURCE",
    "REDATING_SOURCE",
    "REDATING_THRESHOLDS",
    "SUBOPTIMAL_DATING_BEFORE",
    "Comparison",
    "RedatingBand",
    "compare",
    "ga_from_crl",
    "redating_band",
    "suboptimal_dating_note",
]

CRL_FORMULA = "GA days = 8.052 × √CRL(mm) + 23.73"
CRL_SOURCE = (
    "Robinson HP, Fleming JEE. A critical evaluation of sonar crown-rump length "
    "measurements. Br J Obstet Gynaecol 1975;82:702-710"
)
CRL_RANGE_MM = (10.0, 84.0)
"""Inclusive. 84 mm (about 14w0d) is where ACOG CO 700 says CRL stops being the
measure to date by; 10 mm (7w0d by the formula) keeps inside the 6-14 week
span Robinson & Fleming measured, away from the steep early end of the curve."""

_CRL_SLOPE = 8.052
_CRL_INTERCEPT = 23.73


def ga_from_crl(crl_mm: float) -> GestationalAge:
    """The gestational age on the scan day for a crown–rump length in mm.

    Robinson & Fleming (1975): ``8.052 × √CRL + 23.73`` days, rounded to the
    nearest whole day with a half rounding up (never Python's round-half-even,
    which would round 77.5 and 78.5 in opposite directions).

    >>> str(ga_from_crl(10)), str(ga_from_crl(84))
    ('7w0d', '14w0d')
    >>> ga_from_crl(90)
    Traceback (most recent call last):
    ...
    care_timeline.errors.DatingError: crl_mm: 90 is not valid; expected a crown-rump length of 10.0-84.0 mm (the range of the Robinson & Fleming 1975 formula used here)
    """
    low, high = CRL_RANGE_MM
    allowed = (
        f"a crown-rump length of {low}-{high} mm "
        "(the range of the Robinson & Fleming 1975 formula used here)"
    )
    if not _is_number(crl_mm) or not low <= crl_mm <= high:
        raise DatingError(field="crl_mm", value=crl_mm, allowed=allowed)
    days = _CRL_SLOPE * math.sqrt(crl_mm) + _CRL_INTERCEPT
    return GestationalAge(math.floor(days + 0.5))


def _is_number(value: Any) -> bool:
    # A bool is an int to Python but never a length; NaN and infinities compare
    # oddly and would slip past or trip the range check with a confusing message.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float is no length either
        return False


@dataclass(frozen=True, slots=True)
class RedatingBand:
    """One row of the re-dating table: scans whose GA *by LMP* lies in
    ``first``-``last`` (inclusive; ``last`` None means no upper end) are
    re-dated to the ultrasound when the two differ by more than
    ``threshold_days``."""

    first: GestationalAge
    last: GestationalAge | None
    measure: str
    threshold_days: int

    @property
    def label(self) -> str:
        return self.label_in(language(SOURCE_LANGUAGE))

    def label_in(self, lang: Language) -> str:
        """The band's ages in words, in a language: ``9w0d-13w6d``, ``up to 8w6d``."""
        if self.last is None:
            return lang.format(BAND_FROM, first=lang.ga(self.first))
        if self.first.total_days == 0:
            return lang.format(BAND_UP_TO, last=lang.ga(self.last))
        return lang.format(BAND_RANGE, first=lang.ga(self.first), last=lang.ga(self.last))


_GA = GestationalAge.of

REDATING_SOURCE = "ACOG Committee Opinion 700, Methods for Estimating the Due Date (2017), Table 1"
REDATING_THRESHOLDS: tuple[RedatingBand, ...] = (
    RedatingBand(_GA(0, 0), _GA(8, 6), "CRL", 5),
    RedatingBand(_GA(9, 0), _GA(13, 6), "CRL", 7),
    RedatingBand(_GA(14, 0), _GA(15, 6), "BPD, HC, AC, FL", 7),
    RedatingBand(_GA(16, 0), _GA(21, 6), "BPD, HC, AC, FL", 10),
    RedatingBand(_GA(22, 0), _GA(27, 6), "BPD, HC, AC, FL", 14),
    RedatingBand(_GA(28, 0), None, "BPD, HC, AC, FL", 21),
)
"""Contiguous from 0w0d with no upper end, so every GA falls in exactly one band."""

SUBOPTIMAL_DATING_BEFORE = _GA(22, 0)
"""ACOG CO 700: a pregnancy with no ultrasound confirming or revising the due
date before 22w0d is suboptimally dated."""


def redating_band(lmp_ga_at_scan: GestationalAge) -> RedatingBand:
    """The row of :data:`REDATING_THRESHOLDS` for a scan at this GA by LMP."""
    return [band for band in REDATING_THRESHOLDS if band.first <= lmp_ga_at_scan][-1]


@dataclass(frozen=True, slots=True)
class Comparison:
    """An ultrasound against the LMP on the scan day, and the table's verdict."""

    lmp_ga: GestationalAge
    ultrasound_ga: GestationalAge
    band: RedatingBand

    @property
    def difference_days(self) -> int:
        return abs(self.ultrasound_ga.total_days - self.lmp_ga.total_days)

    @property
    def redate(self) -> bool:
        """Re-date to the ultrasound only when the difference is *more than* the threshold."""
        return self.difference_days > self.band.threshold_days

    def explanation(self, scan_date: date, lang: Language | None = None) -> str:
        """One sentence (and its grounds) saying what was chosen and why, in ``lang``
        (default: English, as the plan's JSON keeps it)."""
        lang = language(SOURCE_LANGUAGE) if lang is None else lang
        limit = self.band.threshold_days
        return lang.format(
            EXPLANATION_REDATED if self.redate else EXPLANATION_KEPT,
            ultrasound_ga=lang.ga(self.ultrasound_ga),
            difference=lang.ngettext(REDATING_DAYS, self.difference_days).format(
                count=self.difference_days
            ),
            threshold=limit,
            scan_date=scan_date.isoformat(),
            lmp_ga=lang.ga(self.lmp_ga),
            band=self.band.label_in(lang),
            limit=lang.ngettext(REDATING_DAYS, limit).format(count=limit),
        )


def compare(lmp_ga_at_scan: GestationalAge, ultrasound_ga: GestationalAge) -> Comparison:
    """Apply the re-dating table to the two gestational ages on the scan day.

    >>> c = compare(GestationalAge.parse("9w0d"), GestationalAge.parse("10w2d"))
    >>> c.difference_days, c.band.threshold_days, c.redate
    (9, 7, True)
    """
    return Comparison(lmp_ga_at_scan, ultrasound_ga, redating_band(lmp_ga_at_scan))


def suboptimal_dating_note(
    scan_date: date, ages: dict[str, GestationalAge], lang: Language | None = None
) -> str | None:
    """The CO 700 note when the scan was at or after 22w0d by any of ``ages``
    (keyed by what gave the age: ``"LMP"`` or ``"ultrasound"``); ``None`` otherwise."""
    lang = language(SOURCE_LANGUAGE) if lang is None else lang
    late = [
        lang.format(AGE_BY, ga=lang.ga(ga), source=lang.gettext(AGE_SOURCES[source]))
        for source, ga in ages.items()
        if ga >= SUBOPTIMAL_DATING_BEFORE
    ]
    if not late:
        return None
    return lang.format(
        SUBOPTIMAL,
        scan_date=scan_date.isoformat(),
        ages=lang.list(late),
        limit=lang.ga(SUBOPTIMAL_DATING_BEFORE),
    )
