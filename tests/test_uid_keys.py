"""A clinic's UID key: made, saved and loaded readable by its owner only, and
refused when others can read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import main

POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_keys_are_random_and_32_bytes() -> None:
    keys = {ct.new_uid_key() for _ in range(20)}
    assert len(keys) == 20 and {len(key) for key in keys} == {32}


@POSIX
def test_save_and_load(tmp_path: Path) -> None:
    path = tmp_path / "clinic.key"
    key = ct.save_uid_key(path)
    assert mode(path) == 0o600
    assert ct.load_uid_key(path) == key
    text = path.read_text(encoding="ascii")
    assert text.splitlines()[-1] == key.hex() and text.startswith("# care-timeline UID key")
    with pytest.raises(FileExistsError):  # a new key would change every UID
        ct.save_uid_key(path)
    assert ct.load_uid_key(path) == key


@POSIX
@pytest.mark.parametrize("bits", [0o640, 0o604, 0o660, 0o644, 0o620, 0o610])
def test_a_key_others_can_reach_is_refused(tmp_path: Path, bits: int) -> None:
    path = tmp_path / "clinic.key"
    ct.save_uid_key(path)
    path.chmod(bits)
    with pytest.raises(ct.ExportError, match=f"mode 0{bits:o}.*chmod 600"):
        ct.load_uid_key(path)


@POSIX
def test_a_read_only_key_of_its_owner_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "clinic.key"
    key = ct.save_uid_key(path)
    path.chmod(0o400)
    assert ct.load_uid_key(path) == key


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "abc\n",  # too short
        "zz" * 32 + "\n",  # not hex
        "00" * 32 + "\n" + "11" * 32 + "\n",  # two keys
        "00" * 31 + "\n",  # 31 bytes
    ],
)
def test_a_file_that_is_not_a_key_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "clinic.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    with pytest.raises(ct.ExportError, match="not a UID key file"):
        ct.load_uid_key(path)


@POSIX
def test_key_new_to_a_file_is_private(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "clinic.key"
    assert main(["key", "new", "-o", str(path)]) == 0
    assert mode(path) == 0o600 and len(ct.load_uid_key(path)) == 32
    assert main(["key", "new", "-o", str(path)]) == 2  # never overwritten
    assert "File exists" in capsys.readouterr().err


@POSIX
def test_key_new_redirected_to_a_file_makes_it_private(tmp_path: Path) -> None:
    """``care-timeline key new > clinic.key``: the shell makes the file (0644 under the
    usual umask); the command makes it private before writing the key."""
    import subprocess
    import sys

    path = tmp_path / "clinic.key"
    with path.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-m", "care_timeline", "key", "new"], stdout=out, check=False
        )
    assert done.returncode == 0
    assert mode(path) == 0o600
    assert len(ct.load_uid_key(path)) == 32


def test_key_new_prints_a_different_key_each_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["key", "new"]) == 0
    first = capsys.readouterr().out
    assert main(["key", "new"]) == 0
    second = capsys.readouterr().out
    assert first != second
    assert len(first.splitlines()[-1]) == 64


@pytest.mark.parametrize("bad", ["key", 12, b"short"])
def test_a_key_that_is_not_bytes_is_refused_once(bad: object) -> None:
    from datetime import date

    plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
    with pytest.raises(ct.ExportError, match="uid_key"):
        ct.to_ics(plan, ct.CalendarOptions(uid_key=bad))  # type: ignore[arg-type]
