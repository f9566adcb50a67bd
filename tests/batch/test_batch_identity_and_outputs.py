"""Ids are one patient's whatever their case (full Unicode case folding and
normalisation), in one file and across runs; and no output of a command overwrites a
file the same command reads (docs/batch.md, docs/cli.md)."""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import main

TODAY = "2026-11-24"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def batch(folder: Path, patients: Path, *extra: str) -> list[str]:
    return [
        "batch",
        str(patients),
        "--out",
        str(folder),
        "--format",
        "json",
        "--today",
        TODAY,
        "--quiet",
        "--jobs",
        "1",
        *extra,
    ]


def errors_of(folder: Path) -> list[dict[str, str]]:
    text = (folder / "errors.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# -- one file: ids equal but for case are one patient's (issue 24, item 4) ----------------

DECOMPOSED = unicodedata.normalize("NFD", "josé")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ÇAĞLA", "çağla"),
        ("JOSÉ", "josé"),
        ("JOSÉ", DECOMPOSED),  # and its é as e and a combining accent
        ("GÜLŞEN ÖZTÜRK", "gülşen öztürk"),
        ("AB C", "ab c"),
        ("İREM DOĞAN", "irem doğan"),  # Turkish dotted capital I
        ("IRMAK", "ırmak"),  # Turkish dotless small i
        ("STRASSE", "straße"),  # full folding: ß is ss
        ("\uff21\uff22", "ab"),  # fullwidth letters (compatibility normalisation)
    ],
)
def test_ids_equal_but_for_case_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first: str, second: str
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(f"id,due_date\n{first},2027-05-10\n{second},2027-05-12\n", encoding="utf-8")
    code, _, err = run(capsys, *batch(tmp_path / "out", patients))
    assert code == 1, err
    errors = errors_of(tmp_path / "out")
    assert [(row["line"], row["id"], row["field"]) for row in errors] == [("3", second, "id")]
    assert "from the id on line 2" in errors[0]["error"] or "id on line 2" in errors[0]["error"]
    written = [name for name in os.listdir(tmp_path / "out") if name.endswith(".json")]
    assert len(written) == 1  # one file for the patient, not two


def test_plan_many_finds_them_too() -> None:
    rows = [{"id": "GÜLŞEN", "due_date": "2027-05-10"}, {"id": "gülşen", "due_date": "2027-05-10"}]
    results = list(ct.plan_many(rows, ct.RowOptions(today=TODAY)))
    assert isinstance(results[0], ct.PlanResult)
    assert isinstance(results[1], ct.RowError) and results[1].field == "id"


# -- across runs: an id re-typed in other capitals (class 6) ----------------------------


@pytest.mark.parametrize(("before", "after"), [("ANA", "ana"), ("ÇAĞLA", "çağla"), ("Bea", "BEA")])
def test_an_id_retyped_in_case_moves_the_old_file_to_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: str, after: str
) -> None:
    out = tmp_path / "out"
    patients = tmp_path / "patients.csv"
    patients.write_text(f"id,due_date\n{before},2027-05-10\nx,2027-05-10\n", encoding="utf-8")
    assert run(capsys, *batch(out, patients))[0] == 0
    old = {name for name in os.listdir(out) if name.endswith(".json")} - {"x.json"}
    patients.write_text(f"id,due_date\n{after},2027-05-20\nx,2027-05-10\n", encoding="utf-8")
    code = run(capsys, *batch(out, patients))[0]
    new = {name for name in os.listdir(out) if name.endswith(".json")} - {"x.json"}
    # one file beside x.json: the new due date's; the old one (2027-05-10) in stale/
    assert len(new) == 1
    assert ct.load_plan(out / new.pop()).dating.due_date.isoformat() == "2027-05-20"
    (moved,) = os.listdir(out / "stale")  # not left beside the new one
    assert {moved} == old
    assert ct.load_plan(out / "stale" / moved).dating.due_date.isoformat() == "2027-05-10"
    assert code == 1
    (error,) = errors_of(out)
    assert error["line"] == "" and "other capitals" in error["error"]
    assert f"moved to stale/{moved}" in error["error"]


# -- outputs that are inputs (class 6) ---------------------------------------------------


def test_combined_may_not_be_the_batchs_own_errors_or_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\na,2027-05-10\n", encoding="utf-8")
    out = tmp_path / "out"
    for own in ("errors.csv", "manifest.csv", "Errors.CSV"):
        argv = [*batch(out, patients), "--format", "csv", "--combined", str(out / own)]
        code, _, err = run(capsys, *argv)
        assert code == 2 and err.count("\n") == 1, err
        assert err.startswith(f"care-timeline: error: --combined: {out / own} is the batch's own")
    assert not out.exists() or not any(out.iterdir())


def test_combined_may_not_be_the_patients_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patients = tmp_path / "patients.csv"
    text = "id,due_date\na,2027-05-10\n"
    patients.write_text(text, encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(patients)
    for given in (patients, tmp_path / "link.csv", tmp_path / "." / "patients.csv"):
        argv = [*batch(tmp_path / "out", patients), "--format", "csv", "--combined", str(given)]
        code, _, err = run(capsys, *argv)
        assert code == 2 and "is the patients file the batch reads" in err, err
    assert patients.read_text(encoding="utf-8") == text  # the clinic's list, untouched


@pytest.mark.parametrize("name", ["errors.csv", "manifest.csv"])
def test_a_patients_file_in_the_folder_is_never_one_the_batch_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    # The clinic's list saved as errors.csv in --out was replaced by the batch's own.
    out = tmp_path / "out"
    out.mkdir()
    patients = out / name
    text = "id,due_date\na,2027-05-10\n"
    patients.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, *batch(out, patients))
    assert code == 2 and err.count("\n") == 1, err
    assert f"is the patients file the run reads, and also the run's {name}" in err
    assert patients.read_text(encoding="utf-8") == text
    assert sorted(path.name for path in out.iterdir()) == [name]


def test_output_may_not_be_the_uid_key_or_the_protocol(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "clinic.key"
    ct.save_uid_key(key)
    kept = key.read_bytes()
    protocol = tmp_path / "clinic.toml"
    protocol.write_text(ct.default_protocol_text(), encoding="utf-8")
    plan = ["plan", "--due-date", "2027-05-10", "--today", TODAY, "--plan-id", "p1"]
    cases = [
        ([*plan, "--format", "ics", "--uid-key", str(key), "-o", str(key)], "--uid-key"),
        ([*plan, "--protocol", str(protocol), "-o", str(protocol)], "--protocol"),
    ]
    for argv, named in cases:
        code, _, err = run(capsys, *argv)
        assert code == 2 and err.count("\n") == 1, err
        assert err.startswith("care-timeline: error: -o ") and f"given as {named}" in err
    monkeypatch.setenv("CARE_TIMELINE_UID_KEY_FILE", str(key))
    code, _, err = run(capsys, *plan, "--format", "fhir", "-o", str(key))
    assert code == 2 and "given as CARE_TIMELINE_UID_KEY_FILE" in err
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\na,2027-05-10\n", encoding="utf-8")
    argv = [*batch(tmp_path / "out", patients), "--format", "csv", "--combined", str(key)]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "--combined" in err and "given as" in err
    assert key.read_bytes() == kept  # the clinic's only key, untouched
    assert protocol.read_text(encoding="utf-8") == ct.default_protocol_text()


def test_diff_output_may_not_be_a_plan_it_compares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.json"
    made = ct.plan(ct.Dating.from_due_date("2027-05-10"), today=TODAY, plan_id="p1")
    old.write_text(made.model_dump_json(), encoding="utf-8")
    code, _, err = run(capsys, "diff", str(old), str(old), "-o", str(old))
    assert code == 2 and "given as OLD.json" in err
    assert ct.load_plan(old) == made


# -- a planted stale link (class 6) -----------------------------------------------------


def test_a_stale_link_out_of_the_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\nana,2027-05-10\n", encoding="utf-8")
    assert run(capsys, *batch(out, patients))[0] == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "stale").symlink_to(elsewhere, target_is_directory=True)
    patients.write_text("id,due_date\nbea,2027-05-10\n", encoding="utf-8")  # ana is gone
    code, _, err = run(capsys, *batch(out, patients))
    assert code == 2 and err.count("\n") == 1, err
    assert f"{out / 'stale'}: a link" in err
    assert list(elsewhere.iterdir()) == []  # nothing left the folder
    assert (out / "ana.json").is_file() and not (out / "bea.json").exists()
