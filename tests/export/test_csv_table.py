"""The CSV table: one row per milestone, RFC 4180, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import main
from care_timeline.export.csv_table import neutralise

HEADER = [
    "plan_id",
    "milestone_id",
    "title",
    "kind",
    "category",
    "start",
    "end",
    "start_ga",
    "end_ga",
    "occurrences",
    "applicability",
    "reason",
    "timing",
    "note",
    "reason_key",
    "warning_signs",
    "urgent_advice",
]


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def due_may_10(plan_id: str | None = "clinic-42/7781") -> ct.Plan:
    return ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)),
        ct.Profile(fetuses=1, prior_preterm_birth=True),
        today=date(2026, 11, 24),
        plan_id=plan_id,
    )


def test_one_row_per_milestone() -> None:
    text = ct.to_csv(due_may_10())
    rows = rows_of(text)
    assert rows[0] == HEADER
    assert all(row[13].startswith("For discussion with your clinician") for row in rows[1:])
    # due 2027-05-10: day 0 is 2026-08-03; today 2026-11-24 is 16w1d
    got = [(r[0], r[1], r[3], r[5], r[6], r[7], r[8], r[10], r[12]) for r in rows[1:]]
    assert got == [
        (
            "clinic-42/7781",
            "cervical-change-risk",
            "window",
            "2026-10-26",
            "2027-01-10",
            "12w0d",
            "22w6d",
            "applies",
            "current",
        ),
        (
            "clinic-42/7781",
            "cerclage-placement",
            "window",
            "2026-10-26",
            "2026-11-15",
            "12w0d",
            "14w6d",
            "discuss",
            "past",
        ),
        (
            "clinic-42/7781",
            "cervical-monitoring",
            "series",
            "2026-11-23",
            "2027-01-18",
            "16w0d",
            "24w0d",
            "applies",
            "current",
        ),  # after a prior preterm birth
        (  # 23w6d = day 167; no short cervix recorded
            "clinic-42/7781",
            "cerclage-if-cervix-shortens",
            "window",
            "2026-11-23",
            "2027-01-17",
            "16w0d",
            "23w6d",
            "discuss",
            "current",
        ),
        (
            "clinic-42/7781",
            "progesterone-injections",
            "series",
            "2026-11-23",
            "2027-04-12",
            "16w0d",
            "36w0d",
            "discuss",
            "current",
        ),  # prior preterm birth, one baby: weekly injections are only to discuss
        (
            "clinic-42/7781",
            "vaginal-progesterone",
            "window",
            "2026-11-23",
            "2027-04-12",
            "16w0d",
            "36w0d",
            "discuss",
            "current",
        ),  # prior preterm birth, cervix not known to be short
        (
            "clinic-42/7781",
            "preterm-birth-watch",
            "window",
            "2027-01-11",
            "2027-03-14",
            "23w0d",
            "31w6d",
            "applies",
            "upcoming",
        ),
        (  # 32w0d = day 224, 36w6d = day 258
            "clinic-42/7781",
            "late-preterm-watch",
            "window",
            "2027-03-15",
            "2027-04-18",
            "32w0d",
            "36w6d",
            "applies",
            "upcoming",
        ),
        (
            "clinic-42/7781",
            "cerclage-removal",
            "window",
            "2027-04-12",
            "2027-04-19",
            "36w0d",
            "37w0d",
            "discuss",
            "upcoming",
        ),
        (
            "clinic-42/7781",
            "due-date",
            "day",
            "2027-05-10",
            "2027-05-10",
            "40w0d",
            "40w0d",
            "applies",
            "upcoming",
        ),
    ]
    # every 14 days from 16w0d to 24w0d
    assert rows[3][9] == "2026-11-23;2026-12-07;2026-12-21;2027-01-04;2027-01-18"
    assert rows[1][9] == ""  # a window has no occurrences
    assert all(row[2] and row[11] for row in rows[1:])  # a title and a reason on every row


def test_rfc_4180_and_round_trip() -> None:
    the_plan = due_may_10()
    text = ct.to_csv(the_plan)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = rows_of(text)
    assert [row[11] for row in rows[1:]] == [item.reason for item in the_plan.milestones]
    assert [row[2] for row in rows[1:]] == [item.title for item in the_plan.milestones]


def test_without_a_plan_id_the_column_is_empty() -> None:
    rows = rows_of(ct.to_csv(due_may_10(plan_id=None)))
    assert {row[0] for row in rows[1:]} == {""}


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),  # a formula
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),  # some spreadsheets skip a leading tab
        ("\r=1", "'\r=1"),
        ("12w0d", "12w0d"),  # ordinary cells are left alone
        ("2026-11-23", "2026-11-23"),
        ("a=b", "a=b"),  # only the first character matters
        ("", ""),
    ],
)
def test_neutralise(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown


def test_formula_in_plan_id_and_protocol_text_is_neutralised(tmp_path: Path) -> None:
    text = ct.default_protocol_text().replace(
        'title = "Weeks when a weak cervix may open early"',
        'title = "=HYPERLINK(\\"http://example.invalid\\",\\"open\\")"',
    )
    protocol = ct.parse_protocol(text)
    the_plan = ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)),
        protocol=protocol,
        today=date(2026, 11, 24),
        plan_id="@cmd",
    )
    rows = rows_of(ct.to_csv(the_plan))
    assert {row[0] for row in rows[1:]} == {"'@cmd"}
    assert rows[1][1:3] == ["cervical-change-risk", '\'=HYPERLINK("http://example.invalid","open")']
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_cli_csv_is_to_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = [
        "plan",
        "--due-date",
        "2027-05-10",
        "--fetuses",
        "1",
        "--prior-preterm-birth",
        "--today",
        "2026-11-24",
        "--plan-id",
        "clinic-42/7781",
        "--format",
        "csv",
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert printed == ct.to_csv(due_may_10())
    assert main([*argv, "-o", str(tmp_path / "plan.csv")]) == 0
    assert (tmp_path / "plan.csv").read_bytes() == ct.to_csv(due_may_10()).encode()
