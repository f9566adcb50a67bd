"""care-timeline: a pregnancy's dating turned into a dated care timeline for
cervical insufficiency, for discussion with a clinician.

>>> from datetime import date
>>> import care_timeline as ct
>>> plan = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=date(2026, 11, 24))
>>> plan.milestone("cerclage-placement").start
datetime.date(2026, 10, 26)
"""

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .batch import PatientRow, PlanResult, RowError, plan_many, read_patients, write_batch
    from .query import Upcoming, upcoming

__version__ = "0.1.0"

# Batches and queries load on first use: planning one patient (and the command
# line's start-up) should not pay for the process pool and CSV machinery.
_LAZY = {
    "PatientRow": "batch",
    "PlanResult": "batch",
    "RowError": "batch",
    "plan_many": "batch",
    "read_patients": "batch",
    "write_batch": "batch",
    "Upcoming": "query",
    "upcoming": "query",
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
