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
        # 2026-12-07 is 18w0d: the 2nd fortnightly check, the 3rd weekly injection
        # nothing known: checks and injections fall to the protocol's last rule, discuss
        ("2026-12-07", "m-same", "cervical-monitoring", "2 of 5", "18w0d", "discuss"),
        ("2026-12-07", "m-same", "progesterone-injections", "3 of 21", "18w0d", "discuss"),
        # a prior preterm birth: checks apply; weekly injections are only ever to discuss
        ("2026-12-07", "z-single", "cervical-monitoring", "2 of 5", "18w0d", "applies"),
        ("2026-12-07", "z-single", "progesterone-injections", "3 of 21", "18w0d", "discuss"),
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
    results = list(ct.plan_many([{"id": "r1", "due_date": "2027-05-10"}], today=TODAY))
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
    results = list(ct.plan_many([{"id": "x", "lmp": "soon"}], today=TODAY))
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
        ["2026-12-07", "18w0d", "m-same", "progesterone-injections", "3", "of", "21", "discuss"],
        ["2026-12-07", "18w0d", "z-single", "cervical-monitoring", "2", "of", "5", "applies"],
        ["2026-12-07", "18w0d", "z-single", "progesterone-injections", "3", "of", "21", "discuss"],
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
