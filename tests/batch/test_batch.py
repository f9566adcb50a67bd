"""Batches: one file per good row, every bad row in errors.csv, files equal to the
single `plan` export, streaming, atomic writes, and the plan_many API."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import care_timeline as ct
from care_timeline import batch
from care_timeline.batch import _pool, writer
from care_timeline.cli import main

TODAY = "2026-11-24"
STAMP = "2026-11-24T08:00:00Z"

# Every good row, and the `plan` flags that say the same thing (written by hand).
GOOD_ROWS = {
    "good-due": [
        "--due-date",
        "2027-05-10",
        "--fetuses",
        "1",
        "--prior-preterm-birth",
        "--risk-factor",
        "trauma",
        "--risk-factor",
        "biopsy",
    ],
    "good-lmp": [
        "--lmp",
        "2026-08-03",
        "--cycle-length",
        "30",
        "--no-prior-preterm-birth",
        "--no-short-cervix",
    ],
    "good-ga": ["--ga", "14w3d", "--on", "2026-11-24", "--fetuses", "2"],
    "good/ivf": [
        "--transfer",
        "2026-08-20",
        "--embryo-age",
        "5",
        "--cervical-length",
        "22",
        "--cervical-length-on",
        "2026-11-20",
    ],
}
PATIENTS = """\
id,due_date,lmp,cycle_length,ga,ga_on,transfer,embryo_age,fetuses,prior_preterm_birth,short_cervix,cervical_length,cervical_length_on,risk_factors
good-due,2027-05-10,,,,,,,1,yes,,,,trauma;biopsy
bad-date,,2026-02-30,,,,,,,,,,,
no-dating,,,,,,,,1,,,,,
two-methods,2027-05-10,2026-08-03,,,,,,,,,,,
good-lmp,,2026-08-03,30,,,,,,no,no,,,
bad-fetuses,2027-05-10,,,,,,,9,,,,,
bad-cycle,,2026-08-03,50,,,,,,,,,,
bad-count-text,2027-05-10,,,,,,,two,,,,,
good-ga,,,,14w3d,2026-11-24,,,2,,,,,
good-due,2027-06-01,,,,,,,,,,,,
good/ivf,,,,,,2026-08-20,5,,,,22,2026-11-20,
bad-embryo,,,,,,2026-08-20,9,,,,,,
bad-yes-no,2027-05-10,,,,,,,,maybe,,,,
bad-risk,2027-05-10,,,,,,,,,,,,gardening
"""
# (line, id, field) of every bad row; the header is line 1.
BAD_ROWS = [
    ("3", "bad-date", "lmp"),  # 30 February
    ("4", "no-dating", "dating"),  # no dating method at all
    ("5", "two-methods", "dating"),  # a due date and an LMP
    ("7", "bad-fetuses", "fetuses"),  # more than 8
    ("8", "bad-cycle", "cycle_length"),  # outside 20-45
    ("9", "bad-count-text", "fetuses"),  # not a number
    ("11", "good-due", "id"),  # the id of line 2 again
    ("13", "bad-embryo", "embryo_age"),  # outside 2-7
    ("14", "bad-yes-no", "prior_preterm_birth"),  # not yes/no
    ("15", "bad-risk", "risk_factors"),  # not on the protocol's list
]
IVF_FILE = "good_ivf~" + hashlib.sha256(b"good/ivf").hexdigest()[:12]


def file_stem(plan_id: str) -> str:
    return IVF_FILE if plan_id == "good/ivf" else plan_id


@pytest.fixture
def patients(tmp_path: Path) -> Path:
    path = tmp_path / "patients.csv"
    path.write_text(PATIENTS, encoding="utf-8")
    return path


def run_batch(
    capsys: pytest.CaptureFixture[str], patients: Path, out: Path, *extra: str
) -> tuple[int, str]:
    code = main(
        ["batch", str(patients), "--out", str(out), "--today", TODAY, "--timestamp", STAMP, *extra]
    )
    return code, capsys.readouterr().err


def single_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, plan_id: str, fmt: str
) -> bytes:
    target = tmp_path / "single.out"
    code = main(
        [
            "plan",
            *GOOD_ROWS[plan_id],
            "--plan-id",
            plan_id,
            "--today",
            TODAY,
            "--timestamp",
            STAMP,
            "--format",
            fmt,
            "-o",
            str(target),
        ]
    )
    assert code == 0, capsys.readouterr().err
    return target.read_bytes()


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


FORMATS = [
    "json",
    "csv",
    pytest.param(
        "ics", marks=pytest.mark.skipif("ics" not in ct.FORMATS, reason="no .ics export yet")
    ),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_file_is_the_single_plan_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, patients: Path, fmt: str
) -> None:
    out = tmp_path / "out"
    code, err = run_batch(capsys, patients, out, "--format", fmt, "--jobs", "2")
    assert code == 1, err
    files = contents(out)
    assert sorted(files) == sorted(
        [f"{file_stem(plan_id)}.{fmt}" for plan_id in GOOD_ROWS] + ["errors.csv", "manifest.csv"]
    )
    for plan_id in GOOD_ROWS:
        expected = single_export(capsys, tmp_path, plan_id, fmt)
        assert files[f"{file_stem(plan_id)}.{fmt}"] == expected, plan_id


def test_errors_csv_names_every_bad_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, patients: Path
) -> None:
    out = tmp_path / "out"
    code, err = run_batch(capsys, patients, out, "--format", "json")
    assert code == 1
    raw = (out / "errors.csv").read_bytes()
    assert raw.startswith(b"line,id,field,error\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == ["line", "id", "field", "error"]
    assert [tuple(row[:3]) for row in rows[1:]] == BAD_ROWS
    assert all(row[3].startswith(row[2] + ":") for row in rows[1:])  # why, naming the field
    assert "2026-02-30" in rows[1][3] and "line 2" in rows[7][3]
    # the summary on stderr: the counts, then every bad row with its line and id
    assert err.splitlines()[0].startswith(
        f"care-timeline: 4 json files written to {out}; 10 bad rows"
    )
    for line, plan_id, _ in BAD_ROWS:
        assert f"line {line}, id {plan_id!r}:" in err


def test_rerun_and_worker_count_give_the_same_bytes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, patients: Path
) -> None:
    runs = []
    for number, jobs in enumerate(["1", "2", "2"]):
        out = tmp_path / f"out{number}"
        code, _ = run_batch(capsys, patients, out, "--jobs", jobs)
        assert code == 1
        runs.append(contents(out))
    assert runs[0] == runs[1] == runs[2]
    assert len(runs[0]) == len(GOOD_ROWS) + 2  # errors.csv and manifest.csv


def test_all_good_exits_0_quietly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("id,due_date\na,2027-05-10\nb,2027-06-01\n", encoding="utf-8")
    code, err = run_batch(capsys, path, tmp_path / "out", "--quiet", "--format", "json")
    assert (code, err) == (0, "")
    assert (tmp_path / "out" / "errors.csv").read_bytes() == b"line,id,field,error\r\n"
    code, err = run_batch(capsys, path, tmp_path / "out", "--format", "json")
    assert code == 0
    assert (
        err == f"care-timeline: 2 json files written to {tmp_path / 'out'}\n"
    )  # no bar: not a tty


def test_date_order_and_protocol_apply_to_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dmy.csv"
    path.write_text("id,due_date\na,10/05/2027\n", encoding="utf-8")
    protocol = tmp_path / "clinic.toml"
    protocol.write_text(
        ct.default_protocol_text().replace(
            'title = "Cervical insufficiency care timeline"', 'title = "Clinic 42 timeline"'
        ),
        encoding="utf-8",
    )
    code, err = run_batch(
        capsys,
        path,
        tmp_path / "out",
        "--format",
        "json",
        "--date-order",
        "dmy",
        "--protocol",
        str(protocol),
    )
    assert code == 0, err
    text = (tmp_path / "out" / "a.json").read_text(encoding="utf-8")
    assert '"due_date": "2027-05-10"' in text and '"title": "Clinic 42 timeline"' in text


# The profile columns added with protocol version 2, and what each row's plan must say
# (the default protocol's decision tables, read by hand; due 2027-05-10, one baby).
HISTORY_PATIENTS = """\
id,due_date,fetuses,prior_preterm_birth,prior_second_trimester_loss,cerclage_placed_on,cerclage_type
loss,2027-05-10,1,no,yes,,
no-loss,2027-05-10,1,no,no,,
unknown,2027-05-10,1,no,,,
abdominal,2027-05-10,1,,,2026-11-02,Transabdominal
vaginal,2027-05-10,1,,,2026-11-02,transvaginal
bad-type,2027-05-10,1,,,2026-11-02,purse-string
type-alone,2027-05-10,1,,,,transvaginal
bad-loss,2027-05-10,1,,maybe,,
"""
HISTORY_DECISIONS = {
    # a mid-pregnancy loss: a planned stitch applies, and so do cervical checks
    "loss": {
        "cerclage-placement": ("applies", "prior-second-trimester-loss"),
        "cervical-monitoring": ("applies", "prior-second-trimester-loss"),
    },
    # no loss, no preterm birth: both fall to the last rule
    "no-loss": {
        "cerclage-placement": ("discuss", "otherwise"),
        "cervical-monitoring": ("discuss", "otherwise"),
    },
    "unknown": {
        "cerclage-placement": ("discuss", "otherwise"),
        "cervical-monitoring": ("discuss", "otherwise"),
    },
    # a stitch through the abdomen stays in; one through the vagina comes out at 36w0d
    "abdominal": {"cerclage-removal": ("not-applicable", "transabdominal-cerclage")},
    "vaginal": {"cerclage-removal": ("applies", "cerclage-placed")},
}


def test_history_and_stitch_type_columns_reach_the_plans(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "history.csv"
    path.write_text(HISTORY_PATIENTS, encoding="utf-8")
    out = tmp_path / "out"
    code, err = run_batch(capsys, path, out, "--format", "json")
    assert code == 1, err  # three bad rows; every good row is still planned
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{plan_id}.json" for plan_id in HISTORY_DECISIONS] + ["errors.csv", "manifest.csv"]
    )
    for plan_id, decisions in HISTORY_DECISIONS.items():
        plan = json.loads((out / f"{plan_id}.json").read_text(encoding="utf-8"))
        by_id = {m["id"]: (m["applicability"], m["reason_key"]) for m in plan["milestones"]}
        assert {key: by_id[key] for key in decisions} == decisions, plan_id
    rows = list(csv.reader(io.StringIO((out / "errors.csv").read_text(encoding="utf-8"))))
    assert [tuple(row[:3]) for row in rows[1:]] == [
        ("7", "bad-type", "cerclage_type"),  # not a kind of stitch the protocol knows
        ("8", "type-alone", "cerclage_type"),  # a type without the day of the stitch
        ("9", "bad-loss", "prior_second_trimester_loss"),  # not yes/no
    ]
    bad_type = rows[1][3]
    assert "'purse-string'" in bad_type and "transvaginal or transabdominal" in bad_type
    assert "cerclage_placed_on" in rows[2][3]
    assert "maybe" in rows[3][3] and "yes/no" in rows[3][3]


def test_the_cervical_length_column_takes_its_unit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Due 2027-05-10, today 2026-11-24 (16w1d); measured 2026-11-20 (15w4d). For one
    # baby and no earlier preterm birth, a cervix under 25 mm makes vaginal progesterone
    # apply; 3.5 cm is 35 mm, so it does not; 3.5 alone asks for the unit.
    path = tmp_path / "lengths.csv"
    path.write_text(
        "id,due_date,fetuses,prior_preterm_birth,cervical_length_mm,cervical_length_on\n"
        "cm,2027-05-10,1,no,3.5cm,2026-11-20\n"
        "mm,2027-05-10,1,no,18mm,2026-11-20\n"
        "bare,2027-05-10,1,no,18,2026-11-20\n"
        "no-unit,2027-05-10,1,no,3.5,2026-11-20\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code, _ = run_batch(capsys, path, out, "--format", "json")
    assert code == 1
    lengths = {}
    for plan_id in ("cm", "mm", "bare"):
        plan = ct.Plan.model_validate_json((out / f"{plan_id}.json").read_text(encoding="utf-8"))
        assert plan.profile is not None
        lengths[plan_id] = (
            plan.profile.cervical_length_mm,
            plan.milestone("vaginal-progesterone").applicability == "applies",
        )
    assert lengths == {"cm": (35.0, False), "mm": (18.0, True), "bare": (18.0, True)}
    rows = list(csv.reader(io.StringIO((out / "errors.csv").read_text(encoding="utf-8"))))
    assert [tuple(row[:3]) for row in rows[1:]] == [("5", "no-unit", "cervical_length_mm")]
    assert "expected its unit: 3.5cm (35 mm) or 3.5mm" in rows[1][3]


# -- a clinic's export with columns of other data (issue: a name column refused the file) -----

CLINIC_EXPORT = """\
id,Name,due_date,phone,prior_preterm_birth
a,Ayşe Yılmaz,2027-05-10,+90 555 000 0000,yes
b,Irem Dogan,2027-06-01,,
"""


def test_a_column_of_other_data_is_refused_unless_ignored(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CLINIC_EXPORT, encoding="utf-8")
    out = tmp_path / "out"
    code, err = run_batch(capsys, path, out, "--format", "json", "--quiet")
    assert code == 2 and err.count("\n") == 1  # refused whole: a misspelt fact must not vanish
    assert "unknown column 'Name'" in err and "--ignore-column" in err
    assert not out.exists()
    argv = ["--format", "json", "--quiet", "--ignore-column", "name", "--ignore-column", "PHONE"]
    code, err = run_batch(capsys, path, out, *argv)
    assert (code, err) == (0, "")
    assert sorted(p.name for p in out.iterdir()) == [
        "a.json",
        "b.json",
        "errors.csv",
        "manifest.csv",
    ]
    text = (out / "a.json").read_text(encoding="utf-8")
    assert "Yılmaz" not in text and "555" not in text  # never read
    plan = ct.Plan.model_validate_json(text)
    assert plan.profile == ct.Profile(prior_preterm_birth=True)
    # a misspelt fact beside the ignored columns is still refused
    path.write_text(CLINIC_EXPORT.replace("prior_preterm_birth", "prior_pretem_birth"), "utf-8")
    code, err = run_batch(capsys, tmp_path / "export.csv", tmp_path / "out2", *argv)
    assert code == 2 and "unknown column 'prior_pretem_birth'" in err


def test_upcoming_ignores_columns_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CLINIC_EXPORT, encoding="utf-8")
    argv = ["upcoming", str(path), "--from", "2026-12-07", "--to", "2026-12-07", "--today", TODAY]
    assert main([*argv, "--ignore-column", "name"]) == 2  # phone is still unknown
    assert "unknown column 'phone'" in capsys.readouterr().err
    assert main([*argv, "--ignore-column", "name", "--ignore-column", "phone"]) == 0
    out = capsys.readouterr().out
    # due 2027-05-10: day 0 2026-08-03, its second check 18w0d on 2026-12-07 (16w0d + 14)
    assert out.splitlines()[1].split() == [
        "2026-12-07",
        "18w0d",
        "a",
        "cervical-monitoring",
        "2",
        "of",
        "5",
        "applies",
    ]


def test_rows_and_options_ignore_columns_in_python(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(CLINIC_EXPORT, encoding="utf-8")
    rows = ct.read_patients(path, ignore_columns=["Name", "phone"])
    try:
        assert dict(next(rows).fields) == {
            "id": "a",
            "due_date": "2027-05-10",
            "prior_preterm_birth": "yes",
        }
    finally:
        rows.close()
    mapping = [{"id": "m", "due_date": "2027-05-10", "name": "Ayşe"}]
    (bad,) = ct.plan_many(mapping, ct.RowOptions(today=TODAY))
    assert isinstance(bad, ct.RowError) and bad.field == "name"
    (good,) = ct.plan_many(mapping, ct.RowOptions(today=TODAY, ignore_columns=["name"]))
    assert isinstance(good, ct.PlanResult)


@pytest.mark.parametrize("names", [["id"], ["ID"], [""], "name"])
def test_the_id_column_cannot_be_ignored(names: object) -> None:
    with pytest.raises(ct.BatchError) as raised:
        ct.RowOptions(today=TODAY, ignore_columns=names)  # type: ignore[arg-type]
    assert raised.value.field == "ignore_columns"


# -- the file as a whole: exit 2 with one line ---------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,due_dat\na,2027-05-10\n", "unknown column 'due_dat'"),  # misspelt: would drop a fact
        (b"due_date\n2027-05-10\n", "no 'id' column"),
        (b"", "no header row"),  # empty file
        (b"id,due_date,ID\n", "column 'id' appears twice"),  # same name in another case
        # a column and its earlier name: which one holds the fact?
        (
            b"id,due_date,cervical_length,cervical_length_mm\n",
            "columns 'cervical_length' and 'cervical_length_mm' are the same fact",
        ),
        (b"id,,due_date\n", "column 2 has no name"),
        (b"id,due_date\nw\xe9,2027-05-10\n", "not UTF-8 text (byte 0xe9 on line 2)"),  # Latin-1
        (b'id,due_date\na,"' + b"x" * 200_000, "line 2: a cell longer than 131072 characters"),
    ],
)
def test_bad_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "patients.csv"
    path.write_bytes(content)
    code, err = run_batch(capsys, path, tmp_path / "out")
    assert code == 2
    assert err.count("\n") == 1 and message in err and str(path) in err, err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = run_batch(capsys, tmp_path / "nope.csv", tmp_path / "out")
    assert code == 2 and err.count("\n") == 1 and "nope.csv" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--jobs", "0"], "jobs"),  # at least one worker
        (["--jobs", "two"], "jobs"),
        (["--timestamp", "2026-11-24T08:00:00"], "timestamp"),  # no UTC offset
        (["--today", "24/11/2026"], "today"),  # ambiguous without --date-order
    ],
)
def test_bad_options_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, patients: Path, argv: list[str], field: str
) -> None:
    code = main(["batch", str(patients), "--out", str(tmp_path / "out"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and f"{field}:" in err, err


# -- rows as read from the file --------------------------------------------------------


def test_read_patients_rows_lines_and_header_spelling(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(
        "\ufeffID , Due-Date\r\n"  # BOM, any case, '-' for '_', spaces around
        "\r\n"  # blank line: skipped
        "a,2027-05-10,\r\n"  # a trailing empty cell is harmless
        '"b,c",2027-05-10\r\n'  # a quoted cell holding a comma
        ",\r\n"  # nothing in it: skipped
        "d,2027-05-10,x\r\n"  # a cell beyond the header
        "e\r\n".encode()  # a cell missing
    )
    rows = ct.read_patients(path)
    assert rows.count == 4
    listed = list(rows)
    assert [(row.line, row.id) for row in listed] == [(3, "a"), (4, "b,c"), (6, "d"), (7, "e")]
    assert dict(listed[0].fields) == {"id": "a", "due_date": "2027-05-10"}
    results = list(ct.plan_many(listed, ct.RowOptions(today=date(2026, 11, 24))))
    assert [(r.line, getattr(r, "field", None)) for r in results] == [
        (3, None),
        (4, None),
        (6, "row"),  # 3 cells; the header has 2
        (7, "row"),  # 1 cell
    ]


def test_a_quoted_cell_over_two_lines_refuses_the_file(tmp_path: Path) -> None:
    # No column holds a line break: a cell that runs over a line end is a quote gone
    # wrong, and which rows it swallowed cannot be told.
    path = tmp_path / "p.csv"
    path.write_bytes(b'id,due_date\r\na,2027-05-10\r\n"b\nc",2027-05-10\r\nd,2027-05-10\r\n')
    with pytest.raises(ct.PatientsFileError, match="line 3: a quoted cell runs on over the end"):
        ct.read_patients(path)


# -- file names -------------------------------------------------------------------------


def _hashed(stem: str, plan_id: str) -> str:
    return f"{stem}~{hashlib.sha256(plan_id.encode()).hexdigest()[:12]}"


@pytest.mark.parametrize(
    ("plan_id", "expected"),
    [
        ("p1", "p1.ics"),  # safe as it is
        ("clinic-42.7781_b", "clinic-42.7781_b.ics"),
        ("clinic-42/7781", _hashed("clinic-42_7781", "clinic-42/7781") + ".ics"),  # '/'
        ("clinic-42_7781", "clinic-42_7781.ics"),  # not the same as the one above
        ("a b", _hashed("a_b", "a b") + ".ics"),
        # non-ASCII: letters written without their accents, the hash of the id as given
        ("Émilie", _hashed("Emilie", "Émilie") + ".ics"),
        ("İrem Doğan", _hashed("Irem_Dogan", "İrem Doğan") + ".ics"),  # the example
        ("ÇAĞLA ŞIK", _hashed("CAGLA_SIK", "ÇAĞLA ŞIK") + ".ics"),
        ("ılgın", _hashed("ilgin", "ılgın") + ".ics"),  # dotless ı has no decomposition
        ("Straße", _hashed("Strasse", "Straße") + ".ics"),
        ("José.ç", _hashed("Jose", "José.ç") + ".c.ics"),  # the hash before the first dot
        ("日本", _hashed("__", "日本") + ".ics"),  # no plain form: _ as before
        ("errors", _hashed("errors", "errors") + ".ics"),  # errors.csv is the batch's own
        ("Errors", _hashed("Errors", "Errors") + ".ics"),
        (".profile", _hashed("_profile", ".profile") + ".ics"),  # hidden file
        ("..", "_~" + _hashed("", "..")[1:] + "..ics"),  # the parent folder
        ("-rf", _hashed("_rf", "-rf") + ".ics"),  # read as an option by shell tools
        ("CON", _hashed("CON", "CON") + ".ics"),  # a Windows device
        ("nul.x", _hashed("nul", "nul.x") + ".x.ics"),  # the hash goes before the first dot
        ("CON.txt", _hashed("CON", "CON.txt") + ".txt.ics"),
        ("lpt9.ics", _hashed("lpt9", "lpt9.ics") + ".ics.ics"),
        ("clinic/42.7781", _hashed("clinic_42", "clinic/42.7781") + ".7781.ics"),
        ("manifest", _hashed("manifest", "manifest") + ".ics"),  # manifest.csv is the batch's
    ],
)
def test_file_name(plan_id: str, expected: str) -> None:
    assert batch.file_name(plan_id, "ics") == expected


@given(st.text(min_size=1, max_size=60), st.text(min_size=1, max_size=60))
def test_two_ids_never_share_a_file_name(first: str, second: str) -> None:
    names = {batch.file_name(first, "json"), batch.file_name(second, "json")}
    assert len(names) == (1 if first == second else 2)
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._~-]*\.json", name)


# -- interrupted batches leave whole files only -------------------------------------------


def _left_behind(out: Path) -> list[str]:
    return sorted(path.name for path in out.iterdir())


@pytest.mark.parametrize("where", ["during a write", "between files"])
def test_interrupted_batch_leaves_no_partial_file(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    patients: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    expected = {
        f"{file_stem(plan_id)}.json": single_export(capsys, tmp_path, plan_id, "json")
        for plan_id in GOOD_ROWS
    }
    # A chunk's files go to disk together. Chunks of five rows: the first holds the
    # first two good rows, the second the third (good-ga).
    monkeypatch.setattr(_pool, "CHUNK_ROWS", 5)
    calls = 0

    def interrupt_at(call: int) -> None:
        nonlocal calls
        calls += 1
        if calls == call:
            raise KeyboardInterrupt

    if where == "during a write":
        # Ctrl-C after good-ga's bytes are written, before its rename: the syncs are
        # of the first chunk's two files, its folder, then good-ga's file.
        real_fsync = os.fsync
        monkeypatch.setattr(os, "fsync", lambda fd: (interrupt_at(4), real_fsync(fd)))
    else:
        real_render = writer.render
        monkeypatch.setattr(
            writer, "render", lambda *a, **k: (interrupt_at(3), real_render(*a, **k))[1]
        )
    out = tmp_path / "out"
    code, _ = run_batch(capsys, patients, out, "--format", "json", "--jobs", "1")
    assert code == 130
    left = _left_behind(out)
    assert left == ["good-due.json", "good-lmp.json"]  # the first two; no .part, no errors.csv
    for name in left:
        assert (out / name).read_bytes() == expected[name]


def test_ctrl_c_on_a_parallel_batch(tmp_path: Path) -> None:
    """A real SIGINT to the whole process group, as a terminal's Ctrl-C sends it."""
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,due_date\n")
        handle.writelines(f"p{n},2027-05-10\n" for n in range(20000))
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from care_timeline.cli import main; sys.exit(main())",
            "batch",
            str(path),
            "--out",
            str(out),
            "--format",
            "ics",
            "--today",
            TODAY,
            "--timestamp",
            STAMP,
            "--jobs",
            "2",
            "--quiet",
        ],
        stderr=subprocess.PIPE,
        start_new_session=True,
        # a test runner may itself ignore SIGINT; the batch must see it as a terminal would
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.ics"))) < 50:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    left = _left_behind(out) if out.exists() else []
    assert len(left) < 20000, "the batch should have stopped"
    assert [name for name in left if not re.fullmatch(r"p[0-9]+\.ics", name)] == []
    stamp = datetime(2026, 11, 24, 8, tzinfo=UTC)
    dating = ct.Dating.from_due_date(date(2027, 5, 10))
    for name in dict.fromkeys([left[0], left[len(left) // 2], left[-1]] if left else []):
        whole = ct.to_ics(
            ct.plan(dating, today=date(2026, 11, 24), plan_id=name[:-4]),
            ct.CalendarOptions(timestamp=stamp),
        )
        assert (out / name).read_bytes() == whole
        # every calendar of this file has the same length: none was cut short
        assert {(out / other).stat().st_size for other in left} == {len(whole)}


# -- the Python API -------------------------------------------------------------------


def test_plan_many_yields_one_result_per_row_in_order() -> None:
    rows = [
        {"id": "a", "due_date": "2027-05-10", "prior_preterm_birth": "yes", "fetuses": "1"},
        {"id": "b", "lmp": "not a date"},
        {"id": "a", "due_date": "2027-06-01"},  # the id again
        {"id": "c", "ga": "14w3d"},  # on today
        {"id": "d", "due_dat": "2027-05-10"},  # misspelt: an error, not an unknown fact
    ]
    results = list(ct.plan_many(rows, ct.RowOptions(today=date(2026, 11, 24))))
    assert [type(r).__name__ for r in results] == [
        "PlanResult",
        "RowError",
        "RowError",
        "PlanResult",
        "RowError",
    ]
    first, _, duplicate, by_ga, misspelt = results
    assert isinstance(first, ct.PlanResult) and isinstance(by_ga, ct.PlanResult)
    assert (first.line, first.id, first.plan.plan_id) == (1, "a", "a")
    # the row's prior preterm birth reached the plan: the cervical checks apply (unknown: discuss)
    assert first.plan.milestone("cervical-monitoring").applicability == "applies"
    # 14w3d on 2026-11-24 is day 101: due = 2026-11-24 + 179 days
    assert by_ga.plan.dating.due_date == date(2027, 5, 22)
    assert isinstance(duplicate, ct.RowError) and duplicate.field == "id"
    assert "line 1" in duplicate.message and str(duplicate).startswith("line 3, id 'a': ")
    assert isinstance(misspelt, ct.RowError) and misspelt.field == "due_dat"


def test_plan_many_in_workers_gives_the_same_results() -> None:
    rows = [{"id": f"p{n}", "due_date": f"2027-05-{1 + n % 28:02d}"} for n in range(150)]
    rows.append({"id": "p7", "due_date": "2027-05-10"})
    one = list(ct.plan_many(rows, ct.RowOptions(today=date(2026, 11, 24))))
    two = list(ct.plan_many(rows, ct.RowOptions(today=date(2026, 11, 24)), jobs=2))
    assert one == two
    assert isinstance(one[-1], ct.RowError) and "line 8" in one[-1].message


def _endless() -> Iterator[dict[str, str]]:
    n = 0
    while True:
        n += 1
        yield {"id": f"p{n}", "due_date": "2027-05-10"}


@pytest.mark.parametrize("jobs", [1, 2])
def test_plan_many_streams(jobs: int) -> None:
    first = list(
        islice(ct.plan_many(_endless(), ct.RowOptions(today=date(2026, 11, 24)), jobs=jobs), 3)
    )
    assert [r.id for r in first] == ["p1", "p2", "p3"]


def test_duplicates_are_found_among_many_rows() -> None:
    rows = [{"id": f"patient-{n}", "due_date": "2027-05-10"} for n in range(1, 3001)]
    rows += [
        {"id": "patient-1", "due_date": "2027-05-10"},
        {"id": "patient-2999", "due_date": "2027-05-10"},
    ]
    errors = [
        r
        for r in ct.plan_many(rows, ct.RowOptions(today=date(2026, 11, 24)))
        if isinstance(r, ct.RowError)
    ]
    assert [(e.line, e.id) for e in errors] == [(3001, "patient-1"), (3002, "patient-2999")]
    assert "line 1;" in errors[0].message and "line 2999;" in errors[1].message


def test_write_batch_api(tmp_path: Path) -> None:
    rows = [{"id": "a", "due_date": "2027-05-10"}, {"id": "=b", "due_date": "soon"}]
    report = ct.write_batch(
        rows, tmp_path / "out", ct.RowOptions(today=date(2026, 11, 24)), format="csv", jobs=1
    )
    assert (report.written, report.bad_rows) == (1, 1)
    assert (tmp_path / "out" / "a.csv").read_text(encoding="utf-8").startswith("plan_id,")
    errors = (tmp_path / "out" / "errors.csv").read_bytes().decode("utf-8")
    assert '\r\n2,"\'=b",due_date,' in errors  # neutralised for spreadsheets, and quoted
