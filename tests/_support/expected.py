"""Hand-counted: the default protocol's dates for a pregnancy due 2027-05-10, the
example most tests plan. Written from the protocol's table by counting days, never
by calling the code under test.

Day 0 is 2026-08-03 (2027-05-10 - 280 days); ``NwDd`` is day 7N + D.
"""

from __future__ import annotations

from datetime import date as D

DUE = D(2027, 5, 10)
DAY_ZERO = D(2026, 8, 3)

# id: (kind, start, end, start GA, end GA), with nothing known about the patient, in the
# plan's order (by start; equal starts keep the protocol's order).
DEFAULT_DATES = {
    "cervical-change-risk": (
        "window",
        D(2026, 10, 26),
        D(2027, 1, 10),
        "12w0d",
        "22w6d",
    ),  # day 84-160
    "cerclage-placement": (
        "window",
        D(2026, 10, 26),
        D(2026, 11, 15),
        "12w0d",
        "14w6d",
    ),  # day 84-104
    "cervical-monitoring": (
        "series",
        D(2026, 11, 23),
        D(2027, 1, 18),
        "16w0d",
        "24w0d",
    ),  # day 112-168
    "cerclage-if-cervix-shortens": (
        "window",
        D(2026, 11, 23),
        D(2027, 1, 18),
        "16w0d",
        "24w0d",
    ),  # day 112-168 (version 2: to 23w6d, day 167)
    "progesterone-injections": (
        "window",
        D(2026, 11, 23),
        D(2027, 4, 12),
        "16w0d",
        "36w0d",
    ),  # day 112-252; no dose is dated (version 2: a weekly series)
    "vaginal-progesterone": (
        "window",
        D(2026, 11, 23),
        D(2027, 4, 12),
        "16w0d",
        "36w0d",
    ),  # day 112-252
    "preterm-birth-watch": (
        "window",
        D(2027, 1, 11),
        D(2027, 3, 14),
        "23w0d",
        "31w6d",
    ),  # day 161-223
    "late-preterm-watch": (
        "window",
        D(2027, 3, 15),
        D(2027, 4, 18),
        "32w0d",
        "36w6d",
    ),  # day 224-258
    "cerclage-removal": ("window", D(2027, 4, 12), D(2027, 4, 19), "36w0d", "37w0d"),  # day 252-259
    "due-date": ("day", D(2027, 5, 10), D(2027, 5, 10), "40w0d", "40w0d"),  # day 280
}
MONITORING = [D(2026, 11, 23), D(2026, 12, 7), D(2026, 12, 21), D(2027, 1, 4), D(2027, 1, 18)]
"""Every 14 days from 16w0d (day 112) to 24w0d (day 168)."""
INJECTIONS = [
    *(D(2026, 11, day) for day in (23, 30)),
    *(D(2026, 12, day) for day in (7, 14, 21, 28)),
    *(D(2027, 1, day) for day in (4, 11, 18, 25)),
    *(D(2027, 2, day) for day in (1, 8, 15, 22)),
    *(D(2027, 3, day) for day in (1, 8, 15, 22, 29)),
    *(D(2027, 4, day) for day in (5, 12)),
]
"""Every 7 days from 16w0d (day 112) to 36w0d (day 252): 21 dates, as version 1 of the
protocol (the article's) dates the weekly injections; version 3 dates none."""
