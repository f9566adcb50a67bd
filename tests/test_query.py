"""upcoming(): who has which milestone in a date range, sorted by day then id."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import main

TODAY = date(2026, 11, 24)


def make(plan_id: str, due: date, **profile: object) -> ct.Plan:
    return ct.plan(
        ct.Dating.from_due_date(due), ct.Profile(**profile), today=TODAY, plan_id=plan_id
    )


# due 2027-05-10: day 0 is 2026-08-03, 16w0d is 2026-11-23 (weekly and fortnightly series start)
SINGLE = make("z-single", date(2027, 5, 10), fetuses=1, prior_preterm_birth=True)
# same dates, nothing known: cervical checks and injections are "discuss"
SAME = make("m-same", date(2027, 5, 10))
# due 2027-06-20: day 0 is 2026-09-13, 12w0d is 2026-12-06; twins: no cerclage, no injections
TWINS = make("a-twins", date(2027, 6, 20), fetuses=2)
PLANS = [SINGLE, TWINS, SAME]


def listed(found: list[ct.Upcoming]) -> list[tuple[str, str | None, str, str, str, str]]:
    return [
        (
            u.on.isoformat(),
            u.plan_id,
            u.milestone_id,
            u.what,
            str(u.gestational_age),
            u.applicability,
        )
        for u in found
    ]


def test_first_ten_days_of_december() -> None:
    assert listed(ct.upcoming(PLANS, date(2026, 12, 1), date(2026, 12, 10))) == [
        ("2026-12-06", "a-twins", "cervical-change-risk", "starts", "12w0d", "applies"),
        # 2026-12-07 is 18w0d: the 2nd fortnightly check (weekly injections are never
        # planned: one not-applicable entry, no doses)
        # nothing known: checks fall to the protocol's last rule, discuss
        ("2026-12-07", "m-same", "cervical-monitoring", "2 of 5", "18w0d", "discuss"),
        # a prior preterm birth: checks apply
        ("2026-12-07", "z-single", "cervical-monitoring", "2 of 5", "18w0d", "applies"),
    ]


def test_not_applicable_only_when_asked() -> None:
    found = ct.upcoming(
        [TWINS],
        date(2026, 12, 6),
        date(2026, 12, 6),
        applicability=["applies", "discuss", "not-applicable"],
    )
    assert listed(found) == [
        ("2026-12-06", "a-twins", "cervical-change-risk", "starts", "12w0d", "applies"),
        ("2026-12-06", "a-twins", "cerclage-placement", "starts", "12w0d", "not-applicable"),
    ]
    assert "more than one baby" in found[1].reason


def test_one_milestone_across_a_month() -> None:
    found = ct.upcoming(
        PLANS,
        date(2026, 11, 24),
        date(2026, 12, 31),
        milestone="cervical-monitoring",
        applicability=["applies"],
    )
    # every 14 days from 2026-11-23 (the first check is before the range); m-same has the
    # same dates but its checks are only to discuss, and the twins' start on 2027-01-03
    assert listed(found) == [
        ("2026-12-07", "z-single", "cervical-monitoring", "2 of 5", "18w0d", "applies"),
        ("2026-12-21", "z-single", "cervical-monitoring", "3 of 5", "20w0d", "applies"),
    ]


def test_a_day_milestone_and_plan_results() -> None:
    results = list(
        ct.plan_many([{"id": "r1", "due_date": "2027-05-10"}], ct.RowOptions(today=TODAY))
    )
    found = ct.upcoming(results, date(2027, 5, 10), date(2027, 5, 10))
    assert listed(found) == [("2027-05-10", "r1", "due-date", "day", "40w0d", "applies")]


def test_windows_already_open_are_not_listed() -> None:
    # cervical-change-risk opened 2026-10-26 for z-single; only starts inside the range count
    found = ct.upcoming([SINGLE], date(2026, 11, 1), date(2026, 11, 22))
    assert found == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start": date(2026, 12, 2), "end": date(2026, 12, 1)}, "end"),  # end before start
        ({"applicability": ["maybe"]}, "applicability"),
        ({"applicability": []}, "applicability"),
        ({"milestone": "no-such-milestone"}, "milestone"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"start": date(2026, 12, 1), "end": date(2026, 12, 31)}
    arguments.update(kwargs)
    with pytest.raises(ct.CareTimelineError) as raised:
        ct.upcoming(PLANS, **arguments)  # type: ignore[arg-type]
    assert raised.value.field == field


def test_row_errors_are_refused_not_dropped() -> None:
    results = list(ct.plan_many([{"id": "x", "lmp": "soon"}], ct.RowOptions(today=TODAY)))
    with pytest.raises(ct.CareTimelineError, match="leave out errors"):
        ct.upcoming(results, date(2026, 12, 1), date(2026, 12, 31))


# -- the command ------------------------------------------------------------------------

PATIENTS = """\
id,due_date,fetuses,prior_preterm_birth
z-single,2027-05-10,1,yes
a-twins,2027-06-20,2,
bad,2027-02-30,,
m-same,2027-05-10,,
"""
COMMAND = ["upcoming", "--from", "2026-12-01", "--to", "2026-12-10", "--today", "2026-11-24"]


@pytest.fixture
def patients(tmp_path: Path) -> str:
    path = tmp_path / "patients.csv"
    path.write_text(PATIENTS, encoding="utf-8")
    return str(path)


def test_command_table_then_bad_rows(capsys: pytest.CaptureFixture[str], patients: str) -> None:
    code = main([*COMMAND, patients])
    out, err = capsys.readouterr()
    assert code == 1  # a bad row, after printing the good results
    lines = out.splitlines()
    assert lines[0].split() == ["date", "GA", "id", "milestone", "what", "applicability"]
    assert [line.split() for line in lines[1:]] == [
        ["2026-12-06", "12w0d", "a-twins", "cervical-change-risk", "starts", "applies"],
        # as in test_first_ten_days_of_december: m-same knows nothing, z-single a preterm birth
        ["2026-12-07", "18w0d", "m-same", "cervical-monitoring", "2", "of", "5", "discuss"],
        ["2026-12-07", "18w0d", "z-single", "cervical-monitoring", "2", "of", "5", "applies"],
    ]
    assert err.splitlines() == [
        "care-timeline: line 4, id 'bad': due_date: '2027-02-30' is not valid; "
        "expected a real calendar day"
    ]


def test_command_csv_with_filters(capsys: pytest.CaptureFixture[str], patients: str) -> None:
    code = main(
        [
            *COMMAND,
            patients,
            "--format",
            "csv",
            "--milestone",
            "cerclage-placement",
            "--applicability",
            "not-applicable",
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 1
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0] == [
        "date",
        "gestational_age",
        "id",
        "milestone_id",
        "title",
        "what",
        "applicability",
        "reason",
        "status",
    ]
    assert [row[:4] + row[5:7] for row in rows[1:]] == [
        ["2026-12-06", "12w0d", "a-twins", "cerclage-placement", "starts", "not-applicable"],
    ]


def test_command_nothing_in_range(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("id,due_date\na,2027-05-10\n", encoding="utf-8")
    code = main(
        [
            "upcoming",
            str(path),
            "--from",
            "2027-06-01",
            "--to",
            "2027-06-30",
            "--today",
            "2026-11-24",
        ]
    )
    assert code == 0
    assert capsys.readouterr().out == "No milestones from 2027-06-01 to 2027-06-30.\n"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (["--milestone", "stitch"], "milestone"),  # not in the protocol
        (["--applicability", "applies,maybe"], "applicability"),
        (["--to", "2026-11-30"], "to"),  # before --from
        (["--from", "12/01/2026"], "from"),  # ambiguous without --date-order
    ],
)
def test_command_bad_options_exit_2(
    capsys: pytest.CaptureFixture[str], patients: str, extra: list[str], field: str
) -> None:
    code = main([*COMMAND, patients, *extra])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and f"{field}:" in err, err


# -- in a window, passed, and one row per patient ----------------------------------------
# Due 2027-05-10: day 0 is 2026-08-03. With nothing known, under protocol version 2:
#   cervical-change-risk   12w0d-22w6d  2026-10-26 .. 2027-01-10  applies
#   cerclage-placement     12w0d-14w6d  2026-10-26 .. 2026-11-15  discuss
#   cervical-monitoring    every 14 d   2026-11-23, 12-07, 12-21, 2027-01-04, 01-18  discuss
#   cerclage-if-cervix-shortens 16w0d-23w6d  2026-11-23 .. 2027-01-17  discuss
#   progesterone-injections weekly     2026-11-23 .. 2027-04-12 (21 doses)  discuss
#   vaginal-progesterone   16w0d-36w0d  2026-11-23 .. 2027-04-12  discuss
#   preterm-birth-watch    23w0d-31w6d  2027-01-11 .. 2027-03-14  applies
#   late-preterm-watch     32w0d-36w6d  2027-03-15 .. 2027-04-18  applies
#   cerclage-removal       36w0d-37w0d  2027-04-12 .. 2027-04-19  discuss
#   due-date               40w0d        2027-05-10                applies
UNKNOWN = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=TODAY, plan_id="u")


def _rows(found: list[ct.Upcoming]) -> list[tuple[str, str, str]]:
    return [(u.on.isoformat(), u.milestone_id, u.what) for u in found]


def test_passed_finds_the_window_that_ended_in_the_range() -> None:
    found = ct.upcoming(
        [UNKNOWN], date(2027, 1, 1), date(2027, 1, 31), applicability=["applies"], status="passed"
    )
    assert _rows(found) == [("2027-01-10", "cervical-change-risk", "ended")]  # 22w6d


def test_in_window_finds_who_is_inside_a_window_during_the_range() -> None:
    week = (date(2026, 12, 1), date(2026, 12, 7))
    assert _rows(ct.upcoming([UNKNOWN], *week, applicability=["applies"], status="in-window")) == [
        ("2026-12-01", "cervical-change-risk", "in window")  # the range's first day, 17w1d
    ]
    assert _rows(ct.upcoming([UNKNOWN], *week, applicability=["discuss"], status="in-window")) == [
        ("2026-12-01", "cerclage-if-cervix-shortens", "in window"),
        ("2026-12-01", "vaginal-progesterone", "in window"),
        ("2026-12-07", "cervical-monitoring", "2 of 5"),  # Nov 23 + 14 days
    ]


def test_in_window_between_two_doses_of_a_series() -> None:
    # Checks fall on Nov 23 and Dec 7; the range lies between them, inside the series.
    found = ct.upcoming(
        [UNKNOWN],
        date(2026, 11, 24),
        date(2026, 12, 6),
        milestone="cervical-monitoring",
        applicability=["discuss"],
        status="in-window",
    )
    assert _rows(found) == [("2026-11-24", "cervical-monitoring", "in window")]


def test_summary_collapses_a_series_to_its_first_date_in_the_range() -> None:
    found = ct.upcoming(
        [UNKNOWN], date(2026, 11, 23), date(2027, 1, 31), applicability=["discuss"], summary=True
    )
    assert _rows(found) == [
        ("2026-11-23", "cervical-monitoring", "1 of 5, 5 in range"),
        ("2026-11-23", "cerclage-if-cervix-shortens", "starts"),
        ("2026-11-23", "vaginal-progesterone", "starts"),
    ]
    every_check = ct.upcoming(
        [UNKNOWN], date(2026, 11, 23), date(2027, 1, 31), applicability=["discuss"]
    )
    assert len(every_check) == 5 + 1 + 1  # five checks; the two windows start once


def test_status_on_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,due_date\nu,2027-05-10\nlater,2027-07-10\n", encoding="utf-8")
    argv = ["upcoming", str(path), "--from", "2027-01-01", "--to", "2027-01-31"]
    code = main(
        [*argv, "--today", "2026-11-24", "--status", "passed", "--applicability", "applies"]
    )
    out = capsys.readouterr().out
    assert code == 0
    # due 2027-07-10: day 0 2026-10-03, 22w6d is 2027-03-12, outside the range
    assert out.splitlines()[1:] == ["2027-01-10  22w6d  u   cervical-change-risk  ended  applies"]
    assert main([*argv, "--status", "soon"]) == 2


def test_summary_on_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,due_date\nu,2027-05-10\n", encoding="utf-8")
    argv = ["upcoming", str(path), "--from", "2026-11-23", "--to", "2027-01-31"]
    code = main([*argv, "--today", "2026-11-24", "--applicability", "discuss", "--summary"])
    out = capsys.readouterr().out
    assert code == 0
    # As in test_summary_collapses_a_series_to_its_first_date_in_the_range.
    assert [line.split() for line in out.splitlines()[1:]] == [
        [
            "2026-11-23",
            "16w0d",
            "u",
            "cervical-monitoring",
            "1",
            "of",
            "5,",
            "5",
            "in",
            "range",
            "discuss",
        ],
        ["2026-11-23", "16w0d", "u", "cerclage-if-cervix-shortens", "starts", "discuss"],
        ["2026-11-23", "16w0d", "u", "vaginal-progesterone", "starts", "discuss"],
    ]


# -- a plan that ended ---------------------------------------------------------------------
# The same pregnancy as UNKNOWN, lost on 2026-12-10 (18w3d): nothing after that day is
# planned any more, and a window the end cut short did not pass unattended.
ENDED = ct.plan(
    ct.Dating.from_due_date(date(2027, 5, 10)),
    today=date(2026, 12, 20),
    plan_id="e",
    ended_on=date(2026, 12, 10),
    ended_because="loss",
)


def test_an_ended_plan_lists_nothing_after_its_end() -> None:
    december_and_january = (date(2026, 12, 1), date(2027, 1, 31))
    # Running, it would list checks on Dec 7, 21, Jan 4, 18 and the preterm-birth watch
    # from Jan 11. Ended on Dec 10, only Dec 7 is left: the 2nd check (of the 2 by then).
    assert _rows(ct.upcoming([ENDED], *december_and_january)) == [
        ("2026-12-07", "cervical-monitoring", "2 of 2"),
    ]
    # The risk window (to Jan 10) was cut short on Dec 10: not a window that passed.
    january = (date(2027, 1, 1), date(2027, 1, 31))
    assert _rows(ct.upcoming([UNKNOWN], *january, applicability=["applies"], status="passed")) == [
        ("2027-01-10", "cervical-change-risk", "ended")
    ]
    assert ct.upcoming([ENDED], *january, applicability=["applies"], status="passed") == []
    # Nor is anyone inside it after the end.
    after = (date(2026, 12, 11), date(2026, 12, 31))
    assert ct.upcoming([ENDED], *after, applicability=["applies"], status="in-window") == []
    last_day = (date(2026, 12, 10), date(2026, 12, 10))
    inside = ct.upcoming([ENDED], *last_day, applicability=["applies"], status="in-window")
    assert _rows(inside) == [("2026-12-10", "cervical-change-risk", "in window")]


# -- a thousand patients: the one whose stitch window passed ------------------------------
# upcoming --status passed --applicability applies lists the windows that apply and end
# in the range. Counted back from a due date (40w0d = 280 days), the windows that can
# apply end on:
#   cerclage-placement  14w6d (104 days): due - 176   applies after a mid-pregnancy loss
#   cervical-change-risk 22w6d (160):     due - 120   applies to everyone
#   cervical-monitoring  24w0d (168):     due - 112   applies after a preterm birth or loss
#   preterm-birth-watch  31w6d (223):     due - 57    applies to everyone
#   late-preterm-watch   36w6d (258):     due - 22    applies to everyone
#   due-date             40w0d:           due         applies to everyone
# (the other windows only apply with a short cervix or a stitch, which no row records).
# For the range 2027-01-01 .. 2027-01-31 none of these may fall in January, so every due
# date but the one patient's lies in 2026-11-01 .. 2026-12-31 (their ends: due - 22 by
# 2026-12-09, the due date by 2026-12-31) or in 2027-06-01 .. 2027-08-31 (due - 120 from
# 2027-02-01 on, due - 112 from 2027-02-09, due - 57 from 2027-04-05). Of those, a due
# date from 2027-06-26 to 2027-07-26 puts 14w6d in January; that is fine for anyone but
# a patient after a mid-pregnancy loss, for whom the stitch window applies: those have
# due dates of 2026-11-15 (14w6d on 2026-05-23), 2027-06-25 (14w6d on 2026-12-31, the
# day before the range), 2027-07-27 (14w6d on 2027-02-01, the day after) or 2027-08-15.
# The one patient, p0618, after a loss, due 2027-07-10: day 0 is 2026-10-03 and 14w6d
# (+104) is 2027-01-15; her other windows end 2027-03-12, 03-20, 05-14, 06-18 and 07-10.
TARGET_DUE = date(2027, 7, 10)


def _thousand_patients() -> str:
    def days(first: date, last: date) -> list[date]:
        return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]

    dues = days(date(2026, 11, 1), date(2026, 12, 31)) + days(date(2027, 6, 1), date(2027, 8, 31))
    after_loss_dues = [date(2026, 11, 15), date(2027, 6, 25), date(2027, 7, 27), date(2027, 8, 15)]
    # fetuses, prior_preterm_birth, prior_second_trimester_loss, membranes_ruptured
    profiles = [("", "", "", ""), ("2", "", "", ""), ("1", "yes", "", ""), ("1", "", "yes", "")]
    profiles.append(("", "", "", "yes"))
    lines = [
        "id,due_date,fetuses,prior_preterm_birth,prior_second_trimester_loss,membranes_ruptured"
    ]
    for n in range(1000):
        profile = profiles[n % 5]
        due = after_loss_dues[n // 5 % 4] if profile[2] == "yes" else dues[n % len(dues)]
        if n == 618:  # a loss row too (618 % 5 == 3)
            due = TARGET_DUE
        lines.append(",".join((f"p{n:04}", due.isoformat(), *profile)))
    return "\n".join(lines) + "\n"


def test_whose_applying_stitch_window_passed_among_a_thousand(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "thousand.csv"
    path.write_text(_thousand_patients(), encoding="utf-8")
    argv = ["upcoming", str(path), "--from", "2027-01-01", "--to", "2027-01-31"]
    argv += ["--today", "2026-12-01", "--status", "passed"]
    code = main([*argv, "--applicability", "applies"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert [line.split() for line in out.splitlines()[1:]] == [
        ["2027-01-15", "14w6d", "p0618", "cerclage-placement", "ended", "applies"]
    ]
    # The other stitch windows that ended in January were only to discuss (no loss
    # recorded): there were such rows, and the filter is what left them out.
    code = main([*argv, "--applicability", "discuss", "--milestone", "cerclage-placement"])
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[1:]]
    assert code == 0 and len(rows) > 10
    assert {(row[1], row[3], row[-1]) for row in rows} == {
        ("14w6d", "cerclage-placement", "discuss")
    }


# -- in Turkish (issue: the table kept applies/discuss under Turkish heads) --------------------


def test_the_turkish_table_says_its_values_in_turkish(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,due_date,prior_preterm_birth\nu,2027-05-10,evet\nm,2027-05-10,\n", "utf-8")
    argv = ["upcoming", str(path), "--from", "2026-12-07", "--to", "2026-12-07"]
    assert main([*argv, "--today", "2026-11-24", "--language", "tr"]) == 0
    # due 2027-05-10: the second check, 18w0d, on 2026-12-07 (16w0d + 14 days); it applies
    # after a preterm birth and is to be discussed when nothing is known
    assert [line.split() for line in capsys.readouterr().out.splitlines()] == [
        ["tarih", "GH", "kimlik", "aşama", "ne", "geçerlilik"],
        ["2026-12-07", "18+0", "m", "cervical-monitoring", "2/5", "görüşülecek"],
        ["2026-12-07", "18+0", "u", "cervical-monitoring", "2/5", "geçerli"],
    ]
    # --applicability takes the words the table writes, in any case (Turkish capitals too)
    assert (
        main([*argv, "--today", "2026-11-24", "--language", "tr", "--applicability", "GEÇERLİ"])
        == 0
    )
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[2] for row in rows] == ["u"]
    # the CSV keeps the codes a script filters on, as the plan's CSV does
    assert main([*argv, "--today", "2026-11-24", "--language", "tr", "--format", "csv"]) == 0
    found = list(csv.DictReader(io.StringIO(capsys.readouterr().out, newline="")))
    assert [(row["id"], row["applicability"], row["status"]) for row in found] == [
        ("m", "discuss", "entering"),
        ("u", "applies", "entering"),
    ]


def test_parse_applicability_reads_the_words_of_a_language() -> None:
    from care_timeline.query import parse_applicability

    assert parse_applicability("geçerli değil, applies", language_tag="tr") == (
        "not-applicable",
        "applies",
    )
    with pytest.raises(ct.QueryError, match="geçerli, görüşülecek, geçerli değil"):
        parse_applicability("evet", language_tag="tr")
    with pytest.raises(ct.QueryError):
        parse_applicability("geçerli")  # without the language: the codes only
