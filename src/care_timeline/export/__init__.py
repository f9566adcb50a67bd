"""Exports: every format is a function of a plan. One module per format, each
imported only when its format is asked for (the calendar's icalendar, for one,
costs start-up time that a text or JSON export should not pay).

>>> from datetime import date
>>> import care_timeline as ct
>>> plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
>>> ct.to_csv(plan).splitlines()[0]
'plan_id,milestone_id,title,kind,category,start,end,start_ga,end_ga,occurrences,applicability,reason,timing,note,reason_key,warning_signs,urgent_advice,alternative'
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..calendar_options import DEFAULT_REMINDER, CalendarOptions
from ..errors import ExportError
from ..uid_keys import check_uid_key

if TYPE_CHECKING:
    from ..plan_model import Plan
    from ..protocol import Protocol

__all__ = [
    "BATCH_FORMATS",
    "COMPOSED_CSV_COLUMNS",
    "CSV_COLUMNS",
    "DEFAULT_REMINDER",
    "FORMATS",
    "FILE_EXTENSIONS",
    "check_format",
    "csv_columns",
    "output_format",
    "feed_address",
    "id_key",
    "protocol_to_fhir",
    "render",
    "to_csv",
    "to_fhir",
    "to_html",
    "to_ics",
    "to_json",
    "to_svg",
    "to_text",
]

FORMATS = ("text", "json", "csv", "ics", "html", "svg", "fhir")
"""The formats :func:`render` writes; the command line and batches share it."""
BATCH_FORMATS = ("ics", "json", "csv", "fhir")
"""The formats a batch writes, one file per row."""
CSV_COLUMNS = (
    "plan_id",
    "milestone_id",
    "title",
    "kind",
    "category",
    "start",
    "end",
    "start_ga",
    "end_ga",
    "occurrences",
    "applicability",
    "reason",
    "timing",
    "note",
    "reason_key",
    "warning_signs",
    "urgent_advice",
    "alternative",
)
"""The header of :func:`to_csv` (and of a batch's combined sheet). ``note`` carries
the protocol's clinician note on every row, so no row read on its own (or pasted
elsewhere) loses it. ``reason_key`` names the protocol rule that decided the
applicability (stable across wording changes and translations). ``warning_signs``
(separated by ``;``) and ``urgent_advice`` are filled on the rows of milestones
that carry the warning signs, as the calendar's descriptions do (never in a plan
that ended). ``alternative`` names the other milestone of a choice of either. A plan
that ended has a row for each milestone no longer planned: no dates, no weeks,
timing ``after-end``. Columns are only ever added at the end, so a script reading by
position keeps working."""
COMPOSED_CSV_COLUMNS = (*CSV_COLUMNS, "protocol")
"""The header of a composed plan's CSV (one made of several protocols): one more column
at the end, ``protocol``, the id of the protocol each milestone comes from. A plan of
one protocol keeps :data:`CSV_COLUMNS` (and its bytes)."""


def csv_columns(plan: Plan) -> tuple[str, ...]:
    """The header of ``plan``'s CSV: :data:`COMPOSED_CSV_COLUMNS` for a composed plan,
    else :data:`CSV_COLUMNS`."""
    return COMPOSED_CSV_COLUMNS if plan.protocols else CSV_COLUMNS


FILE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    ".fhir.json": ("fhir",),
    ".json": ("json", "fhir"),
    ".txt": ("text",),
    ".csv": ("csv",),
    ".ics": ("ics",),
    ".html": ("html",),
    ".htm": ("html",),
    ".svg": ("svg",),
}
"""The formats a file's extension stands for (any case), the one it picks first: a
``.json`` file is a plan's JSON unless FHIR is asked for, and ``.fhir.json`` is FHIR."""


def output_format(
    output: str | os.PathLike[str] | None,
    format: str | None,
    *,
    formats: Sequence[str] = FORMATS,
    default: str = "text",
) -> str:
    """The format to write to ``output``: ``format`` when given, else the one the
    file's extension stands for (:data:`FILE_EXTENSIONS`), else ``default``. A
    ``format`` the extension contradicts (``ics`` into ``plan.csv``), or an extension
    whose formats are none of ``formats``, is an :class:`ExportError`: the file would
    hold what its name says it does not.

    >>> output_format("mine.ics", None), output_format("b.json", "fhir"), output_format(None, None)
    ('ics', 'fhir', 'text')
    """
    if format is not None and format not in formats:
        raise ExportError(field="format", value=format, allowed="one of " + ", ".join(formats))
    name = "" if output is None else os.fspath(output)
    lower = os.path.basename(name).lower()
    extension = next((ext for ext in FILE_EXTENSIONS if lower.endswith(ext)), None)
    if extension is None or lower == extension:
        return default if format is None else format
    fitting = [known for known in FILE_EXTENSIONS[extension] if known in formats]
    if not fitting:
        raise ExportError(
            field="output",
            value=name,
            allowed=f"a file this command can write: {', '.join(formats)} (a {extension} file "
            f"holds {' or '.join(FILE_EXTENSIONS[extension])})",
        )
    if format is None:
        return fitting[0]
    if format not in fitting:
        raise ExportError(
            f"format: {format!r} does not fit the file {name!r}; expected "
            f"{' or '.join(fitting)} for a {extension} file, or no format (the extension "
            "picks it)",
            field="format",
            value=format,
            allowed=f"{' or '.join(fitting)} for a {extension} file",
        )
    return format


def check_format(format: str) -> None:
    """Refuse at once, before any plan is made, a format :func:`render` does not
    write, or one whose optional extra is not installed (``fhir`` needs
    ``care-timeline[fhir]``; the error names it)."""
    if format not in FORMATS:
        raise ExportError(field="format", value=format, allowed="one of " + ", ".join(FORMATS))
    if format == "fhir":
        from ._fhir import check_available

        check_available()


def to_text(plan: Plan) -> str:
    """A readable table with dates, GA, applicability and reasons."""
    from .text import render as text

    return text(plan)


def to_json(plan: Plan) -> str:
    """The plan's stable JSON shape (see ``plan.schema.json``), indented."""
    return plan.model_dump_json(indent=2) + "\n"


def to_csv(plan: Plan, *, header: bool = True) -> str:
    """One CSV row per milestone (plan id, milestone id, title, dates, GA,
    applicability, reason, timing, note), under a header of :data:`CSV_COLUMNS`,
    with cells a spreadsheet would run as a formula neutralised by a leading
    single quote. ``header=False`` gives the rows alone, for a sheet of many
    plans that writes the header once."""
    from .csv_table import csv_rows
    from .csv_table import render as csv_table

    return csv_table(plan) if header else csv_rows(plan)


def to_ics(plan: Plan, options: CalendarOptions | None = None) -> bytes:
    """The plan as an RFC 5545 calendar (``.ics`` bytes), one all-day event per
    milestone, written with ``options`` (a :class:`~care_timeline.CalendarOptions`,
    checked when it was built; by default its defaults: stamped now, the
    protocol's title as the name, a reminder at 09:00 the day before)."""
    from .ics import render as ics

    return ics(plan, _options(options))


def _options(options: object) -> CalendarOptions:
    if options is None:
        return CalendarOptions()
    if not isinstance(options, CalendarOptions):
        raise ExportError(
            field="options",
            value=type(options).__name__,
            allowed="a CalendarOptions (ct.CalendarOptions(timestamp=..., ...)) or None",
        )
    return options


def to_html(plan: Plan, *, title: str | None = None, subscribe_url: str | None = None) -> str:
    """The printable page: one self-contained HTML file (inline CSS and SVG, nothing
    fetched) with the timeline, the milestone table, the warning signs and the
    clinician note, for one A4 or Letter page. ``title`` defaults to the protocol's.
    ``subscribe_url`` (``https://`` or ``webcal://``, checked as
    :class:`~care_timeline.CalendarOptions` checks it) adds the calendar's
    subscription: the address in words and as a QR code for a phone's camera."""
    from ..calendar_options import SUBSCRIBE_SCHEMES, check_web_address
    from .html import render as html

    if subscribe_url is not None:
        subscribe_url = check_web_address(
            subscribe_url, field="subscribe_url", schemes=SUBSCRIBE_SCHEMES
        )
    return html(plan, title=title, subscribe_url=subscribe_url)


def to_svg(plan: Plan, *, title: str | None = None) -> str:
    """The timeline as one standalone SVG document, with the warning signs and the
    clinician note under it. ``title`` defaults to the protocol's."""
    from .svg import render as svg

    return svg(plan, title=title)


def to_fhir(plan: Plan, *, uid_key: bytes | None = None) -> bytes:
    """The plan as a FHIR R4 Bundle (a CarePlan with one activity per milestone, and
    an Observation of the due date), as JSON bytes; see ``docs/fhir.md``. The
    CarePlan's identifier is a hash of the plan id, keyed with ``uid_key`` like the
    calendar's UIDs. Needs the optional extra ``care-timeline[fhir]``."""
    from .fhir import render as fhir

    return fhir(plan, uid_key=check_uid_key(uid_key))


def id_key(plan_id: str) -> str:
    """What two ids must differ in to be two patients: their text with letter case and
    Unicode's forms set aside (``JOSÉ`` and ``josé``, ``İREM`` and ``irem`` are one);
    a batch tells its rows apart by it, and a feed's address is made from it."""
    from ._ids import id_key as key_of

    if not isinstance(plan_id, str):
        raise ExportError(field="plan_id", value=plan_id, allowed="an id (text)")
    return key_of(plan_id)


def feed_address(plan_id: str, key: bytes, revision: int = 0) -> str:
    """The name (32 characters, ``a-z`` and ``2-7``) of a plan's published
    subscription feed: a keyed hash of the plan id and the address's revision
    under the clinic's key (see :func:`~care_timeline.publish`). Ids that differ only
    in letter case or Unicode form (``JOSÉ``, ``josé``) are one patient and get one
    address."""
    from ._ids import feed_address as address

    checked = check_uid_key(key)
    if checked is None:
        raise ExportError(field="uid_key", value=None, allowed="a clinic's key (bytes)")
    if not isinstance(plan_id, str):
        raise ExportError(field="plan_id", value=plan_id, allowed="an id (text)")
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
        raise ExportError(
            field="revision", value=repr(revision), allowed="a whole number, 0 or more"
        )
    return address(plan_id, checked, revision)


def protocol_to_fhir(protocol: Protocol) -> bytes:
    """The protocol as a FHIR R4 Bundle of its PlanDefinition and the CodeSystem of
    its milestone ids, as JSON bytes. Needs the optional extra ``care-timeline[fhir]``."""
    from .fhir_protocol import render_protocol

    return render_protocol(protocol)


def render(plan: Plan, format: str, options: CalendarOptions | None = None) -> bytes:
    """The plan in one of :data:`FORMATS`, as the bytes of a file.

    ``options`` (a :class:`~care_timeline.CalendarOptions`) are the calendar's
    for ``ics`` (see :func:`to_ics`); its ``uid_key`` keys ``fhir`` too, its
    ``calendar_name`` titles the page (``html``, ``svg``) and its
    ``subscribe_url`` puts the calendar's address on the page; other formats
    ignore them. One function for the command line and for batches, so a batch's file
    is byte for byte the single export.
    """
    chosen = _options(options)
    if format == "json":
        return to_json(plan).encode()
    if format == "csv":
        return to_csv(plan).encode()
    if format == "ics":
        from .ics import render as ics

        return ics(plan, chosen)
    if format == "html":
        from .html import render as html

        return html(plan, chosen.calendar_name, chosen.subscribe_url).encode()
    if format == "svg":
        return to_svg(plan, title=chosen.calendar_name).encode()
    if format == "text":
        return to_text(plan).encode()
    if format == "fhir":
        from .fhir import render as fhir

        return fhir(plan, uid_key=chosen.uid_key)  # checked with the options
    raise ExportError(field="format", value=format, allowed="one of " + ", ".join(FORMATS))
