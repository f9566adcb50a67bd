"""Many patients at once: rows of fields in, one plan (or one error) per row out.

Rows are read lazily and handed to worker processes in small chunks, with only
a few chunks in flight, so memory stays flat however long the file is; results
come back in row order, so the same file gives the same output every time.

- :func:`read_patients` reads a patients CSV file (the columns are the
  command-line flag names with underscores; see :data:`care_timeline.inputs.FIELDS`);
- :func:`plan_many` yields a :class:`PlanResult` or a :class:`RowError` per row;
- :func:`write_batch` writes one file per good row and ``errors.csv`` beside them.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import os
import re
import signal
import time
from array import array
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

from .dates import DateOrder
from .errors import CareTimelineError
from .export import BATCH_FORMATS, DEFAULT_REMINDER, render
from .export.csv_table import neutralise
from .inputs import FIELDS, FieldValue, dating_from_fields, profile_from_fields
from .plan import Plan
from .planning import plan
from .protocol import Protocol, default_protocol
from .writing import new_file_mode, write_atomic

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = [
    "BATCH_FORMATS",
    "ERRORS_FILE",
    "BatchReport",
    "PatientRow",
    "PlanResult",
    "RowError",
    "count_rows",
    "file_name",
    "parse_jobs",
    "plan_many",
    "ProgressBar",
    "progress_bar",
    "read_patients",
    "write_batch",
]

ERRORS_FILE = "errors.csv"
ERROR_COLUMNS = ("line", "id", "field", "error")
CHUNK_ROWS = 32
"""Rows per task sent to a worker: enough to make the hand-over cheap, few
enough that the last chunks do not leave cores idle."""
CHUNKS_IN_FLIGHT_PER_JOB = 2
"""One chunk running and one queued per worker keeps every core busy while
memory holds only a handful of chunks."""
SUMMARY_ROWS = 20
"""Bad rows listed on stderr; errors.csv has them all."""


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


@dataclass(frozen=True)
class PlanResult:
    """A row that gave a plan; ``plan.plan_id`` is the row's ``id``."""

    line: int
    id: str
    plan: Plan


@dataclass(frozen=True)
class RowError:
    """A row that gave no plan: which row, which field, and why."""

    line: int
    id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, id {_shown(self.id)}: {self.message}"


def _shown(text: str) -> str:
    text = text if len(text) <= 40 else text[:37] + "..."
    return repr(text)


# -- reading a patients file ----------------------------------------------------


def read_patients(path: str | os.PathLike[str]) -> Iterator[PatientRow]:
    """The rows of a patients CSV file, read lazily (UTF-8, with or without a BOM).

    The header is checked at once: every column must be one of
    :data:`care_timeline.inputs.FIELDS` (written in any case, ``-`` or ``_``),
    because a misspelt column would silently drop a fact, and ``id`` must be
    there. Rows with nothing in them are skipped. A row with more cells than
    the header (other than empty ones) or fewer is passed on with its cells
    with its ``problem`` set, so that it becomes a :class:`RowError`.

    Raises :class:`~care_timeline.errors.CareTimelineError` for a bad header or
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
                raise CareTimelineError(
                    f"{name}: not UTF-8 text (byte {err.object[err.start]:#04x} on line {line}); "
                    "save the file as CSV UTF-8"
                ) from None
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise CareTimelineError(
                f"{name}: not UTF-8 text (it ends inside a character); save the file as CSV UTF-8"
            ) from None


def _next_record(name: str, reader: Iterator[list[str]]) -> list[str] | None:
    try:
        return next(reader, None)
    except UnicodeDecodeError as err:
        raise CareTimelineError(
            f"{name}: not UTF-8 text (byte {err.object[err.start]:#04x}); "
            "save the file as CSV UTF-8"
        ) from None
    except csv.Error as err:
        raise CareTimelineError(f"{name}: not a readable CSV file: {err}") from None


def _column(cell: str) -> str:
    return cell.strip().lower().replace("-", "_")


def _header(name: str, cells: list[str] | None) -> tuple[str, ...]:
    if not cells or not any(cell.strip() for cell in cells):
        raise CareTimelineError(f"{name}: no header row; expected column names like id,due_date")
    columns = tuple(_column(cell) for cell in cells)
    for number, column in enumerate(columns, start=1):
        if not column:
            raise CareTimelineError(f"{name}: column {number} has no name")
        if column not in FIELDS:
            raise CareTimelineError(
                f"{name}: unknown column {cells[number - 1].strip()!r}; "
                f"expected column names from: {', '.join(FIELDS)}"
            )
        if column in columns[: number - 1]:
            raise CareTimelineError(f"{name}: column {column!r} appears twice")
    if "id" not in columns:
        raise CareTimelineError(f"{name}: no 'id' column; every row needs an id")
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


def count_rows(path: str | os.PathLike[str]) -> int | None:
    """How many non-empty rows follow the header (for a progress bar), or None."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = sum(1 for cells in csv.reader(handle) if any(c.strip() for c in cells))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return max(rows - 1, 0)


# -- one row --------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """What every row of one batch shares; sent to the workers with each chunk."""

    today: date
    protocol: Protocol
    date_order: DateOrder | None
    out: Path | None = None
    format: str = "json"
    timestamp: datetime | None = None
    calendar_name: str | None = None
    reminders: timedelta | None = None


def _plan_row(row: PatientRow, job: _Job) -> Plan | RowError:
    fields = row.fields
    try:
        if row.problem is not None:
            raise CareTimelineError(f"row: {row.problem}", field="row")
        for key in fields:
            if key not in FIELDS:
                raise CareTimelineError(
                    f"{key}: not a field; expected fields from: {', '.join(FIELDS)}", field=key
                )
        dating = dating_from_fields(fields, today=job.today, date_order=job.date_order)
        profile = profile_from_fields(fields, date_order=job.date_order)
        return plan(dating, profile, protocol=job.protocol, today=job.today, plan_id=row.id)
    except CareTimelineError as err:
        return _row_error(row.line, row.id, err)


def _row_error(line: int, row_id: str, err: CareTimelineError) -> RowError:
    if err.field == "plan_id":  # the row's id is the plan id
        err = CareTimelineError(field="id", value=err.value, allowed=err.allowed)
    return RowError(line, row_id, err.field or "row", str(err))


# A chunk entry is a row still to plan (with the file name to write it to, when
# writing) or an error found while reading.
_Entry = tuple[PatientRow, str] | RowError


def _plan_chunk(job: _Job, chunk: list[_Entry]) -> list[PlanResult | RowError]:
    results: list[PlanResult | RowError] = []
    for entry in chunk:
        if isinstance(entry, RowError):
            results.append(entry)
            continue
        row, _ = entry
        made = _plan_row(row, job)
        results.append(made if isinstance(made, RowError) else PlanResult(row.line, row.id, made))
    return results


def _write_chunk(job: _Job, chunk: list[_Entry]) -> list[RowError | None]:
    """Plan and write each row; None for a row written. Runs in a worker."""
    assert job.out is not None
    results: list[RowError | None] = []
    for entry, made in zip(chunk, _plan_chunk(job, chunk), strict=True):
        if isinstance(made, RowError):
            results.append(made)
            continue
        assert not isinstance(entry, RowError)  # a plan came from a row
        try:
            data = render(
                made.plan,
                job.format,
                timestamp=job.timestamp,
                calendar_name=job.calendar_name,
                reminders=job.reminders,
            )
        except CareTimelineError as err:  # this row's fault; the others go on
            results.append(_row_error(made.line, made.id, err))
            continue
        write_atomic(job.out / entry[1], data)
        results.append(None)
    return results


# -- ids and file names -----------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{kind}{n}" for kind in ("com", "lpt") for n in range(10)]
)


def file_name(plan_id: str, format: str) -> str:
    """The file a plan id's export is written to: ``{id}.{format}`` when the id is
    safe as it is, else the id with every other character replaced by ``_`` and
    ``~`` plus a hash of the whole id appended, so two ids never share a name.

    >>> file_name("clinic-42.7781", "ics"), file_name("clinic-42/7781", "ics")
    ('clinic-42.7781.ics', 'clinic-42_7781~466f0795c66a.ics')
    """
    stem = _UNSAFE.sub("_", plan_id)
    lowered = stem.lower()
    if (
        stem != plan_id
        or stem.startswith((".", "-"))  # hidden, or read as an option by shell tools
        or lowered == Path(ERRORS_FILE).stem
        or lowered.split(".")[0] in _WINDOWS_DEVICES
    ):
        digest = hashlib.sha256(plan_id.encode("utf-8", "surrogatepass")).hexdigest()
        stem = "_" + stem[1:] if stem.startswith((".", "-")) else stem
        stem = f"{stem}~{digest[:12]}"
    return f"{stem}.{format}"


class _SeenIds:
    """Which ids a batch has had, in about 24 bytes each: the one thing that grows
    with the file, so it is kept far smaller than a set of strings would be.

    Like a dict, entries are stored densely in arrays (a 64-bit hash of the key,
    the line, a 32-bit hash of the exact id), and a table of slots, at most half
    full, points into them. Two different keys share a 64-bit hash with a chance
    of about 1 in 10**9 in a file of 100,000 rows; the later row is then reported
    as a duplicate (never silently dropped or overwritten).
    """

    def __init__(self) -> None:
        self._slots = array("I", bytes(4 * 1024))  # entry number + 1; 0 is empty
        self._keys = array("Q")
        self._lines = array("I")
        self._exact = array("I")

    @staticmethod
    def _hash(text: str) -> int:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return int.from_bytes(digest, "little")

    def add(self, key: str, exact: str, line: int) -> tuple[int, bool] | None:
        """Record ``key`` from ``line``. If it was there before: the earlier line,
        and whether the earlier ``exact`` text was the same."""
        wanted, same = self._hash(key), self._hash(exact) & 0xFFFFFFFF
        mask = len(self._slots) - 1
        slot = wanted & mask
        while entry := self._slots[slot]:
            if self._keys[entry - 1] == wanted:
                return self._lines[entry - 1], self._exact[entry - 1] == same
            slot = (slot + 1) & mask
        self._keys.append(wanted)
        self._lines.append(min(line, 0xFFFFFFFF))
        self._exact.append(same)
        self._slots[slot] = len(self._keys)
        if len(self._keys) * 2 > len(self._slots):
            self._grow()
        return None

    def _grow(self) -> None:
        self._slots = array("I", bytes(8 * len(self._slots)))
        mask = len(self._slots) - 1
        for number, key in enumerate(self._keys, start=1):
            slot = key & mask
            while self._slots[slot]:
                slot = (slot + 1) & mask
            self._slots[slot] = number


def _entries(
    rows: Iterable[PatientRow | Mapping[str, FieldValue]], format: str | None
) -> Iterator[_Entry]:
    """Each row with its file name, or the error that its id alone makes it.

    Duplicates are found here, in one process, in file order: the later row of
    two with one id is the bad one. When writing files, ids that differ only in
    case count as the same, because they would overwrite each other on the
    case-insensitive file systems of Windows and macOS.
    """
    seen = _SeenIds()
    for position, item in enumerate(rows, start=1):
        row = item if isinstance(item, PatientRow) else PatientRow(position, item)
        plan_id = row.id
        if not plan_id:
            yield RowError(row.line, "", "id", "id: empty; every row needs an id")
            continue
        name = file_name(plan_id, format) if format else ""
        earlier = seen.add(name.lower() if format else plan_id, plan_id, row.line)
        if earlier is not None:
            line, same = earlier
            why = (
                f"id: {_shown(plan_id)} is also the id on line {line}"
                if same
                else f"id: {_shown(plan_id)} differs only in case from the id on line {line}, "
                "and the two files would overwrite each other on some systems"
            )
            yield RowError(row.line, plan_id, "id", why + "; expected a different id on each row")
            continue
        yield row, name


# -- running chunks in order ------------------------------------------------------

_R = TypeVar("_R")


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's group: the main process
    # stops the batch, and the workers finish their current row's file so that
    # no file is cut short, instead of dying mid-write with tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(
    work: Callable[[_Job, list[_Entry]], list[_R]],
    job: _Job,
    entries: Iterator[_Entry],
    jobs: int,
) -> Generator[list[_R], None, None]:
    """``work`` over chunks of entries, in order, with a bounded number in flight."""
    chunks = iter(lambda: list(islice(entries, CHUNK_ROWS)), [])
    if jobs == 1:
        for chunk in chunks:
            yield work(job, chunk)
        return
    # Imported here: a command that plans one patient should not pay for it.
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    try:
        pending: deque[Future[list[_R]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(work, job, chunk))
            if len(pending) >= jobs * CHUNKS_IN_FLIGHT_PER_JOB:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def parse_jobs(text: str | int | None) -> int:
    """``--jobs``: a whole number of worker processes, 1 or more (default: every core)."""
    if text is None:
        return os.cpu_count() or 1
    digits = str(text).strip()
    if not (digits.isascii() and digits.isdigit()) or int(digits) < 1:
        raise CareTimelineError(
            field="jobs", value=text, allowed="a whole number of worker processes, 1 or more"
        )
    return int(digits)


# -- the public batch API -----------------------------------------------------------


def plan_many(
    rows: Iterable[PatientRow | Mapping[str, FieldValue]],
    *,
    today: date,
    protocol: Protocol | None = None,
    date_order: DateOrder | None = None,
    jobs: int = 1,
) -> Iterator[PlanResult | RowError]:
    """A :class:`PlanResult` or a :class:`RowError` for each row, in order.

    ``rows`` are :class:`PatientRow` (from :func:`read_patients`) or plain
    mappings with the same keys, whose ``line`` is then their position from 1.
    A row's ``id`` is its plan id; a repeated id makes the later row an error.
    ``jobs`` above 1 plans in that many worker processes (rows and results then
    travel between processes, which pays off for large inputs).

    >>> from datetime import date
    >>> rows = [{"id": "a", "due_date": "2027-05-10"}, {"id": "b", "lmp": "2026-13-01"}]
    >>> for result in plan_many(rows, today=date(2026, 11, 24)):
    ...     print(result.id, getattr(result, "field", "ok"))
    a ok
    b lmp
    """
    job = _Job(
        today=today,
        protocol=default_protocol() if protocol is None else protocol,
        date_order=date_order,
    )
    jobs = parse_jobs(jobs)
    with contextlib.closing(_run(_plan_chunk, job, _entries(rows, None), jobs)) as chunks:
        for results in chunks:
            yield from results


@dataclass
class BatchReport:
    """What :func:`write_batch` did."""

    out: Path
    format: str
    written: int = 0
    bad_rows: int = 0
    first_errors: list[RowError] = field(default_factory=list)
    """The first :data:`SUMMARY_ROWS` bad rows; ``errors.csv`` lists them all."""

    @property
    def errors_file(self) -> Path:
        return self.out / ERRORS_FILE

    def summary(self, prog: str = "care-timeline") -> str:
        """Lines for stderr: the counts, and the first bad rows."""
        plans = f"{self.written} {self.format} file{'s' if self.written != 1 else ''}"
        if not self.bad_rows:
            return f"{prog}: {plans} written to {self.out}\n"
        rows = f"{self.bad_rows} bad row{'s' if self.bad_rows != 1 else ''}"
        lines = [f"{prog}: {plans} written to {self.out}; {rows}, listed in {self.errors_file}:"]
        lines.extend(f"  {error}" for error in self.first_errors)
        if self.bad_rows > len(self.first_errors):
            lines.append(f"  ... and {self.bad_rows - len(self.first_errors)} more")
        return "\n".join(lines) + "\n"


class _ErrorLog:
    """errors.csv, written row by row as bad rows turn up (so memory stays flat)
    into a temporary file that replaces the old one only when the batch is done,
    the streaming form of :func:`~care_timeline.writing.write_atomic`."""

    def __init__(self, path: Path) -> None:
        import tempfile

        self.path = path
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        self.temp = Path(temp)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\r\n")
        self.writer.writerow(ERROR_COLUMNS)

    def add(self, error: RowError) -> None:
        cells = (str(error.line), error.id, error.field, error.message)
        self.writer.writerow([neutralise(cell) for cell in cells])

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.chmod(self.temp, new_file_mode())
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()


def write_batch(
    rows: Iterable[PatientRow | Mapping[str, FieldValue]],
    out: str | os.PathLike[str],
    *,
    format: str,
    today: date,
    protocol: Protocol | None = None,
    date_order: DateOrder | None = None,
    timestamp: datetime | None = None,
    calendar_name: str | None = None,
    reminders: timedelta | None = DEFAULT_REMINDER,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchReport:
    """Write one file per good row into ``out`` (:func:`file_name`), and every bad
    row (line, id, field, why) into ``out/errors.csv``, which is always written.

    Each file is written atomically, so an interrupted batch leaves whole files
    only; the same rows and ``timestamp`` give the same bytes. ``jobs`` worker
    processes plan and write (default: every core); ``progress`` is called with
    the number of rows done so far.
    """
    if format not in BATCH_FORMATS:
        raise CareTimelineError(
            field="format", value=format, allowed="one of " + ", ".join(BATCH_FORMATS)
        )
    if format == "ics" and calendar_name is not None:
        from .export.ics import check_calendar_name

        check_calendar_name(calendar_name)  # once, before any row is written
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    job = _Job(
        today=today,
        protocol=default_protocol() if protocol is None else protocol,
        date_order=date_order,
        out=folder,
        format=format,
        timestamp=timestamp,
        calendar_name=calendar_name,
        reminders=reminders,
    )
    report = BatchReport(out=folder, format=format)
    log = _ErrorLog(folder / ERRORS_FILE)
    done = 0
    try:
        runs = _run(_write_chunk, job, _entries(rows, format), parse_jobs(jobs))
        with contextlib.closing(runs) as chunks:
            for results in chunks:
                for result in results:
                    if result is None:
                        report.written += 1
                        continue
                    report.bad_rows += 1
                    log.add(result)
                    if len(report.first_errors) < SUMMARY_ROWS:
                        report.first_errors.append(result)
                done += len(results)
                if progress is not None:
                    progress(done)
        log.commit()
    except BaseException:
        log.discard()
        raise
    return report


# -- the progress bar ---------------------------------------------------------------


class ProgressBar:
    """One line on a terminal, redrawn at most every ``interval`` seconds:
    rows done of ``total`` (when known) and the rate. Call it with the rows
    done so far; :meth:`close` erases it."""

    def __init__(self, total: int | None, stream: IO[str], *, interval: float = 0.1) -> None:
        self.total, self.stream, self.interval = total, stream, interval
        self.started = self.last = time.monotonic()
        self.shown = False

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        if self.total:
            width = 30
            filled = min(width, done * width // self.total)
            line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} rows"
        else:
            line = f"{done} rows"
        self.stream.write(f"\r{line}, {rate:.0f} rows/s\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def progress_bar(path: str | os.PathLike[str], stream: IO[str]) -> ProgressBar | None:
    """A progress bar for a batch of the rows in ``path`` on ``stream``, or None
    when ``stream`` is not a terminal (a log file gets no bar)."""
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return None
    return ProgressBar(count_rows(path), stream)
