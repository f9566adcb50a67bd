"""A plan that ended: ``ended_on`` (and ``ended_because``) in the API, the command line
and batch columns; what is checked, what is kept, and what each export says.

The pregnancy is due 2027-05-10, so day 0 (0w0d) is 2026-08-03 and 44w6d, the last
day a pregnancy is planned for, is due + 34 days = 2027-06-13. 18w3d = +129 =
2026-12-10.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

import care_timeline as ct
from care_timeline.cli import main

D = date
DUE = D(2027, 5, 10)
DATING = ct.Dating.from_due_date(DUE)
TODAY = D(2026, 12, 20)


def make(today: date = TODAY, **kwargs: Any) -> ct.Plan:
    return ct.plan(DATING, ct.Profile(fetuses=1), today=today, plan_id="p1", **kwargs)


# -- what plan() accepts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ended_on", "today"),
    [
        (D(2026, 8, 3), TODAY),  # day 0
        (D(2026, 12, 10), TODAY),
        (TODAY, TODAY),  # today itself
        ("2026-12-10", TODAY),  # ISO text
        (D(2027, 6, 13), D(2027, 6, 13)),  # 44w6d, on the day
        (D(2027, 5, 2), D(2028, 1, 1)),  # ended in the past; today long after 44w6d
    ],
)
def test_ended_on_from_day_0_to_today(ended_on: date | str, today: date) -> None:
    plan = make(today=today, ended_on=ended_on)
    assert plan.ended_on == date.fromisoformat(str(ended_on))
    assert plan.ended_because == "other"  # the default cause


@pytest.mark.parametrize(
    ("ended_on", "today", "allowed"),
    [
        (D(2026, 8, 2), TODAY, "from the pregnancy's day 0 (2026-08-03) to today (2026-12-20)"),
        (D(2026, 12, 21), TODAY, "to today (2026-12-20)"),  # after today
        (D(2027, 6, 14), D(2028, 1, 1), "to 44w6d (2027-06-13)"),  # after 44w6d
        ("2026-13-01", TODAY, "a real calendar day"),
        ("10/12/2026", TODAY, "an ISO date"),
        (5, TODAY, "an ISO date"),
    ],
)
def test_ended_on_outside_the_pregnancy_is_refused(
    ended_on: Any, today: date, allowed: str
) -> None:
    with pytest.raises(ct.PlanError) as caught:
        make(today=today, ended_on=ended_on)
    assert caught.value.field == "ended_on"
    assert allowed in str(caught.value), str(caught.value)


def test_an_end_before_the_scan_that_dated_the_pregnancy_is_refused() -> None:
    scan = ct.Dating.from_ultrasound(crl_mm=45, scan_date=D(2026, 12, 1))
    with pytest.raises(ct.PlanError) as caught:
        ct.plan(scan, today=TODAY, ended_on=D(2026, 11, 20))
    assert caught.value.field == "ended_on"
    assert str(caught.value) == (
        "ended_on: '2026-11-20' is not valid; expected a day on or after 2026-12-01 "
        "(a scan the pregnancy was dated by)"
    )
    assert ct.plan(scan, today=TODAY, ended_on=D(2026, 12, 1)).ended_on == D(2026, 12, 1)


def test_without_an_end_today_past_44w6d_is_still_refused() -> None:
    with pytest.raises(ct.DatingError) as caught:
        make(today=D(2028, 1, 1))
    assert caught.value.field == "due_date"


@pytest.mark.parametrize("cause", ["birth", "loss", "other"])
def test_each_cause(cause: Any) -> None:
    assert make(ended_on=D(2026, 12, 10), ended_because=cause).ended_because == cause


@pytest.mark.parametrize(
    ("kwargs", "allowed"),
    [
        ({"ended_on": D(2026, 12, 10), "ended_because": "death"}, "birth, loss, other"),
        ({"ended_on": D(2026, 12, 10), "ended_because": "Birth"}, "birth, loss, other"),
        ({"ended_on": D(2026, 12, 10), "ended_because": 1}, "birth, loss, other"),
        ({"ended_because": "birth"}, "only with ended_on"),
    ],
)
def test_ended_because_is_checked(kwargs: dict[str, Any], allowed: str) -> None:
    with pytest.raises(ct.PlanError) as caught:
        make(**kwargs)
    assert caught.value.field == "ended_because"
    assert allowed in str(caught.value)


# -- the command line and batch columns --------------------------------------------------------


def test_cli_plans_a_past_pregnancy_that_ended_whatever_its_dating(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 14w3d on 2026-11-24: due 2027-05-22 (280 - 101 = 179 days on), 44w6d is 2027-06-25.
    argv = ["plan", "--ga", "14w3d", "--on", "2026-11-24", "--today", "2028-01-01"]
    code = main([*argv, "--ended-on", "2027-05-02", "--ended-because", "birth", "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    stored = json.loads(out)
    assert stored["dating"]["due_date"] == "2027-05-22"
    assert (stored["ended_on"], stored["ended_because"]) == ("2027-05-02", "birth")
    # Without the end, the same today is past 44w6d, named as the column it comes from.
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("care-timeline: error: ga_on: "), err


def test_batch_rows_of_past_pregnancies_that_ended() -> None:
    rows = [
        {"id": "ga", "ga": "14w3d", "ga_on": "2026-11-24", "ended_on": "2027-05-02"},
        {"id": "due", "due_date": "2027-05-10", "ended_on": "2027-05-02"},
        {"id": "late", "due_date": "2027-05-10", "ended_on": "2027-06-14"},  # after 44w6d
        {"id": "running", "due_date": "2027-05-10"},  # today is past 44w6d
    ]
    results = list(ct.plan_many(rows, today=D(2028, 1, 1)))
    assert [r.plan.ended_on for r in results[:2]] == [D(2027, 5, 2)] * 2  # type: ignore[union-attr]
    assert [(r.id, r.field) for r in results[2:]] == [  # type: ignore[union-attr]
        ("late", "ended_on"),
        ("running", "due_date"),
    ]
