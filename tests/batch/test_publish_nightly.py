"""Publishing every night: a row whose calendar does not follow the day is not planned
again on a later day while its plan stays the same; a row whose calendar does follow
it (a gestational age given without its day, undated broken waters), a day past its
span (past 44w6d) and a day before the one it was planned for are planned again.

Dates counted by hand (a due date's 44w6d is 34 days after it, day 0 280 days before):

- due 2027-05-10: 44w6d on 2027-06-13 (May 10 + 21 = May 31, + 13);
- due 2027-06-01: 44w6d on 2027-07-05 (June 1 + 29 = June 30, + 5);
- due 2027-04-20: 44w6d on 2027-05-24 (Apr 20 + 10 = Apr 30, + 24);
- 14w3d (day 101) on 2026-11-24: day 0 on 2026-08-15 (Nov 24 - 24 = Oct 31, - 31 =
  Sep 30, - 30 = Aug 31, - 16 = Aug 15), due date 2027-05-22 (the library's own doctest
  example); taken on 2026-11-25, every day one later: due 2027-05-23.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from test_publish import FIRST, KEY, LATER, Clinic

import care_timeline as ct

NEXT = LATER + timedelta(days=1)
"""A third run's stamp: 2026-11-26T08:00:00Z."""


@pytest.fixture
def clinic(tmp_path: Path) -> Clinic:
    return Clinic(tmp_path)


def rows(clinic: Clinic, *lines: str) -> None:
    header = "id,due_date,ga,fetuses,membranes_ruptured,cerclage_placed_on,ended_on,ended_because"
    clinic.patients.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")


def cache(clinic: Clinic) -> list[list[str]]:
    with (clinic.links.parent / "publish-cache.csv").open(encoding="ascii", newline="") as handle:
        return list(csv.reader(handle))


def feed(clinic: Clinic, row_id: str) -> bytes:
    return (clinic.site_folder / f"{clinic.address(row_id)}.ics").read_bytes()


def expected(fields: dict[str, str], row_id: str, today: str, stamp: datetime) -> bytes:
    """What `plan ... --format ics` gives the same patient that day."""
    plan = ct.plan_from_fields(fields, today=date.fromisoformat(today), plan_id=row_id)
    return ct.to_ics(plan, ct.CalendarOptions(timestamp=stamp, uid_key=KEY, calendar_uid=False))


def test_the_next_day_no_unchanged_row_is_planned_and_no_file_is_touched(clinic: Clinic) -> None:
    rows(
        clinic,
        "7781,2027-05-10,,1,,,,",
        "clinic-42/7782,2027-06-01,,1,,2026-11-20,,",
        "Ana Lima,2027-04-20,,1,,,2026-11-20,loss",
    )
    report = clinic.publish(FIRST)
    assert (report.new, report.planned) == (3, 3)
    before = clinic.feeds()
    # The cache records the day each row was planned for and the last day its calendar
    # stays the same: 44w6d, or no limit for the plan that ended.
    addresses = {row_id: clinic.address(row_id) for row_id in ("7781", "clinic-42/7782")}
    addresses["Ana Lima"] = clinic.address("Ana Lima")
    recorded = {line[0]: line[4:] for line in cache(clinic)[1:]}
    assert cache(clinic)[0] == ["address", "inputs", "size", "mtime_ns", "today", "valid_until"]
    assert recorded == {
        addresses["7781"]: ["2026-11-24", "2027-06-13"],
        addresses["clinic-42/7782"]: ["2026-11-24", "2027-07-05"],
        addresses["Ana Lima"]: ["2026-11-24", "9999-12-31"],
    }
    for stamp, today in ((LATER, "2026-11-25"), (NEXT, "2026-11-26")):
        report = clinic.publish(stamp, today=today)
        assert (report.planned, report.unchanged, report.written) == (0, 3, 0)
        assert clinic.feeds() == before  # same bytes, same modification times
        # Each record keeps the day it was planned for.
        assert {line[0]: line[4:] for line in cache(clinic)[1:]} == recorded


def test_a_re_dating_the_next_day_plans_and_writes_that_row_alone(clinic: Clinic) -> None:
    rows(clinic, "7781,2027-05-10,,1,,,,", "7782,2027-06-01,,1,,,,")
    clinic.publish(FIRST)
    before = clinic.feeds()
    rows(clinic, "7781,2027-05-17,,1,,,,", "7782,2027-06-01,,1,,,,")
    report = clinic.publish(LATER, today="2026-11-25")
    assert (report.planned, report.changed, report.unchanged) == (1, 1, 1)
    assert feed(clinic, "7781") == expected(
        {"due_date": "2027-05-17", "fetuses": "1"}, "7781", "2026-11-25", LATER
    )
    after = clinic.feeds()
    assert [name for name in after if after[name] != before[name]] == [
        f"{clinic.address('7781')}.ics"
    ]


def test_rows_whose_calendar_follows_the_day_are_planned_every_day(clinic: Clinic) -> None:
    rows(
        clinic,
        "by-ga,,14w3d,1,,,,",  # a gestational age without its day: as of today
        "waters,2027-05-10,,1,yes,,,",  # broken, no day given: broken today
        "dated,2027-05-10,,1,,,,",
    )
    clinic.publish(FIRST)
    first = clinic.feeds()
    assert b"DTSTART;VALUE=DATE:20270522\r\n" in feed(clinic, "by-ga")
    # The same day again: nothing is planned (the day is the one they were planned for).
    report = clinic.publish(LATER)
    assert (report.planned, report.unchanged) == (0, 3)
    assert clinic.feeds() == first
    recorded = {line[0]: line[4:] for line in cache(clinic)[1:]}
    assert recorded[clinic.address("by-ga")] == ["2026-11-24", ""]
    assert recorded[clinic.address("waters")] == ["2026-11-24", ""]
    # The next day both are planned again, and both calendars moved with the day.
    report = clinic.publish(LATER, today="2026-11-25")
    assert (report.planned, report.changed, report.unchanged) == (2, 2, 1)
    assert feed(clinic, "by-ga") == expected(
        {"ga": "14w3d", "fetuses": "1"}, "by-ga", "2026-11-25", LATER
    )
    assert b"DTSTART;VALUE=DATE:20270523\r\n" in feed(clinic, "by-ga")
    waters = {"due_date": "2027-05-10", "fetuses": "1", "membranes_ruptured": "yes"}
    assert feed(clinic, "waters") == expected(waters, "waters", "2026-11-25", LATER)
    dated = f"{clinic.address('dated')}.ics"
    assert clinic.feeds()[dated] == first[dated]


def test_a_gestational_age_found_on_the_day_of_a_run_is_a_day_like_any_other(
    clinic: Clinic,
) -> None:
    clinic.patients.write_text("id,ga,ga_on,fetuses\n7781,14w3d,2026-11-24,1\n")
    clinic.publish(FIRST)
    before = clinic.feeds()
    report = clinic.publish(LATER, today="2026-11-25")
    assert (report.planned, report.unchanged) == (0, 1)
    assert clinic.feeds() == before


def test_a_ga_on_column_the_run_ignores_leaves_the_age_as_of_today(clinic: Clinic) -> None:
    clinic.patients.write_text("id,ga,ga_on,fetuses\n7781,14w3d,2026-11-24,1\n")
    for stamp, today in ((FIRST, "2026-11-24"), (LATER, "2026-11-25")):
        patients = ct.read_patients(clinic.patients)
        options = ct.RowOptions(today=today, ignore_columns=["ga_on"])
        calendar = ct.CalendarOptions(timestamp=stamp, uid_key=KEY)
        report = ct.publish(patients, clinic.site(), options, calendar=calendar, jobs=1)
        patients.close()
        assert report.planned == 1
    # Read without its day, 14w3d is the age on 2026-11-25: due 2027-05-23.
    assert report.changed == 1
    assert b"DTSTART;VALUE=DATE:20270523\r\n" in feed(clinic, "7781")


def test_past_44w6d_a_row_is_planned_again_and_its_feed_taken_down(clinic: Clinic) -> None:
    rows(clinic, "7781,2027-05-10,,1,,,,", "7782,2027-06-01,,1,,,,")
    report = clinic.publish(FIRST, today="2027-06-13")  # 7781's last day: 44w6d
    assert report.ok and report.new == 2
    gone = clinic.address("7781")
    report = clinic.publish(LATER, today="2027-06-14")
    # 7782 (to 2027-07-05) is left as it was; 7781 is planned, refused and taken down.
    assert (report.planned, report.unchanged, report.bad_rows, report.removed) == (0, 1, 1, 1)
    assert f"{gone}.ics" not in clinic.feeds()
    errors = clinic.errors()
    assert errors[1][:3] == ["2", "7781", "due_date"] and "past 44w6d" in errors[1][3]


def test_an_earlier_day_than_the_cache_s_plans_every_row_again(clinic: Clinic) -> None:
    # A stitch placed on 2026-11-25 is on record; published that day, then re-run with
    # the day before (a wrong --today, say): on that day the stitch is still to come.
    rows(clinic, "7781,2027-05-10,,1,,2026-11-25,,", "7782,2027-06-01,,1,,,,")
    clinic.publish(FIRST, today="2026-11-25")
    before = clinic.feeds()
    report = clinic.publish(LATER, today="2026-11-24")
    assert (report.planned, report.unchanged, report.bad_rows) == (1, 1, 1)
    assert clinic.errors()[1][:3] == ["2", "7781", "cerclage_placed_on"]
    kept = f"{clinic.address('7782')}.ics"
    assert clinic.feeds() == {kept: before[kept]}


def test_a_cache_of_an_earlier_version_is_ignored(clinic: Clinic) -> None:
    rows(clinic, "7781,2027-05-10,,1,,,,", "7782,2027-06-01,,1,,,,")
    clinic.publish(FIRST)
    before = clinic.feeds()
    path = clinic.links.parent / "publish-cache.csv"
    old = [",".join(line[:4]) for line in cache(clinic)]
    path.write_text("\r\n".join(["address,inputs,size,mtime_ns", *old[1:]]) + "\r\n")
    report = clinic.publish(LATER)
    assert (report.planned, report.unchanged) == (2, 2)  # planned, compared, untouched
    assert clinic.feeds() == before
    assert cache(clinic)[0][4:] == ["today", "valid_until"]


def test_rows_with_pages_are_planned_every_run(clinic: Clinic) -> None:
    # A page shows today, so it is made again each run (and written only when it changed).
    rows(clinic, "7781,2027-05-10,,1,,,,")
    pages = clinic.root / "pages"
    for stamp in (FIRST, LATER):
        patients = ct.read_patients(clinic.patients)
        options = ct.CalendarOptions(timestamp=stamp, uid_key=KEY)
        site = clinic.site(pages=pages)
        report = ct.publish(patients, site, ct.RowOptions(today="2026-11-24"), calendar=options)
        patients.close()
        assert report.planned == 1


def test_records_are_read_back_as_written(tmp_path: Path) -> None:
    from care_timeline.batch.feed_cache import Cached, FeedCache

    day = date(2026, 11, 24)
    made = [
        Cached("00" * 16, 10, 20, day, day + timedelta(days=201)),
        Cached("ff" * 16, 11, 21, day, None),
    ]
    path = tmp_path / "publish-cache.csv"
    lines = ["address,inputs,size,mtime_ns,today,valid_until"]
    lines += [",".join(record.line(f"a{number}")) for number, record in enumerate(made)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    loaded = FeedCache.load(path)
    assert [loaded.get("a0"), loaded.get("a1"), loaded.get("a2")] == [*made, None]
    # The day itself, the last day and any day between are covered; not the day before
    # nor the day after; a record without a last day covers its own day alone.
    first, last = made
    assert [first.covers(day + timedelta(days=n)) for n in (-1, 0, 100, 201, 202)] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert [last.covers(day + timedelta(days=n)) for n in (-1, 0, 1)] == [False, True, False]


@pytest.mark.parametrize(
    ("size", "mtime_ns"),
    [("-1", "20"), (str(2**64), "20"), ("10", str(2**63)), ("10", str(-(2**63) - 1))],
)
def test_a_cache_with_numbers_out_of_range_is_ignored(
    tmp_path: Path, size: str, mtime_ns: str
) -> None:
    # A size or time its array cannot hold raised an OverflowError: the cache is only a
    # shortcut, so it is read as empty.
    from care_timeline.batch.feed_cache import FeedCache

    path = tmp_path / "publish-cache.csv"
    lines = ["address,inputs,size,mtime_ns,today,valid_until"]
    lines.append(f"a0,{'00' * 16},{size},{mtime_ns},2026-11-24,")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    assert len(FeedCache.load(path)) == 0
