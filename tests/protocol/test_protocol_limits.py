"""Protocol files are bounded: deep nesting, a huge file or series that make too many
dates are refused with one line, and a byte-order mark is read like any editor's file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import main

DEFAULT = ct.default_protocol_text()


def daily_series(count: int, *, start: str = "0w0d", end: str = "44w6d") -> str:
    """``count`` milestones, each a series with a date every day from start to end."""
    return "".join(
        f"""
[[milestones]]
id = "daily-{n}"
kind = "series"
start = "{start}"
end = "{end}"
every_days = 1
category = "monitoring"
title = "A daily check"
description = "A check every day."
basis = "A test."

[[milestones.rules]]
result = "applies"
reason = "A test."
"""
        for n in range(count)
    )


def one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.err.count("\n") == 1 and len(captured.err) < 400, captured.err[:500]
    assert "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize(
    "nested",
    [
        "x = " + "[" * 5000,  # an array never closed, 5,000 deep
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "{a = " * 5000 + "1" + "}" * 5000,  # 5,000 nested inline tables
        "x = " + "[" * 20 + "]" * 20,  # deep, though within what the parser manages
    ],
    ids=["open-arrays", "arrays", "inline-tables", "twenty-arrays"],
)
def test_deep_nesting_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, nested: str
) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text(nested, encoding="utf-8")
    err = one_line_error(capsys, ["protocol", "validate", str(path)])
    assert f"{path}: tables or arrays nested more than 8 deep" in err
    err = one_line_error(capsys, ["plan", "--due-date", "2027-05-10", "--protocol", str(path)])
    assert "nested more than 8 deep" in err
    with pytest.raises(ct.ProtocolError, match="nested more than 8 deep"):
        ct.parse_protocol(nested)


def test_a_file_too_large_is_refused_unread(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text(DEFAULT + "# padding\n" * 200_000, encoding="utf-8")  # about 2 MB
    err = one_line_error(capsys, ["protocol", "validate", str(path)])
    assert "larger than 1 MiB" in err


def test_a_byte_order_mark_is_skipped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_bytes(b"\xef\xbb\xbf" + DEFAULT.encode("utf-8"))  # as Windows Notepad saves it
    assert main(["protocol", "validate", str(path)]) == 0
    assert ct.load_protocol(path) == ct.default_protocol()
    assert ct.parse_protocol("\ufeff" + DEFAULT) == ct.default_protocol()


def test_too_many_dates_in_all_series(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # 7 series of a date every day from 0w0d to 44w6d: 7 x 315 = 2,205 dates
    path = tmp_path / "clinic.toml"
    path.write_text(DEFAULT + daily_series(7), encoding="utf-8")
    err = one_line_error(capsys, ["protocol", "validate", str(path)])
    # the default's own series: 5 checks every 14 days (version 3 dates no weekly injection)
    assert "its series make 2210 dates together; at most 2000 are allowed" in err


def test_six_daily_series_are_fine() -> None:
    protocol = ct.parse_protocol(DEFAULT + daily_series(6))  # 6 x 315 + 26 = 1,916 dates
    plan = ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)), protocol=protocol, today=date(2026, 11, 24)
    )
    assert len(plan.milestone("daily-0").occurrences) == 315


def test_too_many_milestones(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    # 2,000 one-date series, the count of a file that once made a 16 MB plan
    path.write_text(DEFAULT + daily_series(2000, start="20w0d", end="20w0d"), encoding="utf-8")
    err = one_line_error(capsys, ["protocol", "validate", str(path)])
    assert "2010 milestones; at most 200 are allowed" in err


def test_a_not_utf8_file_names_the_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_bytes(DEFAULT.replace("title", "t\xeftle", 1).encode("latin-1", "replace"))
    err = one_line_error(capsys, ["protocol", "validate", str(path)])
    assert "not UTF-8 text (byte 0xef on line" in err
