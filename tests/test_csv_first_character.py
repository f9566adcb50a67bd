"""Every CSV the package writes neutralises a formula from a cell's very first
character: a cell that starts with a separator (``;=1+1``, a tab or a line break
first) is a cell of its own in a spreadsheet that splits there, so the formula sign
after it gets the quote too (docs/batch.md)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import care_timeline as ct
from care_timeline.cli import main
from care_timeline.csv_cells import neutralise, unneutralise

SIGNS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TODAY = date(2026, 11, 24)
TITLE = 'title = "Weeks when a weak cervix may open early"'


def live_formulas(text: str) -> list[str]:
    """The pieces of the CSV's cells that a spreadsheet splitting at ``;``, a tab or a
    line break would run as a formula (a plain number is a number, not a formula)."""
    found = []
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            for piece in re.split(r"[;\t\r\n]", cell):
                visible = piece.lstrip(" \u00a0\u3000\u200b")
                if visible.startswith(SIGNS) and not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", piece):
                    found.append(piece)
    return found


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (";=1+1", ";'=1+1"),  # a separator first: the formula is a cell of its own
        (";@SUM(A1)", ";'@SUM(A1)"),
        ("\t=1", "'\t'=1"),  # a tab first: both where it is skipped and where it splits
        ("\r+1", "'\r'+1"),
        ("\n=1", "\n'=1"),  # a line break first
        ("; \uff1d1", ";' \uff1d1"),  # blanks and a fullwidth sign after the separator
    ],
)
def test_a_separator_at_the_very_start(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown
    assert live_formulas(f'"{shown}"\r\n') == []


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (";=1+1", ";'=1+1"),
        ("\t=1", "'\t'=1"),
        ("x;\t=1", "x;'\t'=1"),  # a quote after each of two separators before the sign
        ("A;=B", "A;'=B"),
        ("\uff1dCD", "'\uff1dCD"),  # a fullwidth sign first
        (" =1", "' =1"),
        ("-2", "-2"),  # a number is left as it is
        ("it's", "it's"),
    ],
)
def test_a_neutralised_cell_is_read_back_as_it_was(cell: str, shown: str) -> None:
    assert neutralise(cell) == shown
    assert unneutralise(shown) == cell


@given(st.text(alphabet=";\t\r\n =+-@'x1\uff1d\u200b\u00a0", max_size=10))
def test_reading_back_inverts_neutralising(text: str) -> None:
    cell = neutralise(text)
    back = unneutralise(cell)
    assert neutralise(back) == cell  # always a text that is written the same
    if "'" not in text:  # and the text itself, unless it had a quote of its own
        assert back == text


def clinic_protocol() -> ct.Protocol:
    """The default protocol with a title that starts with ';=' (a clinic's file)."""
    text = ct.default_protocol_text().replace(TITLE, 'title = ";=HYPERLINK(\\"x\\")"')
    return ct.parse_protocol(text)


def test_the_plan_csv_from_protocol_texts_and_the_plan_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    protocol = tmp_path / "clinic.toml"
    protocol.write_text(
        ct.default_protocol_text().replace(TITLE, 'title = ";=HYPERLINK(\\"x\\")"'),
        encoding="utf-8",
    )
    argv = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "--format", "csv"]
    assert main([*argv, "--protocol", str(protocol), "--plan-id", ";=1+1"]) == 0
    text = capsys.readouterr().out
    assert live_formulas(text) == []
    first = next(csv.reader(io.StringIO(text.split("\r\n")[1])))
    assert first[:3] == [";'=1+1", "cervical-change-risk", ';\'=HYPERLINK("x")']


def test_errors_and_manifest_csv(tmp_path: Path) -> None:
    rows = [
        {"id": ";=1+1", "due_date": "soon"},  # bad: in errors.csv
        {"id": ";@SUM(A1)", "due_date": "2027-05-10"},  # good: in manifest.csv
    ]
    ct.write_batch(rows, tmp_path / "out", ct.RowOptions(today=TODAY), format="json", jobs=1)
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8")
    manifest = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8")
    assert live_formulas(errors) == [] and live_formulas(manifest) == []
    assert '1,";\'=1+1",due_date,' in errors
    assert ";'@SUM(A1)" in manifest


def test_the_diff_csv() -> None:
    protocol = clinic_protocol()
    dating = ct.Dating.from_due_date(date(2027, 5, 10))
    old = ct.plan(dating, protocol=protocol, today=TODAY, plan_id="7781")
    later = ct.Dating.from_due_date(date(2027, 5, 15))
    new = ct.plan(later, protocol=protocol, today=TODAY, plan_id="7781")
    text = ct.render_diff(ct.diff(old, new), "csv").decode()
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert ';\'=HYPERLINK("x")' in cells  # the title of a milestone that moved
    assert live_formulas(text) == []


def test_the_upcoming_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text('id,due_date\n";=2+2",2027-05-10\n', encoding="utf-8")
    code = main(
        [
            "upcoming",
            str(patients),
            "--from",
            "2026-11-01",
            "--to",
            "2027-06-01",
            "--today",
            "2026-11-24",
            "--format",
            "csv",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert ";'=2+2" in text
    assert live_formulas(text) == []
