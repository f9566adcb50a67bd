"""A patients file is read within limits (its size, a line's length), and the rows
handed out are the very bytes the check read: a file edited in place, grown or cut
between the two readings is refused (docs/batch.md)."""

from __future__ import annotations

import contextlib
import os
import threading
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from _support.limited import limited_run
from care_timeline.batch import patients_csv
from care_timeline.batch.patients_csv import MAX_LINE

TODAY = date(2026, 11, 24)
HEADER = b"id,due_date\n"


# -- bounded reading (class 3) ----------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
@pytest.mark.parametrize("command", ["batch", "upcoming"])
def test_an_endless_stream_stops_at_once(tmp_path: Path, command: str) -> None:
    # /dev/zero was copied to a temporary file until the disk (or a limit) stopped it
    extra = (
        ["--out", "out"] if command == "batch" else ["--from", "2026-11-24", "--to", "2026-12-24"]
    )
    done = limited_run([command, "/dev/zero", *extra, "--today", "2026-11-24"], tmp_path)
    assert done.returncode == 2, done.stderr[-300:]
    assert done.stderr == (
        "care-timeline: error: /dev/zero: line 1: longer than 1,048,576 characters; no "
        "patient's row is that long (is it a patients CSV file?)\n"
    )
    assert not (tmp_path / "out" / "manifest.csv").exists()


def test_a_file_without_line_breaks_is_refused_unread_past_its_first_line(tmp_path: Path) -> None:
    # 900 MB of one line (a sparse file: no disk used) was read whole into memory
    path = tmp_path / "patients.csv"
    with path.open("wb") as handle:
        handle.write(HEADER)
        handle.truncate(900_000_000)
    done = limited_run(["batch", str(path), "--out", "out", "--today", "2026-11-24"], tmp_path)
    assert done.returncode == 2, done.stderr[-300:]
    assert done.stderr.endswith(
        "patients.csv: line 2: longer than 1,048,576 characters; no patient's row is that "
        "long (is it a patients CSV file?)\n"
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    with path.open("wb") as handle:
        handle.write(HEADER + b"a,2027-05-10\n")
        handle.truncate((1 << 30) + 1)  # sparse
    done = limited_run(["batch", str(path), "--out", "out", "--today", "2026-11-24"], tmp_path)
    assert done.returncode == 2, done.stderr[-300:]
    assert done.stderr == (
        f"care-timeline: error: {path}: larger than 1 GiB; split it into several patients files\n"
    )


def test_a_planted_manifest_without_line_breaks_is_read_no_further(tmp_path: Path) -> None:
    # the previous run's manifest.csv, replaced by 900 MB of one line (sparse), was
    # read whole into memory; now it lists nothing past its first long line
    out = tmp_path / "out"
    out.mkdir()
    with (out / "manifest.csv").open("wb") as handle:
        handle.write(b"line,id,file,status,sha256\r\n")
        handle.truncate(900_000_000)
    (tmp_path / "patients.csv").write_bytes(HEADER + b"a,2027-05-10\n")
    argv = ["batch", "patients.csv", "--out", "out", "--today", "2026-11-24", "--format", "json"]
    done = limited_run([*argv, "--quiet"], tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert (out / "a.json").is_file()
    assert (out / "manifest.csv").stat().st_size < 1000


def test_a_pipe_is_copied_only_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patients_csv, "MAX_FILE_BYTES", 1 << 10)
    fifo = tmp_path / "patients.pipe"
    os.mkfifo(fifo)
    rows = HEADER + b"".join(b"p%d,2027-05-10\n" % n for n in range(200))  # about 3 KB

    def write() -> None:
        with contextlib.suppress(BrokenPipeError), fifo.open("wb") as handle:
            handle.write(rows)  # the reader stops at the limit: a broken pipe

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with pytest.raises(ct.PatientsFileError, match=r"larger than 1 KiB; split it"):
            ct.read_patients(fifo)
    finally:
        writer.join(timeout=10)


def test_a_line_just_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    # a row of exactly MAX_LINE characters, its line break included: cells of 64 KiB
    # (each within the cell limit), far more than the header's two
    cells = ["x" * (1 << 16)] * 15
    line = "a," + ",".join(cells)
    line += "," + "y" * (MAX_LINE - len(line) - 2) + "\n"
    assert len(line) == MAX_LINE
    path.write_text(f"id,due_date\n{line}b,2027-05-10\n", encoding="utf-8")
    rows = ct.read_patients(path)
    try:
        read = [(row.id, row.problem) for row in rows]
    finally:
        rows.close()
    assert read == [("a", "17 cells; the header has 2"), ("b", None)]
    path.write_text(f"id,due_date\nz{line}b,2027-05-10\n", encoding="utf-8")  # one more
    with pytest.raises(ct.PatientsFileError, match="line 2: longer than 1,048,576"):
        ct.read_patients(path)


# -- the rows are the bytes that were checked (class 6) ----------------------------------


def patients(path: Path, count: int) -> None:
    # due dates 2027-05-10 .. 2027-05-19, one a row
    path.write_bytes(HEADER + b"".join(b"p%05d,2027-05-1%d\n" % (n, n % 10) for n in range(count)))


def edit_in_place(path: Path, at: int, data: bytes) -> None:
    with path.open("r+b") as handle:
        handle.seek(at)
        handle.write(data)


@pytest.mark.parametrize(
    "change",
    [
        # a due date edited in place, same length (2027-05-10 -> 2028-05-10 on the first row)
        lambda path: edit_in_place(path, len(HEADER) + len(b"p00000,202"), b"8"),
        # rows added at the end
        lambda path: path.open("ab").write(b"p99999,2027-05-10\n"),
        # rows cut off
        lambda path: os.truncate(path, path.stat().st_size - 18),
    ],
    ids=["edited", "grown", "cut"],
)
def test_a_file_changed_between_the_check_and_the_rows_is_refused(
    tmp_path: Path, change: object
) -> None:
    path = tmp_path / "patients.csv"
    patients(path, 100)
    rows = ct.read_patients(path)
    change(path)  # type: ignore[operator]
    try:
        with pytest.raises(ct.PatientsFileError, match=r"the file changed while it was read$"):
            list(rows)
    finally:
        rows.close()


def test_rows_before_a_changed_block_are_given_and_none_after(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    patients(path, 200_000)  # 3.6 MB: several blocks of 1 MiB
    size = path.stat().st_size
    rows = ct.read_patients(path)
    edit_in_place(path, size - 5, b"9")  # the last row's day, in the last block
    seen: list[str] = []
    try:
        with pytest.raises(ct.PatientsFileError, match="changed while it was read"):
            for row in rows:
                seen.append(row.id)
    finally:
        rows.close()
    assert 0 < len(seen) < 200_000
    assert seen == [f"p{n:05d}" for n in range(len(seen))]


def test_a_batch_of_a_file_edited_mid_run_writes_no_errors_or_manifest(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    patients(path, 50)
    rows = ct.read_patients(path)
    edit_in_place(path, len(HEADER) + len(b"p00000,202"), b"8")
    out = tmp_path / "out"
    try:
        with pytest.raises(ct.PatientsFileError, match="changed while it was read"):
            ct.write_batch(rows, out, ct.RowOptions(today=TODAY), format="json", jobs=1)
    finally:
        rows.close()
    assert not (out / "errors.csv").exists() and not (out / "manifest.csv").exists()
    assert not (out / "p00000.json").exists()  # the edited row was never planned
