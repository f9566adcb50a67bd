"""Reading a patients CSV file: one row per patient, the columns being the
command-line flag names with underscores (see :data:`care_timeline.fields.FIELDS`).

The file is read twice. The first pass, before anything is planned or written,
checks the whole file: the header, UTF-8, quoting and cell sizes. A fault
found there refuses the whole file with one message naming its line; nothing
is guessed. A stray quote, above all, would otherwise glue every row up to the
next quote into one cell, and those patients would be neither planned nor
named. Since no column holds a line break, a quoted cell that runs over a line
end is such a fault too. The second pass hands out the rows one at a time, so
memory stays flat however long the file is.

Reading twice needs a file that can be read again: anything else (a pipe,
``/dev/stdin``) is first copied to a private temporary file, which is deleted
when the rows are done.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import stat
import tempfile
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, BinaryIO

from ..errors import BatchError, PatientsFileError
from ..fields import COLUMN_ALIASES, FIELDS, FieldValue
from ..safe_text import for_terminal

__all__ = [
    "MAX_CELL",
    "PatientRow",
    "PatientRows",
    "column_key",
    "count_patients",
    "ignored_columns",
    "read_patients",
]

MAX_CELL = 128 * 1024
"""The longest cell, in characters (the ``csv`` module's own limit): a cell this
long is a quote gone wrong, never a patient's fact."""
_QUOTE_HINT = "a quote there is probably stray or missing its pair"


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


class PatientRows(Iterator[PatientRow]):
    """The rows of a patients file that :func:`read_patients` checked, read as they
    are asked for. ``count`` is the number of rows (for a progress bar)."""

    def __init__(
        self,
        name: str,
        handle: BinaryIO,
        header: tuple[str, ...],
        count: int,
        ignored: frozenset[str] = frozenset(),
    ) -> None:
        self.name = name
        self.header = header
        self.count = count
        """Rows after the header that are not empty."""
        self._handle = handle
        self._rows = _rows(name, handle, header, ignored)

    def __iter__(self) -> PatientRows:
        return self

    def __next__(self) -> PatientRow:
        return next(self._rows)

    def close(self) -> None:
        """Stop reading and close the file (and delete a temporary copy)."""
        self._rows.close()
        self._handle.close()


def read_patients(
    path: str | os.PathLike[str], *, ignore_columns: Iterable[str] = ()
) -> PatientRows:
    """The rows of a patients CSV file (UTF-8, with or without a BOM), checked as a
    whole first and then read lazily.

    The header is checked: every column must be one of
    :data:`care_timeline.fields.FIELDS` (written in any case, ``-`` or ``_``),
    because a misspelt column would silently drop a fact, and ``id`` must be
    there; a column named in ``ignore_columns`` (a clinic export's ``name`` or
    ``phone``, say) is left out of the check and of the rows, unread. Then every row is checked for what would make rows run into each
    other or could not be read at all: bytes that are not UTF-8, a quote that
    is never closed or closes before other text, a quoted cell that runs over
    a line end, a cell over :data:`MAX_CELL` characters. Rows with nothing in
    them are skipped. A row with more cells than the header (other than empty
    ones) or fewer is passed on with its ``problem`` set, so that it becomes a
    :class:`RowError`.

    Raises :class:`~care_timeline.errors.PatientsFileError` for any fault of the
    file as a whole, naming its line, and ``OSError`` for a file that cannot be
    read; both before any row is handed out.
    """
    ignored = frozenset(ignored_columns(ignore_columns))
    name = os.fspath(path)
    shown = for_terminal(name)
    handle = _rereadable(name)
    try:
        header, count = _check(shown, handle, ignored)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return PatientRows(shown, handle, header, count, ignored)


def ignored_columns(names: Iterable[str]) -> tuple[str, ...]:
    """Columns to leave unread, as a header names them (any case, ``-`` or ``_``):
    ``["Phone", "first-name"]`` is ``("phone", "first_name")``. ``id`` cannot be one
    (every row needs it); a name no header has is simply not there to ignore.

    >>> ignored_columns(["Phone", "first-name", "phone"])
    ('phone', 'first_name')
    """
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        raise BatchError(
            field="ignore_columns",
            value=names,
            allowed="a list of column names, like ['name', 'phone']",
        )
    found: list[str] = []
    for given in names:
        column = column_key(given) if isinstance(given, str) else ""
        if not column or column == "id":
            raise BatchError(
                field="ignore_columns",
                value=given,
                allowed="a column's name other than id (every row needs its id)",
            )
        if column not in found:
            found.append(column)
    return tuple(found)


def _rereadable(name: str) -> BinaryIO:
    """The file opened for reading twice: a regular file as it is, anything else
    (a pipe, a terminal, a socket) copied into a private temporary file first."""
    source = open(name, "rb")  # noqa: SIM115 (returned, or closed below)
    try:
        if stat.S_ISREG(os.fstat(source.fileno()).st_mode) and source.seekable():
            return source
        copy = tempfile.TemporaryFile(prefix="care-timeline-")  # noqa: SIM115 (returned)
        try:
            with source:
                shutil.copyfileobj(source, copy)
            copy.seek(0)
        except BaseException:
            copy.close()
            raise
        return copy
    except BaseException:
        source.close()
        raise


def _text(handle: BinaryIO) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")


def _check(shown: str, handle: BinaryIO, ignored: frozenset[str]) -> tuple[tuple[str, ...], int]:
    """The first pass: the header, and the number of non-empty rows after it, or
    a :class:`PatientsFileError` naming the first fault's line."""
    text = _text(handle)
    try:
        records = _records(shown, text)
        header = _header(shown, next(records, None), ignored)
        count = sum(1 for _, cells in records if any(cell.strip() for cell in cells))
    except UnicodeDecodeError:
        raise _not_utf8(shown, handle) from None
    finally:
        text.detach()  # leave the file open for the second pass
    return header, count


def _records(shown: str, text: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on; a fault of quoting or size is a
    :class:`PatientsFileError` naming the line."""
    reader = csv.reader(text, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as err:
            raise _broken(shown, start, reader.line_num, str(err)) from None
        if cells is None:
            return
        if reader.line_num > start:
            raise PatientsFileError(
                f"{shown}: line {start}: a quoted cell runs on over the end of the line "
                f"(to line {reader.line_num}); no column holds a line break, so {_QUOTE_HINT}"
            )
        yield start, cells


def _broken(shown: str, start: int, end: int, why: str) -> PatientsFileError:
    if "field larger than field limit" in why:
        if end > start:
            what = f"a quoted cell runs on from line {start} past line {end} without closing"
            return PatientsFileError(f"{shown}: line {start}: {what}; {_QUOTE_HINT}")
        return PatientsFileError(
            f"{shown}: line {start}: a cell longer than {MAX_CELL} characters; no patient's "
            "fact is that long (is a quote left open?)"
        )
    if "unexpected end of data" in why:
        return PatientsFileError(
            f"{shown}: line {start}: a quote opens a cell that never closes; {_QUOTE_HINT}"
        )
    if "expected after" in why:
        where = "" if end == start else f" (the quote opened on line {start})"
        return PatientsFileError(
            f"{shown}: line {end}: text follows the closing quote of a cell{where}; {_QUOTE_HINT}"
        )
    return PatientsFileError(f"{shown}: line {start}: not a readable CSV row ({why})")


def _not_utf8(shown: str, handle: BinaryIO) -> PatientsFileError:
    """Where the first byte that is not UTF-8 is (read again from the start, only
    when there is one)."""
    handle.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    while chunk := handle.read(1 << 20):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as err:
            line += err.object.count(b"\n", 0, err.start)
            return PatientsFileError(
                f"{shown}: not UTF-8 text (byte {err.object[err.start]:#04x} on line {line}); "
                "save the file as CSV UTF-8"
            )
        line += chunk.count(b"\n")
    return PatientsFileError(
        f"{shown}: not UTF-8 text (it ends inside a character); save the file as CSV UTF-8"
    )


def column_key(cell: str) -> str:
    """A column's name as the header is read: any case, ``-`` or ``_``, spaces around."""
    return cell.strip().lower().replace("-", "_")


def _header(
    shown: str, record: tuple[int, list[str]] | None, ignored: frozenset[str]
) -> tuple[str, ...]:
    cells = record[1] if record is not None else None
    if not cells or not any(cell.strip() for cell in cells):
        raise PatientsFileError(f"{shown}: no header row; expected column names like id,due_date")
    columns = tuple(column_key(cell) for cell in cells)
    for number, column in enumerate(columns, start=1):
        if not column:
            raise PatientsFileError(f"{shown}: column {number} has no name")
        if column in ignored:
            continue
        if column not in FIELDS and column not in COLUMN_ALIASES:
            raise PatientsFileError(
                f"{shown}: unknown column {for_terminal(cells[number - 1].strip())!r}; "
                f"expected column names from: {', '.join(FIELDS)}; other data (a name, "
                "a phone) is left unread with --ignore-column NAME (ignore_columns=)"
            )
        if column in columns[: number - 1]:
            raise PatientsFileError(f"{shown}: column {column!r} appears twice")
        now = COLUMN_ALIASES.get(column)
        if now is not None and now in columns:
            raise PatientsFileError(
                f"{shown}: columns {column!r} and {now!r} are the same fact ({column!r} is "
                f"its earlier name); keep {now!r}"
            )
    if "id" not in columns:
        raise PatientsFileError(f"{shown}: no 'id' column; every row needs an id")
    return columns


def _rows(
    shown: str, handle: BinaryIO, header: tuple[str, ...], ignored: frozenset[str]
) -> Generator[PatientRow, None, None]:
    """The second pass: the rows the first pass checked, one at a time."""
    with handle:
        text = _text(handle)
        try:
            records = _records(shown, text)
            next(records, None)  # the header
            for line, cells in records:
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > len(header) and not any(c.strip() for c in cells[len(header) :]):
                    cells = cells[: len(header)]
                fields: dict[str, FieldValue] = {
                    column: cell
                    for column, cell in zip(header, cells, strict=False)
                    if column not in ignored
                }
                problem = None
                if len(cells) != len(header):
                    problem = f"{len(cells)} cells; the header has {len(header)}"
                yield PatientRow(line, fields, problem)
        except UnicodeDecodeError:
            raise PatientsFileError(f"{shown}: the file changed while it was read") from None
        except PatientsFileError as err:
            raise PatientsFileError(f"{err} (the file changed while it was read)") from None
        finally:
            text.detach()


def count_patients(path: str | os.PathLike[str]) -> int | None:
    """How many non-empty rows follow the header (for a progress bar), or None when
    the file cannot be read as a patients file. Prefer ``read_patients(path).count``,
    which reads the file once for both."""
    try:
        rows = read_patients(path)
    except (OSError, PatientsFileError):
        return None
    rows.close()
    return rows.count
