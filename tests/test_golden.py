"""Golden snapshots: a few fixed plans in every format, compared byte for byte.

Regenerate after an intended change (then review the diff):

    CARE_TIMELINE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import care_timeline as ct
from _support.tools import needs, needs_fhir_extra

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CARE_TIMELINE_UPDATE_GOLDEN") == "1"
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 24)

# name -> (the plan, export options)
CASES: dict[str, tuple[Callable[[], ct.Plan], dict[str, Any]]] = {
    # No plan id, nothing known about the patient, default name and reminders.
    "unknown-profile": (
        lambda: ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=TODAY),
        {},
    ),
    # Dated by LMP with a 30-day cycle; a previous preterm birth.
    "prior-preterm-birth": (
        lambda: ct.plan(
            ct.Dating.from_lmp(date(2026, 8, 3), cycle_length=30),
            ct.Profile(fetuses=1, prior_preterm_birth=True, risk_factors=("biopsy",)),
            today=TODAY,
            plan_id="clinic-42/7781",
        ),
        {"calendar_name": "Pregnancy care; week by week"},
    ),
    # Twins with a short cervix: most treatments do not apply.
    "twins-short-cervix": (
        lambda: ct.plan(
            ct.Dating.from_gestational_age("14w3d", on=date(2026, 11, 24)),
            ct.Profile(fetuses=2, cervical_length_mm=22, cervical_length_on=date(2026, 11, 20)),
            today=TODAY,
            plan_id="clinic-7/0042",
        ),
        {"reminders": timedelta(hours=8)},
    ),
    # In Turkish: the default protocol's translation and the Turkish catalog; a
    # reconciled dating (its explanation) and two risk factors (a Turkish list).
    "tr-reconciled": (
        lambda: ct.plan(
            ct.Dating.reconcile(
                ct.Dating.from_lmp(date(2026, 8, 3)),
                ct.Dating.from_ultrasound(ga="10w2d", scan_date=date(2026, 10, 5)),
            ),
            ct.Profile(fetuses=1, prior_preterm_birth=True, risk_factors=("trauma", "biopsy")),
            today=TODAY,
            plan_id="klinik-7/0042",
            language="tr",
        ),
        {},
    ),
    # In Turkish: twins with a late scan (the suboptimal-dating note), no reminders.
    "tr-twins-late-scan": (
        lambda: ct.plan(
            ct.Dating.from_ultrasound(ga="23w0d", scan_date=date(2026, 11, 20)),
            ct.Profile(fetuses=2),
            today=TODAY,
            language="tr",
        ),
        {"reminders": None, "calendar_name": "Gebelik takvimi"},
    ),
    # Composed: the default protocol and the WHO's routine contacts in one plan, dated by
    # LMP (due 2027-05-10), after a preterm birth; with a plan id.
    "composed-who": (
        lambda: ct.plan(
            ct.Dating.from_lmp(date(2026, 8, 3)),
            ct.Profile(fetuses=1, prior_preterm_birth=True, risk_factors=("biopsy",)),
            protocol=["cervical-insufficiency", "who-anc-2016"],
            today=TODAY,
            plan_id="clinic-42/7781",
        ),
        {},
    ),
    # Composed, in Turkish: the default protocol and the Turkish Ministry of Health's visits;
    # without a plan id, so each event's UID comes from its own protocol.
    "tr-composed-tr-dob": (
        lambda: ct.plan(
            ct.Dating.from_due_date(date(2027, 5, 10)),
            ct.Profile(fetuses=1, risk_factors=("trauma",)),
            protocol=["cervical-insufficiency", "tr-dob-2014"],
            today=TODAY,
            language="tr",
        ),
        {},
    ),
}
SUFFIX = {"text": "txt"}


def _check_readable(format: str, data: bytes) -> None:
    """Every golden file is also what its format promises, so a bad snapshot
    cannot be committed by regenerating."""
    if format == "ics":
        needs("ical")  # the bytes were compared above; the second parser reads them here
        from _support.ics import parse

        parse(data)
    elif format == "json":
        json.loads(data)
    elif format in ("svg",):
        ET.fromstring(data)
    else:
        data.decode("utf-8")


@pytest.mark.parametrize("format", ct.FORMATS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, format: str) -> None:
    make, options = CASES[name]
    if format == "fhir":
        needs_fhir_extra()
    data = ct.render(make(), format, ct.CalendarOptions(timestamp=T0, **options))
    path = GOLDEN / format / f"{name}.{SUFFIX.get(format, format)}"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"missing {path}; regenerate as this module's docstring says"
    assert data == path.read_bytes(), (
        f"{path.name} changed; regenerate as this module's docstring says"
    )
    _check_readable(format, data)


def test_every_golden_file_has_a_case() -> None:
    expected = {
        f"{format}/{name}.{SUFFIX.get(format, format)}" for format in ct.FORMATS for name in CASES
    }
    found = {
        str(path.relative_to(GOLDEN))
        for path in GOLDEN.glob("*/*")
        if path.name != ".gitattributes"
    }
    assert found == expected
