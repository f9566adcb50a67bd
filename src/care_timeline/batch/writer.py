"""Writing a batch: one file per good row, every bad row in ``errors.csv``, a
file of an earlier run whose row is now bad or gone moved to ``stale/``, and
``manifest.csv``, the list of what this run did, written last."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from ..calendar_options import CalendarOptions
from ..csv_cells import csv_lines
from ..errors import BatchError, CareTimelineError
from ..export import (
    BATCH_FORMATS,
    COMPOSED_CSV_COLUMNS,
    CSV_COLUMNS,
    check_format,
    id_key,
    render,
    to_csv,
)
from ..fields import FieldValue
from ..files import AtomicFile, same_file, sync_folder, write_files
from ..safe_text import for_terminal
from ._pool import parse_jobs, run_each
from .file_names import ERRORS_FILE, MANIFEST_FILE, STALE_FOLDER, NameSet, SeenIds, file_name
from .folder import (
    MANIFEST_COLUMNS,
    FolderLock,
    check_not_written,
    check_sheet,
    check_stale_folder,
    earlier_files,
    file_sha256,
    move_to_stale,
    remove_leftovers,
)
from .patients_csv import PatientRow
from .rows import (
    BatchSettings,
    Entry,
    RowError,
    RowOptions,
    check_options,
    check_rows,
    entries,
    plan_chunk,
    row_error,
)

__all__ = ["ERROR_COLUMNS", "SUMMARY_ROWS", "BatchReport", "write_batch"]

ERROR_COLUMNS = ("line", "id", "field", "error")
SUMMARY_ROWS = 20
"""Bad rows (and files moved to ``stale/``) listed on stderr; errors.csv has them all."""


class Outcome(NamedTuple):
    """What became of one row, sent back from a worker."""

    line: int
    id: str
    file: str
    """The row's file name; empty for a row whose id alone made it bad."""
    sha256: str
    """Of the file written; empty for a bad row."""
    error: RowError | None
    lines: bytes = b""
    """In a combined sheet: the row's CSV lines, for the main process to write."""


def _write_chunk(settings: BatchSettings, chunk: list[Entry]) -> list[Outcome]:
    """Plan and write each row; the chunk's files go to disk together (see
    :func:`write_files`). Runs in a worker."""
    assert settings.out is not None
    results: list[Outcome] = []
    files: list[tuple[Path, bytes]] = []
    for entry, made in zip(chunk, plan_chunk(settings, chunk), strict=True):
        name = "" if isinstance(entry, RowError) else entry[1]
        if isinstance(made, RowError):
            results.append(Outcome(made.line, made.id, name, "", made))
            continue
        try:
            if settings.combined:
                data = to_csv(made.plan, header=False).encode()
            else:
                data = render(made.plan, settings.format, settings.calendar)
        except CareTimelineError as err:  # this row's fault; the others go on
            results.append(
                Outcome(made.line, made.id, name, "", row_error(made.line, made.id, err))
            )
            continue
        sha = hashlib.sha256(data).hexdigest()
        if settings.combined:
            results.append(Outcome(made.line, made.id, name, sha, None, data))
            continue
        files.append((settings.out / name, data))
        results.append(Outcome(made.line, made.id, name, sha, None))
    write_files(files)
    return results


@dataclass
class BatchReport:
    """What :func:`write_batch` did."""

    out: Path
    format: str
    written: int = 0
    bad_rows: int = 0
    stale: int = 0
    """Files of an earlier run moved to ``stale/`` because their row is bad or gone."""
    first_errors: list[RowError] = field(default_factory=list)
    """The first :data:`SUMMARY_ROWS` bad rows; ``errors.csv`` lists them all."""
    first_stale: list[str] = field(default_factory=list)
    """The first :data:`SUMMARY_ROWS` files moved to ``stale/`` whose row is gone
    (``stale/NAME: why``); a bad row's moved file is in its error."""
    combined: Path | None = None
    """The one sheet every good row went into, when the batch wrote one."""

    @property
    def errors_file(self) -> Path:
        return self.out / ERRORS_FILE

    @property
    def manifest_file(self) -> Path:
        return self.out / MANIFEST_FILE

    @property
    def ok(self) -> bool:
        """Every row gave a file and no earlier file had to be moved aside."""
        return not self.bad_rows and not self.stale

    def summary(self, prog: str = "care-timeline") -> str:
        """Lines for stderr: the counts, and the first bad rows and moved files."""
        plans = f"{self.written} {self.format} file{'s' if self.written != 1 else ''}"
        out = for_terminal(str(self.out))
        if self.combined is not None:  # one sheet, wherever it was asked for
            plans = f"{self.written} patient{'s' if self.written != 1 else ''}"
            out = for_terminal(str(self.combined))
        if self.ok:
            return f"{prog}: {plans} written to {out}\n"
        faults = []
        if self.bad_rows:
            faults.append(f"{self.bad_rows} bad row{'s' if self.bad_rows != 1 else ''}")
        if self.stale:
            files = f"{self.stale} earlier file{'s' if self.stale != 1 else ''}"
            faults.append(f"{files} moved to {for_terminal(str(self.out / STALE_FOLDER))}")
        lines = [
            f"{prog}: {plans} written to {out}; {' and '.join(faults)}, "
            f"listed in {for_terminal(str(self.errors_file))}:"
        ]
        lines.extend(f"  {error}" for error in self.first_errors)
        if self.bad_rows > len(self.first_errors):
            lines.append(f"  ... and {self.bad_rows - len(self.first_errors)} more bad rows")
        lines.extend(f"  {for_terminal(moved)}" for moved in self.first_stale)
        return "\n".join(lines) + "\n"


class _Run:
    """One batch's bookkeeping: errors.csv and manifest.csv, written row by row as
    results arrive (so memory stays flat) and appearing under their names only
    when the batch is done, the manifest last."""

    def __init__(
        self,
        folder: Path,
        format: str,
        report: BatchReport,
        combined: Path | None = None,
        columns: tuple[str, ...] = CSV_COLUMNS,
    ) -> None:
        self.folder, self.format, self.report = folder, format, report
        self.combined = combined
        self.seen = SeenIds()
        self.written = NameSet()
        self.errors = AtomicFile(folder / ERRORS_FILE)
        self.manifest: AtomicFile | None = None
        self.sheet: AtomicFile | None = None
        try:
            self.manifest = AtomicFile(folder / MANIFEST_FILE)
            if combined is not None:
                self.sheet = AtomicFile(combined)
                self.sheet.write(csv_lines([columns]).encode())
        except BaseException:
            self.discard()
            raise
        self.errors.write(csv_lines([ERROR_COLUMNS]).encode())
        self.manifest.write(csv_lines([MANIFEST_COLUMNS]).encode())

    def _error_row(self, line: str, row_id: str, where: str, message: str) -> None:
        self.errors.write(csv_lines([(line, row_id, where, message)]).encode())

    def _manifest_row(self, line: str, row_id: str, name: str, status: str, sha: str) -> None:
        assert self.manifest is not None
        self.manifest.write(csv_lines([(line, row_id, name, status, sha)]).encode())

    def add(self, outcome: Outcome) -> None:
        line = str(outcome.line)
        if outcome.error is None:
            self.report.written += 1
            if self.sheet is not None and self.combined is not None:
                # The row's lines in the one sheet; the manifest's sha256 is of them.
                self.sheet.write(outcome.lines)
                self._manifest_row(line, outcome.id, str(self.combined), "written", outcome.sha256)
                return
            self.written.add(outcome.file)
            self._manifest_row(line, outcome.id, outcome.file, "written", outcome.sha256)
            return
        error = outcome.error
        self.report.bad_rows += 1
        self._manifest_row(line, outcome.id, "", "error", "")
        if outcome.file and self.combined is None and (self.folder / outcome.file).is_file():
            # An earlier run's file with facts this row no longer gives (not with --combined).
            moved, sha = self._move(outcome.file)
            self._manifest_row(line, outcome.id, moved, "stale", sha)
            error = replace(
                error,
                message=f"{error.message}; the file {outcome.file} from an earlier run "
                f"was moved to {moved}",
            )
        self._error_row(line, error.id, error.field, error.message)
        if len(self.report.first_errors) < SUMMARY_ROWS:
            self.report.first_errors.append(error)

    def _move(self, name: str) -> tuple[str, str]:
        moved = move_to_stale(self.folder, name)
        self.report.stale += 1
        return moved, file_sha256(self.folder / moved)

    def finish(self) -> None:
        """Move aside the earlier run's files that no row wrote this time, carry over
        its files of other formats, and put errors.csv and then manifest.csv in place.
        A combined sheet goes in place first; the files of earlier runs stay as they
        are beside it (no row writes a file of its own then)."""
        if self.sheet is not None:
            self.sheet.commit()
        for earlier in () if self.combined is not None else earlier_files(self.folder):
            if not earlier.file.endswith(f".{self.format}"):
                if (self.folder / earlier.file).is_file():  # another format's: kept
                    self._manifest_row(
                        earlier.line, earlier.id, earlier.file, "written", earlier.sha256
                    )
                continue
            if earlier.file in self.written or not (self.folder / earlier.file).is_file():
                continue
            if self.written.in_other_case(earlier.file) and same_file(
                self.folder / earlier.file, self.folder / earlier.file.swapcase()
            ):
                # A file system that ignores case: the name written this time, in
                # other capitals, is this very file, already written anew.
                continue
            why = self._why_not_written(earlier.id, earlier.file)
            moved, sha = self._move(earlier.file)
            self._manifest_row("", earlier.id, moved, "stale", sha)
            message = f"{why}; its file {earlier.file} from an earlier run was moved to {moved}"
            self._error_row("", earlier.id, "id", message)
            if len(self.report.first_stale) < SUMMARY_ROWS:
                self.report.first_stale.append(f"{moved}: {message}")
        assert self.manifest is not None
        # What the manifest lists (moves to stale/, the sheet) lasts first, then the manifest.
        if self.report.stale:
            sync_folder(self.folder / STALE_FOLDER)
        if self.combined is not None and self.combined.parent != self.folder:
            sync_folder(self.combined.parent)
        sync_folder(self.folder)
        self.errors.commit()
        self.manifest.commit()
        sync_folder(self.folder)

    def _why_not_written(self, row_id: str, name: str) -> str:
        key = id_key(row_id) if row_id else ""
        line = self.seen.find(key) if row_id else None
        if line is None:
            return "no row has this id any more"
        if not self.seen.same_text(key, row_id):
            return (
                f"the row with this id (line {line}) has it in other capitals (or its "
                "letters written another way) now, so its file has another name"
            )
        now = file_name(row_id, self.format)
        if now != name and now in self.written:
            return f"the row with this id (line {line}) is now written to {now}"
        return f"the row with this id (line {line}) gave no file"

    def discard(self) -> None:
        for file in (self.errors, self.manifest, self.sheet):
            if file is not None:
                file.discard()


def write_batch(
    rows: Iterable[PatientRow | Mapping[str, FieldValue]],
    out: str | os.PathLike[str],
    options: RowOptions,
    *,
    format: str,
    calendar: CalendarOptions | None = None,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    combined: str | os.PathLike[str] | None = None,
) -> BatchReport:
    """Write one file per good row into ``out`` (named by :func:`file_name`), every bad
    row (line, id, field, why) into ``out/errors.csv``, and what was done into
    ``out/manifest.csv`` (line, id, file, status, sha256), both always written.

    A file of an earlier run whose row is now bad, or no longer in ``rows``, is
    moved to ``out/stale/`` and listed in both. One batch at a time may write
    into a folder (another gets a :class:`BatchError`), and the temporary files
    of a killed run are removed first. Each file is written atomically, so an
    interrupted batch leaves whole files only; the same rows and calendar
    timestamp give the same bytes (without a timestamp, one "now" for the whole
    batch). ``options`` (a :class:`~care_timeline.RowOptions`: today, the
    protocol, the date order) plans every row. ``calendar`` (a :class:`~care_timeline.CalendarOptions`) is every
    file's export options: the calendars', and its ``uid_key`` keys the FHIR
    identifiers too. ``jobs`` worker processes plan and write (default: every
    core); ``progress`` is called with the number of rows done so far.

    ``combined`` (with ``format="csv"``) writes one sheet for the whole batch to
    that path instead of a file per row: one row per patient and milestone, the
    columns and safety of the single CSV export, the header once. ``errors.csv``
    and ``manifest.csv`` still go into ``out``.

    Every argument is checked before anything is written: a bad one is one
    error, never one per row.
    """
    if format not in BATCH_FORMATS:
        raise BatchError(field="format", value=format, allowed="one of " + ", ".join(BATCH_FORMATS))
    check_format(format)  # once, naming an extra to install, before any row is planned
    check_rows(rows)
    planning = check_options(options)
    if calendar is None:
        calendar = CalendarOptions()
    elif not isinstance(calendar, CalendarOptions):
        raise BatchError(
            field="calendar",
            value=type(calendar).__name__,
            allowed="a CalendarOptions (ct.CalendarOptions(...)) or None",
        )
    if format == "ics":
        calendar = calendar.stamped()  # one "now" for every calendar of the batch
    workers = parse_jobs(jobs)
    sheet = None
    folder = Path(out)
    if combined is not None:
        if format != "csv":
            raise BatchError(
                field="combined", value=format, allowed="a combined sheet with format 'csv'"
            )
        sheet = Path(combined)
        check_sheet(sheet, folder, rows)
    check_not_written(
        rows, {ERRORS_FILE: folder / ERRORS_FILE, MANIFEST_FILE: folder / MANIFEST_FILE}, "out"
    )
    folder.mkdir(parents=True, exist_ok=True)
    settings = BatchSettings(
        options=planning,
        out=folder,
        format=format,
        calendar=calendar,
        combined=sheet is not None,
    )
    report = BatchReport(out=folder, format=format, combined=sheet)
    with FolderLock(folder):
        check_stale_folder(folder)
        remove_leftovers(folder, BATCH_FORMATS)
        # A batch of composed plans: the sheet has their protocol column too.
        columns = COMPOSED_CSV_COLUMNS if len(planning.protocols) > 1 else CSV_COLUMNS
        run = _Run(folder, format, report, sheet, columns)
        try:
            _write_rows(run, settings, rows, workers, progress)
            run.finish()
        except BaseException:
            run.discard()
            raise
    return report


def _write_rows(
    run: _Run,
    settings: BatchSettings,
    rows: Iterable[PatientRow | Mapping[str, FieldValue]],
    workers: int,
    progress: Callable[[int], None] | None,
) -> None:
    todo = entries(rows, settings.format, run.seen)
    run_each(_write_chunk, settings, todo, workers, run.add, progress)
