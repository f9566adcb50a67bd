"""Every command writes UTF-8 bytes whatever the terminal, pipe or locale; a closed
stdout or a broken pipe is one line and exit status 2; a TZ that names no zone does
not stop a page (docs/cli.md)."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

import care_timeline as ct

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file descriptors")

TODAY = "2026-11-24"
RANGE = ["--from", "2026-11-01", "--to", "2027-06-01", "--today", TODAY]


def run(
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    close_stdout: bool = False,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, **(env or {})}

    def closed() -> None:
        os.close(1)

    return subprocess.run(
        [sys.executable, "-m", "care_timeline", *argv],
        input=stdin,
        capture_output=not close_stdout,
        stderr=subprocess.PIPE if close_stdout else None,
        env=environment,
        preexec_fn=closed if close_stdout else None,
        cwd=cwd,
        timeout=120,
        check=False,
    )


LEGACY = [
    {"PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"},
    {"PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"},
    {"PYTHONIOENCODING": "iso8859-9", "PYTHONUTF8": "0"},  # a legacy Turkish locale
    {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
]


@pytest.mark.parametrize("env", LEGACY, ids=["ascii", "cp1252", "latin5", "C"])
def test_turkish_output_is_utf8_bytes_under_any_locale(tmp_path: Path, env: dict[str, str]) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text("id,due_date\nİrem,2027-05-10\n", encoding="utf-8")
    shown = run(["protocol", "show", "--language", "tr"], env=env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == ct.default_protocol_text("tr").encode("utf-8")
    listed = run(["upcoming", str(patients), *RANGE, "--language", "tr"], env=env)
    assert listed.returncode == 0, listed.stderr
    text = listed.stdout.decode("utf-8")  # UTF-8 bytes, not the locale's
    assert "İrem" in text
    if env is LEGACY[0]:  # --help and --version once, under ASCII (the narrowest)
        for argv in (["--help"], ["plan", "--help"], ["--version"]):
            assert run(argv, env=env).returncode == 0


def test_protocol_show_copies_the_file_byte_for_byte(tmp_path: Path) -> None:
    # a clinic's file with a byte-order mark, CRLF line ends and Turkish letters
    text = ct.default_protocol_text("tr").replace("\n", "\r\n")
    data = codecs.BOM_UTF8 + text.encode("utf-8")
    clinic = tmp_path / "clinic.toml"
    clinic.write_bytes(data)
    for env in (None, LEGACY[1]):
        shown = run(["protocol", "show", str(clinic)], env=env)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == data
        copy = tmp_path / "copy.toml"
        copy.write_bytes(shown.stdout)
        assert run(["protocol", "validate", str(copy)], env=env).returncode == 0


def test_protocol_show_of_a_pipe_prints_what_it_validated() -> None:
    data = ct.default_protocol_text().encode("utf-8")
    shown = run(["protocol", "show", "/dev/stdin"], stdin=data)
    assert (shown.returncode, shown.stderr) == (0, b"")
    assert shown.stdout == data


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--due-date", "2027-05-10", "--today", TODAY],
        ["plan", "--due-date", "2027-05-10", "--today", TODAY, "--format", "ics"],
        ["protocol", "show"],
        ["protocol", "validate", "clinic.toml"],
        ["upcoming", "patients.csv", *RANGE],
        ["diff", "old.json", "old.json"],
        ["key", "new"],
        ["--version"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_a_closed_stdout_is_one_line(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "clinic.toml").write_text(ct.default_protocol_text(), encoding="utf-8")
    (tmp_path / "patients.csv").write_text("id,due_date\na,2027-05-10\n", encoding="utf-8")
    made = ct.plan(ct.Dating.from_due_date("2027-05-10"), today=TODAY, plan_id="a")
    (tmp_path / "old.json").write_text(made.model_dump_json(), encoding="utf-8")
    done = run(argv, close_stdout=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        b"care-timeline: error: stdout: closed; there is nowhere to write the output\n"
    )


def test_a_broken_pipe_is_one_line() -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before a byte is written
    try:
        done = subprocess.run(
            [sys.executable, "-m", "care_timeline", "protocol", "show"],
            stdout=write,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    assert done.returncode == 2
    assert done.stderr == (
        b"care-timeline: error: stdout: the program reading the output stopped reading "
        b"(broken pipe)\n"
    )


@pytest.mark.parametrize("format", ["html", "svg"])
def test_a_tz_that_names_no_zone_does_not_stop_a_page(tmp_path: Path, format: str) -> None:
    junk = tmp_path / "not-a-zone"
    junk.write_text("not a zone file\n", encoding="utf-8")
    argv = ["plan", "--due-date", "2027-05-10", "--today", TODAY, "--format", format]
    for tz in (str(junk), f":{junk}", str(tmp_path)):
        done = run(argv, env={"TZ": tz})
        assert (done.returncode, done.stderr) == (0, b""), done.stderr[-300:]
        assert b"10 May 2027" in done.stdout  # the due date in words, by Babel
