"""Every value on the command line is checked whatever the format: a timestamp, a
reminder or a calendar name that a text or JSON plan does not use is still refused
when it is wrong (exit 2, one line naming it), never silently passed over."""

from __future__ import annotations

from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import main

PLAN = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24"]

# Each error names the flag the user typed.
BAD = [
    (["--timestamp", "banana"], "--timestamp: "),
    (["--timestamp", "2026-11-24T08:00:00"], "--timestamp: "),  # no offset: no instant
    (["--remind-days-before", "99"], "--remind-days-before: "),  # 0-28
    (["--remind-at", "25:00"], "--remind-at: "),
    (["--no-reminders", "--remind-at", "09:00"], "--no-reminders cannot be combined"),
    (["--calendar-name", "bell\x07"], "--calendar-name: "),
    (["--calendar-name", "   "], "--calendar-name: "),
]


@pytest.mark.parametrize("format", ct.FORMATS)
@pytest.mark.parametrize(("flags", "field"), BAD, ids=[field for _, field in BAD])
def test_plan_refuses_a_bad_value_in_every_format(
    format: str, flags: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*PLAN, "--format", format, *flags])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and f"{field}" in err and "Traceback" not in err


@pytest.mark.parametrize("format", ct.BATCH_FORMATS)
@pytest.mark.parametrize(("flags", "field"), BAD, ids=[field for _, field in BAD])
def test_batch_refuses_a_bad_value_in_every_format(
    format: str, flags: list[str], field: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\na,2027-05-10\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = ["batch", str(patients), "--out", str(out), "--format", format, "--quiet"]
    code = main([*argv, "--today", "2026-11-24", *flags])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and field in err
    assert not out.exists()  # refused before anything was written


@pytest.mark.parametrize("format", ["text", "json", "csv"])
def test_good_values_a_format_does_not_use_change_nothing(
    format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*PLAN, "--format", format]) == 0
    plain = capsys.readouterr().out
    extra = ["--timestamp", "2026-11-24T08:00:00Z", "--remind-at", "18:30"]
    assert main([*PLAN, "--format", format, *extra, "--calendar-name", "Ana"]) == 0
    assert capsys.readouterr().out == plain
