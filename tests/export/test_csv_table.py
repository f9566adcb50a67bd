"""The CSV table: one row per milestone, RFC 4180, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from _support.csv_columns import HEADER
from care_timeline.cli import main
from care_timeline.csv_cells import neutralise


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
        (  # 24w0d = day 168 (version 3); no short cervix recorded
            "clinic-42/7781",
            "cerclage-if-cervix-shortens",
            "window",
            "2026-11-23",
            "2027-01-18",
            "16w0d",
            "24w0d",
            "discuss",
            "current",
        ),
        (
            "clinic-42/7781",
            "progesterone-injections",
            "window",
            "2026-11-23",
            "2027-04-12",
            "16w0d",
            "36w0d",
            "not-applicable",
            "current",
        ),  # version 3: weekly injections are never planned (withdrawn): no doses
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
        ("\t=1", "'\t'=1"),  # some spreadsheets skip a leading tab, others split at it
        ("\r=1", "'\r'=1"),
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


# -- spreadsheets that split at ';' and read fullwidth signs (issue: CSV formulas) ----


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (" =1+1", "' =1+1"),  # spaces before the sign
        ("\u00a0=1+1", "'\u00a0=1+1"),  # a no-break space
        ("\u3000+1", "'\u3000+1"),  # an ideographic space
        ("\u200b@SUM(A1)", "'\u200b@SUM(A1)"),  # an invisible zero-width space
        ("\n=1", "\n'=1"),  # a line break first starts a cell of its own
        ("\uff1d1+1", "'\uff1d1+1"),  # fullwidth =
        ("\uff0b1", "'\uff0b1"),  # fullwidth +
        ("\uff0d1", "'\uff0d1"),  # fullwidth -
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),  # fullwidth @
        ("  \uff1dA1", "'  \uff1dA1"),
        ("  text", "  text"),  # spaces before ordinary text are left alone
    ],
)
def test_neutralise_after_blanks_and_fullwidth_signs(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown


def semicolon_cells(line: str) -> list[str]:
    """A row as a spreadsheet set to split at ';' reads it (as German, French and Dutch
    defaults do)."""
    return next(csv.reader(io.StringIO(line), delimiter=";"))


@pytest.mark.parametrize(
    ("plan_id", "shown"),
    [
        ("x;=1+1", "x;'=1+1"),
        ("x;@SUM(A1)", "x;'@SUM(A1)"),
        ("x; =1+1", "x;' =1+1"),
        ("x;\u00a0=1+1", "x;'\u00a0=1+1"),
        ("x;\uff1d1+1", "x;'\uff1d1+1"),
        ("a;-2;+3", "a;'-2;'+3"),
        ("a;b", "a;b"),  # nothing after the ';' starts a formula
    ],
)
def test_no_formula_where_cells_split_at_semicolons(plan_id: str, shown: str) -> None:
    text = ct.to_csv(due_may_10(plan_id=plan_id))
    for line in text.splitlines()[1:]:
        for cell in semicolon_cells(line):
            visible = cell.lstrip(" \u00a0")
            assert not visible.startswith(("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d")), line
        # read at ',' the id is one cell, with a quote only before each formula sign
        assert rows_of(line + "\r\n")[0][0] == shown


def test_every_cell_but_plain_words_is_quoted() -> None:
    text = ct.to_csv(due_may_10(plan_id="clinic 42;7781"))
    header, first = text.split("\r\n")[:2]
    assert header == ",".join(HEADER)  # plain words: unquoted
    assert first.startswith('"clinic 42;7781",cervical-change-risk,"Weeks when ')
    series = next(line for line in text.split("\r\n") if ",series," in line)
    # the dates of a series are separated by ';', so they are quoted as one cell
    assert ',"2026-11-23;2026-12-07;2026-12-21;2027-01-04;2027-01-18",' in series


def test_errors_csv_quotes_and_neutralises(tmp_path: Path) -> None:
    rows = [{"id": "x;=1+1", "due_date": "soon"}, {"id": "=cmd", "due_date": "soon"}]
    ct.write_batch(
        rows, tmp_path / "out", ct.RowOptions(today=date(2026, 11, 24)), format="csv", jobs=1
    )
    lines = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith('1,"x;\'=1+1",due_date,"due_date: ')
    assert lines[2].startswith('2,"\'=cmd",due_date,')
    for line in lines[1:]:
        assert not any(
            cell.lstrip(" \u00a0").startswith(("=", "@", "+", "-"))
            for cell in semicolon_cells(line)
        )
