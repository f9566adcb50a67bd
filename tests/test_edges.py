"""Inputs at the edges: dates near the calendar's ends, hostile protocol texts,
file permissions, and batches whose bad rows must not cost the good ones."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.batch import parse_jobs
from care_timeline.cli import main
from care_timeline.files import write_atomic

DEFAULT = ct.default_protocol_text()


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: ct.Dating.from_due_date(date(9999, 12, 31)), "due_date"),  # would overflow
        (lambda: ct.Dating.from_due_date(date(1, 1, 1)), "due_date"),  # day 0 before year 1
        (lambda: ct.Dating.from_lmp(date(9999, 1, 1)), "lmp"),
        (lambda: ct.Dating.from_conception(date(1899, 12, 31)), "conception"),  # a day too early
        (lambda: ct.Dating.from_due_date(date(2200, 1, 1)), "due_date"),  # a day too late
        (lambda: ct.Dating(method="foo", due_date=date(2027, 5, 10), inputs={}), "method"),
    ],
)
def test_dates_outside_the_supported_years(make: object, field: str) -> None:
    with pytest.raises(ct.DatingError, match=f"^{field}: "):
        make()  # type: ignore[operator]


def test_supported_years_edges_plan_and_export() -> None:
    for due in (date(1900, 1, 1), date(2199, 12, 31)):
        plan = ct.plan(ct.Dating.from_due_date(due), today=due)
        assert plan.milestone("due-date").start == due
        assert b"BEGIN:VEVENT" in ct.to_ics(plan, ct.CalendarOptions(timestamp=None))


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--due-date", "0001-01-01"], "--due-date"),
        (["--due-date", "9999-12-31", "--format", "ics"], "--due-date"),
        (
            [
                "--due-date",
                "2027-05-10",
                "--format",
                "ics",
                "--timestamp",
                "9999-12-31T23:59:59-05:00",
            ],
            "timestamp",
        ),
    ],
)
def test_cli_edges_are_one_line_errors(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--today", "2026-11-24", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{field}: " in err and "Traceback" not in err


def test_profile_dates_must_lie_within_the_pregnancy() -> None:
    dating = ct.Dating.from_due_date(date(2027, 5, 10))  # day 0 2026-08-03, 44w6d 2027-06-13
    last = date(2027, 6, 13)
    ok = ct.Profile(cerclage_placed_on=last)
    assert ct.plan(dating, ok, today=last).milestone("cerclage-placement").start == last
    with pytest.raises(ct.ProfileError, match=r"^cerclage_placed_on: .* within the pregnancy"):
        ct.plan(dating, ct.Profile(cerclage_placed_on=date(2026, 8, 2)), today=last)
    # after 44w6d: a plan that ended may have a today after it, but not such a stitch
    late = ct.Profile(cerclage_placed_on=date(2027, 6, 14))
    with pytest.raises(ct.ProfileError, match=r"^cerclage_placed_on: .* within the pregnancy"):
        ct.plan(dating, late, today=date(2027, 7, 1), ended_on=last, ended_because="birth")


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ('reason = "Every pregnancy has a due date."', 'reason = "{risk_factors:d}"', "format"),
        ('reason = "Every pregnancy has a due date."', 'reason = "{risk_factors!r}"', "format"),
        ('title = "Estimated due date"', 'title = "Due \\u0000 date"', "control character"),
        ('title = "Estimated due date"', 'title = "   "', "blank"),
        (  # the last rule of cervical-monitoring, a series
            'reason = "Regular scans are recommended mainly after an earlier preterm birth or '
            "mid-pregnancy loss; whether you need them is for your care team to decide. On "
            'record: {history}."',
            'reason = "Monitoring."\nbecomes_day = "cerclage-placed-on"',
            "a series cannot",
        ),
        ('version = "3"', 'version = "3\\nBEGIN:VEVENT"', "version"),
    ],
)
def test_protocol_texts_that_would_break_an_export_are_refused(
    old: str, new: str, fragment: str
) -> None:
    assert old in DEFAULT
    with pytest.raises(ct.ProtocolError, match=fragment):
        ct.parse_protocol(DEFAULT.replace(old, new, 1), source="clinic.toml")


def test_written_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "plan.ics", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "plan.ics").stat().st_mode) == 0o600
    write_atomic(tmp_path / "other.ics", b"x")
    assert stat.S_IMODE((tmp_path / "other.ics").stat().st_mode) == 0o666 & ~old


def test_output_onto_a_directory_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "-o", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and str(tmp_path) in err and ".part" not in err


def test_batch_keeps_good_rows_around_an_impossible_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(
        "id,due_date,cervical_length\na,2027-05-10,\nr,9999-12-31,\nn,2027-05-10,nan\nb,2027-05-11,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(
        [
            "batch",
            str(patients),
            "--out",
            str(out),
            "--today",
            "2026-11-24",
            "--timestamp",
            "2026-11-24T08:00:00Z",
            "--quiet",
            "--jobs",
            "1",
        ]
    )
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["a.ics", "b.ics", "errors.csv", "manifest.csv"]
    errors = (out / "errors.csv").read_text(encoding="utf-8")
    assert "3,r,due_date," in errors  # line 3, the row's id, the column
    assert "4,n,cervical_length," in errors  # the CSV's column name, not the model's
    capsys.readouterr()


def test_batch_refuses_a_bad_byte_before_writing_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patients = tmp_path / "patients.csv"
    good = "".join(f"p{n},2027-05-10\n" for n in range(50))
    patients.write_bytes(b"id,due_date\n" + good.encode() + b"late,2027-05-1\xff\n")
    out = tmp_path / "out"
    assert (
        main(["batch", str(patients), "--out", str(out), "--today", "2026-11-24", "--quiet"]) == 2
    )
    err = capsys.readouterr().err
    assert "line 52" in err and err.count("\n") == 1
    assert not out.exists() or not any(out.iterdir())


def test_api_misuse_gets_the_librarys_error() -> None:
    plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
    with pytest.raises(ct.CareTimelineError, match="title"):
        ct.to_svg(plan, title=123)  # type: ignore[arg-type]
    with pytest.raises(ct.CareTimelineError, match="title"):
        ct.to_html(plan, title=b"x")  # type: ignore[arg-type]


def test_plan_many_rows_from_a_script() -> None:
    rows = [
        {"id": 7, "due_date": "2027-05-10"},  # a numeric id is fine
        {"id": "x", "row": "hello", "due_date": "2027-05-10"},  # "row" is no field
    ]
    first, second = ct.plan_many(rows, ct.RowOptions(today=date(2026, 11, 24)))
    assert isinstance(first, ct.PlanResult) and first.plan.plan_id == "7"
    assert (
        isinstance(second, ct.RowError)
        and second.field == "row"
        and "not a field" in second.message
    )


def test_batch_machinery_loads_only_when_used() -> None:
    import subprocess
    import sys

    code = (
        "import sys, care_timeline.cli, care_timeline as ct\n"
        "assert 'care_timeline.batch' not in sys.modules\n"
        "assert 'plan_many' in dir(ct)\n"
        "ct.plan_many\n"
        "assert 'care_timeline.batch' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError, match="no_such_name"):
        ct.no_such_name  # type: ignore[attr-defined]  # noqa: B018


# -- numbers too large for their place ------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "field"),
    [
        (lambda: ct.Profile(cervical_length_mm=10**400), ct.ProfileError, "cervical_length_mm"),
        (lambda: ct.GestationalAge(10**400), ct.GestationalAgeError, "gestational_age"),
        (lambda: ct.GestationalAge(999 * 7 + 7), ct.GestationalAgeError, "gestational_age"),
        (lambda: parse_jobs(10**400), ct.BatchError, "jobs"),
        (lambda: parse_jobs("257"), ct.BatchError, "jobs"),  # 1 to 256
    ],
)
def test_numbers_too_large_are_the_librarys_error(
    make: object, error: type[ct.CareTimelineError], field: str
) -> None:
    with pytest.raises(error) as raised:
        make()  # type: ignore[operator]
    assert raised.value.field == field


def test_the_largest_values_still_allowed() -> None:
    assert str(ct.GestationalAge(999 * 7 + 6)) == "999w6d"  # what the notation writes
    assert parse_jobs("256") == 256
