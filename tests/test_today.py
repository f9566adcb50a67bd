"""A plan is of a pregnancy going on today: no dating event after today, and today
no later than 44w6d. Anything else is the library's error naming the input and both
dates (the command line: exit 2; a batch: a row in errors.csv), not a wrong plan.

Dates are counted by hand: a due date of 2027-05-10 has day 0 on 2026-08-03 and
44w6d (day 314 = due + 34) on 2027-06-13.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import care_timeline as ct
from care_timeline.cli import main

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("dating", "today", "field", "dates"),
    [
        # the examples: a due date years back, a GA on a day years back
        (ct.Dating.from_due_date("2020-05-10"), TODAY, "due_date", ["2020-05-10", "2026-11-24"]),
        (
            ct.Dating.from_gestational_age("14w3d", on="2024-01-01"),
            TODAY,
            "on",
            ["2024-01-01", "2026-11-24"],
        ),
        # one day past 44w6d
        (ct.Dating.from_due_date("2027-05-10"), date(2027, 6, 14), "due_date", ["2027-05-10"]),
        # LMP 2025-08-03 (28 days): due 2026-05-10, 44w6d on 2026-06-13
        (ct.Dating.from_lmp("2025-08-03"), TODAY, "lmp", ["2025-08-03", "2026-11-24"]),
        (ct.Dating.from_conception("2025-01-01"), TODAY, "conception", ["2025-01-01"]),
        (
            ct.Dating.from_embryo_transfer("2025-01-01", embryo_age_days=5),
            TODAY,
            "transfer",
            ["2025-01-01"],
        ),
        (
            ct.Dating.from_ultrasound(crl_mm=45, scan_date="2025-10-20"),
            TODAY,
            "scan_date",
            ["2025-10-20"],
        ),
    ],
)
def test_a_due_date_that_puts_today_past_44w6d_is_refused(
    dating: ct.Dating, today: date, field: str, dates: list[str]
) -> None:
    with pytest.raises(ct.DatingError, match=f"^{field}: ") as caught:
        ct.plan(dating, today=today)
    message = str(caught.value)
    assert caught.value.field == field
    for day in [*dates, today.isoformat()]:
        assert day in message
    assert "past 44w6d" in message and "own today" in message


@pytest.mark.parametrize(
    ("dating", "field", "day"),
    [
        (ct.Dating.from_lmp("2026-11-25"), "lmp", "2026-11-25"),  # the day after today
        (ct.Dating.from_gestational_age("10w0d", on="2026-12-01"), "on", "2026-12-01"),
        (ct.Dating.from_conception("2027-01-01"), "conception", "2027-01-01"),
        (ct.Dating.from_embryo_transfer("2026-12-01", embryo_age_days=5), "transfer", "2026-12-01"),
        (ct.Dating.from_ultrasound(ga="12w0d", scan_date="2026-12-01"), "scan_date", "2026-12-01"),
        (
            ct.Dating.reconcile(
                ct.Dating.from_lmp("2026-08-03"),
                ct.Dating.from_ultrasound(ga="20w0d", scan_date="2026-12-21"),
            ),
            "scan_date",
            "2026-12-21",
        ),
    ],
)
def test_a_dating_event_after_today_is_refused(dating: ct.Dating, field: str, day: str) -> None:
    with pytest.raises(ct.DatingError, match=f"^{field}: {day} is after today \\(2026-11-24\\)"):
        ct.plan(dating, today=TODAY)


@pytest.mark.parametrize(
    ("dating", "today"),
    [
        (ct.Dating.from_due_date("2027-05-10"), date(2027, 6, 13)),  # 44w6d exactly
        (ct.Dating.from_lmp("2026-11-24"), TODAY),  # an LMP today
        (ct.Dating.from_gestational_age("16w1d", on=TODAY), TODAY),
        # a due date more than 40 weeks on: today is before day 0, and the plan says so
        (ct.Dating.from_due_date("2027-12-01"), TODAY),
        # a past pregnancy, planned on purpose with its own today
        (ct.Dating.from_due_date("2020-05-10"), date(2019, 11, 24)),
    ],
)
def test_the_edges_that_are_planned(dating: ct.Dating, today: date) -> None:
    assert ct.plan(dating, today=today).today == today


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--due-date", "2020-05-10"], "due_date"),  # printed "381w2d" before
        (["--lmp", "2026-12-01"], "lmp"),  # printed "before 0w0d" before
        # printed "165w4d" before; named by its flag --on (its batch column is ga_on)
        (["--ga", "14w3d", "--on", "2024-01-01"], "--on"),
    ],
)
@pytest.mark.parametrize("format", ["text", "json"])
def test_the_command_line_exits_2_with_one_line(
    argv: list[str], field: str, format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["plan", "--today", "2026-11-24", "--format", format, *argv])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and f"error: {field}: " in err and "2026-11-24" in err


def test_a_year_typo_in_a_batch_is_a_row_error(tmp_path: Path) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(
        "id,due_date,lmp,ga,ga_on\n"
        "ok,2027-05-10,,,\n"
        "typo,2020-05-10,,,\n"  # 2027 written 2020
        "future-lmp,,2027-08-03,,\n"
        "ga-typo,,,14w3d,2024-11-24\n",  # 2026 written 2024
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(
        [
            "batch",
            str(patients),
            "--out",
            str(out),
            "--format",
            "json",
            "--today",
            "2026-11-24",
            "--quiet",
        ]
    )
    assert code == 1
    assert sorted(path.name for path in out.iterdir()) == ["errors.csv", "manifest.csv", "ok.json"]
    with (out / "errors.csv").open(encoding="utf-8", newline="") as handle:
        rows: list[dict[str, Any]] = list(csv.DictReader(handle))
    assert [(row["id"], row["field"]) for row in rows] == [
        ("typo", "due_date"),
        ("future-lmp", "lmp"),
        ("ga-typo", "ga_on"),
    ]
