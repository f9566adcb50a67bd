"""The closed vocabularies that protocols, plans, exports and queries share."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "APPLICABILITIES",
    "DIFF_FORMATS",
    "END_CAUSES",
    "ON_TIMELINE",
    "QUERY_STATUSES",
    "Applicability",
    "Category",
    "EndCause",
    "MilestoneKind",
    "QueryStatus",
    "Timing",
]

Applicability = Literal["applies", "discuss", "not-applicable"]
"""Whether a milestone applies to this patient, is to be discussed, or does not apply."""
APPLICABILITIES: tuple[Applicability, ...] = ("applies", "discuss", "not-applicable")
"""Every :data:`Applicability`, in that order."""
ON_TIMELINE: tuple[Applicability, ...] = ("applies", "discuss")
"""The applicabilities that put a milestone on a calendar or a chart (and in a
planning list, unless asked otherwise): anything but not-applicable."""

Category = Literal["risk", "monitoring", "treatment", "medication", "birth"]
"""What kind of care a milestone is; each has its colour, pattern and mark on the chart."""
MilestoneKind = Literal["window", "day", "series"]
"""A milestone's shape: a span of days, a single day, or doses or checks repeated at a
rhythm (its ``occurrences``)."""
Timing = Literal["past", "current", "upcoming"]
"""Where a milestone lies relative to the plan's today."""

EndCause = Literal["birth", "loss", "other"]
"""Why a plan ended: the baby was born, the pregnancy was lost, or another reason
(a transfer of care, a plan made in error)."""
END_CAUSES: tuple[EndCause, ...] = ("birth", "loss", "other")
"""Every :data:`EndCause`, in that order."""

QueryStatus = Literal["entering", "in-window", "passed"]
"""What a planning list asks of a date range: who enters a window in it, who is in
a window during it, whose window ends in it."""
QUERY_STATUSES: tuple[QueryStatus, ...] = ("entering", "in-window", "passed")
"""Every :data:`QueryStatus`, in that order."""

DIFF_FORMATS = ("text", "json", "csv")
"""The formats of what changed between two plans."""
