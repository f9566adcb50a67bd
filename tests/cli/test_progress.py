"""The batch command's progress bar: drawn on a terminal only."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import _progress

PATIENTS = "id,due_date\n" + "".join(f"p{n},2027-05-10\n" for n in range(14))


@pytest.fixture
def patients(tmp_path: Path) -> Path:
    path = tmp_path / "patients.csv"
    path.write_text(PATIENTS, encoding="utf-8")
    return path


# -- the progress bar ---------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(patients: Path) -> None:
    total = ct.read_patients(patients).count
    assert _progress.progress_bar(total, io.StringIO()) is None
    screen = _Terminal()
    bar = _progress.progress_bar(total, screen)
    assert bar is not None and bar.total == 14  # data rows in the file
    bar.interval = 0
    bar(7)
    assert screen.getvalue().startswith("\r[" + "#" * 15 + "." * 15 + "] 7/14 rows, ")
    bar.close()
    assert screen.getvalue().endswith("\r\x1b[K")
