"""The CSV export's columns, written out by hand (not read from the code under test)."""

HEADER = [
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
]
