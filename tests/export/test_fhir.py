"""The FHIR R4 export: every decision-table row of the default protocol (version 3) exports
a Bundle that fhir.resources parses and validates and that the official FHIR R4 JSON
Schema accepts; the activities carry the plan's dates, applicability and reason key; the
plan id never appears.

The second check is the FHIR R4 (4.0.1) JSON Schema, ``fhir.schema.json`` as HL7
publishes it (CC0), vendored gzip-compressed beside this file: see README.md here. Both
checks and the invariants neither makes are in ``tests/_support/fhir_check.py``.

The example pregnancy is due 2027-05-10, so day 0 (0w0d) is 2026-08-03. Dates below are
counted by hand from day 0 (Sep 3 is +31, Oct 3 +61, Nov 3 +92, Dec 3 +122, Jan 3 +153,
Feb 3 +184, Mar 3 +212, Apr 3 +243, May 3 +273):
10w0d = +70 = 2026-10-12; 12w0d = +84 = 2026-10-26; 13w0d = +91 = 2026-11-02;
14w6d = +104 = 2026-11-15; 16w0d = +112 = 2026-11-23; 16w1d = +113 = 2026-11-24;
17w1d = +120 = 2026-12-01; 18w0d = +126 = 2026-12-07; 18w1d = +127 = 2026-12-08;
18w3d = +129 = 2026-12-10; 20w0d = +140 = 2026-12-21; 22w0d = +154 = 2027-01-04;
22w6d = +160 = 2027-01-10; 23w0d = +161 = 2027-01-11; 24w0d = +168 = 2027-01-18;
26w0d = +182 = 2027-02-01; 31w6d = +223 = 2027-03-14; 32w0d = +224 = 2027-03-15;
36w0d = +252 = 2027-04-12; 36w1d = +253 = 2027-04-13; 36w6d = +258 = 2027-04-18;
37w0d = +259 = 2027-04-19; 40w0d = +280 = 2027-05-10.

Regenerate the example Bundle in docs/fhir.md after an intended change:
``REGENERATE=1 pytest tests/export/test_fhir.py -k example``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import sys
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import care_timeline as ct
from _support.expected import DEFAULT_DATES, MONITORING
from _support.strategies import cases
from _support.tools import needs_fhir_extra
from care_timeline import Dating, Profile
from care_timeline.errors import ExportError
from care_timeline.export import fhir

needs_fhir_extra()  # before the imports below (see _support/tools.py)

from fhir.resources.R4B.bundle import Bundle  # noqa: E402
from fhir.resources.R4B.careplan import CarePlan  # noqa: E402

from _support.fhir_check import (  # noqa: E402
    activities,
    invariant_problems,
    read,
    resources,
    schema_errors,
)

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "fhir.md"

D = date
DUE = D(2027, 5, 10)
TODAY = D(2026, 11, 24)  # 16w1d
PLACED = D(2026, 11, 2)  # 13w0d
BASE = "https://care-timeline.invalid/fhir"
APPLICABILITY_EXTENSION = f"{BASE}/StructureDefinition/applicability"
REASON_KEY_EXTENSION = f"{BASE}/StructureDefinition/reason-key"
CODE_SYSTEM = f"{BASE}/CodeSystem/cervical-insufficiency-milestones"
PLAN_DEFINITION = f"{BASE}/PlanDefinition/cervical-insufficiency"

# id: (start, end) with no profile facts, in the plan's order (hand-counted in
# _support/expected.py). The rows below give the two new milestones' dates each, and
# move others where a rule (or the waters) does.
DATES = {milestone: (start, end) for milestone, (_, start, end, _, _) in DEFAULT_DATES.items()}
NEW = ("cerclage-if-cervix-shortens", "late-preterm-watch")
"""The milestones version 2 added: every row states their dates itself."""
SERIES = {"cervical-monitoring": 2}
"""The series and their interval in weeks (version 3 dates no 17-OHPC dose: that
milestone is a window, with no weekly occurrences)."""
CHOICE = ("cerclage-if-cervix-shortens", "vaginal-progesterone")
"""The two milestones a row may make a choice of either."""

WORD = {"A": "applies", "D": "discuss", "N": "not-applicable"}
ALWAYS = ("cervical-change-risk", "preterm-birth-watch", "late-preterm-watch", "due-date")
"""Always apply, by their one rule (key ``otherwise``)."""
NEVER = ("progesterone-injections",)
"""Never planned (version 3: 17-OHPC was withdrawn), by its one rule (key ``otherwise``)."""
VARIABLE = (
    "cerclage-placement",
    "cervical-monitoring",
    "cerclage-if-cervix-shortens",
    "vaginal-progesterone",
    "cerclage-removal",
)
"""Decided by the profile; with nothing known each is "D otherwise" (discuss, by the
rule without conditions)."""


@dataclass(frozen=True)
class Row:
    name: str
    profile: Profile
    verdicts: dict[str, str]
    """Where a variable milestone is not "D otherwise": the applicability's letter (A
    applies, D discuss, N not-applicable) and the key of the rule that decides."""
    shortens: tuple[date, date]
    """cerclage-if-cervix-shortens: its first and last day."""
    late: tuple[date, date]
    """late-preterm-watch: its first and last day."""
    moved: dict[str, tuple[date, date]] = field(default_factory=dict)
    """Other milestones whose dates a rule (or the waters) moves away from DATES."""
    checks: tuple[date, ...] = tuple(MONITORING)
    """cervical-monitoring's dates: every two weeks from 16w0d to 24w0d, unless the
    waters cut the series short."""
    today: date = TODAY
    """The plan's today: a fact's day cannot be after it, so a row with a later fact
    is planned on that day (its decisions and dates do not depend on today)."""
    choice: bool = False
    """Whether the two milestones of CHOICE are a choice of either."""


# Today is 16w1d = 2026-11-24: an undated "waters broken" broke that day.
SHORT_17W1D = D(2026, 12, 1)  # 17w1d: by 24w0d, so found early
WINDOW = (D(2026, 11, 23), D(2027, 1, 18))  # cerclage-if-cervix-shortens: 16w0d-24w0d
LATE = (D(2027, 3, 15), D(2027, 4, 18))  # late-preterm-watch: 32w0d-36w6d
# The waters broke on 16w1d (undated: today). The series started on 16w0d: it keeps its
# first check only (the next, 18w0d, is after that day); windows that the waters stop
# end that day.
CUT_CHECKS = (D(2026, 11, 23),)
CUT = (D(2026, 11, 23), D(2026, 11, 24))  # 16w0d-16w1d
# Between them, the rows make every rule of every milestone decide at least once
# (test_every_rule_of_every_milestone_decides_a_row checks it).
ROWS = [
    Row(
        "nothing-known",
        Profile(),
        {},
        # No short cervix is known: 16w0d-24w0d. No rule moves the late watch: 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
    ),
    Row(
        "twins",
        Profile(fetuses=2),
        {
            "cerclage-placement": "N multiple-fetuses",
            "cervical-monitoring": "D multiple-fetuses",
            # version 3: may be considered for an opening cervix (Roman et al. 2020)
            "cerclage-if-cervix-shortens": "D multiple-fetuses",
            "vaginal-progesterone": "N multiple-fetuses",
            "cerclage-removal": "N multiple-fetuses",
        },
        # 16w0d-24w0d; late watch 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
    ),
    Row(
        "waters-broken",
        Profile(membranes_ruptured=True),
        {
            # The stitch's window was over on 14w6d, before the waters: D otherwise, as it
            # was. Checks, stitch-if-it-shortens and progesterone were open on 16w1d: they
            # end that day and keep their decision (D otherwise).
            "cerclage-removal": "N membranes-ruptured",  # all of it after that day
        },
        shortens=CUT,
        late=LATE,
        moved={
            "cervical-monitoring": (CUT_CHECKS[0], CUT_CHECKS[0]),
            "vaginal-progesterone": CUT,
        },
        checks=CUT_CHECKS,
    ),
    Row(
        "waters-broken-on-12w0d",
        Profile(membranes_ruptured_on=D(2026, 10, 26)),
        {
            # On the first day of the stitch's window, so all of it is after: decided.
            "cerclage-placement": "N membranes-ruptured",
            "cervical-monitoring": "N membranes-ruptured",
            "cerclage-if-cervix-shortens": "N membranes-ruptured",
            "vaginal-progesterone": "N membranes-ruptured",
            "cerclage-removal": "N membranes-ruptured",
        },
        # Kept as cancelled, with their windows: 16w0d-24w0d; 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
    ),
    Row(
        "cerclage-placed",
        Profile(cerclage_placed_on=PLACED),
        {
            "cerclage-placement": "A cerclage-placed",
            "cervical-monitoring": "D cerclage-placed",
            "cerclage-if-cervix-shortens": "N cerclage-placed",
            # version 3: the trials of vaginal progesterone left out pregnancies with a stitch
            "vaginal-progesterone": "D cerclage-placed",
            "cerclage-removal": "A cerclage-placed",
        },
        # A stitch already in place moves nothing of these: 16w0d-24w0d; 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
        moved={"cerclage-placement": (PLACED, PLACED)},  # becomes the day it was placed
    ),
    Row(
        "transabdominal-cerclage",
        Profile(cerclage_placed_on=PLACED, cerclage_type="transabdominal"),
        {
            "cerclage-placement": "A cerclage-placed",
            "cervical-monitoring": "D cerclage-placed",
            "cerclage-if-cervix-shortens": "N cerclage-placed",
            "vaginal-progesterone": "D cerclage-placed",
            "cerclage-removal": "N transabdominal-cerclage",
        },
        # 16w0d-24w0d; 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
        moved={"cerclage-placement": (PLACED, PLACED)},
    ),
    Row(
        "transabdominal-cerclage-waters-broken",
        Profile(cerclage_placed_on=PLACED, cerclage_type="transabdominal", membranes_ruptured=True),
        {
            "cerclage-placement": "A cerclage-placed",  # over before the waters
            # Open on 16w1d: they end that day, with the decision they had before.
            "cervical-monitoring": "D cerclage-placed",
            "cerclage-if-cervix-shortens": "N cerclage-placed",
            "vaginal-progesterone": "D cerclage-placed",
            # version 3 (W6): the stitch stays, birth by caesarean section; its window stays.
            "cerclage-removal": "N transabdominal-cerclage+membranes-ruptured",
        },
        shortens=CUT,
        late=LATE,
        moved={
            "cerclage-placement": (PLACED, PLACED),
            "cervical-monitoring": (CUT_CHECKS[0], CUT_CHECKS[0]),
            "vaginal-progesterone": CUT,
        },
        checks=CUT_CHECKS,
    ),
    Row(
        "twins-waters-broken-cerclage-placed",
        Profile(fetuses=2, membranes_ruptured=True, cerclage_placed_on=PLACED),
        {
            # Over before the waters; twins decide placement first, so it keeps its
            # window (no becomes_day).
            "cerclage-placement": "N multiple-fetuses",
            # Open on 16w1d: it ends that day, with the decision it had before.
            "cervical-monitoring": "D multiple-fetuses",
            "cerclage-if-cervix-shortens": "D multiple-fetuses",  # not the waters' rule
            "vaginal-progesterone": "N multiple-fetuses",
            # version 3 (U1): a stitch in place and the waters broken: an urgent item on
            # the day they broke (today, undated), not the 36-37 week window.
            "cerclage-removal": "A cerclage-placed+membranes-ruptured",
        },
        # 16w0d-24w0d (decided by the twins, not stopped); 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
        moved={
            "cervical-monitoring": (CUT_CHECKS[0], CUT_CHECKS[0]),
            "cerclage-removal": (TODAY, TODAY),
        },
        checks=CUT_CHECKS,
    ),
    Row(
        "prior-preterm-birth",
        Profile(fetuses=1, prior_preterm_birth=True),
        {
            "cervical-monitoring": "A prior-preterm-birth",
            "vaginal-progesterone": "D prior-preterm-birth",
        },
        # No short cervix found (yet): 16w0d-24w0d; 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
    ),
    Row(
        "no-prior-preterm-birth",
        Profile(fetuses=1, prior_preterm_birth=False),
        # As with nothing known: the "no" decides only with a cervix known not short
        # (version 2's "no injections" is now everyone's).
        {},
        # 16w0d-24w0d; 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
    ),
    Row(
        "prior-second-trimester-loss",
        Profile(fetuses=1, prior_second_trimester_loss=True),
        {
            "cerclage-placement": "A prior-second-trimester-loss",
            "cervical-monitoring": "A prior-second-trimester-loss",
        },
        # 16w0d-24w0d; 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
    ),
    Row(
        "prior-cerclage",
        Profile(risk_factors=("prior-cerclage",)),
        # version 3 (I6): a stitch in an earlier pregnancy for painless opening
        {"cerclage-placement": "A prior-cerclage"},
        # 16w0d-24w0d; 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
    ),
    Row(
        "no-short-cervix",
        Profile(short_cervix=False, prior_preterm_birth=False),
        {"vaginal-progesterone": "N no-short-cervix+no-prior-preterm-birth"},
        # 16w0d-24w0d; 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
    ),
    Row(
        "short-cervix-17w1d",
        Profile(short_cervix=True, short_cervix_on=SHORT_17W1D, prior_preterm_birth=False),
        {
            "cerclage-if-cervix-shortens": "D short-cervix-found-early",
            # Stated short, without a length: counts as at most the 20 mm threshold.
            "vaginal-progesterone": (
                "A short-cervix-found-early+cervix-at-most-progesterone-threshold"
                "+no-prior-preterm-birth"
            ),
        },
        # Starts the day the short cervix was found, 17w1d = 2026-12-01, to 24w0d;
        # the late watch is not moved: 32w0d-36w6d.
        shortens=(SHORT_17W1D, D(2027, 1, 18)),
        late=LATE,
        moved={"vaginal-progesterone": (SHORT_17W1D, D(2027, 4, 12))},  # 17w1d-36w0d
        today=SHORT_17W1D,  # the day it was found
    ),
    Row(
        "short-cervix-17w1d-after-a-preterm-birth",
        Profile(
            fetuses=1, prior_preterm_birth=True, short_cervix=True, short_cervix_on=SHORT_17W1D
        ),
        {
            "cervical-monitoring": "A prior-preterm-birth",
            # version 3 (W2): the week of the earlier birth is not recorded, so whether it
            # was before 34 weeks is not known: to discuss, and no choice of either.
            "cerclage-if-cervix-shortens": "D short-cervix-found-early+prior-preterm-birth",
            "vaginal-progesterone": "A short-cervix-found-early+prior-preterm-birth",
        },
        # From the day found, 17w1d = 2026-12-01, to 24w0d = 2027-01-18; 32w0d-36w6d.
        shortens=(SHORT_17W1D, D(2027, 1, 18)),
        late=LATE,
        moved={"vaginal-progesterone": (SHORT_17W1D, D(2027, 4, 12))},  # 17w1d-36w0d
        today=SHORT_17W1D,  # the day it was found
    ),
    Row(
        "short-cervix-17w1d-after-a-birth-at-30w",
        Profile(
            fetuses=1,
            prior_preterm_birth_ga="30w0d",
            short_cervix=True,
            short_cervix_on=SHORT_17W1D,
        ),
        {
            "cervical-monitoring": "A prior-preterm-birth",  # the week implies the birth
            "cerclage-if-cervix-shortens": "A short-cervix-found-early+early-prior-preterm-birth",
            "vaginal-progesterone": "A short-cervix-found-early+early-prior-preterm-birth",
        },
        # From the day found, 17w1d = 2026-12-01, to 24w0d; 32w0d-36w6d.
        shortens=(SHORT_17W1D, D(2027, 1, 18)),
        late=LATE,
        moved={"vaginal-progesterone": (SHORT_17W1D, D(2027, 4, 12))},  # 17w1d-36w0d
        choice=True,  # version 3 (I7): a stitch or vaginal progesterone, not both
        today=SHORT_17W1D,  # the day it was found
    ),
    Row(
        "short-cervix-17w1d-after-a-loss",
        Profile(
            fetuses=1,
            prior_second_trimester_loss=True,
            short_cervix=True,
            short_cervix_on=SHORT_17W1D,
        ),
        {
            "cerclage-placement": "A prior-second-trimester-loss",
            "cervical-monitoring": "A prior-second-trimester-loss",
            "cerclage-if-cervix-shortens": (
                "A short-cervix-found-early+prior-second-trimester-loss"
            ),
            # version 3: after a mid-pregnancy loss as after a preterm birth (NICE NG25)
            "vaginal-progesterone": "A short-cervix-found-early+prior-second-trimester-loss",
        },
        # From the day found, 17w1d = 2026-12-01, to 24w0d = 2027-01-18; 32w0d-36w6d.
        shortens=(SHORT_17W1D, D(2027, 1, 18)),
        late=LATE,
        moved={"vaginal-progesterone": (SHORT_17W1D, D(2027, 4, 12))},  # 17w1d-36w0d
        choice=True,
        today=SHORT_17W1D,  # the day it was found
    ),
    Row(
        "cervix-22mm-at-18w1d",
        Profile(
            cervical_length_mm=22.0, cervical_length_on=D(2026, 12, 8), prior_preterm_birth=False
        ),
        {
            # 22 mm is short (under 25 mm) but above the 20 mm progesterone threshold.
            "cerclage-if-cervix-shortens": "D short-cervix-found-early",
            "vaginal-progesterone": "D cervix-between-thresholds+no-prior-preterm-birth",
        },
        # Found the day it was measured, 18w1d = 2026-12-08, to 24w0d = 2027-01-18;
        # 32w0d-36w6d.
        shortens=(D(2026, 12, 8), D(2027, 1, 18)),
        late=LATE,
        moved={"vaginal-progesterone": (D(2026, 12, 8), D(2027, 4, 12))},  # 18w1d-36w0d
        today=D(2026, 12, 8),  # the day it was found
    ),
    Row(
        "cervix-18mm-at-24w0d-after-a-birth-at-30w",
        Profile(
            fetuses=1,
            prior_preterm_birth_ga="30w0d",
            cervical_length_mm=18.0,
            cervical_length_on=D(2027, 1, 18),
        ),
        {
            "cervical-monitoring": "A prior-preterm-birth",
            # version 3 (W3): found on 24w0d is found early, and the window ends that day
            "cerclage-if-cervix-shortens": "A short-cervix-found-early+early-prior-preterm-birth",
            "vaginal-progesterone": "A short-cervix-found-early+early-prior-preterm-birth",
        },
        # One day, 24w0d = 2027-01-18; vaginal progesterone 24w0d-36w0d; 32w0d-36w6d.
        shortens=(D(2027, 1, 18), D(2027, 1, 18)),
        late=LATE,
        moved={"vaginal-progesterone": (D(2027, 1, 18), D(2027, 4, 12))},
        choice=True,
        today=D(2027, 1, 18),  # the day it was found
    ),
    Row(
        "short-cervix-26w0d",
        Profile(short_cervix=True, short_cervix_on=D(2027, 2, 1), prior_preterm_birth=False),
        {
            "cerclage-if-cervix-shortens": "N short-cervix-found-late",
            "vaginal-progesterone": "D short-cervix-found-late",
        },
        # Found at 26w0d, after the stitch's window: its found-late rule moves nothing,
        # so 16w0d-24w0d; 32w0d-36w6d. Vaginal progesterone's window starts that day.
        shortens=WINDOW,
        late=LATE,
        moved={"vaginal-progesterone": (D(2027, 2, 1), D(2027, 4, 12))},  # 26w0d-36w0d
        today=D(2027, 2, 1),  # the day it was found
    ),
    Row(
        "short-cervix-36w1d",
        Profile(short_cervix=True, short_cervix_on=D(2027, 4, 13), prior_preterm_birth=False),
        {
            "cerclage-if-cervix-shortens": "N short-cervix-found-late",
            # 36w1d is after the progesterone window's last day, 36w0d = 2027-04-12.
            "vaginal-progesterone": "N short-cervix-found-after-end",
        },
        # 16w0d-24w0d; the late watch is not moved by a finding inside it: 32w0d-36w6d.
        shortens=WINDOW,
        late=LATE,
        today=D(2027, 4, 13),  # the day it was found
    ),
]


def make(
    profile: Profile | None = None, plan_id: str | None = "patient-0042", today: date = TODAY
) -> ct.Plan:
    return ct.plan(Dating.from_due_date(DUE), profile, today=today, plan_id=plan_id)


def expected_verdicts(row: Row) -> dict[str, tuple[str, str]]:
    """Applicability and rule key of every milestone, from the row."""
    verdicts = {
        **dict.fromkeys(ALWAYS, ("applies", "otherwise")),
        **dict.fromkeys(NEVER, ("not-applicable", "otherwise")),
        **dict.fromkeys(VARIABLE, ("discuss", "otherwise")),
    }
    for milestone, verdict in row.verdicts.items():
        assert milestone in VARIABLE, milestone
        letter, key = verdict.split(" ")
        verdicts[milestone] = (WORD[letter], key)
    return verdicts


def expected_dates(row: Row) -> dict[str, tuple[date, date]]:
    return {**DATES, **row.moved, NEW[0]: row.shortens, NEW[1]: row.late}


# -- every decision-table row --------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_decision_table_rows_export_valid_bundles(row: Row) -> None:
    bundle = read(
        fhir.render(make(row.profile, today=row.today))
    )  # both validations, and the invariants
    verdicts, dates = expected_verdicts(row), expected_dates(row)
    found = activities(bundle)
    # Not-applicable milestones are kept, as cancelled; in the plan's order, by start
    # (equal starts keep the protocol's order, which is DATES's).
    assert list(found) == sorted(DATES, key=lambda milestone: dates[milestone][0])
    for milestone, detail in found.items():
        applicability, key = verdicts[milestone]
        assert detail["extension"] == [
            {"url": APPLICABILITY_EXTENSION, "valueCode": applicability},
            {"url": REASON_KEY_EXTENSION, "valueCode": key},
        ], milestone
        assert "doNotPerform" not in detail
        status, reason_at = {
            "applies": ("not-started", "reasonCode"),
            "discuss": ("not-started", "statusReason"),
            "not-applicable": ("cancelled", "statusReason"),
        }[applicability]
        assert detail["status"] == status
        if reason_at == "reasonCode":
            assert detail["reasonCode"][0]["text"]
            assert "statusReason" not in detail
        else:
            assert detail["statusReason"]["text"]
            assert "reasonCode" not in detail
        start, end = dates[milestone]
        if milestone in SERIES:
            timing = detail["scheduledTiming"]
            assert timing["event"] == [day.isoformat() for day in row.checks]
            assert timing["repeat"]["boundsPeriod"] == {
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
            weeks = SERIES[milestone]
            assert (timing["repeat"]["period"], timing["repeat"]["periodUnit"]) == (weeks, "wk")
            assert "scheduledPeriod" not in detail
        else:
            assert detail["scheduledPeriod"] == {"start": start.isoformat(), "end": end.isoformat()}
            assert "scheduledTiming" not in detail
        # A choice of either is said in both activities, and nowhere else.
        said = "One of two options: this, or " in detail["description"]
        assert said == (row.choice and milestone in CHOICE), milestone


def test_every_rule_of_every_milestone_decides_a_row() -> None:
    decided = {
        (item.id, item.reason_key)
        for row in ROWS
        for item in make(row.profile, today=row.today).milestones
    }
    protocol = ct.default_protocol()
    assert protocol.version == "3"
    every = {(spec.id, rule.key) for spec in protocol.milestones for rule in spec.rules}
    assert every - decided == set()
    assert {milestone for milestone, _ in every} == set(DATES)


WARNED = ("cervical-change-risk", "preterm-birth-watch", "late-preterm-watch")
"""The milestones the protocol flags for the warning signs."""


def test_the_care_plan() -> None:
    plan = make(Profile(fetuses=1, prior_preterm_birth=True))
    bundle = read(fhir.render(plan))
    assert bundle["type"] == "collection"
    care_plan = resources(bundle)["CarePlan"]
    assert care_plan["status"] == "active"
    assert care_plan["intent"] == "proposal"
    assert care_plan["instantiatesCanonical"] == [f"{PLAN_DEFINITION}|3"]
    assert care_plan["period"] == {"start": "2026-10-26", "end": "2027-05-10"}
    assert care_plan["note"] == [{"text": plan.clinician_note}]
    assert [a["detail"]["code"]["coding"][0]["code"] for a in care_plan["activity"]] == list(DATES)
    observation_url = next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    )
    assert care_plan["supportingInfo"][0]["reference"] == observation_url
    for detail in activities(bundle).values():
        assert detail["code"]["coding"][0]["system"] == CODE_SYSTEM
        assert detail["code"]["coding"][0]["version"] == "3"
    # Version 3: weekly 17-OHPC injections are never planned. The window stays, as one
    # cancelled activity with its reason, and no weekly dose is dated (16w0d-36w0d).
    injections = activities(bundle)["progesterone-injections"]
    assert "17-OHPC" in injections["description"]
    assert injections["status"] == "cancelled"
    assert "April 2023" in injections["statusReason"]["text"]
    assert injections["scheduledPeriod"] == {"start": "2026-11-23", "end": "2027-04-12"}
    assert "scheduledTiming" not in injections
    timed = [m for m, detail in activities(bundle).items() if "scheduledTiming" in detail]
    assert timed == ["cervical-monitoring"]
    assert "doNotPerform" not in json.dumps(bundle)


def test_warning_signs_and_urgent_advice_go_with_the_flagged_activities() -> None:
    plan = make()
    assert plan.urgent_advice
    listed = "\n".join(f"- {sign}" for sign in plan.warning_signs)
    block = f"Warning signs\nIf you notice any of these, the advice is to contact your care team at once:\n{listed}"
    for milestone, detail in activities(fhir.plan_bundle(plan)).items():
        text = detail["description"]
        if milestone in WARNED:
            # The milestone's description, then the signs, then the urgent advice.
            description = plan.milestone(milestone).description
            assert text == f"{description}\n\n{block}\n\n{plan.urgent_advice}"
        else:
            assert "Warning signs" not in text
            assert plan.urgent_advice not in text


def test_a_choice_of_either_is_said_in_both_activities() -> None:
    # Vector 2 of the specification: an earlier preterm birth at 30w, a cervix of 18 mm
    # measured on 20w0d (2026-12-21), planned that day. The stitch if the cervix shortens
    # (20w0d-24w0d) and vaginal progesterone (20w0d-36w0d) both apply, as a choice of
    # either; each activity says so after its description, naming the other.
    plan = ct.plan(
        Dating.from_due_date(DUE),
        Profile(
            fetuses=1,
            prior_preterm_birth_ga="30w",
            cervical_length_mm=18,
            cervical_length_on=D(2026, 12, 21),
        ),
        today=D(2026, 12, 21),
    )
    details = activities(read(fhir.render(plan)))
    protocol = ct.default_protocol()
    for milestone, other, days in (
        ("cerclage-if-cervix-shortens", "Daily vaginal progesterone", ("2026-12-21", "2027-01-18")),
        (
            "vaginal-progesterone",
            "A stitch if the cervix shortens or opens",
            ("2026-12-21", "2027-04-12"),
        ),
    ):
        detail = details[milestone]
        assert detail["status"] == "not-started"
        assert detail["extension"][0]["valueCode"] == "applies"
        assert detail["scheduledPeriod"] == {"start": days[0], "end": days[1]}
        assert detail["description"] == (
            f"{protocol.milestone(milestone).description}\n\n"
            f"One of two options: this, or {other}. "
            "You and your care team choose one of them, not both."
        )
    # Nothing else is an option of a choice.
    said = [m for m, detail in details.items() if "One of two options" in detail["description"]]
    assert said == ["cerclage-if-cervix-shortens", "vaginal-progesterone"]
    # The 17-OHPC injections are no option at all: not applicable, with no dose.
    assert details["progesterone-injections"]["status"] == "cancelled"


def test_status_of_a_plan() -> None:
    assert fhir.care_plan_status(make()) == "active"


def ended(cause: Any) -> ct.Plan:
    """The prior-preterm-birth singleton, ended on 2026-12-10 (18w3d)."""
    return ct.plan(
        Dating.from_due_date(DUE),
        Profile(fetuses=1, prior_preterm_birth=True),
        today=D(2026, 12, 20),
        plan_id="patient-0042",
        ended_on=D(2026, 12, 10),
        ended_because=cause,
    )


@pytest.mark.parametrize(
    ("cause", "status"), [("birth", "completed"), ("loss", "completed"), ("other", "revoked")]
)
def test_an_ended_plan_is_completed_or_revoked_and_its_period_ends_with_it(
    cause: Any, status: str
) -> None:
    plan = ended(cause)
    assert fhir.care_plan_status(plan) == status
    care_plan = resources(read(fhir.render(plan)))["CarePlan"]
    assert care_plan["status"] == status
    assert care_plan["period"] == {"start": "2026-10-26", "end": "2026-12-10"}


# Ended 2026-12-10 (18w3d): what began by then is kept, cut at the end; what was all still
# to come is no longer planned. In the plan's order, by start (hand-counted).
KEPT = (
    "cervical-change-risk",  # 12w0d
    "cerclage-placement",  # 12w0d
    "cervical-monitoring",  # 16w0d
    "cerclage-if-cervix-shortens",  # 16w0d
    "progesterone-injections",  # 16w0d
    "vaginal-progesterone",  # 16w0d
)
AFTER_THE_END = ("preterm-birth-watch", "late-preterm-watch", "cerclage-removal", "due-date")
"""From 23w0d, 32w0d, 36w0d and 40w0d: all after 18w3d."""
ENDED_SENTENCE = (
    "This plan ended on 2026-12-10, when the pregnancy ended. "
    "What was still to come is no longer planned."
)
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
WEEK = re.compile(r"\b\d{1,2}w\dd\b")


def test_an_ended_plans_activities() -> None:
    bundle = read(fhir.render(ended("loss")))
    care_plan = resources(bundle)["CarePlan"]
    # What it holds first, then what its end took away, each in the order it came.
    codes = [activity["detail"]["code"]["coding"][0]["code"] for activity in care_plan["activity"]]
    assert codes == [*KEPT, *AFTER_THE_END]
    details = activities(bundle)
    for milestone in AFTER_THE_END:
        detail = details[milestone]
        # Named, cancelled, with the plan's end as its reason, and no day at all: it never
        # came, so no period, no timing (no date after the end).
        assert (
            detail["code"]["coding"][0]["display"]
            == ct.default_protocol().milestone(milestone).title
        )
        assert detail["status"] == "cancelled"
        assert detail["statusReason"] == {"text": ENDED_SENTENCE}
        assert detail["description"] == ENDED_SENTENCE
        for gone in ("scheduledPeriod", "scheduledTiming", "reasonCode", "extension"):
            assert gone not in detail, (milestone, gone)
    # Windows that ran past the end stop on it (12w0d and 16w0d starts, by hand), with
    # the status their applicability gives them and their own reason.
    for milestone, start, status in (
        ("cervical-change-risk", "2026-10-26", "not-started"),
        ("cerclage-if-cervix-shortens", "2026-11-23", "not-started"),
        ("progesterone-injections", "2026-11-23", "cancelled"),  # never planned, no doses
        ("vaginal-progesterone", "2026-11-23", "not-started"),
    ):
        detail = details[milestone]
        assert detail["scheduledPeriod"] == {"start": start, "end": "2026-12-10"}
        assert "scheduledTiming" not in detail
        assert detail["status"] == status
        assert "This plan ended" not in json.dumps(detail)
    # The stitch window was over by then (14w6d = Nov 15): as it was.
    assert details["cerclage-placement"]["scheduledPeriod"] == {
        "start": "2026-10-26",
        "end": "2026-11-15",
    }
    # A series stops at its last occurrence on or before the end (16w0d and 18w0d).
    checks = details["cervical-monitoring"]["scheduledTiming"]
    assert checks["event"] == ["2026-11-23", "2026-12-07"]
    assert checks["repeat"]["boundsPeriod"] == {"start": "2026-11-23", "end": "2026-12-07"}
    # No day after the end anywhere in the CarePlan.
    days = {day for text in _strings(care_plan) for day in DAY.findall(text)}
    assert max(days) == "2026-12-10"


def test_an_ended_plan_counts_no_week_past_its_end_and_has_no_warning_signs() -> None:
    # Vector 19 of the specification, with dated facts whose weeks the reasons name: an
    # earlier preterm birth at 30w, a cervix of 18 mm at 20w0d (2026-12-21), a loss at
    # 22w0d (2027-01-04, day 154), exported at 24w0d (2027-01-18).
    plan = ct.plan(
        Dating.from_due_date(DUE),
        Profile(
            fetuses=1,
            prior_preterm_birth_ga="30w0d",
            cervical_length_mm=18,
            cervical_length_on=D(2026, 12, 21),
        ),
        today=D(2027, 1, 18),
        ended_on=D(2027, 1, 4),
        ended_because="loss",
    )
    assert plan.gestational_age_today is None
    bundle = read(fhir.render(plan))
    texts = _strings(bundle)
    # The only weeks written: 20w0d, the day the short cervix was found (in the reasons),
    # and 30w0d, the week of the earlier birth (another pregnancy's). None after 22w0d:
    # not 24w0d (today), nor the weeks of what lay after the end.
    weeks = {week for text in texts for week in WEEK.findall(text)}
    assert weeks == {"20w0d", "30w0d"}
    care_plan = resources(bundle)["CarePlan"]
    assert max(day for text in _strings(care_plan) for day in DAY.findall(text)) == "2027-01-04"
    # No warning signs and no urgent advice: they are for a pregnancy that goes on.
    protocol = ct.default_protocol()
    assert protocol.urgent_advice
    for text in texts:
        assert "Warning signs" not in text
        assert protocol.urgent_advice not in text
        assert not any(sign in text for sign in protocol.warning_signs), text
    details = activities(bundle)
    risk = details["cervical-change-risk"]  # a flagged milestone, kept (12w0d-22w0d)
    assert risk["description"] == protocol.milestone("cervical-change-risk").description
    assert risk["scheduledPeriod"] == {"start": "2026-10-26", "end": "2027-01-04"}
    # The watches from 23w0d and 32w0d were still to come: no longer planned.
    for milestone in ("preterm-birth-watch", "late-preterm-watch"):
        assert details[milestone]["statusReason"] == {
            "text": "This plan ended on 2027-01-04, when the pregnancy ended. "
            "What was still to come is no longer planned."
        }


def test_a_plan_that_ended_before_its_first_milestone_has_a_period_in_order() -> None:
    # A loss at 10w0d (day 0 + 70 = 2026-10-12), before the first milestone (12w0d,
    # 2026-10-26): the period is that one day, never a start after its end; the plan
    # holds no milestone, and every activity is one that is no longer planned.
    plan = ct.plan(
        Dating.from_due_date(DUE), today=TODAY, ended_on=D(2026, 10, 12), ended_because="loss"
    )
    care_plan = resources(read(fhir.render(plan)))["CarePlan"]
    assert care_plan["period"] == {"start": "2026-10-12", "end": "2026-10-12"}
    assert care_plan["status"] == "completed"
    details = [activity["detail"] for activity in care_plan["activity"]]
    assert [detail["code"]["coding"][0]["code"] for detail in details] == list(DATES)
    assert {detail["status"] for detail in details} == {"cancelled"}
    assert {detail["statusReason"]["text"] for detail in details} == {
        "This plan ended on 2026-10-12, when the pregnancy ended. "
        "What was still to come is no longer planned."
    }
    assert not any("scheduledPeriod" in detail or "scheduledTiming" in detail for detail in details)


def ids_of(bundle: dict[str, Any]) -> dict[str, str]:
    """Every identifying value of a Bundle by where it is: ids, full URLs,
    references and the CarePlan's identifier."""
    found: dict[str, str] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("id", "fullUrl", "reference") and isinstance(item, str):
                    found[f"{path}.{key}"] = item
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for number, item in enumerate(value):
                walk(item, f"{path}[{number}]")

    walk(bundle, "")
    care_plan = resources(bundle)["CarePlan"]
    for number, entry in enumerate(care_plan.get("identifier", [])):
        found[f"identifier[{number}]"] = entry["value"]
    return found


@pytest.mark.parametrize("plan_id", [None, "patient-0042"])
@pytest.mark.parametrize("cause", ["birth", "loss", "other"])
def test_an_ended_plan_keeps_the_ids_it_had_while_it_ran(plan_id: str | None, cause: Any) -> None:
    # A health record matches the completed (or revoked) CarePlan to the one it stored.
    # Made on 2026-11-24, the plan ends on 2026-12-10 (18w3d) and is exported again
    # on 2026-12-20: a later day, an end and a cause, and the same ids.
    profile = Profile(fetuses=1, prior_preterm_birth=True)
    running = ct.plan(Dating.from_due_date(DUE), profile, today=TODAY, plan_id=plan_id)
    ended = ct.plan(
        Dating.from_due_date(DUE),
        profile,
        today=D(2026, 12, 20),
        plan_id=plan_id,
        ended_on=D(2026, 12, 10),
        ended_because=cause,
    )
    before, after = fhir.plan_bundle(running), fhir.plan_bundle(ended)
    assert resources(after)["CarePlan"]["status"] != resources(before)["CarePlan"]["status"]
    ids = ids_of(before)
    # The Bundle, the CarePlan and the Observation (id and full URL each), and the
    # CarePlan's reference to the Observation; the identifier with a plan id.
    assert len(ids) == 6 + (plan_id is not None)
    assert ids_of(after) == ids
    assert ids_of(fhir.plan_bundle(ended, uid_key=b"k1")) == ids_of(
        fhir.plan_bundle(running, uid_key=b"k1")
    )


def derived_uuid(seed: str, what: str) -> str:
    """A resource id as docs/fhir.md describes it, worked out here: the first 16 bytes of
    a SHA-256 as a UUID of version 8 (custom, RFC 9562) and the RFC 4122 variant."""
    digest = bytearray(
        hashlib.sha256(f"care-timeline\x00fhir-1\x00{seed}\x00{what}".encode()).digest()
    )
    digest[6] = (digest[6] & 0x0F) | 0x80  # version 8
    digest[8] = (digest[8] & 0x3F) | 0x80  # variant 10
    return str(uuid.UUID(bytes=bytes(digest[:16])))


def test_an_anonymous_plans_ids_come_from_its_protocol_and_dating() -> None:
    # The plan without a plan id (due 2027-05-10, nothing known): its ids come from the
    # protocol's id and the dating, and from nothing else.
    content = json.dumps(
        {
            "protocol": "cervical-insufficiency",
            "dating": {
                "due_date": "2027-05-10",
                "explanation": None,
                "inputs": {"due_date": "2027-05-10"},
                "method": "due-date",
                "notes": [],
            },
        },
        sort_keys=True,
    )
    seed = hashlib.sha256(f"care-timeline\x00fhir-1\x00anonymous\x00{content}".encode()).hexdigest()
    bundle = fhir.plan_bundle(ct.plan(Dating.from_due_date(DUE), today=TODAY))
    assert bundle["id"] == derived_uuid(seed, "Bundle")
    assert [entry["fullUrl"] for entry in bundle["entry"]] == [
        f"urn:uuid:{derived_uuid(seed, 'CarePlan')}",
        f"urn:uuid:{derived_uuid(seed, 'Observation')}",
    ]


def test_with_a_plan_id_the_ids_come_from_the_identifier() -> None:
    bundle = fhir.plan_bundle(make(plan_id="MRN-0012345"), uid_key=b"k1")
    [identifier] = resources(bundle)["CarePlan"]["identifier"]
    seed = identifier["value"]
    assert bundle["id"] == derived_uuid(seed, "Bundle")
    assert [entry["fullUrl"] for entry in bundle["entry"]] == [
        f"urn:uuid:{derived_uuid(seed, 'CarePlan')}",
        f"urn:uuid:{derived_uuid(seed, 'Observation')}",
    ]


def test_an_anonymous_plan_keeps_its_ids_from_day_to_day_and_when_it_ends() -> None:
    # Made on 16w1d, exported again on 26w0d (2027-02-01), and ended on 18w3d
    # (2026-12-10) with some milestones no longer planned: the same ids each time.
    dating = Dating.from_due_date(DUE)
    running = ids_of(fhir.plan_bundle(ct.plan(dating, today=TODAY)))
    later = ids_of(fhir.plan_bundle(ct.plan(dating, today=D(2027, 2, 1))))
    gone = ct.plan(dating, today=D(2026, 12, 20), ended_on=D(2026, 12, 10), ended_because="loss")
    assert gone.no_longer_planned
    assert len(running) == 6  # Bundle, CarePlan and Observation: id and full URL each
    assert later == running
    assert ids_of(fhir.plan_bundle(gone)) == running
    # A fact that changes what applies, and no day, keeps them too: the record updates the
    # CarePlan it stored (twins: the same days, other decisions).
    twins = ct.plan(dating, Profile(fetuses=2), today=TODAY)
    assert ids_of(fhir.plan_bundle(twins)) == running
    # Another pregnancy, due a day later, has other ids, all of them.
    other = ct.plan(Dating.from_due_date(DUE + timedelta(days=1)), today=TODAY)
    assert set(ids_of(fhir.plan_bundle(other)).values()).isdisjoint(running.values())


def test_ended_plans_of_different_pregnancies_keep_different_ids() -> None:
    # Leaving the end out of an anonymous plan's ids does not merge different plans.
    one = ct.plan(Dating.from_due_date(DUE), today=TODAY, ended_on=D(2026, 11, 20))
    other = ct.plan(
        Dating.from_due_date(DUE + timedelta(days=1)), today=TODAY, ended_on=D(2026, 11, 20)
    )
    assert set(ids_of(fhir.plan_bundle(one)).values()).isdisjoint(
        ids_of(fhir.plan_bundle(other)).values()
    )


def test_a_plan_stored_before_rule_keys_has_no_reason_key_extension() -> None:
    stored = json.loads(make().model_dump_json())
    for milestone in stored["milestones"]:
        del milestone["reason_key"]
    old = ct.Plan.model_validate_json(json.dumps(stored))
    assert {item.reason_key for item in old.milestones} == {""}
    for detail in activities(read(fhir.render(old))).values():
        assert [extension["url"] for extension in detail["extension"]] == [APPLICABILITY_EXTENSION]


def test_public_api_and_render_write_the_same_bytes() -> None:
    plan = make(Profile(fetuses=1, prior_preterm_birth=True))
    data = ct.to_fhir(plan)
    bundle = read(data)
    assert data == fhir.render(plan)
    assert ct.render(plan, "fhir") == data
    assert "fhir" in ct.FORMATS and "fhir" in ct.BATCH_FORMATS
    assert resources(bundle)["CarePlan"]["instantiatesCanonical"] == [f"{PLAN_DEFINITION}|3"]
    assert resources(bundle)["Observation"]["valueDateTime"] == "2027-05-10"
    assert b"patient-0042" not in data
    protocol = ct.protocol_to_fhir(ct.default_protocol())
    definition = resources(read(protocol))["PlanDefinition"]
    assert (definition["url"], definition["version"]) == (PLAN_DEFINITION, "3")
    assert protocol == fhir.render_protocol(ct.default_protocol())


# -- the due date ----------------------------------------------------------------

# Each dating method, each giving the due date 2027-05-10 (counted by hand), and its code.
DATINGS = [
    (Dating.from_due_date(DUE), "11778-8", "Delivery date Estimated"),
    (
        Dating.from_lmp(D(2026, 8, 3)),
        "11779-6",
        "Delivery date Estimated from last menstrual period",
    ),
    (
        Dating.from_gestational_age("16w1d", on=D(2026, 11, 24)),  # day 0 + 113
        "53694-6",
        "Delivery date Estimated from prior gestational age assessment",
    ),
    (
        Dating.from_conception(D(2026, 8, 17)),  # day 0 + 14
        "53692-0",
        "Delivery date Estimated from conception date",
    ),
    (
        Dating.from_embryo_transfer(D(2026, 8, 22), embryo_age_days=5),  # conception + 5
        "53692-0",
        "Delivery date Estimated from conception date",
    ),
    (
        Dating.from_ultrasound(ga="10w2d", scan_date=D(2026, 10, 14)),  # day 0 + 72
        "11781-2",
        "Delivery date US composite estimate",
    ),
    (
        Dating.reconcile(
            Dating.from_lmp(D(2026, 8, 3)),
            Dating.from_ultrasound(ga="10w3d", scan_date=D(2026, 10, 14)),  # 1 day apart
        ),
        "11778-8",
        "Delivery date Estimated",
    ),
]


@pytest.mark.parametrize(("dating", "code", "display"), DATINGS, ids=[d[0].method for d in DATINGS])
def test_due_date_observation(dating: Dating, code: str, display: str) -> None:
    assert dating.due_date == DUE
    bundle = read(fhir.render(ct.plan(dating, today=TODAY, plan_id="x-1")))
    observation = resources(bundle)["Observation"]
    assert observation["code"]["coding"] == [
        {"system": "http://loinc.org", "code": code, "display": display}
    ]
    assert observation["valueDateTime"] == "2027-05-10"
    assert observation["method"]["text"].startswith("Dated by ")
    if dating.method == "reconciled":
        assert dating.explanation in [note["text"] for note in observation["note"]]


# -- the protocol ---------------------------------------------------------------

# id: low and high in weeks (whole weeks exact; 6 days = 0.8571 week), interval in
# weeks; in the protocol file's order.
WEEKS = {
    "cervical-change-risk": (12, 22.8571, None),
    "cerclage-placement": (12, 14.8571, None),
    "cervical-monitoring": (16, 24, 2),
    "cerclage-if-cervix-shortens": (16, 24, None),  # version 3: to 24w0d, not 23w6d
    "progesterone-injections": (16, 36, None),  # version 3: a window, no weekly dose
    "vaginal-progesterone": (16, 36, None),
    "preterm-birth-watch": (23, 31.8571, None),
    "late-preterm-watch": (32, 36.8571, None),
    "cerclage-removal": (36, 37, None),
    "due-date": (40, 40, None),
}


def rule_parts(action: dict[str, Any]) -> list[dict[str, list[Any]]]:
    """Each rule extension of an action as {sub-extension url: [values]}."""
    rules = []
    for extension in action["extension"]:
        assert extension["url"] == f"{BASE}/StructureDefinition/applicability-rule"
        parts: dict[str, list[Any]] = {}
        for part in extension["extension"]:
            [value] = [v for k, v in part.items() if k.startswith("value")]
            parts.setdefault(part["url"], []).append(value)
        rules.append(parts)
    return rules


def test_protocol_as_plan_definition() -> None:
    protocol = ct.default_protocol()
    bundle = read(fhir.render_protocol(protocol))
    definition = resources(bundle)["PlanDefinition"]
    assert (definition["url"], definition["version"]) == (PLAN_DEFINITION, "3")
    assert definition["title"] == protocol.title
    assert definition["usage"].endswith(f"\n\n{protocol.urgent_advice}")
    citations = [artifact["citation"] for artifact in definition["relatedArtifact"]]
    limits = protocol.short_cervix
    bases = [
        protocol.source,
        protocol.warning_signs_basis,
        protocol.trimesters_basis,
        limits.basis,
        limits.progesterone_basis,
        limits.found_early_basis,
        protocol.prior_preterm_birth.early_basis,  # version 3: the 34-week limit
        *(spec.basis for spec in protocol.milestones),
    ]
    assert citations == bases
    assert [action["id"] for action in definition["action"]] == list(WEEKS)
    for action in definition["action"]:
        low, high, every = WEEKS[action["id"]]
        spec = protocol.milestone(action["id"])
        if every is None:
            weeks = action["timingRange"]
        else:
            repeat = action["timingTiming"]["repeat"]
            weeks = repeat["boundsRange"]
            assert (repeat["period"], repeat["periodUnit"]) == (every, "wk")
        for bound, value in (("low", low), ("high", high)):
            assert weeks[bound] == {
                "value": value,
                "unit": "wk",
                "system": "http://unitsofmeasure.org",
                "code": "wk",
            }
        rules = rule_parts(action)
        assert len(rules) == len(spec.rules)
        for rule, parts in zip(spec.rules, rules, strict=True):
            assert parts["key"] == [rule.key]
            assert parts.get("when", []) == list(rule.when)
            assert parts["result"] == [rule.result]
            assert parts["reason"] == [rule.reason]
            # What shapes the window or ties it to another, where the rule says it.
            for url, value in (
                ("becomesDay", rule.becomes_day),
                ("startsNoEarlierThan", rule.starts_no_earlier_than),
                ("stopsOn", rule.stops_on),
                ("title", rule.title),
                ("alternative", rule.alternative),
            ):
                assert parts.get(url, []) == ([] if value is None else [value]), (rule.key, url)
        for rule in spec.rules:
            assert rule.reason in action["textEquivalent"]
        assert action["documentation"][0]["citation"] == spec.basis
    code_system = resources(bundle)["CodeSystem"]
    assert code_system["url"] == CODE_SYSTEM
    assert [(c["code"], c["display"]) for c in code_system["concept"]] == [
        (spec.id, spec.title) for spec in protocol.milestones
    ]
    # A plan points at this PlanDefinition, version included.
    care_plan = resources(fhir.plan_bundle(make()))["CarePlan"]
    assert care_plan["instantiatesCanonical"] == [f"{definition['url']}|{definition['version']}"]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_reason_key_names_the_rule_in_the_plan_definition(row: Row) -> None:
    """An app can look up, in the PlanDefinition, the rule an activity's key names: the
    rule of that action with that key, which gives the activity's applicability."""
    definition = resources(fhir.protocol_bundle(ct.default_protocol()))["PlanDefinition"]
    rules = {
        action["id"]: {parts["key"][0]: parts["result"][0] for parts in rule_parts(action)}
        for action in definition["action"]
    }
    for milestone, detail in activities(
        fhir.plan_bundle(make(row.profile, today=row.today))
    ).items():
        applicability, key = (extension["valueCode"] for extension in detail["extension"])
        assert rules[milestone][key] == applicability


@pytest.mark.parametrize(
    "name", ["clinic-protocol.toml", "article-protocol-v1.toml"], ids=lambda name: name
)
def test_example_protocols_export(name: str) -> None:
    protocol = ct.load_protocol(ROOT / "examples" / name)
    definition = resources(read(fhir.render_protocol(protocol)))["PlanDefinition"]
    assert definition["version"] == protocol.version
    for profile in (None, Profile(fetuses=1, prior_preterm_birth=True)):
        plan = ct.plan(Dating.from_due_date(DUE), profile, protocol=protocol, today=TODAY)
        care_plan = resources(read(fhir.render(plan)))["CarePlan"]
        assert care_plan["instantiatesCanonical"] == [
            f"{definition['url']}|{definition['version']}"
        ]


# -- the second check is alive ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("CarePlan", "period", "end"), "soon"),  # not a date
        (("CarePlan", "activity", 0, "detail", "status"), "postponed"),
        (("CarePlan", "activity", 0, "detail", "scheduledPeriod", "start"), "2026-13-01"),
        (("CarePlan", "activity", 0, "detail", "extension", 1, "valueCode"), "two  spaces"),
        (("CarePlan", "colour"), "blue"),  # no such element
        (("Observation", "status"), "guessed"),
    ],
)
def test_schema_refuses_a_broken_bundle(path: tuple[Any, ...], value: str) -> None:
    bundle = fhir.plan_bundle(make())
    target: Any = resources(bundle)[path[0]]
    for step in path[1:-1]:
        target = target[step]
    target[path[-1]] = value
    assert schema_errors(bundle) != []


def test_invariant_check_finds_a_reversed_period() -> None:
    bundle = fhir.plan_bundle(make())
    resources(bundle)["CarePlan"]["period"] = {"start": "2027-05-10", "end": "2026-10-26"}
    assert invariant_problems(bundle) == ["per-1 Bundle.entry[0].resource.period"]


def test_fhir_resources_refuses_a_care_plan_without_subject() -> None:
    care_plan = resources(fhir.plan_bundle(make()))["CarePlan"]
    del care_plan["subject"]
    with pytest.raises(ValueError, match="subject"):
        CarePlan.model_validate(care_plan)


# -- round trip -----------------------------------------------------------------

URGENT = ct.default_protocol().urgent_advice or ""
ROUND_TRIPS = 10 * settings.default.max_examples
"""1,000 under the default profile (HYPOTHESIS_MAX_EXAMPLES=100)."""


plan_ids = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=200).filter(
    str.strip
)
"""What a plan id may be: non-blank, no control characters, at most 200 characters."""


@st.composite
def plans(draw: st.DrawFn) -> ct.Plan:
    """Any plan of the default protocol: any due date, any profile whose days fall from
    day 0 to today (a today from day 0 to 44w6d), and an end on any day up to today or
    none."""
    due = draw(st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 12, 31)))
    day_zero = due - timedelta(days=280)
    profile, today = draw(cases(day_zero))
    plan_id = draw(st.none() | plan_ids)
    ended_on = draw(st.none() | st.dates(day_zero, today))
    cause = draw(st.sampled_from(["birth", "loss", "other"])) if ended_on is not None else None
    return ct.plan(
        ct.Dating.from_due_date(due),
        profile,
        today=today,
        plan_id=plan_id,
        ended_on=ended_on,
        ended_because=cause,
    )


@settings(max_examples=ROUND_TRIPS)
@given(plans())
def test_round_trip_dates_and_occurrences(plan: ct.Plan) -> None:
    data = fhir.render(plan)
    parsed = Bundle.model_validate_json(data)
    care_plan = parsed.entry[0].resource
    assert isinstance(care_plan, CarePlan)
    assert care_plan.intent == "proposal"
    assert len(care_plan.activity) == len(plan.milestones) + len(plan.no_longer_planned)
    held = care_plan.activity[: len(plan.milestones)]
    for activity, item in zip(held, plan.milestones, strict=True):
        detail = activity.detail
        assert detail.code.coding[0].code == item.id
        assert [(e.url, e.valueCode) for e in detail.extension] == [
            (APPLICABILITY_EXTENSION, item.applicability),
            (REASON_KEY_EXTENSION, item.reason_key),
        ]
        assert detail.doNotPerform is None
        if item.occurrences:
            timing = detail.scheduledTiming
            assert tuple(timing.event) == item.occurrences
            bounds = timing.repeat.boundsPeriod
            assert (bounds.start, bounds.end) == (item.start, item.end)
            step = {"d": 1, "wk": 7}[timing.repeat.periodUnit]
            assert int(timing.repeat.period) * step == item.every_days
        else:
            assert detail.scheduledTiming is None
            period = detail.scheduledPeriod
            assert (period.start, period.end) == (item.start, item.end)
        if plan.ended_on is not None:  # what an ended plan holds began by its end, and stops by it
            assert item.start <= plan.ended_on and item.end <= plan.ended_on
        said = "One of two options: this, or " in detail.description
        assert said == (item.alternative is not None)
    gone = care_plan.activity[len(plan.milestones) :]
    for activity, missed in zip(gone, plan.no_longer_planned, strict=True):
        detail = activity.detail
        assert plan.ended_on is not None and missed.start > plan.ended_on
        assert (detail.code.coding[0].code, detail.status) == (missed.id, "cancelled")
        assert detail.scheduledPeriod is None and detail.scheduledTiming is None
        assert detail.statusReason.text.endswith(" What was still to come is no longer planned.")
    if plan.ended_on is not None:
        assert care_plan.period.end <= plan.ended_on
        assert care_plan.status == ("revoked" if plan.ended_because == "other" else "completed")
        # No warning signs or urgent advice once the pregnancy is not going on.
        assert not any(URGENT in text for text in _strings(json.loads(data)))
    observation = parsed.entry[1].resource
    assert observation.valueDateTime == plan.dating.due_date
    if plan.plan_id is not None:
        # Another plan id changes the hashes and nothing else, so the id is nowhere.
        # (A short id such as "1" may well equal some text of the plan, so the check
        # is this, not a search for the id.)
        other = plan.model_copy(update={"plan_id": plan.plan_id + "-other"})
        assert _scrub(data) == _scrub(fhir.render(other))


# -- the plan id never appears ----------------------------------------------------

HOSTILE_IDS = [
    "MRN-0012345",
    "Jane Doe 1990-01-31",
    '"}],"resourceType":"Patient',
    "</script><script>alert(1)</script>",
    "urn:uuid:00000000-0000-0000-0000-000000000000",
    "Ünïcødé-🤰-患者-042",
    "a\\b\\u0022c",
    "x" * 200,
    "  leading and trailing  ",
    "MRN 0012345; DROP TABLE plans; --",
]


HASHES = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}")


def _scrub(data: bytes) -> bytes:
    """The bytes with every UUID and SHA-256 hex digest blanked out."""
    return HASHES.sub(b"#", data)


def _strings(value: Any) -> list[str]:
    """Every key and string value in a JSON document, decoded."""
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *_strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("plan_id", HOSTILE_IDS)
@pytest.mark.parametrize("key", [None, b"clinic secret"])
def test_plan_id_never_in_the_bundle(plan_id: str, key: bytes | None) -> None:
    plan = ct.plan(Dating.from_due_date(DUE), Profile(fetuses=2), today=TODAY, plan_id=plan_id)
    data = fhir.render(plan, uid_key=key)
    for form in (plan_id, json.dumps(plan_id, ensure_ascii=False)[1:-1], json.dumps(plan_id)[1:-1]):
        assert form.encode() not in data
    bundle = read(data)
    assert not any(plan_id in text for text in _strings(bundle))
    other = plan.model_copy(update={"plan_id": "someone else"})
    assert _scrub(data) == _scrub(fhir.render(other, uid_key=key))


def test_identifier_is_a_keyed_hash_of_the_plan_id() -> None:
    plan = make(plan_id="MRN-0012345")
    message = b"care-timeline\x00plan-token-1\x00MRN-0012345"  # the one keyed hash of every export

    def identifier(key: bytes | None) -> str:
        care_plan = resources(fhir.plan_bundle(plan, uid_key=key))["CarePlan"]
        [entry] = care_plan["identifier"]
        assert entry["system"] == f"{BASE}/identifier/plan"
        value: str = entry["value"]
        return value

    assert identifier(None) == hashlib.sha256(message).hexdigest()
    assert identifier(b"k1") == hmac.new(b"k1", message, hashlib.sha256).hexdigest()
    assert identifier(b"k2") != identifier(b"k1")
    # The resource ids follow the identifier: another key, other ids.
    ids = {
        key: [e["fullUrl"] for e in fhir.plan_bundle(plan, uid_key=key)["entry"]]
        for key in (None, b"k1", b"k2")
    }
    assert len({url for urls in ids.values() for url in urls}) == 6


@pytest.mark.parametrize("key", [b"", "text key", 42])
def test_uid_key_must_be_bytes(key: Any) -> None:
    with pytest.raises(ExportError, match="uid_key"):
        fhir.render(make(), uid_key=key)


def test_the_old_keyword_is_gone() -> None:
    with pytest.raises(TypeError, match="identifier_key"):
        fhir.render(make(), identifier_key=b"k")  # type: ignore[call-arg]


def test_anonymous_plan_has_no_identifier_and_ids_from_its_content() -> None:
    one = fhir.plan_bundle(make(plan_id=None))
    assert "identifier" not in resources(one)["CarePlan"]
    same = fhir.plan_bundle(make(plan_id=None))
    assert one == same
    # A stitch placed on 13w0d moves its window to that day: the same pregnancy, the same
    # ids (the record updates the CarePlan it stored).
    stitched = fhir.plan_bundle(make(Profile(cerclage_placed_on=PLACED), plan_id=None))
    assert stitched["id"] == one["id"]
    # Another dating (due a day later): other ids, all of them.
    later = ct.plan(Dating.from_due_date(DUE + timedelta(days=1)), today=TODAY)
    other = fhir.plan_bundle(later)
    assert one["id"] != other["id"]
    assert {e["fullUrl"] for e in one["entry"]}.isdisjoint(e["fullUrl"] for e in other["entry"])


# -- bytes ----------------------------------------------------------------------------


def test_same_inputs_same_bytes_whatever_the_day_of_export() -> None:
    data = fhir.render(make(Profile(fetuses=1)))
    assert data == fhir.render(make(Profile(fetuses=1)))
    later = ct.plan(
        Dating.from_due_date(DUE), Profile(fetuses=1), today=D(2027, 2, 1), plan_id="patient-0042"
    )
    assert fhir.render(later) == data
    assert data.endswith(b"}\n") and data.startswith(b'{\n  "resourceType": "Bundle",\n')
    assert json.loads(data) == fhir.plan_bundle(make(Profile(fetuses=1)))
    assert fhir.render_protocol(ct.default_protocol()) == fhir.render_protocol(
        ct.default_protocol()
    )


def test_fhir_resources_reads_back_what_was_written() -> None:
    for bundle in (fhir.plan_bundle(make()), fhir.protocol_bundle(ct.default_protocol())):
        assert json.loads(Bundle.model_validate(bundle).model_dump_json()) == bundle


def hide_fhir_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import fhir...`` fail as if the extra were not installed."""
    for name in [n for n in sys.modules if n == "fhir" or n.startswith("fhir.")] or ["fhir"]:
        monkeypatch.setitem(sys.modules, name, None)


def test_without_the_extra_the_library_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_fhir_resources(monkeypatch)
    for export in (
        lambda: fhir.render(make()),
        lambda: ct.to_fhir(make()),
        lambda: ct.render(make(), "fhir"),
        lambda: fhir.render_protocol(ct.default_protocol()),
        lambda: ct.protocol_to_fhir(ct.default_protocol()),
    ):
        with pytest.raises(ExportError) as caught:
            export()
        assert "care-timeline[fhir]" in str(caught.value)
        assert "\n" not in str(caught.value)
        assert isinstance(caught.value, ct.CareTimelineError)


def test_an_invalid_document_is_the_library_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fhir, "care_plan_status", lambda plan: None)  # status is required
    with pytest.raises(ExportError, match="does not validate"):
        fhir.render(make())


# -- docs/fhir.md -------------------------------------------------------------------

EXAMPLE = re.compile(r"<!-- example-bundle -->\n```json\n(.*?)```", re.S)


def example_plan() -> ct.Plan:
    """The plan of the example in docs/fhir.md (its Python block makes the same one)."""
    return ct.plan(
        ct.Dating.from_lmp(D(2026, 8, 3)),
        ct.Profile(fetuses=1, prior_preterm_birth=True),
        today=TODAY,
        plan_id="example-patient-1",
    )


def test_example_bundle_in_the_docs_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    match = EXAMPLE.search(text)
    assert match, "docs/fhir.md has no example Bundle after <!-- example-bundle -->"
    current = fhir.render(example_plan()).decode()
    if os.environ.get("REGENERATE"):
        text = text[: match.start(1)] + current + text[match.end(1) :]
        DOC.write_text(text, encoding="utf-8")
        return
    assert match[1] == current, (
        "regenerate: REGENERATE=1 pytest tests/export/test_fhir.py -k example"
    )


def _section(heading: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split(f"\n### {heading}\n", 1)[1].split("\n#", 1)[0]


def test_mapping_table_names_every_milestone_field() -> None:
    named = set(re.findall(r"^\| `(\w+)` \|", _section("Milestone to activity"), re.M))
    assert named == set(ct.Milestone.model_fields)


def test_mapping_names_every_plan_field() -> None:
    named = set(re.findall(r"`(\w+)`", _section("Plan fields")))
    assert set(ct.Plan.model_fields) - {"milestones"} <= named


def test_docs_name_the_extension_urls() -> None:
    text = DOC.read_text(encoding="utf-8")
    for url in (APPLICABILITY_EXTENSION, REASON_KEY_EXTENSION):
        assert f"`{url}`" in text
