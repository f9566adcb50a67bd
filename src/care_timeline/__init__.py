"""care-timeline: a pregnancy's dating turned into a dated care timeline for
cervical insufficiency, for discussion with a clinician.

>>> from datetime import date
>>> import care_timeline as ct
>>> plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
>>> plan.milestone("cerclage-placement").start
datetime.date(2026, 10, 26)

Data flows one way: dating -> protocol -> plan -> exports -> batches and
queries -> the command line (see docs/architecture.md). This module is the
public API: what an app needs is a name here, each described in docs/api.md.
What only the command line needs (reading its flags, writing files atomically,
showing text on a terminal) is in the public modules it belongs to
(``care_timeline.calendar_options``, ``care_timeline.files``, ...), not here.
"""

from typing import TYPE_CHECKING, Any

from .calendar_options import DEFAULT_REMINDER, CalendarOptions
from .dates import DateOrder, parse_date
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
    plan_from_fields,
    profile_from_fields,
)
from .gestational_age import GestationalAge
from .plan_model import (
    Milestone,
    NoLongerPlanned,
    Plan,
    ProtocolRef,
    Trimester,
    plan_json_schema,
)
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
    shipped_protocol,
    shipped_protocol_text,
    shipped_protocols,
)
from .uid_keys import load_uid_key, new_uid_key, save_uid_key
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
        BatchReport,
        FeedSite,
        PatientRow,
        PatientRows,
        PlanResult,
        PublishReport,
        RowError,
        RowOptions,
        plan_many,
        publish,
        read_patients,
        write_batch,
    )
    from .plan_diff import MilestoneChange, PlanDiff, diff, render_diff
    from .query import Upcoming, upcoming, upcoming_csv, upcoming_table
    from .replanning import load_plan, replan

__version__ = "0.1.0"

# Batches, queries, diffs and replanning load on first use: planning one patient
# (and the command line's start-up) should not pay for the process pool, the CSV
# machinery or the commands it does not run.
_LAZY = {
    "BatchReport": "batch",
    "PatientRow": "batch",
    "PatientRows": "batch",
    "PlanResult": "batch",
    "RowError": "batch",
    "RowOptions": "batch",
    "plan_many": "batch",
    "read_patients": "batch",
    "write_batch": "batch",
    "FeedSite": "batch",
    "PublishReport": "batch",
    "publish": "batch",
    "MilestoneChange": "plan_diff",
    "PlanDiff": "plan_diff",
    "diff": "plan_diff",
    "render_diff": "plan_diff",
    "Upcoming": "query",
    "upcoming": "query",
    "upcoming_csv": "query",
    "upcoming_table": "query",
    "replan": "replanning",
    "load_plan": "replanning",
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
    "parse_date",
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
    "shipped_protocol",
    "shipped_protocol_text",
    "shipped_protocols",
    # planning and its result
    "APPLICABILITIES",
    "END_CAUSES",
    "EndCause",
    "ON_TIMELINE",
    "Milestone",
    "NoLongerPlanned",
    "Plan",
    "ProtocolRef",
    "Timing",
    "Trimester",
    "plan",
    "plan_json_schema",
    "load_plan",
    "replan",
    # exports
    "BATCH_FORMATS",
    "CalendarOptions",
    "DEFAULT_REMINDER",
    "FORMATS",
    "protocol_to_fhir",
    "render",
    "to_csv",
    "to_fhir",
    "to_html",
    "to_ics",
    "to_json",
    "to_svg",
    "to_text",
    # calendar UIDs that cannot be traced back to a plan id
    "load_uid_key",
    "new_uid_key",
    "save_uid_key",
    # patient fields (forms, CSV files): text in, a dating, a profile and an end out
    "DATING_FIELDS",
    "END_FIELDS",
    "FIELDS",
    "PROFILE_FIELDS",
    "FieldValue",
    "dating_from_fields",
    "end_from_fields",
    "plan_from_fields",
    "profile_from_fields",
    # what changed between two plans
    "DIFF_FORMATS",
    "MilestoneChange",
    "PlanDiff",
    "diff",
    "render_diff",
    # many patients
    "BatchReport",
    "PatientRow",
    "PatientRows",
    "PlanResult",
    "RowError",
    "RowOptions",
    "plan_many",
    "read_patients",
    "write_batch",
    # subscription feeds: a served folder of calendars that follow each plan
    "FeedSite",
    "PublishReport",
    "publish",
    # questions across plans
    "QUERY_STATUSES",
    "QueryStatus",
    "Upcoming",
    "upcoming",
    "upcoming_csv",
    "upcoming_table",
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
