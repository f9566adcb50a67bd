"""Batches that lose no patient: the whole file checked before anything is written,
files of earlier runs moved aside rather than left to be sent, one batch per folder,
no leftovers of a killed run, and ids that are one id however they are written."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import os
import pickle
import subprocess
import sys
import threading
import unicodedata
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.batch.folder import FolderLock
from care_timeline.cli import main

TODAY = "2026-11-24"
STAMP = "2026-11-24T08:00:00Z"


def hundred_rows(broken: int | None = None, text: str = '"g3') -> str:
    """A header and 100 good rows, ids p1..p100; row ``broken`` gets ``text`` as its id."""
    lines = ["id,due_date"]
    for n in range(1, 101):
        lines.append(f"{text if n == broken else f'p{n}'},2027-05-{1 + n % 28:02d}")
    return "\n".join(lines) + "\n"


def run_batch(
    capsys: pytest.CaptureFixture[str], patients: Path | str, out: Path, *extra: str
) -> tuple[int, str]:
    code = main(
        [
            "batch",
            str(patients),
            "--out",
            str(out),
            "--today",
            TODAY,
            "--timestamp",
            STAMP,
            "--jobs",
            "1",
            *extra,
        ]
    )
    return code, capsys.readouterr().err


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


# -- 1. a stray quote swallows no patient ----------------------------------------------


@pytest.mark.parametrize(
    ("broken", "text", "message"),
    [
        (4, '"g3', "line 5: a quote opens a cell that never closes"),
        # closed again by a quote 50 rows later: rows 4..54 would be one cell
        (4, '"g3', "line 5: a quoted cell runs on over the end of the line (to line 55)"),
        (4, 'g3"x', None),  # a quote inside a cell is only a character: no harm
        (60, '"p60"x', "line 61: text follows the closing quote"),
    ],
    ids=["never-closed", "closed-later", "inside-a-cell", "text-after-quote"],
)
def test_a_stray_quote_loses_no_patient(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    broken: int,
    text: str,
    message: str | None,
    request: pytest.FixtureRequest,
) -> None:
    content = hundred_rows(broken, text)
    if request.node.callspec.id == "closed-later":
        content = content.replace("p54,", 'p54",', 1)
    patients = tmp_path / "patients.csv"
    patients.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    code, err = run_batch(capsys, patients, out, "--format", "json")
    if message is None:
        # 100 rows: the odd id is a patient of its own; every row is written or named
        assert code in (0, 1), err
        written = {name[: -len(".json")] for name in names(out) if name.endswith(".json")}
        errors = {row[1] for row in read_csv(out / "errors.csv")[1:]}
        assert len(written) + len(errors) == 100
        assert {f"p{n}" for n in range(1, 101) if n != broken} <= {
            row[1] for row in read_csv(out / "manifest.csv")[1:] if row[3] == "written"
        }
        return
    # the file is refused before anything is written: no patient is half done
    assert code == 2 and err.count("\n") == 1, err
    assert message in err and str(patients) in err
    assert names(out) == []
    with pytest.raises(ct.PatientsFileError, match=message.split(":")[0]):
        ct.read_patients(patients)
    # fixed, the same file writes all 100 patients
    patients.write_text(hundred_rows(), encoding="utf-8")
    code, err = run_batch(capsys, patients, out, "--format", "json")
    assert code == 0, err
    assert len([name for name in names(out) if name.endswith(".json")]) == 100


def test_a_quote_over_many_lines_names_where_it_opens(tmp_path: Path) -> None:
    patients = tmp_path / "patients.csv"
    # the quote on line 5 is closed on line 55; everything between would be one id
    patients.write_text(hundred_rows(4, '"g3').replace("p54,", 'p54",', 1), encoding="utf-8")
    with pytest.raises(ct.PatientsFileError) as caught:
        ct.read_patients(patients)
    assert "line 5: a quoted cell runs on over the end of the line (to line 55)" in str(
        caught.value
    )


def test_text_after_a_quote_that_closes_lines_later_names_both(tmp_path: Path) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(hundred_rows(4, '"g3').replace("p54,", 'p54"x,', 1), encoding="utf-8")
    with pytest.raises(ct.PatientsFileError) as caught:
        ct.read_patients(patients)
    assert "line 55: text follows the closing quote of a cell (the quote opened on line 5)" in str(
        caught.value
    )


# -- 3. exit 2 means nothing written ----------------------------------------------------


def test_a_huge_cell_late_in_the_file_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    patients = tmp_path / "patients.csv"
    rows = [f"p{n},2027-05-10" for n in range(1, 2001)]
    patients.write_text("id,due_date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _ = run_batch(capsys, patients, out, "--format", "csv")
    assert code == 0
    before = contents(out)
    # row 2001 (line 2002) gets a cell over 128 KiB; an earlier row changes its due date
    rows[10] = "p11,2027-06-01"
    rows.append("p2001," + "x" * (128 * 1024 + 1))
    patients.write_text("id,due_date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, err = run_batch(capsys, patients, out, "--format", "csv")
    assert code == 2 and err.count("\n") == 1, err
    assert "line 2002: a cell longer than 131072 characters" in err
    assert contents(out) == before  # not one file touched, errors.csv the last run's


# -- 5. a file whose row is now bad or gone is moved aside ------------------------------


def test_a_file_whose_row_turned_bad_is_moved_to_stale(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\nana,2027-05-10\nbea,2027-06-01\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch(capsys, patients, out)[0] == 0
    old = (out / "bea.ics").read_bytes()
    # bea's new due date has a typo: her file with the old due date must not stay
    patients.write_text("id,due_date\nana,2027-05-10\nbea,2027-06-31\n", encoding="utf-8")
    code, err = run_batch(capsys, patients, out)
    assert code == 1
    assert names(out) == ["ana.ics", "errors.csv", "manifest.csv", "stale"]
    assert names(out / "stale") == ["bea.ics"]
    assert (out / "stale" / "bea.ics").read_bytes() == old
    errors = read_csv(out / "errors.csv")
    assert errors[1][:3] == ["3", "bea", "due_date"]
    assert errors[1][3].endswith(
        "; the file bea.ics from an earlier run was moved to stale/bea.ics"
    )
    manifest = read_csv(out / "manifest.csv")
    assert manifest[0] == ["line", "id", "file", "status", "sha256"]
    sha_ana = hashlib.sha256((out / "ana.ics").read_bytes()).hexdigest()
    sha_old = hashlib.sha256(old).hexdigest()
    assert manifest[1:] == [
        ["2", "ana", "ana.ics", "written", sha_ana],
        ["3", "bea", "", "error", ""],
        ["3", "bea", "stale/bea.ics", "stale", sha_old],
    ]
    assert "1 bad row and 1 earlier file moved to" in err
    # fixed: her file is written again; the stale copy stays for the clinic to look at
    patients.write_text("id,due_date\nana,2027-05-10\nbea,2027-06-30\n", encoding="utf-8")
    assert run_batch(capsys, patients, out)[0] == 0
    assert names(out) == ["ana.ics", "bea.ics", "errors.csv", "manifest.csv", "stale"]


def test_a_file_whose_row_is_gone_is_moved_to_stale(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\nana,2027-05-10\nbea,2027-06-01\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch(capsys, patients, out, "--format", "json")[0] == 0
    (out / "notes.json").write_text("{}", encoding="utf-8")  # not the batch's: left alone
    patients.write_text("id,due_date\nbea,2027-06-01\n", encoding="utf-8")
    code, err = run_batch(capsys, patients, out, "--format", "json")
    assert code == 1, err
    assert names(out) == ["bea.json", "errors.csv", "manifest.csv", "notes.json", "stale"]
    assert names(out / "stale") == ["ana.json"]
    errors = read_csv(out / "errors.csv")
    assert errors[1] == [
        "",
        "ana",
        "id",
        "no row has this id any more; its file ana.json from an earlier run was moved to "
        "stale/ana.json",
    ]
    assert read_csv(out / "manifest.csv")[2][:4] == ["", "ana", "stale/ana.json", "stale"]
    assert "stale/ana.json: no row has this id any more" in err
    # once moved, it is not reported again
    assert run_batch(capsys, patients, out, "--format", "json")[0] == 0


def test_another_formats_files_are_kept_and_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\nana,2027-05-10\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_batch(capsys, patients, out, "--format", "ics")[0] == 0
    assert run_batch(capsys, patients, out, "--format", "json")[0] == 0
    assert names(out) == ["ana.ics", "ana.json", "errors.csv", "manifest.csv"]
    listed = {row[2] for row in read_csv(out / "manifest.csv")[1:]}
    assert listed == {"ana.ics", "ana.json"}


def test_an_edited_manifest_moves_nothing_outside(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "keep.json"
    outside.write_text("{}", encoding="utf-8")
    (out / "manifest.csv").write_text(
        "line,id,file,status,sha256\r\n2,x,../keep.json,written,\r\n3,y,.hidden.json,written,\r\n",
        encoding="utf-8",
    )
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\nana,2027-05-10\n", encoding="utf-8")
    assert run_batch(capsys, patients, out, "--format", "json")[0] == 0
    assert outside.exists() and not (out / "stale").exists()


# -- 12. one batch per folder; a killed batch's leftovers go -----------------------------


def test_a_second_batch_into_the_same_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(hundred_rows(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    with FolderLock(out):  # another batch is running
        code, err = run_batch(capsys, patients, out)
        assert code == 2 and err.count("\n") == 1, err
        assert f"{out}: another batch is writing into this folder" in err
        assert names(out) == []
        with pytest.raises(ct.BatchError, match="another batch"):
            ct.write_batch([], out, ct.RowOptions(today=date(2026, 11, 24)), format="ics")
    assert run_batch(capsys, patients, out)[0] == 0  # free again
    assert len(names(out)) == 102


def test_a_running_batch_in_another_process_holds_the_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from care_timeline.batch.folder import "
            "FolderLock\nwith FolderLock(Path(sys.argv[1])):\n print('held', flush=True)\n"
            " sys.stdin.read()",
            str(out),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        patients = tmp_path / "patients.csv"
        patients.write_text(hundred_rows(), encoding="utf-8")
        code, err = run_batch(capsys, patients, out)
        assert code == 2 and "another batch is writing into this folder" in err
    finally:
        holder.kill()  # killed outright: the lock goes with it
        holder.wait()
    assert run_batch(capsys, tmp_path / "patients.csv", out)[0] == 0


def test_leftover_part_files_of_a_killed_run_are_removed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    leftovers = [
        ".p1.ics.abcd1234.part",
        ".errors.csv.x_y2z3w4.part",
        ".manifest.csv.qqqqqqqq.part",
    ]
    kept = [".notes.txt.abcd1234.part", ".p1.ics.part", "p1.ics.abcd1234.part"]
    for name in leftovers + kept:
        (out / name).write_bytes(b"half a file")
    patients = tmp_path / "patients.csv"
    patients.write_text(hundred_rows(), encoding="utf-8")
    assert run_batch(capsys, patients, out)[0] == 0
    left = set(names(out))
    assert not left & set(leftovers)
    assert set(kept) <= left  # not a batch file's temporary: not the batch's to delete


# -- 13. one id, however its accents are written --------------------------------------------


@pytest.mark.parametrize("fmt", ["json", None])
def test_ids_equal_after_unicode_normalisation_are_one_id(tmp_path: Path, fmt: str | None) -> None:
    composed = "Jos\u00e9"
    decomposed = "Jose\u0301"
    assert composed != decomposed and unicodedata.normalize("NFC", decomposed) == composed
    rows = [
        {"id": composed, "due_date": "2027-05-10"},
        {"id": decomposed, "due_date": "2027-06-01"},
    ]
    if fmt is None:
        results = list(ct.plan_many(rows, ct.RowOptions(today=date(2026, 11, 24))))
    else:
        report = ct.write_batch(
            rows, tmp_path / "out", ct.RowOptions(today=date(2026, 11, 24)), format=fmt, jobs=1
        )
        assert (report.written, report.bad_rows) == (1, 1)
        results = report.first_errors
    error = results[-1]
    assert isinstance(error, ct.RowError) and (error.line, error.field) == (2, "id")
    assert "is the id on line 1 with its accents written another way" in error.message


# -- 14. a patients file from a pipe ------------------------------------------------------


def test_patients_from_standard_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from care_timeline.cli import main; sys.exit(main())",
            "batch",
            "/dev/stdin",
            "--out",
            str(out),
            "--format",
            "json",
            "--today",
            TODAY,
            "--jobs",
            "1",
        ],
        input=hundred_rows(50, "bad id\x01"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert len([name for name in names(out) if name.endswith(".json")]) == 99
    assert read_csv(out / "errors.csv")[1][:3] == ["51", "bad id\x01", "id"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_patients_from_a_named_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "patients.pipe"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("w", encoding="utf-8") as handle:
            handle.write(hundred_rows())

    writer = threading.Thread(target=feed)
    writer.start()
    rows = ct.read_patients(fifo)
    writer.join()
    assert rows.count == 100
    assert [row.id for row in rows][-1] == "p100"


def test_a_broken_quote_in_piped_input_is_still_found_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from care_timeline.cli import main; sys.exit(main())",
            "batch",
            "/dev/stdin",
            "--out",
            str(out),
            "--today",
            TODAY,
        ],
        input=hundred_rows(4),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "/dev/stdin: line 5: a quote opens a cell that never closes" in done.stderr
    assert names(out) == []


# -- 7. Windows device names ---------------------------------------------------------------


def test_device_names_get_the_hash_before_the_first_dot(tmp_path: Path) -> None:
    rows = [
        {"id": plan_id, "due_date": "2027-05-10"} for plan_id in ("CON.txt", "nul.x", "lpt9.ics")
    ]
    report = ct.write_batch(
        rows, tmp_path / "out", ct.RowOptions(today=date(2026, 11, 24)), format="ics", jobs=1
    )
    assert report.written == 3
    for plan_id in ("CON.txt", "nul.x", "lpt9.ics"):
        head, _, rest = plan_id.partition(".")
        digest = hashlib.sha256(plan_id.encode()).hexdigest()[:12]
        name = f"{head}~{digest}.{rest}.ics"
        assert (tmp_path / "out" / name).is_file()
        # what Windows reads as the device: the part before the first dot
        assert name.split(".")[0].lower() not in {"con", "nul", "lpt9"}


# -- 11. misuse of the API is the library's own error, once ---------------------------------

ROWS = [{"id": "a", "due_date": "2027-05-10"}, {"id": "b", "due_date": "2027-06-01"}]


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"today": "24/11/2026"}, ct.DateInputError, "today"),  # no date order given
        ({"today": None}, ct.DateInputError, "today"),
        ({"protocol": "clinic.toml"}, ct.BatchError, "protocol"),  # a file name, not a Protocol
        ({"date_order": "ymd"}, ct.DateInputError, "date_order"),
    ],
)
def test_row_options_are_checked_when_built(
    kwargs: dict[str, object], error: type[ct.CareTimelineError], field: str
) -> None:
    arguments: dict[str, object] = {"today": date(2026, 11, 24), **kwargs}
    with pytest.raises(error) as caught:
        ct.RowOptions(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_row_options_hold_the_protocol_and_travel_to_workers() -> None:
    options = ct.RowOptions(today="24/11/2026", date_order="dmy")
    assert (options.today, options.protocol, options.date_order) == (
        date(2026, 11, 24),
        ct.default_protocol(),
        "dmy",
    )
    assert pickle.loads(pickle.dumps(options)) == options
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.today = date(2027, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("rows", "options", "jobs", "field"),
    [
        ("patients.csv", None, 1, "rows"),  # a file name, not rows
        (5, None, 1, "rows"),
        (ROWS, {"today": "2026-11-24"}, 1, "options"),  # a RowOptions, not a dict
        (ROWS, None, 0, "jobs"),
    ],
)
def test_plan_many_misuse_fails_at_the_call(
    rows: object, options: object, jobs: int, field: str
) -> None:
    given = ct.RowOptions(today=date(2026, 11, 24)) if options is None else options
    with pytest.raises(ct.BatchError) as caught:
        ct.plan_many(rows, given, jobs=jobs)  # type: ignore[arg-type]  # not one row read yet
    assert caught.value.field == field


@pytest.mark.parametrize("item", [["a", "b"], ("b", "2027-06-01"), "b,2027-06-01", None])
def test_an_item_that_is_not_a_row_fails_once(item: object) -> None:
    results = ct.plan_many([ROWS[0], item, ROWS[1]], ct.RowOptions(today=date(2026, 11, 24)))  # type: ignore[list-item]
    with pytest.raises(ct.BatchError, match="rows: item 2 is a"):  # not an error per row
        list(results)


def test_today_as_iso_text_is_read_once() -> None:
    by_text = list(ct.plan_many(ROWS, ct.RowOptions(today="2026-11-24")))
    by_date = list(ct.plan_many(ROWS, ct.RowOptions(today=date(2026, 11, 24))))
    assert by_text == by_date
    assert all(isinstance(result, ct.PlanResult) for result in by_text)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"options": {"today": "2026-11-30"}}, ct.BatchError),  # a RowOptions, not a dict
        ({"calendar": {"private": True}}, ct.BatchError),  # options are a CalendarOptions
        ({"format": "pdf"}, ct.BatchError),
        ({"rows": [["a"]]}, ct.BatchError),
    ],
)
def test_write_batch_misuse_fails_once_and_writes_nothing(
    tmp_path: Path, kwargs: dict[str, object], error: type
) -> None:
    arguments: dict[str, object] = {"format": "ics", "jobs": 1}
    arguments.update(kwargs)
    rows = arguments.pop("rows", ROWS)
    options = arguments.pop("options", ct.RowOptions(today=date(2026, 11, 24)))
    with pytest.raises(error):
        ct.write_batch(rows, tmp_path / "out", options, **arguments)  # type: ignore[arg-type]
    left = [name for name in names(tmp_path / "out") if name.endswith(".ics")]
    assert left == []


def test_write_batch_takes_today_as_text(tmp_path: Path) -> None:
    report = ct.write_batch(
        ROWS, tmp_path / "out", ct.RowOptions(today="2026-11-24"), format="json", jobs=1
    )
    assert (report.written, report.bad_rows) == (2, 0)


def test_a_crown_rump_length_too_large_for_a_float() -> None:
    with pytest.raises(ct.DatingError, match="crl_mm"):
        ct.Dating.from_ultrasound(crl_mm=10**400, scan_date=date(2026, 10, 1))
    with pytest.raises(ct.DatingError, match="a number too large to show"):
        ct.Dating.from_ultrasound(crl_mm=10**5000, scan_date=date(2026, 10, 1))


def test_a_folder_without_locks_still_gets_its_batch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from care_timeline.batch import folder

    def no_locks(path: Path) -> int:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))  # as some network shares say

    monkeypatch.setattr(folder, "_lock", no_locks)
    patients = tmp_path / "patients.csv"
    patients.write_text(hundred_rows(), encoding="utf-8")
    assert run_batch(capsys, patients, tmp_path / "out")[0] == 0
