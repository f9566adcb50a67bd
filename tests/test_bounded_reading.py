"""Every file or stream that comes in is read within a size limit, checked before it is
parsed, and a file that is not UTF-8 is one line, not a traceback (docs/api.md,
docs/cli.md): stored plans (``diff``, ``ct.load_plan``) and protocol files."""

from __future__ import annotations

import codecs
import json
import os
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from _support.limited import limited_run
from care_timeline.cli import main
from care_timeline.plan_model import MAX_PLAN_BYTES

TODAY = date(2026, 11, 24)


def saved(folder: Path, name: str = "old.json", plan_id: str = "p1") -> Path:
    path = folder / name
    made = ct.plan(ct.Dating.from_due_date("2027-05-10"), today=TODAY, plan_id=plan_id)
    path.write_text(made.model_dump_json(indent=2), encoding="utf-8")
    return path


def one_line(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    return err


# -- diff: unbounded reads and files that are not UTF-8 ------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_diff_of_an_endless_stream_stops_at_the_limit(tmp_path: Path) -> None:
    done = limited_run(["diff", str(saved(tmp_path)), "/dev/zero"])
    assert done.returncode == 2
    assert done.stderr == (
        "care-timeline: error: NEW.json /dev/zero: larger than 8 MiB; a plan is far smaller\n"
    )


def test_a_plan_file_over_the_limit_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:  # sparse: the size is there, the bytes are never read
        handle.truncate(MAX_PLAN_BYTES + 1)
    err = one_line(capsys, "diff", str(big), str(saved(tmp_path)))
    assert (
        err == f"care-timeline: error: OLD.json {big}: larger than 8 MiB; a plan is far smaller\n"
    )


@pytest.mark.parametrize(
    ("encode", "said"),
    [
        # a Latin-1 byte: é is 0xe9, on the line of the plan id
        (lambda text: text.replace('"p1"', '"Jos\u00e9"').encode("latin-1"), "byte 0xe9 on line"),
        # UTF-16 as Windows PowerShell's Out-File writes it: a byte-order mark first
        (lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "UTF-16 text"),
        (lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "UTF-16 text"),
        # UTF-16 without its mark: NUL bytes
        (lambda text: text.encode("utf-16-le"), "a NUL byte on line 1"),
    ],
)
def test_diff_of_a_file_that_is_not_utf8_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encode: object, said: str
) -> None:
    good = saved(tmp_path)
    other = tmp_path / "new.json"
    other.write_bytes(encode(good.read_text(encoding="utf-8")))  # type: ignore[operator]
    err = one_line(capsys, "diff", str(good), str(other))
    assert err.startswith(f"care-timeline: error: NEW.json {other}: ")
    assert said in err


def test_a_byte_order_mark_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = saved(tmp_path)
    other = tmp_path / "new.json"
    other.write_bytes(codecs.BOM_UTF8 + good.read_bytes())
    assert main(["diff", str(good), str(other)]) == 0
    assert "Nothing changed." in capsys.readouterr().out


def test_a_folder_or_a_missing_file_is_one_line_naming_the_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = saved(tmp_path)
    err = one_line(capsys, "diff", str(tmp_path), str(good))
    assert (
        err == f"care-timeline: error: OLD.json {tmp_path}: a folder, not a file; expected a plan\n"
    )
    err = one_line(capsys, "diff", str(good), str(tmp_path / "nope.json"))
    assert err == f"care-timeline: error: NEW.json {tmp_path / 'nope.json'}: no such file\n"


def test_load_plan_reads_within_the_limit_and_names_the_file(tmp_path: Path) -> None:
    good = saved(tmp_path)
    assert ct.load_plan(good) == ct.Plan.model_validate_json(good.read_text(encoding="utf-8"))
    bad = tmp_path / "bad.json"
    data = json.loads(good.read_text(encoding="utf-8"))
    data["milestones"][0]["every_days"] = 0
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ct.PlanError) as caught:
        ct.load_plan(bad)
    assert str(caught.value).startswith(f"{bad}: milestones[0].every_days: 0 is not valid")
    assert caught.value.field == "milestones[0].every_days"


# -- protocols: the same reader -----------------------------------------------------------


def test_a_protocol_in_utf16_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clinic.toml"
    path.write_bytes(codecs.BOM_UTF16_LE + ct.default_protocol_text().encode("utf-16-le"))
    err = one_line(capsys, "protocol", "validate", str(path))
    assert err.startswith(f"care-timeline: error: {path}: UTF-16 text")
