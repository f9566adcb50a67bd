"""batch --format csv --combined FILE: one sheet for the whole batch, one row per
patient and milestone, with the columns and safety rules of the single CSV export;
bad rows still go to errors.csv and the manifest still lists every row.

Due 2027-05-10: day 0 is 2026-08-03, 12w0d is 2026-10-26 and 22w6d 2027-01-10.
Due 2027-06-20: day 0 is 2026-09-13, 12w0d (+84) is 2026-12-06 and 22w6d (+160)
2027-02-20.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from _support.csv_columns import HEADER as SHEET_COLUMNS
from _support.tools import needs_fhir_extra
from care_timeline.cli import main

TODAY = date(2026, 11, 24)
PATIENTS = """\
id,due_date,fetuses,prior_preterm_birth
p1,2027-05-10,1,yes
bad,2027-02-30,,
=1+1,2027-06-20,2,
"""


def single(plan_id: str, due: date, **profile: object) -> ct.Plan:
    """The plan the single export makes of the same row."""
    return ct.plan(
        ct.Dating.from_due_date(due), ct.Profile(**profile), today=TODAY, plan_id=plan_id
    )


P1 = single("p1", date(2027, 5, 10), fetuses=1, prior_preterm_birth=True)
TWINS = single("=1+1", date(2027, 6, 20), fetuses=2)


def body(plan: ct.Plan) -> str:
    """The single CSV export of a plan without its header line."""
    text = ct.to_csv(plan)
    return text[text.index("\r\n") + 2 :]


def run_batch(tmp_path: Path, *extra: str, patients: str = PATIENTS) -> tuple[int, str]:
    source = tmp_path / "patients.csv"
    source.write_text(patients, encoding="utf-8")
    code = main(
        [
            "batch",
            str(source),
            "--out",
            str(tmp_path / "out"),
            "--format",
            "csv",
            "--today",
            TODAY.isoformat(),
            "--quiet",
            *extra,
        ]
    )
    return code, str(tmp_path / "all.csv")


def read_csv(path: Path | str) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def test_one_sheet_with_the_header_once_and_every_good_row_in_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, sheet = run_batch(tmp_path, "--combined", str(tmp_path / "all.csv"))
    assert code == 1  # one bad row
    rows = read_csv(sheet)
    assert rows[0] == SHEET_COLUMNS
    assert [row for row in rows if row == SHEET_COLUMNS] == [rows[0]]  # the header once
    # Ten milestones each; p1 (line 2), then the twins (line 4); the bad row gives none.
    assert [row[0] for row in rows[1:]] == ["p1"] * 10 + ["'=1+1"] * 10  # a formula neutralised
    first = {row[0]: row[1:3] + row[5:7] for row in rows[1:] if row[1] == "cervical-change-risk"}
    assert first == {
        "p1": ["cervical-change-risk", P1.milestones[0].title, "2026-10-26", "2027-01-10"],
        "'=1+1": ["cervical-change-risk", P1.milestones[0].title, "2026-12-06", "2027-02-20"],
    }
    # The same bytes as the single export, header once.
    assert Path(sheet).read_bytes().decode() == (ct.to_csv(P1) + body(TWINS))
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        f"care-timeline: 2 patients written to {sheet}; 1 bad row, listed in "
        f"{tmp_path / 'out' / 'errors.csv'}:"
    )


def test_no_file_per_patient_and_bad_rows_and_the_manifest_in_out(tmp_path: Path) -> None:
    code, sheet = run_batch(tmp_path, "--combined", str(tmp_path / "all.csv"))
    assert code == 1
    out = tmp_path / "out"
    assert sorted(path.name for path in out.iterdir()) == ["errors.csv", "manifest.csv"]
    errors = read_csv(out / "errors.csv")
    assert errors[0] == ["line", "id", "field", "error"]
    assert [row[:3] for row in errors[1:]] == [["3", "bad", "due_date"]]
    manifest = read_csv(out / "manifest.csv")
    # Each good row names the sheet, with the SHA-256 of its own lines in it.
    assert manifest[1:] == [
        ["2", "p1", sheet, "written", hashlib.sha256(body(P1).encode()).hexdigest()],
        ["3", "bad", "", "error", ""],
        ["4", "'=1+1", sheet, "written", hashlib.sha256(body(TWINS).encode()).hexdigest()],
    ]


def test_workers_give_the_same_sheet(tmp_path: Path) -> None:
    many = "id,due_date\n" + "".join(f"r{n:03},2027-05-{1 + n % 28:02}\n" for n in range(60))
    sheets = []
    for jobs in ("1", "3"):
        folder = tmp_path / jobs
        folder.mkdir()
        code, sheet = run_batch(
            folder, "--combined", str(folder / "all.csv"), "--jobs", jobs, patients=many
        )
        assert code == 0
        sheets.append(Path(sheet).read_bytes())
    assert sheets[0] == sheets[1]
    rows = read_csv(tmp_path / "1" / "all.csv")
    assert len(rows) == 1 + 60 * 10
    assert list(dict.fromkeys(row[0] for row in rows[1:])) == [f"r{n:03}" for n in range(60)]


def test_earlier_files_are_left_as_they_are(tmp_path: Path) -> None:
    # A first run writes a file per patient; then a row turns bad and the batch writes
    # one sheet: the earlier files stay where they were, none goes to stale/.
    assert run_batch(tmp_path)[0] == 1
    out = tmp_path / "out"
    before = {
        path.name: path.read_bytes()
        for path in out.glob("*.csv")
        if path.name not in ("errors.csv", "manifest.csv")
    }
    assert len(before) == 2  # p1's and the twins' files
    worse = PATIENTS.replace("p1,2027-05-10,1,yes", "p1,2027-05-10,9,yes")
    code, sheet = run_batch(tmp_path, "--combined", str(tmp_path / "all.csv"), patients=worse)
    assert code == 1
    assert {name: (out / name).read_bytes() for name in before} == before
    assert not (out / "stale").exists()
    assert [row[0] for row in read_csv(sheet)[1:]] == ["'=1+1"] * 10
    assert [row[:3] for row in read_csv(out / "errors.csv")[1:]] == [
        ["2", "p1", "fetuses"],
        ["3", "bad", "due_date"],
    ]


@pytest.mark.parametrize("fmt", ["ics", "json", "fhir"])
def test_combined_with_another_format_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    if fmt == "fhir":
        needs_fhir_extra()
    source = tmp_path / "patients.csv"
    source.write_text(PATIENTS, encoding="utf-8")
    argv = ["batch", str(source), "--out", str(tmp_path / "out"), "--today", "2026-11-24"]
    code = main([*argv, "--format", fmt, "--combined", str(tmp_path / "all.csv")])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "combined:" in err and "csv" in err, err
    assert not (tmp_path / "all.csv").exists()
    assert not (tmp_path / "out").exists()


def test_write_batch_combined_api(tmp_path: Path) -> None:
    rows = [{"id": "p1", "due_date": "2027-05-10", "fetuses": "1", "prior_preterm_birth": "yes"}]
    report = ct.write_batch(
        rows,
        tmp_path / "out",
        ct.RowOptions(today=TODAY),
        format="csv",
        combined=tmp_path / "all.csv",
    )
    assert report.ok and report.written == 1
    assert report.combined == tmp_path / "all.csv"
    assert (tmp_path / "all.csv").read_bytes().decode() == ct.to_csv(P1)
    assert report.summary() == f"care-timeline: 1 patient written to {tmp_path / 'all.csv'}\n"
    with pytest.raises(ct.BatchError) as caught:
        ct.write_batch(
            rows, tmp_path / "j", ct.RowOptions(today=TODAY), format="json", combined="x.csv"
        )
    assert caught.value.field == "combined"
    assert not (tmp_path / "j").exists()
