"""A plan is of a pregnancy going on today: no dating event and no dated fact (a stitch,
a short cervix found, a length measured, the waters broken) after today, and today from
the pregnancy's day 0 (0w0d) to 44w6d. Anything else is the library's error naming the
input and both dates (the command line: exit 2; a batch: a row in errors.csv), not a
wrong plan.

Dates are counted by hand: a due date of 2027-05-10 has day 0 on 2026-08-03 and
44w6d (day 314 = due + 34) on 2027-06-13. Today 2026-11-24 is day 0 of a pregnancy due
280 days on, 2027-08-31 (Nov 24 + 6 = Nov 30, + 31 Dec, + 31 Jan, + 28 Feb, + 31 Mar,
+ 30 Apr, + 31 May, + 30 Jun, + 31 Jul, + 31 Aug = 280).
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
        # a due date 280 days on: today is day 0, 0w0d
        (ct.Dating.from_due_date("2027-08-31"), TODAY),
        # a past pregnancy, planned on purpose with its own today
        (ct.Dating.from_due_date("2020-05-10"), date(2019, 11, 24)),
    ],
)
def test_the_edges_that_are_planned(dating: ct.Dating, today: date) -> None:
    assert ct.plan(dating, today=today).today == today


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--due-date", "2020-05-10"], "--due-date"),  # printed "381w2d" before
        (["--lmp", "2026-12-01"], "--lmp"),  # printed "before 0w0d" before
        # printed "165w4d" before; named by the flag typed (its column is ga_on)
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


# -- today before the pregnancy's day 0 (the year typo: "before week 0") ------------


@pytest.mark.parametrize(
    ("due", "day_zero"),
    [
        ("2028-05-10", "2027-08-04"),  # the typo for 2027-05-10; 2028 is a leap year
        ("2027-09-01", "2026-11-25"),  # one day too far: day 0 is tomorrow
    ],
)
def test_a_due_date_that_puts_today_before_day_zero_is_refused(due: str, day_zero: str) -> None:
    with pytest.raises(ct.DatingError) as raised:
        ct.plan(ct.Dating.from_due_date(due), today=TODAY)
    assert raised.value.field == "due_date"
    assert str(raised.value) == (
        f"due_date: {due} puts today (2026-11-24) before the pregnancy's day 0, 0w0d "
        f"({day_zero}); expected a due date on or before 2027-08-31"
    )


def test_a_today_before_day_zero_is_refused_on_the_command_line_and_in_a_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["plan", "--due-date", "2028-05-10", "--today", "2026-11-24"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "2028-05-10" in err and "2026-11-24" in err
    assert "before the pregnancy's day 0" in err
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\nok,2027-05-10\ntypo,2028-05-10\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    argv = ["batch", str(patients), "--out", str(out_dir), "--format", "json", "--quiet"]
    assert main([*argv, "--today", "2026-11-24"]) == 1
    with (out_dir / "errors.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["id"], row["field"]) for row in rows] == [("typo", "due_date")]
    assert (out_dir / "ok.json").exists()


# -- no dated fact after today (the issue: a stitch dated tomorrow was planned) ---------------

TOMORROW = date(2026, 11, 25)
FACTS_AFTER_TODAY = [
    ("cerclage_placed_on", {"cerclage_placed_on": TOMORROW}),
    ("short_cervix_on", {"short_cervix": True, "short_cervix_on": TOMORROW}),
    ("cervical_length_on", {"cervical_length_mm": 22, "cervical_length_on": TOMORROW}),
    ("membranes_ruptured_on", {"membranes_ruptured_on": TOMORROW}),
]


@pytest.mark.parametrize(("field", "facts"), FACTS_AFTER_TODAY)
def test_a_dated_fact_after_today_is_refused(field: str, facts: dict[str, Any]) -> None:
    dating = ct.Dating.from_due_date("2027-05-10")
    with pytest.raises(ct.ProfileError) as raised:
        ct.plan(dating, ct.Profile(**facts), today=TODAY)
    assert raised.value.field == field
    assert str(raised.value) == (
        f"{field}: 2026-11-25 is after today (2026-11-24); "
        "expected a day on or before today (2026-11-24)"
    )
    # on that day it is planned
    assert ct.plan(dating, ct.Profile(**facts), today=TOMORROW).profile == ct.Profile(**facts)


@pytest.mark.parametrize(("field", "facts"), FACTS_AFTER_TODAY)
def test_a_dated_fact_after_today_exits_2_with_one_line(
    field: str, facts: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24"]
    for name, value in facts.items():
        flag = "--" + name.replace("_", "-").replace("-mm", "")
        argv += [flag] if value is True else [flag, str(value)]
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "2026-11-25" in err and "2026-11-24" in err, err
    assert "--" + field.replace("_", "-") in err  # the flag the user typed


def test_a_stitch_dated_tomorrow_in_a_batch_is_a_row_error(tmp_path: Path) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(
        "id,due_date,cerclage_placed_on,short_cervix,short_cervix_on\n"
        "ok,2027-05-10,2026-11-02,,\n"
        "stitch,2027-05-10,2026-11-25,,\n"
        "short,2027-05-10,,yes,2026-12-24\n",  # a month typed wrong
        encoding="utf-8",
    )
    out = tmp_path / "out"
    argv = ["batch", str(patients), "--out", str(out), "--format", "json", "--quiet"]
    assert main([*argv, "--today", "2026-11-24"]) == 1
    assert sorted(path.name for path in out.iterdir()) == ["errors.csv", "manifest.csv", "ok.json"]
    with (out / "errors.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["id"], row["field"]) for row in rows] == [
        ("stitch", "cerclage_placed_on"),
        ("short", "short_cervix_on"),
    ]
    assert "2026-11-25 is after today (2026-11-24)" in rows[0]["error"]
