"""Writing a batch: one file per good row, every bad row in ``errors.csv``."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from .._files import AtomicFile, write_atomic
from ..errors import BatchError, CareTimelineError
from ..export import BATCH_FORMATS, DEFAULT_REMINDER, render
from ..export.csv_table import csv_lines
from ..fields import FieldValue
from ..protocol import Protocol, default_protocol
from ..values import DateOrder, parse_jobs
from ._pool import run_in_order
from .file_names import ERRORS_FILE
from .patients_csv import PatientRow
from .rows import BatchSettings, Entry, RowError, entries, plan_chunk, row_error

__all__ = ["ERROR_COLUMNS", "SUMMARY_ROWS", "BatchReport", "write_batch"]

ERROR_COLUMNS = ("line", "id", "field", "error")
SUMMARY_ROWS = 20
"""Bad rows listed on stderr; errors.csv has them all."""


def _write_chunk(settings: BatchSettings, chunk: list[Entry]) -> list[RowError | None]:
    """Plan and write each row; None for a row written. Runs in a worker."""
    assert settings.out is not None
    results: list[RowError | None] = []
    for entry, made in zip(chunk, plan_chunk(settings, chunk), strict=True):
        if isinstance(made, RowError):
            results.append(made)
            continue
        assert not isinstance(entry, RowError)  # a plan came from a row
        try:
            data = render(
                made.plan,
                settings.format,
                timestamp=settings.timestamp,
                calendar_name=settings.calendar_name,
                reminders=settings.reminders,
            )
        except CareTimelineError as err:  # this row's fault; the others go on
            results.append(row_error(made.line, made.id, err))
            continue
        write_atomic(settings.out / entry[1], data)
        results.append(None)
    return results


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
    """errors.csv, written row by row as bad rows turn up (so memory stays flat),
    appearing under its name only when the batch is done."""

    def __init__(self, path: Path) -> None:
        self.file = AtomicFile(path)
        self.file.write(csv_lines([ERROR_COLUMNS]).encode())

    def add(self, error: RowError) -> None:
        row = (str(error.line), error.id, error.field, error.message)
        self.file.write(csv_lines([row]).encode())


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
    """Write one file per good row into ``out`` (named by :func:`file_name`), and every bad
    row (line, id, field, why) into ``out/errors.csv``, which is always written.

    Each file is written atomically, so an interrupted batch leaves whole files
    only; the same rows and ``timestamp`` give the same bytes. ``jobs`` worker
    processes plan and write (default: every core); ``progress`` is called with
    the number of rows done so far.
    """
    if format not in BATCH_FORMATS:
        raise BatchError(field="format", value=format, allowed="one of " + ", ".join(BATCH_FORMATS))
    if format == "fhir":
        from ..export._fhir import check_available

        check_available()  # once, naming the extra to install, before any row is planned
    if format == "ics" and calendar_name is not None:
        from ..export.ics import check_calendar_name

        check_calendar_name(calendar_name)  # once, before any row is written
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    settings = BatchSettings(
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
    workers = parse_jobs(jobs)
    log = _ErrorLog(folder / ERRORS_FILE)
    done = 0
    try:
        runs = run_in_order(_write_chunk, settings, entries(rows, format), workers)
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
        log.file.commit()
    except BaseException:
        log.file.discard()
        raise
    return report
