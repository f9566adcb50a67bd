"""Atomic files: a re-export keeps the file's mode, and every error names the file
the user asked for, never a temporary one."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import care_timeline as ct
from care_timeline.cli import main
from care_timeline.files import file_mode, sync_folder, write_atomic, write_files

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("private", [0o600, 0o400, 0o640])
def test_writing_again_keeps_the_mode(tmp_path: Path, private: int) -> None:
    target = tmp_path / "7781.ics"
    write_atomic(target, b"old")
    target.chmod(private)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert mode(target) == private


def test_a_batch_keeps_a_private_patient_file_private(tmp_path: Path) -> None:
    rows = [{"id": "7781", "due_date": "2027-05-10"}, {"id": "7782", "due_date": "2027-05-11"}]
    out = tmp_path / "out"
    ct.write_batch(rows, out, ct.RowOptions(today=date(2026, 11, 24)), format="json", jobs=1)
    (out / "7781.json").chmod(0o600)
    rows[0]["due_date"] = "2027-05-12"  # a new due date: the file is written again
    ct.write_batch(rows, out, ct.RowOptions(today=date(2026, 11, 24)), format="json", jobs=1)
    assert '"due_date": "2027-05-12"' in (out / "7781.json").read_text(encoding="utf-8")
    assert mode(out / "7781.json") == 0o600
    assert mode(out / "7782.json") == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _all_bad(tmp_path: Path) -> Path:
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\na,soon\nb,later\n", encoding="utf-8")
    return patients


def test_disk_full_while_writing_errors_csv_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.fsync

    def full(fd: int) -> None:  # a file's data does not fit; a folder's sync passes
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            return real(fd)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # no file name, as the OS gives it

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "out"
    code = main(["batch", str(_all_bad(tmp_path)), "--out", str(out), "--today", "2026-11-24"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert f"error: {out / 'errors.csv'}: {os.strerror(errno.ENOSPC)}" in err
    assert ".part" not in err
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []


def test_read_only_folder_names_the_file_not_the_temporary_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: Any, **kwargs: Any) -> tuple[int, str]:
        # what mkstemp says in a folder it may not write to: the temporary name
        name = os.path.join(kwargs["dir"], f"{kwargs['prefix']}k2j4h5l6{kwargs['suffix']}")
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), name)

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    out = tmp_path / "out"
    code = main(["batch", str(_all_bad(tmp_path)), "--out", str(out), "--today", "2026-11-24"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert ".part" not in err and str(out / "errors.csv") in err


def test_an_error_without_a_file_name_is_not_shown_with_an_empty_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(ct, "write_batch", broken)
    code = main(["batch", str(_all_bad(tmp_path)), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"care-timeline: error: {os.strerror(errno.EIO)}\n"


def test_escape_bytes_in_a_file_name_are_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = tmp_path / "patients\x1b[2J\x07.csv"  # would clear the screen and ring the bell
    code = main(["batch", str(name), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "\x1b" not in err and "\x07" not in err
    assert "patients\\x1b[2J\\x07.csv" in err
    code = main(["plan", "--due-date", "2027-05-10", "--protocol", str(name)])
    err = capsys.readouterr().err
    assert code == 2 and "\x1b" not in err and "patients\\x1b[2J\\x07.csv" in err


def test_file_mode_of_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    assert file_mode(tmp_path / "new.ics") == 0o666 & ~_umask()


def test_escape_bytes_in_the_output_folder_are_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\na,2027-05-10\nb,soon\n", encoding="utf-8")
    out = tmp_path / "out\x1b[2J"
    code = main(["batch", str(patients), "--out", str(out), "--format", "json"])
    err = capsys.readouterr().err
    assert code == 1 and "\x1b" not in err and "out\\x1b[2J" in err


# -- a batch's chunk of files: one wait for the disk, each file still atomic --------------


def test_write_files_syncs_every_file_before_its_rename_and_the_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "b.ics").write_bytes(b"old")
    (tmp_path / "b.ics").chmod(0o600)
    steps: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        steps.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "sync")
        real_fsync(fd)

    def replace(source: str, target: str | Path) -> None:
        steps.append("rename " + Path(target).name)
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_files([(tmp_path / "a.ics", b"one"), (tmp_path / "b.ics", b"two")])
    assert steps == ["sync", "sync", "rename a.ics", "rename b.ics", "folder"]
    assert (tmp_path / "a.ics").read_bytes() == b"one"
    assert (tmp_path / "b.ics").read_bytes() == b"two"
    assert mode(tmp_path / "a.ics") == 0o666 & ~_umask()
    assert mode(tmp_path / "b.ics") == 0o600  # a file written again keeps its mode
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.ics", "b.ics"]


def test_write_files_that_fails_leaves_no_temporary_file_and_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    calls = 0

    def full_disk(fd: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    files = [(tmp_path / f"{n}.ics", b"x") for n in range(3)]
    with pytest.raises(OSError, match="No space left") as caught:
        write_files(files)
    assert caught.value.filename == str(tmp_path / "1.ics")
    assert list(tmp_path.iterdir()) == []  # nothing renamed, every temporary file gone


def test_write_files_that_cannot_rename_keeps_the_files_already_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace

    def replace(source: str, target: Any) -> None:
        if str(target).endswith("b.ics"):  # b.ics cannot be replaced (a full disk's rename)
            raise OSError(errno.EIO, "input/output error", source)
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    files = [(tmp_path / "a.ics", b"one"), (tmp_path / "b.ics", b"two"), (tmp_path / "c.ics", b"3")]
    with pytest.raises(OSError) as caught:
        write_files(files)
    assert caught.value.filename == str(tmp_path / "b.ics")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.ics"]
    assert (tmp_path / "a.ics").read_bytes() == b"one"


def test_write_files_refuses_a_folder_in_the_way_before_writing_anything(tmp_path: Path) -> None:
    (tmp_path / "b.ics").mkdir()
    files = [(tmp_path / "a.ics", b"one"), (tmp_path / "b.ics", b"two")]
    with pytest.raises(OSError, match="is a folder") as caught:
        write_files(files)
    assert caught.value.filename == str(tmp_path / "b.ics")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["b.ics"]


def _folder_sync_fails(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """fsync refuses folders (as some network and FUSE file systems do), not files."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(code, os.strerror(code))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("code", [errno.EINVAL, errno.ENOTSUP])
def test_a_batch_on_a_file_system_that_cannot_sync_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    _folder_sync_fails(monkeypatch, code)
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\np1,2027-05-10\np2,2027-06-01\n", encoding="utf-8")
    out = tmp_path / "out"
    report = ct.write_batch(
        ct.read_patients(patients), out, ct.RowOptions(today=date(2026, 11, 24)), format="ics"
    )
    assert sorted(path.name for path in out.iterdir()) == [
        "errors.csv",
        "manifest.csv",
        "p1.ics",
        "p2.ics",
    ]
    assert report.written == 2


def test_a_folder_that_fails_to_sync_otherwise_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder_sync_fails(monkeypatch, errno.EIO)
    with pytest.raises(OSError) as raised:
        sync_folder(tmp_path)
    assert raised.value.errno == errno.EIO and raised.value.filename == str(tmp_path)


def test_a_fifo_a_folder_or_a_stream_is_never_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A rename over a device or a pipe replaced it with a file (as root, -o /dev/full
    # replaced the device); over /dev/stdout it replaced the link with a file.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    stream = tmp_path / "stdout"
    stream.symlink_to("/proc/self/fd/1")
    relative = tmp_path / "relative"  # the same, reached by a relative link
    relative.symlink_to(Path(os.path.relpath("/proc/self/fd/1", tmp_path)))
    folder = tmp_path / "folder"
    folder.mkdir()
    for target, why in (
        (fifo, "not a regular file"),
        (folder, "is a folder"),
        (stream, "a stream of this program"),
        (relative, "a stream of this program"),
        (Path("/dev/fd/1"), "a stream of this program"),
    ):
        with pytest.raises(OSError, match=why):
            write_atomic(target, b"x")
        code = main(
            ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "-o", str(target)]
        )
        err = capsys.readouterr().err
        assert code == 2 and why in err and len(err.splitlines()) == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stream.is_symlink() and folder.is_dir()
    assert relative.is_symlink()
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "folder",
        "pipe",
        "relative",
        "stdout",
    ]


def test_a_link_to_a_regular_file_is_replaced_by_the_file(tmp_path: Path) -> None:
    # The link itself is replaced, never the file elsewhere it points to.
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(b"kept")
    link = tmp_path / "plan.txt"
    link.symlink_to(elsewhere)
    write_atomic(link, b"new")
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert elsewhere.read_bytes() == b"kept"
