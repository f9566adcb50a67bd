"""One module per output format. Each is imported only when its format is asked for."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..errors import CareTimelineError

if TYPE_CHECKING:
    from ..plan import Plan

__all__ = ["APPLICABILITY_LABELS", "BATCH_FORMATS", "DEFAULT_REMINDER", "FORMATS", "render"]

FORMATS = ("text", "json", "csv", "ics", "html", "svg")
"""The formats :func:`render` writes; the command line and batches share it."""
BATCH_FORMATS = ("ics", "json", "csv")
"""The formats a batch writes, one file per row."""

APPLICABILITY_LABELS = {
    "applies": "Applies",
    "discuss": "Discuss with your clinician",
    "not-applicable": "Does not apply",
}
"""Each applicability in words, the same in every export a person reads."""

DEFAULT_REMINDER = timedelta(hours=-15)
"""A calendar reminder's default offset from an all-day event's start (local
midnight): 09:00 the day before."""


def render(
    plan: Plan,
    format: str,
    *,
    timestamp: datetime | None = None,
    calendar_name: str | None = None,
    reminders: timedelta | None = DEFAULT_REMINDER,
) -> bytes:
    """The plan in one of :data:`FORMATS`, as the bytes of a file.

    ``timestamp`` and ``reminders`` are for ``ics`` (see ``Plan.to_ics``);
    ``calendar_name`` names the calendar (``ics``) or titles the page (``html``,
    ``svg``); other formats ignore them. One function for the command line and
    for batches, so a batch's file is byte for byte the single export.
    """
    if format == "json":
        return (plan.model_dump_json(indent=2) + "\n").encode()
    if format == "csv":
        return plan.to_csv().encode()
    if format == "ics":
        return plan.to_ics(timestamp=timestamp, calendar_name=calendar_name, reminders=reminders)
    if format == "html":
        return plan.to_html(title=calendar_name).encode()
    if format == "svg":
        return plan.to_svg(title=calendar_name).encode()
    if format == "text":
        return plan.to_text().encode()
    raise CareTimelineError(field="format", value=format, allowed="one of " + ", ".join(FORMATS))
