"""Every way into dating gives one due date. Expected dates are counted by hand
(the running day counts are in the comments), never computed by the code under test."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care_timeline import Dating, DatingError, GestationalAgeError

D = date


@pytest.mark.parametrize(
    ("lmp", "cycle", "due"),
    [
        (D(2026, 8, 3), 28, D(2027, 5, 10)),  # Aug 3 + 280: Aug31 +28 ... Apr30 +270, May 10 +280
        (D(2026, 8, 3), 30, D(2027, 5, 12)),  # a longer cycle moves it later: +282
        (D(2026, 8, 3), 20, D(2027, 5, 2)),  # shortest cycle accepted: +272
        (D(2026, 8, 3), 45, D(2027, 5, 27)),  # longest cycle accepted: +297
        (D(2028, 2, 29), 28, D(2028, 12, 5)),  # LMP on a leap day: Mar 1 +1 ... Nov 30 +275, Dec 5
        (D(2027, 6, 1), 28, D(2028, 3, 7)),  # pregnancy spans Feb 29 2028: Feb 29 is +273
        (D(2026, 3, 26), 28, D(2026, 12, 31)),  # due on the last day of the year
        (D(2026, 3, 27), 28, D(2027, 1, 1)),  # one day later: due in the new year
    ],
)
def test_from_lmp(lmp: date, cycle: int, due: date) -> None:
    dating = Dating.from_lmp(lmp, cycle_length=cycle)
    assert dating.due_date == due
    assert dating.method == "lmp"
    assert dating.inputs == {"lmp": lmp.isoformat(), "cycle_length": cycle}


def test_from_lmp_default_cycle_is_28() -> None:
    assert Dating.from_lmp(D(2026, 8, 3)).due_date == D(2027, 5, 10)


@pytest.mark.parametrize("cycle", [19, 46, 0, -28])  # outside 20-45
def test_from_lmp_rejects_cycle(cycle: int) -> None:
    with pytest.raises(DatingError, match=r"cycle_length: .*20-45"):
        Dating.from_lmp(D(2026, 8, 3), cycle_length=cycle)


@pytest.mark.parametrize(
    ("ga", "on", "due"),
    [
        ("14w3d", D(2026, 11, 24), D(2027, 5, 22)),  # 280 - 101 = 179 days: Nov30 +6 ... May 22
        ("14+3", D(2026, 11, 24), D(2027, 5, 22)),  # shorthand, same age
        ("0w0d", D(2026, 11, 24), D(2027, 8, 31)),  # day 0: +280
        ("44w6d", D(2026, 11, 24), D(2026, 10, 21)),  # latest accepted: 314 days, due 34 days back
        ("40w0d", D(2027, 5, 10), D(2027, 5, 10)),  # on the due date itself
        ("39w0d", D(2028, 2, 29), D(2028, 3, 7)),  # a leap day: +7
    ],
)
def test_from_gestational_age(ga: str, on: date, due: date) -> None:
    dating = Dating.from_gestational_age(ga, on=on)
    assert dating.due_date == due
    assert dating.method == "gestational-age"
    assert dating.inputs["on"] == on.isoformat()


@pytest.mark.parametrize(("ga", "error"), [("45w0d", DatingError), ("14w7d", GestationalAgeError)])
def test_from_gestational_age_rejects(ga: str, error: type[Exception]) -> None:
    with pytest.raises(error, match="ga"):
        Dating.from_gestational_age(ga, on=D(2026, 11, 24))


@pytest.mark.parametrize(
    ("conception", "due"),
    [
        (D(2026, 8, 17), D(2027, 5, 10)),  # +266: Aug31 +14, Sep30 +44 ... Apr30 +256, May 10
        (D(2027, 6, 8), D(2028, 2, 29)),  # lands on a leap day: ... Jan31 +237, Feb 29 +266
    ],
)
def test_from_conception(conception: date, due: date) -> None:
    dating = Dating.from_conception(conception)
    assert dating.due_date == due
    assert dating.method == "conception"


@pytest.mark.parametrize(
    ("transfer", "embryo_age", "due"),
    [
        (D(2026, 8, 20), 5, D(2027, 5, 8)),  # day-5 blastocyst: +261
        (D(2026, 8, 20), 3, D(2027, 5, 10)),  # day-3 embryo: +263
        (D(2026, 8, 20), 6, D(2027, 5, 7)),  # day-6: +260
        (D(2026, 8, 20), 2, D(2027, 5, 11)),  # youngest accepted: +264
        (D(2026, 8, 20), 7, D(2027, 5, 6)),  # oldest accepted: +259
        (D(2025, 4, 14), 5, D(2025, 12, 31)),  # year end: Apr30 +16 ... Nov30 +230, Dec31 +261
    ],
)
def test_from_embryo_transfer(transfer: date, embryo_age: int, due: date) -> None:
    dating = Dating.from_embryo_transfer(transfer, embryo_age_days=embryo_age)
    assert dating.due_date == due
    assert dating.method == "embryo-transfer"
    assert dating.inputs == {"transfer": transfer.isoformat(), "embryo_age": embryo_age}


@pytest.mark.parametrize("embryo_age", [1, 8, True])  # outside 2-7; a bool is not a count
def test_from_embryo_transfer_rejects_age(embryo_age: int) -> None:
    with pytest.raises(DatingError, match="embryo_age"):
        Dating.from_embryo_transfer(D(2026, 8, 20), embryo_age_days=embryo_age)


def test_from_due_date() -> None:
    dating = Dating.from_due_date(D(2027, 5, 10))
    assert (dating.due_date, dating.method, dating.day_zero) == (
        D(2027, 5, 10),
        "due-date",
        D(2026, 8, 3),
    )


@pytest.mark.parametrize(
    "value",
    [
        datetime(2027, 5, 10, 0, 0),  # a datetime at midnight is not a date
        datetime(2027, 5, 10, 23, 0, tzinfo=UTC),  # nor an aware one
        "10/05/2027",  # text is read as ISO 8601; this day/month order is ambiguous
    ],
)
def test_dates_must_be_dates(value: object) -> None:
    with pytest.raises(DatingError, match="due_date"):
        Dating.from_due_date(value)  # type: ignore[arg-type]


def test_dating_is_frozen() -> None:
    dating = Dating.from_due_date(D(2027, 5, 10))
    with pytest.raises(ValueError):
        dating.due_date = D(2027, 5, 11)  # type: ignore[misc]


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2198, 12, 31)), st.integers(20, 45))
def test_lmp_due_date_is_day_zero_plus_280_plus_cycle_offset(lmp: date, cycle: int) -> None:
    dating = Dating.from_lmp(lmp, cycle_length=cycle)
    assert (dating.due_date - lmp).days == 280 + cycle - 28
    assert str(dating.gestational_age_on(dating.due_date)) == "40w0d"
