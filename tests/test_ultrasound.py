"""Ultrasound dating and LMP-ultrasound reconciliation (ACOG CO 700).

Expected ages and dates are worked out by hand in each row's comment, never by
the code under test. The LMP used for the threshold tables is 2026-01-01, so
its due date is 2026-10-08 (Jan31 +30, Feb28 +58, Mar31 +89, Apr30 +119,
May31 +150, Jun30 +180, Jul31 +211, Aug31 +242, Sep30 +272, Oct 8 +280); an
ultrasound d days ahead of the LMP moves the due date d days earlier.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import care_timeline as ct
from care_timeline import Dating, DatingError, GestationalAge, GestationalAgeError
from care_timeline.cli import main
from care_timeline.fields import dating_from_fields
from care_timeline.ultrasound import REDATING_THRESHOLDS, ga_from_crl

D = date
GA = GestationalAge.parse
LMP = D(2026, 1, 1)
LMP_DUE = D(2026, 10, 8)


def _scan_on(lmp_ga: str) -> date:
    return LMP + timedelta(days=GA(lmp_ga).total_days)


def _reconcile(lmp_ga: str, offset: int) -> Dating:
    """A scan on the day the LMP says ``lmp_ga``, reading ``offset`` days more."""
    scan_ga = GestationalAge(GA(lmp_ga).total_days + offset)
    scan = Dating.from_ultrasound(ga=scan_ga, scan_date=_scan_on(lmp_ga))
    return Dating.reconcile(Dating.from_lmp(LMP), scan)


# -- crown-rump length ---------------------------------------------------------


@pytest.mark.parametrize(
    ("crl", "ga"),
    [
        (10, "7w0d"),  # lowest accepted: 8.052 x 3.16228 = 25.463, + 23.73 = 49.19 -> 49
        (10.0, "7w0d"),  # the same as a float
        (16, "8w0d"),  # sqrt 4: 32.208 + 23.73 = 55.94 -> 56
        (25, "9w1d"),  # sqrt 5: 40.260 + 23.73 = 63.99 -> 64
        (33.0, "10w0d"),  # sqrt 5.74456: 46.255 + 23.73 = 69.99 -> 70
        (36, "10w2d"),  # sqrt 6: 48.312 + 23.73 = 72.04 -> 72 (a ceiling would give 73)
        (45, "11w1d"),  # sqrt 6.70820: 54.014 + 23.73 = 77.74 -> 78 (a floor would give 77)
        (45.5, "11w1d"),  # sqrt 6.74537: 54.314 + 23.73 = 78.04 -> 78
        (49, "11w3d"),  # sqrt 7: 56.364 + 23.73 = 80.09 -> 80
        (64, "12w4d"),  # sqrt 8: 64.416 + 23.73 = 88.15 -> 88
        (81, "13w5d"),  # sqrt 9: 72.468 + 23.73 = 96.20 -> 96
        (84, "14w0d"),  # highest accepted: sqrt 9.16515: 73.798 + 23.73 = 97.53 -> 98
    ],
)
def test_ga_from_crl_robinson_fleming(crl: float, ga: str) -> None:
    assert str(ga_from_crl(crl)) == ga


@pytest.mark.parametrize(
    "crl",
    [
        9.99,  # just under 10 mm
        84.01,  # just over 84 mm
        0,
        -45,
        math.nan,
        math.inf,
        True,  # a bool is not a length
        "45",  # text goes through the field parser first
    ],
)
def test_crl_out_of_range_refused(crl: float) -> None:
    with pytest.raises(DatingError, match=r"crl_mm: .*10\.0-84\.0 mm") as caught:
        Dating.from_ultrasound(crl_mm=crl, scan_date=D(2026, 10, 20))
    assert caught.value.field == "crl_mm"


def test_from_ultrasound_crl() -> None:
    dating = Dating.from_ultrasound(crl_mm=45, scan_date=D(2026, 10, 20))
    # 11w1d = 78 days, so due = scan + 202: Oct31 +11, Nov30 +41, Dec31 +72, Jan31 +103,
    # Feb28 +131, Mar31 +162, Apr30 +192, May 10 +202
    assert dating.due_date == D(2027, 5, 10)
    assert dating.method == "ultrasound"
    assert dating.inputs == {"crl_mm": 45.0, "scan_date": "2026-10-20"}
    assert dating.notes == () and dating.explanation is None


def test_from_ultrasound_scan_ga() -> None:
    dating = Dating.from_ultrasound(ga="20w1d", scan_date=D(2026, 12, 15))
    # 141 days, due = scan + 139: Dec31 +16, Jan31 +47, Feb28 +75, Mar31 +106, Apr30 +136, May 3
    assert dating.due_date == D(2027, 5, 3)
    assert dating.inputs == {"scan_ga": "20w1d", "scan_date": "2026-12-15"}
    assert Dating.from_ultrasound(ga=GA("20+1"), scan_date=D(2026, 12, 15)) == dating


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({}, DatingError, "ultrasound"),  # neither a CRL nor a GA
        ({"crl_mm": 45, "ga": "11w1d"}, DatingError, "ultrasound"),  # both
        ({"ga": "45w0d"}, DatingError, "scan_ga"),  # past 44w6d
        ({"ga": "14w7d"}, GestationalAgeError, "scan_ga"),  # no day 7
        ({"ga": 101}, DatingError, "scan_ga"),  # a number of days is not a GA
    ],
)
def test_from_ultrasound_rejects(
    kwargs: dict[str, object], error: type[Exception], field: str
) -> None:
    with pytest.raises(error, match=f"^{field}: "):
        Dating.from_ultrasound(scan_date=D(2026, 10, 20), **kwargs)  # type: ignore[arg-type]


def test_scan_date_must_be_a_date() -> None:
    with pytest.raises(DatingError, match=r"^scan_date: "):
        Dating.from_ultrasound(crl_mm=45, scan_date=datetime(2026, 10, 20, 9, 0))


# -- the re-dating table ---------------------------------------------------------


def test_table_is_contiguous_and_matches_co_700() -> None:
    rows = [
        (str(b.first), str(b.last) if b.last else None, b.threshold_days)
        for b in REDATING_THRESHOLDS
    ]
    assert rows == [
        ("0w0d", "8w6d", 5),
        ("9w0d", "13w6d", 7),
        ("14w0d", "15w6d", 7),
        ("16w0d", "21w6d", 10),
        ("22w0d", "27w6d", 14),
        ("28w0d", None, 21),
    ]
    for before, after in itertools.pairwise(REDATING_THRESHOLDS):
        assert before.last is not None and before.last.total_days + 1 == after.first.total_days


@pytest.mark.parametrize(
    ("lmp_ga", "offset", "chosen", "threshold", "due"),
    [
        ("7w0d", 5, "lmp", 5, D(2026, 10, 8)),  # <= 8w6d: 5 days is not more than 5
        ("7w0d", 6, "ultrasound", 5, D(2026, 10, 2)),  # 6 > 5: Oct 8 - 6
        ("7w0d", -6, "ultrasound", 5, D(2026, 10, 14)),  # scan behind by 6: Oct 8 + 6
        ("11w0d", 7, "lmp", 7, D(2026, 10, 8)),  # 9w0d-13w6d: 7 is not more than 7
        ("11w0d", 8, "ultrasound", 7, D(2026, 9, 30)),  # Oct 8 - 8
        ("11w0d", -8, "ultrasound", 7, D(2026, 10, 16)),  # Oct 8 + 8
        ("15w0d", 7, "lmp", 7, D(2026, 10, 8)),  # 14w0d-15w6d
        ("15w0d", 8, "ultrasound", 7, D(2026, 9, 30)),  # Oct 8 - 8
        ("18w0d", 10, "lmp", 10, D(2026, 10, 8)),  # 16w0d-21w6d
        ("18w0d", 11, "ultrasound", 10, D(2026, 9, 27)),  # Oct 8 - 11
        ("24w0d", -14, "lmp", 14, D(2026, 10, 8)),  # 22w0d-27w6d
        ("24w0d", -15, "ultrasound", 14, D(2026, 10, 23)),  # Oct 8 + 15
        ("30w0d", 21, "lmp", 21, D(2026, 10, 8)),  # >= 28w0d
        ("30w0d", 22, "ultrasound", 21, D(2026, 9, 16)),  # Oct 8 - 22
        ("11w0d", 0, "lmp", 7, D(2026, 10, 8)),  # the two agree
    ],
)
def test_threshold_boundaries(
    lmp_ga: str, offset: int, chosen: str, threshold: int, due: date
) -> None:
    dating = _reconcile(lmp_ga, offset)
    assert dating.method == "reconciled"
    assert dating.due_date == due
    assert dating.inputs["chosen"] == chosen
    assert dating.inputs["difference_days"] == abs(offset)
    assert dating.inputs["threshold_days"] == threshold
    assert dating.inputs["lmp_ga_at_scan"] == lmp_ga


@pytest.mark.parametrize(
    ("lmp_ga", "offset", "chosen", "band"),
    [
        ("8w6d", 6, "ultrasound", "up to 8w6d"),  # last day of the 5-day band: 6 > 5
        ("9w0d", 6, "lmp", "9w0d-13w6d"),  # first day of the 7-day band: 6 is within
        ("13w6d", 8, "ultrasound", "9w0d-13w6d"),  # both sides re-date at 8 ...
        ("14w0d", 8, "ultrasound", "14w0d-15w6d"),  # ... but the band named differs
        ("13w6d", 7, "lmp", "9w0d-13w6d"),
        ("14w0d", 7, "lmp", "14w0d-15w6d"),
        ("15w6d", 8, "ultrasound", "14w0d-15w6d"),  # 8 > 7
        ("16w0d", 8, "lmp", "16w0d-21w6d"),  # 8 is within 10
        ("21w6d", -11, "ultrasound", "16w0d-21w6d"),  # 11 > 10
        ("22w0d", -11, "lmp", "22w0d-27w6d"),  # 11 is within 14
        ("27w6d", 15, "ultrasound", "22w0d-27w6d"),  # 15 > 14
        ("28w0d", 15, "lmp", "28w0d or later"),  # 15 is within 21
    ],
)
def test_band_chosen_by_lmp_ga_on_the_scan_date(
    lmp_ga: str, offset: int, chosen: str, band: str
) -> None:
    dating = _reconcile(lmp_ga, offset)
    assert dating.inputs["chosen"] == chosen
    assert dating.explanation is not None
    assert f"was at {lmp_ga} by LMP; for scans at {band} by LMP" in dating.explanation


def test_band_is_not_chosen_by_the_ultrasound_ga() -> None:
    # By LMP the scan is at 8w6d (5-day band); the ultrasound reads 9w5d, which would
    # be the 7-day band. Six days apart: re-dated only because the LMP band is used.
    dating = _reconcile("8w6d", 6)
    assert (dating.inputs["ultrasound_ga_at_scan"], dating.inputs["chosen"]) == (
        "9w5d",
        "ultrasound",
    )


def test_reconcile_explanation_and_inputs() -> None:
    lmp = Dating.from_lmp(D(2026, 8, 3))
    # Aug 3 to Oct 5: Aug31 +28, Sep30 +58, Oct 5 +63 = 9w0d by LMP; the scan reads 10w2d (72).
    redated = Dating.reconcile(lmp, Dating.from_ultrasound(ga="10w2d", scan_date=D(2026, 10, 5)))
    assert redated.explanation == (
        "ultrasound at 10w2d differs from LMP by 9 days (> 7): re-dated to ultrasound. "
        "The scan on 2026-10-05 was at 9w0d by LMP; for scans at 9w0d-13w6d by LMP, "
        "ACOG Committee Opinion 700 re-dates when the difference is more than 7 days."
    )
    # Oct 5 + (280 - 72 = 208): Oct31 +26, Nov30 +56, Dec31 +87, Jan31 +118, Feb28 +146,
    # Mar31 +177, Apr30 +207, May 1 +208
    assert redated.due_date == D(2027, 5, 1)
    assert redated.inputs == {
        "lmp": "2026-08-03",
        "cycle_length": 28,
        "scan_ga": "10w2d",
        "scan_date": "2026-10-05",
        "chosen": "ultrasound",
        "difference_days": 9,
        "threshold_days": 7,
        "lmp_ga_at_scan": "9w0d",
        "ultrasound_ga_at_scan": "10w2d",
    }
    kept = Dating.reconcile(lmp, Dating.from_ultrasound(ga="10w0d", scan_date=D(2026, 10, 5)))
    assert kept.explanation is not None
    assert kept.explanation.startswith(
        "ultrasound at 10w0d differs from LMP by 7 days (not > 7): LMP dating kept. "
    )
    assert kept.due_date == D(2027, 5, 10)  # the LMP's own: Aug 3 + 280
    assert kept.notes == ()


def test_reconcile_with_crl_and_one_day() -> None:
    # LMP Aug 3, scan Oct 20 = 78 days = 11w1d by LMP; CRL 49 mm reads 11w3d (80): 2 days.
    lmp = Dating.from_lmp(D(2026, 8, 3))
    dating = Dating.reconcile(lmp, Dating.from_ultrasound(crl_mm=49, scan_date=D(2026, 10, 20)))
    assert dating.inputs["crl_mm"] == 49.0 and dating.inputs["chosen"] == "lmp"
    # a single day is written "1 day"
    scan = Dating.from_ultrasound(ga="11w2d", scan_date=D(2026, 10, 20))
    assert "by 1 day (not > 7)" in (Dating.reconcile(lmp, scan).explanation or "")


@pytest.mark.parametrize(
    ("lmp_ga", "offset", "late"),
    [
        ("21w6d", -11, None),  # re-dated to 20w2d: both ages before 22w0d
        ("22w0d", -11, "22w0d by LMP"),  # LMP kept, scan at 22w0d
        ("21w6d", 11, "23w3d by ultrasound"),  # re-dated to 23w3d: the chosen dating is late
        ("22w5d", -19, "22w5d by LMP"),  # re-dated to 20w0d, but late by LMP: still noted
        ("13w0d", 0, None),  # a first-trimester scan
    ],
)
def test_suboptimal_dating_note_when_reconciled(lmp_ga: str, offset: int, late: str | None) -> None:
    dating = _reconcile(lmp_ga, offset)
    if late is None:
        assert dating.notes == ()
    else:
        (note,) = dating.notes
        assert note.startswith("suboptimally dated (ACOG Committee Opinion 700)")
        assert f"was at {late}," in note


@pytest.mark.parametrize(("ga", "noted"), [("21w6d", False), ("22w0d", True), ("30w0d", True)])
def test_suboptimal_dating_note_for_a_late_scan(ga: str, noted: bool) -> None:
    dating = Dating.from_ultrasound(ga=ga, scan_date=D(2027, 1, 5))
    assert bool(dating.notes) is noted
    if noted:
        assert f"at {ga} by ultrasound" in dating.notes[0]


@pytest.mark.parametrize(
    ("first", "second", "field"),
    [
        (Dating.from_due_date(D(2027, 5, 10)), None, "lmp_dating"),  # not an LMP dating
        (None, Dating.from_lmp(D(2026, 8, 3)), "ultrasound_dating"),  # not an ultrasound
        # scan before the LMP
        (None, Dating.from_ultrasound(ga="1w0d", scan_date=D(2026, 8, 2)), "scan_date"),
        # scan 45w0d after the LMP (315 days: Aug 3 + 315 = 2027-06-14)
        (None, Dating.from_ultrasound(ga="40w0d", scan_date=D(2027, 6, 14)), "scan_date"),
    ],
)
def test_reconcile_rejects(first: Dating | None, second: Dating | None, field: str) -> None:
    lmp = first or Dating.from_lmp(D(2026, 8, 3))
    scan = second or Dating.from_ultrasound(ga="10w0d", scan_date=D(2026, 10, 5))
    with pytest.raises(DatingError, match=f"^{field}: "):
        Dating.reconcile(lmp, scan)


@given(st.integers(0, 270), st.integers(-40, 40))
def test_reconciled_due_date_is_one_of_the_two(lmp_days: int, offset: int) -> None:
    ga = GestationalAge(lmp_days)
    if lmp_days + offset < 0:
        return
    dating = _reconcile(str(ga), offset)
    lmp_due, us_due = LMP_DUE, LMP_DUE - timedelta(days=offset)
    # CO 700's table, written out again by hand: (last day of the band, threshold)
    bands = [(62, 5), (97, 7), (111, 7), (153, 10), (195, 14), (10_000, 21)]
    threshold = next(days for last, days in bands if lmp_days <= last)
    expected = us_due if abs(offset) > threshold else lmp_due
    assert dating.due_date == expected
    assert dating.inputs["difference_days"] == abs(offset)
    # a bigger difference in the same band never switches back to the LMP
    if (
        dating.inputs["chosen"] == "ultrasound"
        and lmp_days + offset + (1 if offset >= 0 else -1) >= 0
    ):
        further = _reconcile(str(ga), offset + (1 if offset >= 0 else -1))
        assert further.inputs["chosen"] == "ultrasound"


# -- fields (the command line and batch files) --------------------------------------


def test_fields_reconcile() -> None:
    fields = {"lmp": "2026-08-03", "crl": " 45.0 ", "scan_date": "20/10/2026"}
    dating = dating_from_fields(fields, today=D(2026, 11, 24), date_order="dmy")
    # Oct 20 is 11w1d by LMP and CRL 45 reads 11w1d: LMP kept, due Aug 3 + 280
    assert (dating.method, dating.due_date, dating.inputs["chosen"]) == (
        "reconciled",
        D(2027, 5, 10),
        "lmp",
    )


def test_fields_name_crl_not_crl_mm() -> None:
    with pytest.raises(DatingError, match=r"^crl: '90' .*10\.0-84\.0 mm"):
        dating_from_fields({"crl": "90", "scan_date": "2026-10-20"}, today=D(2026, 11, 24))


# -- command line ----------------------------------------------------------------


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    today = [] if "--today" in argv else ["--today", "2026-11-24"]  # given once
    code = main(["plan", *today, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_crl(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["--crl", "45", "--scan-date", "2026-10-20", "--format", "json"], capsys)
    dating = json.loads(out)["dating"]
    assert code == 0
    assert dating == {
        "method": "ultrasound",
        "due_date": "2027-05-10",  # as in test_from_ultrasound_crl
        "inputs": {"crl_mm": 45.0, "scan_date": "2026-10-20"},
        "explanation": None,
        "notes": [],
    }


def test_cli_scan_ga(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--scan-ga", "20w1d", "--scan-date", "2026-12-15", "--today", "2026-12-15"]
    code, out, _ = _run([*argv, "--format", "json"], capsys)
    assert code == 0
    assert (
        json.loads(out)["dating"]["due_date"] == "2027-05-03"
    )  # as in test_from_ultrasound_scan_ga


def test_cli_json_shows_the_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--lmp", "2026-08-03", "--scan-ga", "10w2d", "--scan-date", "2026-10-05"]
    code, out, _ = _run([*argv, "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["dating"]["method"] == "reconciled"
    assert data["dating"]["due_date"] == "2027-05-01"  # as in test_reconcile_explanation_and_inputs
    assert data["dating"]["explanation"].startswith(
        "ultrasound at 10w2d differs from LMP by 9 days (> 7): re-dated to ultrasound."
    )
    # Nov 24 to May 1: Nov30 +6, Dec31 +37, Jan31 +68, Feb28 +96, Mar31 +127, Apr30 +157,
    # May 1 +158; 280 - 158 = 122 days = 17w3d
    assert data["gestational_age_today"] == "17w3d"
    code, text, _ = _run(argv, capsys)
    assert code == 0
    assert (
        "How the pregnancy was dated: ultrasound at 10w2d differs from LMP by 9 days (> 7)" in text
    )
    assert "dated by the last menstrual period and an ultrasound scan, reconciled." in text


def test_cli_text_shows_the_suboptimal_note(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--scan-ga", "23w0d", "--scan-date", "2027-01-05", "--today", "2027-01-05"]
    code, out, _ = _run(argv, capsys)
    assert code == 0
    assert "Note on the dating: suboptimally dated (ACOG Committee Opinion 700)" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--crl", "90", "--scan-date", "2026-10-20"], r"--crl: '90' .*10\.0-84\.0 mm"),
        (["--crl", "9.9", "--scan-date", "2026-10-20"], r"--crl: '9\.9' .*10\.0-84\.0 mm"),
        (["--crl", "abc", "--scan-date", "2026-10-20"], r"--crl: 'abc' .*length in mm"),
        (["--crl", "nan", "--scan-date", "2026-10-20"], r"--crl: 'nan' "),
        (["--crl", "45"], r"--scan-date: missing; expected the day of the scan"),  # its day
        (["--scan-ga", "11w1d"], r"--scan-date: missing"),
        (
            ["--crl", "45", "--scan-ga", "11w1d", "--scan-date", "2026-10-20"],
            r"dating: --crl and --scan-ga given together",
        ),
        (
            ["--due-date", "2027-05-10", "--crl", "45", "--scan-date", "2026-10-20"],
            r"dating: --due-date and --crl given together",  # the combination
        ),
        (
            ["--ga", "14w3d", "--scan-ga", "11w1d", "--scan-date", "2026-10-20"],
            r"dating: --ga and --scan-ga given together",
        ),
        (
            [
                "--transfer",
                "2026-08-20",
                "--embryo-age",
                "5",
                "--crl",
                "45",
                "--scan-date",
                "2026-10-20",
            ],
            r"dating: --transfer and --crl given together",
        ),
        (
            ["--lmp", "2026-08-03", "--scan-date", "2026-10-20"],
            r"--scan-date: .*only with --crl or --scan-ga",
        ),
        (
            ["--scan-ga", "11w1d", "--scan-date", "2026-10-20", "--cycle-length", "30"],
            r"--cycle-length: .*only with --lmp",
        ),
        (["--scan-ga", "14w9d", "--scan-date", "2026-10-20"], r"--scan-ga: '14w9d'"),
        (["--scan-ga", "11w1d", "--scan-date", "10/20/2026"], r"--scan-date: .*ambiguous"),
        (
            ["--lmp", "2026-10-10", "--scan-ga", "1w0d", "--scan-date", "2026-10-05"],
            r"--scan-date: '2026-10-05'",
        ),
    ],
)
def test_cli_bad_input(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(argv, capsys)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("care-timeline: error: ")
    assert re.search(expected, err), err


def test_plan_json_carries_the_explanation() -> None:
    dating = Dating.reconcile(
        Dating.from_lmp(D(2026, 8, 3)), Dating.from_ultrasound(ga="10w0d", scan_date=D(2026, 10, 5))
    )
    data = json.loads(ct.plan(dating, today=D(2026, 11, 24)).model_dump_json())
    assert data["dating"]["explanation"].startswith(
        "ultrasound at 10w0d differs from LMP by 7 days"
    )
    assert data["dating"]["inputs"]["chosen"] == "lmp"
