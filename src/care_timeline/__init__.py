"""care-timeline: a pregnancy's dating turned into a dated care timeline for
cervical insufficiency, for discussion with a clinician.

>>> from datetime import date
>>> import care_timeline as ct
>>> plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
>>> plan.milestone("cerclage-placement").start
datetime.date(2026, 10, 26)
"""

from .batch import PatientRow, PlanResult, RowError, plan_many, read_patients, write_batch
from .dates import DateOrder, parse_date
from .dating import Dating, DatingMethod
from .errors import (
    CareTimelineError,
    DateInputError,
    DatingError,
    GestationalAgeError,
    ProfileError,
    ProtocolError,
)
from .gestational_age import GestationalAge
from .plan import Milestone, Plan, ProtocolRef, Timing, Trimester, plan_json_schema
from .planning import plan
from .profile import Profile
from .protocol import (
    Applicability,
    Category,
    Condition,
    MilestoneSpec,
    Protocol,
    default_protocol,
    default_protocol_text,
    load_protocol,
    parse_protocol,
)
from .query import Upcoming, upcoming

__version__ = "0.1.0"

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
    "MilestoneSpec",
    "Protocol",
    "default_protocol",
    "default_protocol_text",
    "load_protocol",
    "parse_protocol",
    # planning and its result
    "Milestone",
    "Plan",
    "ProtocolRef",
    "Timing",
    "Trimester",
    "plan",
    "plan_json_schema",
    # many patients
    "PatientRow",
    "PlanResult",
    "RowError",
    "Upcoming",
    "plan_many",
    "read_patients",
    "upcoming",
    "write_batch",
    # errors
    "CareTimelineError",
    "DateInputError",
    "DatingError",
    "GestationalAgeError",
    "ProfileError",
    "ProtocolError",
]
