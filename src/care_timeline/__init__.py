"""care-timeline: a pregnancy's dating turned into a dated care timeline for
cervical insufficiency, for discussion with a clinician.

>>> from datetime import date
>>> import care_timeline as ct
>>> plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
>>> plan.milestone("cerclage-placement").start
datetime.date(2026, 10, 26)

Data flows one way: dating -> protocol -> plan -> exports -> batches and
queries -> the command line (see docs/architecture.md). This module is the
public API; everything a user needs is a name here.
"""

from typing import TYPE_CHECKING, Any

from ._files import write_atomic
from ._text import for_terminal
from .calendar_options import (
    DEFAULT_REMINDER,
    CalendarOptions,
    check_calendar_name,
    parse_epoch,
    parse_omit,
    parse_reminder,
    parse_timestamp,
)
from .dating import Dating, DatingMethod
from .errors import (
    BatchError,
    CareTimelineError,
    DateInputError,
    DatingError,
    ExportError,
    GestationalAgeError,
    PatientsFileError,
    PlanError,
    ProfileError,
    ProtocolError,
    QueryError,
    UnknownMilestoneError,
)
from .export import (
    BATCH_FORMATS,
    FORMATS,
    protocol_to_fhir,
    render,
    to_csv,
    to_fhir,
    to_html,
    to_ics,
    to_json,
    to_svg,
    to_text,
)
from .fields import (
    DATING_FIELDS,
    END_FIELDS,
    FIELDS,
    PROFILE_FIELDS,
    FieldValue,
    dating_from_fields,
    end_from_fields,
    profile_from_fields,
)
from .gestational_age import GestationalAge
from .plan_model import Milestone, Plan, ProtocolRef, Trimester, plan_json_schema
from .planning import plan
from .profile import Profile
from .protocol import (
    Condition,
    MilestoneSpec,
    Protocol,
    default_languages,
    default_protocol,
    default_protocol_text,
    load_protocol,
    parse_protocol,
)
from .uid_keys import UID_KEY_ENV, load_uid_key, new_uid_key, save_uid_key, uid_key_text
from .values import (
    DateOrder,
    parse_applicability,
    parse_date,
    parse_jobs,
    parse_yes_no,
)
from .vocabulary import (
    APPLICABILITIES,
    DIFF_FORMATS,
    END_CAUSES,
    ON_TIMELINE,
    QUERY_STATUSES,
    Applicability,
    Category,
    EndCause,
    MilestoneKind,
    QueryStatus,
    Timing,
)

if TYPE_CHECKING:
    from .batch import (
        ERRORS_FILE,
        MANIFEST_FILE,
        STALE_FOLDER,
        BatchReport,
        PatientRow,
        PatientRows,
        PlanResult,
        RowError,
        RowOptions,
        count_patients,
        file_name,
        plan_many,
        read_patients,
        write_batch,
    )
    from .plan_diff import MilestoneChange, PlanDiff, diff, render_diff
    from .query import Upcoming, upcoming, upcoming_csv, upcoming_table
    from .replanning import replan

__version__ = "0.1.0"

# Batches, queries, diffs and replanning load on first use: planning one patient
# (and the command line's start-up) should not pay for the process pool, the CSV
# machinery or the commands it does not run.
_LAZY = {
    "ERRORS_FILE": "batch",
    "MANIFEST_FILE": "batch",
    "STALE_FOLDER": "batch",
    "BatchReport": "batch",
    "PatientRow": "batch",
    "PatientRows": "batch",
    "PlanResult": "batch",
    "RowError": "batch",
    "RowOptions": "batch",
    "count_patients": "batch",
    "file_name": "batch",
    "plan_many": "batch",
    "read_patients": "batch",
    "write_batch": "batch",
    "Upcoming": "query",
    "MilestoneChange": "plan_diff",
    "PlanDiff": "plan_diff",
    "diff": "plan_diff",
    "render_diff": "plan_diff",
    "replan": "replanning",
    "upcoming": "query",
    "upcoming_csv": "query",
    "upcoming_table": "query",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'care_timeline' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    # dating
    "DateOrder",
    "Dating",
    "DatingMethod",
    "GestationalAge",
    # the patient
    "Profile",
    # protocols
    "Applicability",
    "Category",
    "Condition",
    "MilestoneKind",
    "MilestoneSpec",
    "Protocol",
    "default_languages",
    "default_protocol",
    "default_protocol_text",
    "load_protocol",
    "parse_protocol",
    # planning and its result
    "APPLICABILITIES",
    "END_CAUSES",
    "EndCause",
    "ON_TIMELINE",
    "QueryStatus",
    "Milestone",
    "Plan",
    "ProtocolRef",
    "Timing",
    "Trimester",
    "plan",
    "plan_json_schema",
    "replan",
    # exports
    "BATCH_FORMATS",
    "CalendarOptions",
    "DEFAULT_REMINDER",
    "FORMATS",
    "check_calendar_name",
    "protocol_to_fhir",
    "render",
    "to_csv",
    "to_fhir",
    "to_html",
    "to_ics",
    "to_json",
    "to_svg",
    "to_text",
    "write_atomic",
    # calendar UIDs that cannot be traced back to a plan id
    "UID_KEY_ENV",
    "load_uid_key",
    "new_uid_key",
    "save_uid_key",
    "uid_key_text",
    # text in, values out (forms, command lines, CSV files)
    "DATING_FIELDS",
    "END_FIELDS",
    "FIELDS",
    "PROFILE_FIELDS",
    "FieldValue",
    "dating_from_fields",
    "end_from_fields",
    "parse_applicability",
    "parse_date",
    "parse_epoch",
    "parse_jobs",
    "parse_omit",
    "parse_reminder",
    "parse_timestamp",
    "parse_yes_no",
    "profile_from_fields",
    # what changed between two plans
    "DIFF_FORMATS",
    "MilestoneChange",
    "PlanDiff",
    "diff",
    "render_diff",
    # text from other people, shown safely
    "for_terminal",
    # many patients
    "ERRORS_FILE",
    "MANIFEST_FILE",
    "STALE_FOLDER",
    "BatchReport",
    "PatientRow",
    "PatientRows",
    "PlanResult",
    "RowError",
    "RowOptions",
    "QUERY_STATUSES",
    "Upcoming",
    "count_patients",
    "file_name",
    "plan_many",
    "read_patients",
    "upcoming",
    "upcoming_csv",
    "upcoming_table",
    "write_batch",
    # errors
    "BatchError",
    "CareTimelineError",
    "DateInputError",
    "DatingError",
    "ExportError",
    "GestationalAgeError",
    "PatientsFileError",
    "PlanError",
    "ProfileError",
    "ProtocolError",
    "QueryError",
    "UnknownMilestoneError",
]
