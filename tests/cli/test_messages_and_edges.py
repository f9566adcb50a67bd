"""Messages name what the user gave (the flag, the column, the argument), and the edges
of the supported dates, of a clinic's key and of a protocol's id hold (issue class 8)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import main

TODAY = "2026-11-24"
KEY_MESSAGE = (
    "expected a key file made by `care-timeline key new`: 64 hexadecimal digits on one line"
)


def one_line(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    return err.removeprefix("care-timeline: error: ").rstrip("\n")


# -- a folder or a missing file as the key: the flag, not "3: Is a directory" -------------


def test_a_folder_as_uid_key_names_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = ["plan", "--due-date", "2027-05-10", "--today", TODAY, "--plan-id", "p1"]
    for format in ("ics", "fhir"):
        said = one_line(capsys, *plan, "--format", format, "--uid-key", str(tmp_path))
        assert said == f"--uid-key {tmp_path}: a folder; {KEY_MESSAGE}"
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\na,2027-05-10\n", encoding="utf-8")
    said = one_line(
        capsys, "batch", str(patients), "--out", str(tmp_path / "out"), "--uid-key", str(tmp_path)
    )
    assert said == f"--uid-key {tmp_path}: a folder; {KEY_MESSAGE}"
    said = one_line(capsys, *plan, "--format", "ics", "--uid-key", str(tmp_path / "none.key"))
    assert said == f"--uid-key {tmp_path / 'none.key'}: No such file or directory"
    monkeypatch.setenv("CARE_TIMELINE_UID_KEY_FILE", str(tmp_path))
    said = one_line(capsys, *plan, "--format", "ics")
    assert said == f"CARE_TIMELINE_UID_KEY_FILE {tmp_path}: a folder; {KEY_MESSAGE}"


def test_load_uid_key_of_a_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(ct.ExportError) as caught:
        ct.load_uid_key(tmp_path)
    assert str(caught.value) == f"{tmp_path}: a folder; {KEY_MESSAGE}"
    assert caught.value.field == "uid_key"


# -- dates past the supported range, under the flag's name --------------------------------

RANGE = "is not valid; expected a date from 1900-01-01 to 2199-12-31"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        # gestational_age: 2912228 days before; today is past the years a date may be in
        (["--due-date", "2027-05-10", "--today", "9999-12-31"], f"--today: '9999-12-31' {RANGE}"),
        (["--due-date", "2027-05-10", "--today", "2200-01-01"], f"--today: '2200-01-01' {RANGE}"),
        # on: the day of --ga is the flag --on
        (["--ga", "14w3d", "--on", "2300-01-01", "--today", TODAY], f"--on: '2300-01-01' {RANGE}"),
        # on, from --today: --on was left out, so the day is --today's
        (["--ga", "14w3d", "--today", "2300-01-01"], f"--today: '2300-01-01' {RANGE}"),
        # gestational_age: 13289 before. Day 0 is 1990-01-01 - 140 days = 1989-08-14; to
        # 2026-01-01 is 36 years (13,140 days and 9 leap days) and 140 days more: 13,289
        # days = 1898w3d. 44w6d (314 days) is 1990-06-24.
        (
            ["--ga", "20w0d", "--on", "1990-01-01", "--today", "2026-01-01"],
            "--on: 1990-01-01 puts today (2026-01-01) at 1898w3d, past 44w6d (reached on "
            "1990-06-24); expected a day of the gestational age on or after 2025-07-11, or, "
            "to plan a past pregnancy, that pregnancy's own today",
        ),
    ],
)
def test_a_date_past_the_range_is_named_by_its_flag(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    assert one_line(capsys, "plan", *argv) == said


def test_a_batch_names_the_column_and_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(
        "id,ga,ga_on\n"
        "a,14w3d,2300-01-01\n"
        # day 0 is 1989-08-14, as above: today 2026-11-24 is far past 44w6d
        "b,20w0d,1990-01-01\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["batch", str(patients), "--out", str(out), "--today", TODAY, "--quiet"]) == 1
    capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO((out / "errors.csv").read_text(encoding="utf-8"))))
    assert [(row["field"], row["error"].split(":")[0]) for row in rows] == [
        ("ga_on", "ga_on"),
        ("ga_on", "ga_on"),
    ]
    assert f"'2300-01-01' {RANGE}" in rows[0]["error"]
    assert "puts today (2026-11-24) at" in rows[1]["error"]
    said = one_line(capsys, "batch", str(patients), "--out", str(out), "--today", "9999-12-31")
    assert said == f"--today: '9999-12-31' {RANGE}"


@pytest.mark.parametrize("today", [date(9999, 12, 31), "2200-01-01", date(1899, 12, 31)])
def test_the_api_names_today(today: date | str) -> None:
    with pytest.raises(ct.PlanError) as caught:
        ct.plan(ct.Dating.from_due_date("2027-05-10"), today=today)
    assert caught.value.field == "today"
    with pytest.raises(ct.DateInputError) as refused:
        ct.RowOptions(today=today)
    assert refused.value.field == "today"


# -- a protocol id that is no valid URI part never reaches FHIR --------------------------


def test_a_stored_plan_with_a_protocol_id_fhir_cannot_carry_is_refused() -> None:
    from _support.fhir_check import schema_errors

    made = ct.plan(ct.Dating.from_due_date("2027-05-10"), today=TODAY, plan_id="p1")
    assert schema_errors(json.loads(ct.to_fhir(made))) == []
    for bad in ("clinic protocol", "clinic/protocol#1", "Clinic", "-x", ""):
        data = json.loads(made.model_dump_json())
        data["protocol"]["id"] = bad
        with pytest.raises(ct.PlanError) as caught:
            ct.Plan.model_validate(data)
        assert caught.value.field == "protocol.id"


@pytest.mark.parametrize("protocol_id", ["0", "a-b-c", "x" * 64, "9-lives"])
def test_every_protocol_id_a_file_may_have_gives_fhir_the_schema_takes(protocol_id: str) -> None:
    from _support.fhir_check import schema_errors

    text = ct.default_protocol_text().replace(
        'id = "cervical-insufficiency"', f'id = "{protocol_id}"', 1
    )
    protocol = ct.parse_protocol(text)
    made = ct.plan(ct.Dating.from_due_date("2027-05-10"), protocol=protocol, today=TODAY)
    assert schema_errors(json.loads(ct.to_fhir(made))) == []
    assert schema_errors(json.loads(ct.protocol_to_fhir(protocol))) == []
