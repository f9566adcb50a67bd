"""Reading a patients CSV file: one row per patient, the columns being the
command-line flag names with underscores (see :data:`care_timeline.fields.FIELDS`)."""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from ..errors import PatientsFileError
from ..fields import FIELDS, FieldValue

__all__ = ["PatientRow", "count_patients", "read_patients"]


@dataclass(frozen=True)
class PatientRow:
    """One row of a patients file: where it came from and its fields (column -> text)."""

    line: int
    """The line of the file the row starts on (the header is line 1)."""
    fields: Mapping[str, FieldValue]
    problem: str | None = None
    """Why the row cannot be read at all (a wrong number of cells), if it cannot."""

    @property
    def id(self) -> str:
        value = self.fields.get("id")
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # a script's numeric ids
        return value.strip() if isinstance(value, str) else ""


def read_patients(path: str | os.PathLike[str]) -> Iterator[PatientRow]:
    """The rows of a patients CSV file, read lazily (UTF-8, with or without a BOM).

    The header is checked at once: every column must be one of
    :data:`care_timeline.fields.FIELDS` (written in any case, ``-`` or ``_``),
    because a misspelt column would silently drop a fact, and ``id`` must be
    there. Rows with nothing in them are skipped. A row with more cells than
    the header (other than empty ones) or fewer is passed on with its cells
    with its ``problem`` set, so that it becomes a :class:`RowError`.

    Raises :class:`~care_timeline.errors.PatientsFileError` for a bad header or
    a file that is not UTF-8 CSV, and ``OSError`` for a file that cannot be read.
    """
    name = os.fspath(path)
    _check_utf8(name)
    handle = open(name, encoding="utf-8-sig", newline="")  # noqa: SIM115 (the generator closes it)
    try:
        reader = csv.reader(handle)
        header = _header(name, _next_record(name, reader))
    except BaseException:
        handle.close()
        raise
    return _rows(name, handle, reader, header)


def _check_utf8(name: str) -> None:
    """Refuse a file that is not UTF-8 before any row is planned, so a bad byte
    near the end cannot stop a batch halfway with half its files written."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open(name, "rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                line += err.object.count(b"\n", 0, err.start)
                raise PatientsFileError(
                    f"{name}: not UTF-8 text (byte {err.object[err.start]:#04x} on line {line}); "
                    "save the file as CSV UTF-8"
                ) from None
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise PatientsFileError(
                f"{name}: not UTF-8 text (it ends inside a character); save the file as CSV UTF-8"
            ) from None


def _next_record(name: str, reader: Iterator[list[str]]) -> list[str] | None:
    try:
        return next(reader, None)
    except UnicodeDecodeError as err:
        raise PatientsFileError(
            f"{name}: not UTF-8 text (byte {err.object[err.start]:#04x}); "
            "save the file as CSV UTF-8"
        ) from None
    except csv.Error as err:
        raise PatientsFileError(f"{name}: not a readable CSV file: {err}") from None


def _column(cell: str) -> str:
    return cell.strip().lower().replace("-", "_")


def _header(name: str, cells: list[str] | None) -> tuple[str, ...]:
    if not cells or not any(cell.strip() for cell in cells):
        raise PatientsFileError(f"{name}: no header row; expected column names like id,due_date")
    columns = tuple(_column(cell) for cell in cells)
    for number, column in enumerate(columns, start=1):
        if not column:
            raise PatientsFileError(f"{name}: column {number} has no name")
        if column not in FIELDS:
            raise PatientsFileError(
                f"{name}: unknown column {cells[number - 1].strip()!r}; "
                f"expected column names from: {', '.join(FIELDS)}"
            )
        if column in columns[: number - 1]:
            raise PatientsFileError(f"{name}: column {column!r} appears twice")
    if "id" not in columns:
        raise PatientsFileError(f"{name}: no 'id' column; every row needs an id")
    return columns


def _rows(
    name: str, handle: IO[str], reader: Iterator[list[str]], header: tuple[str, ...]
) -> Iterator[PatientRow]:
    with handle:
        line_num = getattr(reader, "line_num", 1)
        while True:
            start = line_num + 1
            cells = _next_record(name, reader)
            if cells is None:
                return
            line_num = getattr(reader, "line_num", line_num + 1)
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header) and not any(c.strip() for c in cells[len(header) :]):
                cells = cells[: len(header)]
            fields: dict[str, FieldValue] = dict(zip(header, cells, strict=False))
            problem = None
            if len(cells) != len(header):
                problem = f"{len(cells)} cells; the header has {len(header)}"
            yield PatientRow(start, fields, problem)


def count_patients(path: str | os.PathLike[str]) -> int | None:
    """How many non-empty rows follow the header (for a progress bar), or None."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = sum(1 for cells in csv.reader(handle) if any(c.strip() for c in cells))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return max(rows - 1, 0)
