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
when the rows are done. The second pass reads the very bytes the first one
checked: the first records a digest of every block of the file, and the second
compares each block with it before any of its rows is handed out, so a file edited
in place (or replaced, grown or cut) between the two is refused with "the file
changed while it was read", never planned half old and half new.

Reading is bounded: a file larger than :data:`MAX_FILE_BYTES` is refused before it
is read (a pipe once that much has come), and so is a line longer than
:data:`MAX_LINE` characters, so ``/dev/zero`` or a file with no line breaks stops
at once rather than filling the memory or the disk.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
import tempfile
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, BinaryIO

from ..errors import PatientsFileError
from ..fields import FieldValue
from ..files import size_text
from ..safe_text import for_terminal
from ._same_bytes import Blocks, Changed, Digests
from .columns import check_header, ignored_columns

__all__ = [
    "MAX_CELL",
    "MAX_FILE_BYTES",
    "MAX_LINE",
    "PatientRow",
    "PatientRows",
    "count_patients",
    "lines_within",
    "read_patients",
]

MAX_CELL = 128 * 1024
"""The longest cell, in characters (the ``csv`` module's own limit): a cell this
long is a quote gone wrong, never a patient's fact."""
MAX_LINE = 1024 * 1024
"""The longest line, in characters, line break included: a line this long is not a
patient's row (a row of every column is a few hundred characters), and nothing
longer is ever held in memory."""
MAX_FILE_BYTES = 1 << 30
"""The largest patients file (1 GiB): about ten million patients at a hundred bytes
a row. A larger regular file is refused before it is read; a pipe, once that much
has come."""
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
        digests: Digests | None = None,
    ) -> None:
        self.name = name
        self.header = header
        self.count = count
        """Rows after the header that are not empty."""
        self._handle = handle
        self._rows = _rows(name, handle, header, ignored, digests or Digests())

    def is_file(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` names the very file these rows are read from (a link to it,
        another spelling of its name): an output there would overwrite them."""
        try:
            mine, other = os.fstat(self._handle.fileno()), os.stat(path)
        except (OSError, ValueError):
            return False
        return (mine.st_dev, mine.st_ino) == (other.st_dev, other.st_ino)

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
    handle = _rereadable(name, shown)
    digests = Digests()
    try:
        header, count = _check(shown, handle, ignored, digests)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return PatientRows(shown, handle, header, count, ignored, digests)


def _too_large(shown: str) -> PatientsFileError:
    return PatientsFileError(
        f"{shown}: larger than {size_text(MAX_FILE_BYTES)}; split it into several patients files"
    )


def _rereadable(name: str, shown: str) -> BinaryIO:
    """The file opened for reading twice: a regular file as it is, anything else
    (a pipe, a terminal, a socket) copied into a private temporary file first, as
    far as the limits allow."""
    source = open(name, "rb")  # noqa: SIM115 (returned, or closed below)
    try:
        info = os.fstat(source.fileno())
        if stat.S_ISREG(info.st_mode) and source.seekable():
            if info.st_size > MAX_FILE_BYTES:
                raise _too_large(shown)
            return source
        copy = tempfile.TemporaryFile(prefix="care-timeline-")  # noqa: SIM115 (returned)
        try:
            with source:
                _copy_bounded(shown, source, copy)
            copy.seek(0)
        except BaseException:
            copy.close()
            raise
        return copy
    except BaseException:
        source.close()
        raise


def _copy_bounded(shown: str, source: BinaryIO, copy: IO[bytes]) -> None:
    """Copy a stream, stopping at :data:`MAX_FILE_BYTES` or at a line longer than a
    line may be (counted in bytes, four to a character at most)."""
    total = since_line_break = line_breaks = 0
    while chunk := source.read(1 << 16):
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise _too_large(shown)
        last = chunk.rfind(b"\n")
        since_line_break = len(chunk) - last - 1 if last >= 0 else since_line_break + len(chunk)
        line_breaks += chunk.count(b"\n")
        if since_line_break > 4 * MAX_LINE:
            raise _long_line(shown, line_breaks + 1)
        copy.write(chunk)


def _long_line(shown: str, line: int) -> PatientsFileError:
    return PatientsFileError(
        f"{shown}: line {line}: longer than {MAX_LINE:,} characters; no patient's row is "
        "that long (is it a patients CSV file?)"
    )


def _text(raw: io.RawIOBase) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedReader(raw), encoding="utf-8-sig", newline="")


def _check(
    shown: str, handle: BinaryIO, ignored: frozenset[str], digests: Digests
) -> tuple[tuple[str, ...], int]:
    """The first pass: the header, and the number of non-empty rows after it, or
    a :class:`PatientsFileError` naming the first fault's line. It records the
    digests the second pass compares."""
    text = _text(Blocks(handle, digests, record=True))
    try:
        records = _records(shown, text)
        header = check_header(shown, next(records, None), ignored)
        count = sum(1 for _, cells in records if any(cell.strip() for cell in cells))
    except UnicodeDecodeError:
        raise _not_utf8(shown, handle) from None
    return header, count


def lines_within(shown: str, text: IO[str], limit: int = MAX_LINE) -> Iterator[str]:
    """The lines of ``text``, none longer than ``limit`` characters (its line break
    included): a longer one is a :class:`PatientsFileError` naming its line, found
    without ever holding more than ``limit`` characters of it."""
    number = 0
    while line := text.readline(limit + 1):
        number += 1
        if len(line) > limit:
            raise _long_line(shown, number)
        yield line


def _records(shown: str, text: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on; a fault of quoting or size is a
    :class:`PatientsFileError` naming the line."""
    reader = csv.reader(lines_within(shown, text), strict=True)
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


def _rows(
    shown: str,
    handle: BinaryIO,
    header: tuple[str, ...],
    ignored: frozenset[str],
    digests: Digests,
) -> Generator[PatientRow, None, None]:
    """The second pass: the rows the first pass checked, one at a time, from blocks
    that are the very bytes it checked."""
    with handle:
        text = _text(Blocks(handle, digests, record=False))
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
        except (UnicodeDecodeError, Changed):
            raise PatientsFileError(f"{shown}: the file changed while it was read") from None
        except PatientsFileError as err:
            raise PatientsFileError(f"{err} (the file changed while it was read)") from None


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
