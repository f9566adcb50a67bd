"""Planning the rows of a batch: one plan, or one error, per row, in order."""

from __future__ import annotations

import contextlib
import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..calendar_options import CalendarOptions
from ..composition import ProtocolChoice, protocols_of
from ..dates import DateOrder, parse_date
from ..dating import check_supported
from ..errors import (
    BatchError,
    CareTimelineError,
    DateInputError,
    PatientsFileError,
    PlanError,
    ProtocolError,
)
from ..export import id_key
from ..fields import COLUMN_ALIASES, FIELDS, FieldValue, plan_from_fields
from ..plan_model import Plan
from ..protocol import Protocol
from ..safe_text import for_message
from ._pool import parse_jobs, run_in_order
from .columns import column_key, ignored_columns
from .file_names import SeenIds, file_name
from .patients_csv import PatientRow

__all__ = [
    "BatchSettings",
    "Entry",
    "PlanResult",
    "RowError",
    "RowOptions",
    "check_options",
    "check_rows",
    "entries",
    "plan_chunk",
    "read_fields",
    "plan_many",
    "row_error",
]

ID_SHOWN = 40
"""An id is cut to this many characters where a message quotes it."""


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
        return f"line {self.line}, id {for_message(self.id, limit=ID_SHOWN)}: {self.message}"


@dataclass(frozen=True, init=False, repr=False)
class RowOptions:
    """What every row of a batch shares when it is planned, checked once when built
    (a bad value is one error, not one per row), then passed whole to
    :func:`plan_many` and :func:`~care_timeline.write_batch`.

    ``today`` is the plans' today, a date or text read like the rows' dates (ISO,
    or in ``date_order``); ``protocol`` plans every row (``None``: the default
    protocol, which the value then holds), or several compose every row's plan
    (a list of protocols or shipped protocols' names, as :func:`~care_timeline.plan`
    takes: ``protocols`` then holds them all, ``protocol`` the first);
    ``date_order`` (``"dmy"`` or ``"mdy"``) reads the rows' dates like
    ``10/05/2027``, which are refused without it; ``ignore_columns`` names columns
    of other data (a clinic export's ``name``, ``phone``) that rows may hold and that
    are left unread (pass the same to :func:`read_patients`, whose header check would
    refuse them): any other column that is not a field makes its row bad, so a
    misspelt fact never vanishes.

    >>> from datetime import date
    >>> options = RowOptions(today="24/11/2026", date_order="dmy", ignore_columns=["Phone"])
    >>> options.today, options.protocol.id, options.ignore_columns
    (datetime.date(2026, 11, 24), 'cervical-insufficiency', ('phone',))
    >>> [each.id for each in RowOptions(today=date(2026, 11, 24),
    ...                                 protocol=["cervical-insufficiency", "who-anc-2016"]).protocols]
    ['cervical-insufficiency', 'who-anc-2016']
    """

    today: date
    protocol: Protocol
    """The protocol every row is planned with; for composed plans, the first."""
    protocols: tuple[Protocol, ...]
    """Every protocol each row's plan is made of (one, unless composed)."""
    date_order: DateOrder | None
    ignore_columns: tuple[str, ...]

    def __init__(
        self,
        *,
        today: date | str,
        protocol: ProtocolChoice = None,
        date_order: DateOrder | None = None,
        ignore_columns: Sequence[str] = (),
    ) -> None:
        if date_order not in (None, "dmy", "mdy"):
            raise DateInputError(
                field="date_order", value=date_order, allowed="'dmy', 'mdy' or None"
            )
        day = check_supported(
            parse_date(today, field="today", date_order=date_order),
            field="today",
            error=DateInputError,
        )
        try:
            chosen = protocols_of(protocol)
        except (PlanError, ProtocolError) as err:  # one error for a batch's settings
            raise BatchError(
                f"{err} (a clinic's file: ct.load_protocol(path))",
                field=err.field,
                value=err.value,
                allowed=err.allowed,
            ) from None
        object.__setattr__(self, "today", day)
        object.__setattr__(self, "protocol", chosen[0])
        object.__setattr__(self, "protocols", chosen)
        object.__setattr__(self, "date_order", date_order)
        object.__setattr__(self, "ignore_columns", ignored_columns(ignore_columns))

    def __repr__(self) -> str:
        # The protocols by their names: the whole of one would fill a screen.
        refs = [f"<Protocol {each.id!r} version {each.version}>" for each in self.protocols]
        shown = refs[0] if len(refs) == 1 else "[" + ", ".join(refs) + "]"
        return (
            f"RowOptions(today={self.today!r}, protocol={shown}, date_order={self.date_order!r}, "
            f"ignore_columns={self.ignore_columns!r})"
        )


@dataclass(frozen=True)
class BatchSettings:
    """What every row of one batch shares; sent to the workers with each chunk.
    The fields after ``options`` are for writing files."""

    options: RowOptions
    out: Path | None = None
    format: str = "json"
    calendar: CalendarOptions | None = None
    """Every file's export options (a calendar's, and the key of FHIR identifiers)."""
    combined: bool = False
    """Each row's CSV lines go back to the main process for one sheet, instead of
    into a file of its own."""


def read_fields(row: PatientRow, options: RowOptions) -> Mapping[str, FieldValue]:
    """The row's fields as a batch reads them: without the columns it ignores."""
    if not options.ignore_columns:
        return row.fields
    return {
        key: value
        for key, value in row.fields.items()
        if not isinstance(key, str) or column_key(key) not in options.ignore_columns
    }


def _plan_row(row: PatientRow, settings: BatchSettings) -> Plan | RowError:
    options = settings.options
    fields = read_fields(row, options)
    try:
        if row.problem is not None:
            raise PatientsFileError(f"row: {row.problem}", field="row")
        for key in fields:
            if key not in FIELDS and key not in COLUMN_ALIASES:
                raise PatientsFileError(
                    f"{key}: not a field; expected fields from: {', '.join(FIELDS)}", field=key
                )
        return plan_from_fields(
            fields,
            today=options.today,
            protocol=list(options.protocols) if len(options.protocols) > 1 else options.protocol,
            date_order=options.date_order,
            plan_id=row.id,
        )
    except CareTimelineError as err:
        return row_error(row.line, row.id, err)


def row_error(line: int, row_id: str, err: CareTimelineError) -> RowError:
    """The error a row made, naming the row's column where it was the plan id."""
    if err.field == "plan_id":  # the row's id is the plan id
        err = PlanError(field="id", value=err.value, allowed=err.allowed)
    return RowError(line, row_id, err.field or "row", str(err))


Entry = tuple[PatientRow, str] | RowError
"""A row still to plan (with the file name to write it to, when writing), or an
error found while reading."""


def plan_chunk(settings: BatchSettings, chunk: list[Entry]) -> list[PlanResult | RowError]:
    """Plan each row of a chunk. Runs in a worker."""
    results: list[PlanResult | RowError] = []
    for entry in chunk:
        if isinstance(entry, RowError):
            results.append(entry)
            continue
        row, _ = entry
        made = _plan_row(row, settings)
        results.append(made if isinstance(made, RowError) else PlanResult(row.line, row.id, made))
    return results


def _row(item: object, position: int) -> PatientRow:
    if isinstance(item, PatientRow):
        return item
    if isinstance(item, Mapping):
        return PatientRow(position, item)
    raise BatchError(
        f"rows: item {position} is a {type(item).__name__}; expected mappings of column "
        "names to values (dicts like {'id': '7781', 'due_date': '2027-05-10'}) or the rows "
        "of read_patients",
        field="rows",
        value=type(item).__name__,
        allowed="mappings of column names to values",
    )


def entries(
    rows: Iterable[PatientRow | Mapping[str, FieldValue]],
    format: str | None,
    seen: SeenIds | None = None,
) -> Iterator[Entry]:
    """Each row with its file name, or the error that its id alone makes it.

    Duplicates are found here, in one process, in file order: the later row of
    two with one id (see :func:`~care_timeline.export.id_key`) is the bad one. ``seen`` collects the
    ids. An item that is not a row at all is a :class:`BatchError`.
    """
    seen = SeenIds() if seen is None else seen
    for position, item in enumerate(rows, start=1):
        row = _row(item, position)
        plan_id = row.id
        if not plan_id:
            yield RowError(row.line, "", "id", "id: empty; every row needs an id")
            continue
        name = file_name(plan_id, format) if format else ""
        normal = unicodedata.normalize("NFC", plan_id)
        earlier = seen.add(id_key(plan_id), plan_id, row.line, normal)
        if earlier is not None:
            shown = for_message(plan_id, limit=ID_SHOWN)
            if earlier.same_text:
                why = f"id: {shown} is also the id on line {earlier.line}"
            elif earlier.same_normal:
                why = (
                    f"id: {shown} is the id on line {earlier.line} with its accents "
                    "written another way (Unicode composed and decomposed forms)"
                )
            else:
                why = (
                    f"id: {shown} differs only in case (or in how its letters are written) "
                    f"from the id on line {earlier.line}: ids are compared ignoring case, as "
                    "one patient's, whose files would overwrite each other on Windows and macOS"
                )
            yield RowError(row.line, plan_id, "id", why + "; expected a different id on each row")
            continue
        yield row, name


def check_rows(rows: object) -> None:
    """The rows of a batch, checked before any is read: an iterable, not a file name."""
    if isinstance(rows, str | bytes | os.PathLike):
        raise BatchError(
            f"rows: {for_message(os.fsdecode(rows))} is a file name, not rows; "
            "read the file with read_patients(path)",
            field="rows",
            value=rows,
            allowed="rows",
        )
    if not isinstance(rows, Iterable):
        raise BatchError(
            field="rows", value=type(rows).__name__, allowed="an iterable of rows (mappings)"
        )


def check_options(options: object) -> RowOptions:
    """``options`` if it is a :class:`RowOptions` (checked when it was built)."""
    if not isinstance(options, RowOptions):
        raise BatchError(
            field="options",
            value=type(options).__name__,
            allowed="a RowOptions (ct.RowOptions(today=..., protocol=None, date_order=None))",
        )
    return options


def plan_many(
    rows: Iterable[PatientRow | Mapping[str, FieldValue]],
    options: RowOptions,
    *,
    jobs: int = 1,
) -> Iterator[PlanResult | RowError]:
    """A :class:`PlanResult` or a :class:`RowError` for each row, in order, each
    planned with ``options`` (a :class:`RowOptions`: today, the protocol, the
    date order).

    ``rows`` are :class:`PatientRow` (from :func:`read_patients`) or plain
    mappings with the same keys, whose ``line`` is then their position from 1.
    A row's ``id`` is its plan id; a repeated id makes the later row an error.
    ``jobs`` above 1 plans in that many worker processes (rows and results then
    travel between processes, which pays off for large inputs).

    ``rows``, ``options`` and ``jobs`` are checked at once: a bad one raises
    here, not in every row.

    >>> from datetime import date
    >>> rows = [{"id": "a", "due_date": "2027-05-10"}, {"id": "b", "lmp": "2026-13-01"}]
    >>> for result in plan_many(rows, RowOptions(today=date(2026, 11, 24))):
    ...     print(result.id, getattr(result, "field", "ok"))
    a ok
    b lmp
    """
    check_rows(rows)
    settings = BatchSettings(options=check_options(options))
    return _plan_many(rows, settings, parse_jobs(jobs))


def _plan_many(
    rows: Iterable[PatientRow | Mapping[str, FieldValue]], settings: BatchSettings, workers: int
) -> Iterator[PlanResult | RowError]:
    with contextlib.closing(
        run_in_order(plan_chunk, settings, entries(rows, None), workers)
    ) as chunks:
        for results in chunks:
            yield from results
