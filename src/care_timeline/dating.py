"""Dating: every way into a pregnancy's timeline ends in one due date.

Each constructor applies one rule from the product contract and remembers the
method and the inputs, so a plan can say how it was dated. A dating built any other
way (loaded from a stored plan, written by hand) is made again by the constructors
from its method and inputs, and must be the one they make.

The constructors and that check are one piece: the check is the constructors, run
again on what a dating records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import date, timedelta
from typing import Any, ClassVar, Literal

from pydantic import field_validator, model_validator

from ._i18n import SOURCE_LANGUAGE, Language, language
from ._model import CheckedModel, FieldProblem
from .content import Text
from .dates import parse_date
from .errors import CareTimelineError, DatingError
from .gestational_age import DAYS_TO_DUE_DATE, GestationalAge
from .ultrasound import Comparison, compare, ga_from_crl, suboptimal_dating_note

__all__ = ["SUPPORTED_DATES", "Dating", "DatingMethod", "check_supported"]

DatingMethod = Literal[
    "due-date",
    "lmp",
    "gestational-age",
    "conception",
    "embryo-transfer",
    "ultrasound",
    "reconciled",
]
"""How a pregnancy was dated (:attr:`Dating.method`): the constructor that made it;
``reconciled`` is :meth:`Dating.reconcile`'s choice between a last period and a scan."""


# Ranges the product contract enforces on dating inputs.
CYCLE_LENGTH_RANGE = (20, 45)
STANDARD_CYCLE_LENGTH = 28
EMBRYO_AGE_RANGE = (2, 7)
MAX_GESTATIONAL_AGE = GestationalAge.of(44, 6)
# Conception is day 14 of a standard cycle: conceptional age + 2 weeks = GA.
CONCEPTION_TO_DUE_DATE = DAYS_TO_DUE_DATE - 14

InputValue = str | int | float

SUPPORTED_DATES = (date(1900, 1, 1), date(2199, 12, 31))
"""Dating inputs must lie in these years. Far wider than any real pregnancy, and
far enough from the calendar's ends (years 1 and 9999) that no milestone, series
or calendar end date can run off it."""


class Dating(CheckedModel):
    """How the pregnancy was dated, and the due date that follows. Every date
    given to a constructor is a ``date`` or ISO 8601 text.

    >>> Dating.from_lmp(date(2026, 8, 3), cycle_length=30).due_date
    datetime.date(2027, 5, 12)
    >>> Dating.from_due_date("2027-05-10").due_date
    datetime.date(2027, 5, 10)
    """

    library_error_type: ClassVar[type[CareTimelineError]] = DatingError

    method: DatingMethod
    due_date: date
    inputs: dict[str, InputValue]
    """What the constructor was given (and, for a reconciled dating, what it found):
    a dating built or loaded any other way must hold the inputs its ``method``
    records, and they must give its ``due_date`` (see :meth:`_made_from_inputs`)."""
    explanation: Text | None = None
    """Why this dating was chosen, where a choice was made (reconciliation)."""
    notes: tuple[Text, ...] = ()
    """Remarks about the quality of the dating, for the plan's readers."""

    @field_validator("due_date", mode="before")
    @classmethod
    def _due_date_supported(cls, value: Any) -> date:
        day = parse_date(value, field="due_date", error=DatingError)
        low, high = SUPPORTED_DATES
        if not low <= day <= high:
            raise ValueError(f"a due date from {low.isoformat()} to {high.isoformat()}")
        return day

    @model_validator(mode="wrap")
    @classmethod
    def _made_from_inputs(cls, data: Any, handler: Callable[[Any], Dating]) -> Dating:
        """A dating not made by a constructor (loaded from a stored plan, built by
        hand) is made again from its method and inputs, as the constructor would make
        it: its due date and its inputs must be the ones that gives. So a stored plan
        whose due date was edited, or whose inputs were (an LMP, a NaN cycle length),
        is refused rather than planned with a due date its inputs contradict. (A
        dating already built, put into a plan, was checked when it was built.)"""
        if isinstance(data, Dating):
            return data
        self = handler(data)
        if _MAKING.get():
            return self
        token = _MAKING.set(True)
        try:
            again = _made_again(self.method, self.inputs)
        except CareTimelineError as err:
            where = f"inputs.{err.field}" if err.field else "inputs"
            raise FieldProblem(where, err.value, err.allowed or str(err)) from None
        finally:
            _MAKING.reset(token)
        if again.due_date != self.due_date:
            raise FieldProblem(
                "due_date",
                self.due_date.isoformat(),
                f"{again.due_date.isoformat()}, the due date its inputs give "
                f"({_shown(self.inputs)})",
            )
        for key in dict.fromkeys([*again.inputs, *self.inputs]):
            if again.inputs.get(key) != self.inputs.get(key):
                expected = again.inputs.get(key)
                raise FieldProblem(
                    f"inputs.{key}",
                    self.inputs.get(key),
                    "nothing (the method records no such input)"
                    if expected is None
                    else f"{expected!r}, as a {self.method} dating of these inputs records it",
                )
        return self

    @classmethod
    def _made(cls, **fields: Any) -> Dating:
        """A dating a constructor made, from inputs it checked itself."""
        token = _MAKING.set(True)
        try:
            return cls(**fields)
        finally:
            _MAKING.reset(token)

    @property
    def day_zero(self) -> date:
        """The pregnancy's day 0 (0w0d): the due date minus 280 days."""
        return self.due_date - timedelta(days=DAYS_TO_DUE_DATE)

    def gestational_age_on(self, on: date | str) -> GestationalAge | None:
        """GA on a calendar day; ``None`` before day 0."""
        return GestationalAge.between(self.due_date, _date("on", on, bounded=False))

    def texts(self, lang: Language) -> tuple[str | None, tuple[str, ...]]:
        """The explanation and notes in ``lang``.

        The plan's JSON keeps them in English, as the library wrote them; when the
        stored text is what the library writes for this dating's own inputs, it is
        written again in ``lang``. Any other text (a note an app added) is shown as
        given.
        """
        explanation, notes = self.explanation, self.notes
        if lang.base == SOURCE_LANGUAGE:
            return explanation, notes
        english = language(SOURCE_LANGUAGE)
        comparison, scan_day, ages = self._scan_comparison()
        if (
            comparison is not None
            and scan_day is not None
            and explanation == comparison.explanation(scan_day, english)
        ):
            explanation = comparison.explanation(scan_day, lang)
        if scan_day is not None and ages:
            own = suboptimal_dating_note(scan_day, ages, english)
            mine = suboptimal_dating_note(scan_day, ages, lang)
            notes = tuple(mine if note == own and mine else note for note in notes)
        return explanation, notes

    def _scan_comparison(
        self,
    ) -> tuple[Comparison | None, date | None, dict[str, GestationalAge]]:
        """What :meth:`reconcile` and :meth:`from_ultrasound` compared, read back
        from the recorded inputs (nothing when they are not there)."""
        inputs = self.inputs
        try:
            scan_day = date.fromisoformat(str(inputs["scan_date"]))
        except (KeyError, ValueError):
            return None, None, {}
        try:
            if self.method == "reconciled":
                lmp_ga = GestationalAge.parse(str(inputs["lmp_ga_at_scan"]))
                us_ga = GestationalAge.parse(str(inputs["ultrasound_ga_at_scan"]))
                comparison = compare(lmp_ga, us_ga)
                ages = {"LMP": lmp_ga}
                if comparison.redate:
                    ages["ultrasound"] = us_ga
                return comparison, scan_day, ages
            if self.method == "ultrasound":
                if "scan_ga" in inputs:
                    scan_ga = GestationalAge.parse(str(inputs["scan_ga"]))
                else:
                    scan_ga = ga_from_crl(float(inputs["crl_mm"]))
                return None, scan_day, {"ultrasound": scan_ga}
        except (KeyError, ValueError):
            pass  # inputs an app wrote by hand: shown as they are
        return None, scan_day, {}

    def date_at(self, ga: GestationalAge | str) -> date:
        """The calendar day on which the pregnancy reaches ``ga``."""
        if isinstance(ga, str):
            ga = GestationalAge.parse(ga)
        return ga.to_date(self.due_date)

    # -- constructors ---------------------------------------------------------

    @classmethod
    def from_due_date(cls, due_date: date | str) -> Dating:
        """The due date is given."""
        due = _date("due_date", due_date)
        return cls._made(method="due-date", due_date=due, inputs={"due_date": due.isoformat()})

    @classmethod
    def from_lmp(cls, lmp: date | str, cycle_length: int = STANDARD_CYCLE_LENGTH) -> Dating:
        """Naegele's rule, adjusted for cycle length: LMP + 280 d + (cycle − 28) d.

        >>> Dating.from_lmp(date(2026, 8, 3)).due_date
        datetime.date(2027, 5, 10)
        """
        start = _date("lmp", lmp)
        cycle = _int_in("cycle_length", cycle_length, CYCLE_LENGTH_RANGE, "days")
        due = start + timedelta(days=DAYS_TO_DUE_DATE + cycle - STANDARD_CYCLE_LENGTH)
        return cls._made(
            method="lmp", due_date=due, inputs={"lmp": start.isoformat(), "cycle_length": cycle}
        )

    @classmethod
    def from_gestational_age(cls, ga: GestationalAge | str, *, on: date | str) -> Dating:
        """A gestational age on a date: due = date + (280 − GA in days).

        >>> Dating.from_gestational_age("14w3d", on=date(2026, 11, 24)).due_date
        datetime.date(2027, 5, 22)
        """
        if isinstance(ga, str):
            ga = GestationalAge.parse(ga, field="ga")
        if not isinstance(ga, GestationalAge):
            raise DatingError(field="ga", value=ga, allowed="a gestational age like '14w3d'")
        if ga > MAX_GESTATIONAL_AGE:
            raise DatingError(field="ga", value=str(ga), allowed=f"0w0d-{MAX_GESTATIONAL_AGE}")
        day = _date("on", on)
        due = day + timedelta(days=DAYS_TO_DUE_DATE - ga.total_days)
        return cls._made(
            method="gestational-age",
            due_date=due,
            inputs={"ga": str(ga), "on": day.isoformat()},
        )

    @classmethod
    def from_conception(cls, conception: date | str) -> Dating:
        """Conception + 266 days (GA = conceptional age + 2 weeks)."""
        day = _date("conception", conception)
        return cls._made(
            method="conception",
            due_date=day + timedelta(days=CONCEPTION_TO_DUE_DATE),
            inputs={"conception": day.isoformat()},
        )

    @classmethod
    def from_embryo_transfer(cls, transfer: date | str, *, embryo_age_days: int) -> Dating:
        """IVF: transfer + 266 − embryo age (a day-5 blastocyst: transfer + 261).

        >>> Dating.from_embryo_transfer(date(2026, 8, 20), embryo_age_days=5).due_date
        datetime.date(2027, 5, 8)
        """
        day = _date("transfer", transfer)
        age = _int_in("embryo_age", embryo_age_days, EMBRYO_AGE_RANGE, "days")
        return cls._made(
            method="embryo-transfer",
            due_date=day + timedelta(days=CONCEPTION_TO_DUE_DATE - age),
            inputs={"transfer": day.isoformat(), "embryo_age": age},
        )

    @classmethod
    def from_ultrasound(
        cls,
        *,
        scan_date: date | str,
        crl_mm: float | None = None,
        ga: GestationalAge | str | None = None,
    ) -> Dating:
        """An ultrasound scan: exactly one of a crown–rump length in mm (GA by
        Robinson & Fleming 1975, CRL 10.0-84.0 mm, see :mod:`care_timeline.ultrasound`)
        or a gestational age read off a scan report (later scans).

        A scan at or after 22w0d gets the "suboptimally dated" note (ACOG CO 700).

        >>> Dating.from_ultrasound(crl_mm=45, scan_date=date(2026, 10, 20)).due_date
        datetime.date(2027, 5, 10)
        """
        day = _date("scan_date", scan_date)
        if (crl_mm is None) == (ga is None):
            given = "neither" if crl_mm is None else "both crl_mm and ga"
            raise DatingError(
                field="ultrasound", value=given, allowed="exactly one of crl_mm or ga"
            )
        inputs: dict[str, InputValue]
        if crl_mm is not None:
            scan_ga = ga_from_crl(crl_mm)
            inputs = {"crl_mm": float(crl_mm), "scan_date": day.isoformat()}
        else:
            scan_ga = _scan_ga(ga)
            inputs = {"scan_ga": str(scan_ga), "scan_date": day.isoformat()}
        note = suboptimal_dating_note(day, {"ultrasound": scan_ga})
        return cls._made(
            method="ultrasound",
            due_date=day + timedelta(days=DAYS_TO_DUE_DATE - scan_ga.total_days),
            inputs=inputs,
            notes=() if note is None else (note,),
        )

    @classmethod
    def reconcile(cls, lmp_dating: Dating, ultrasound_dating: Dating) -> Dating:
        """LMP against ultrasound by the ACOG CO 700 table: re-date to the
        ultrasound only when the two differ on the scan day by more than the
        threshold for the scan's GA *by LMP*; otherwise keep the LMP dating.

        ``inputs`` holds both datings' inputs and the decision (``chosen``,
        ``difference_days``, ``threshold_days``, ``lmp_ga_at_scan``,
        ``ultrasound_ga_at_scan``); ``explanation`` says why in a sentence.

        >>> lmp = Dating.from_lmp(date(2026, 8, 3))
        >>> scan = Dating.from_ultrasound(ga="10w2d", scan_date=date(2026, 10, 5))
        >>> Dating.reconcile(lmp, scan).explanation.split(".")[0]
        'ultrasound at 10w2d differs from LMP by 9 days (> 7): re-dated to ultrasound'
        """
        for field, given, method in (
            ("lmp_dating", lmp_dating, "lmp"),
            ("ultrasound_dating", ultrasound_dating, "ultrasound"),
        ):
            if not isinstance(given, Dating) or given.method != method:
                shown = given.method if isinstance(given, Dating) else given
                raise DatingError(field=field, value=shown, allowed=f"a Dating by {method}")
        scan_text = ultrasound_dating.inputs.get("scan_date")
        try:
            scan_day = date.fromisoformat(str(scan_text))
        except ValueError:
            raise DatingError(
                field="ultrasound_dating", value=scan_text, allowed="a scan_date in its inputs"
            ) from None
        lmp_ga = lmp_dating.gestational_age_on(scan_day)
        if lmp_ga is None or lmp_ga > MAX_GESTATIONAL_AGE:
            raise DatingError(
                field="scan_date",
                value=scan_day.isoformat(),
                allowed=f"a day 0w0d-{MAX_GESTATIONAL_AGE} by the LMP "
                f"({lmp_dating.inputs.get('lmp')})",
            )
        us_ga = ultrasound_dating.gestational_age_on(scan_day)
        assert us_ga is not None  # an ultrasound dating is day 0 or later on its own scan day
        result = compare(lmp_ga, us_ga)
        chosen = ultrasound_dating if result.redate else lmp_dating
        ages = {"LMP": lmp_ga}
        if result.redate:
            ages["ultrasound"] = us_ga
        note = suboptimal_dating_note(scan_day, ages)
        return cls._made(
            method="reconciled",
            due_date=chosen.due_date,
            inputs={
                **lmp_dating.inputs,
                **ultrasound_dating.inputs,
                "chosen": chosen.method,
                "difference_days": result.difference_days,
                "threshold_days": result.band.threshold_days,
                "lmp_ga_at_scan": str(lmp_ga),
                "ultrasound_ga_at_scan": str(us_ga),
            },
            explanation=result.explanation(scan_day),
            notes=() if note is None else (note,),
        )


_MAKING: ContextVar[bool] = ContextVar("care_timeline_making_a_dating", default=False)
"""Set while a constructor makes a dating: its inputs are the ones it checked."""


def _made_again(method: str, inputs: Mapping[str, InputValue]) -> Dating:
    """The dating a constructor makes from ``inputs`` by ``method``; a missing input
    is a :class:`DatingError` naming it."""

    def given(key: str) -> Any:
        if key not in inputs:
            raise DatingError(
                field=key, value="nothing", allowed=f"a value (a {method} dating records it)"
            )
        return inputs[key]

    def scan() -> Dating:
        if "crl_mm" in inputs:
            return Dating.from_ultrasound(scan_date=given("scan_date"), crl_mm=given("crl_mm"))
        return Dating.from_ultrasound(scan_date=given("scan_date"), ga=given("scan_ga"))

    if method == "due-date":
        return Dating.from_due_date(given("due_date"))
    if method == "lmp":
        return Dating.from_lmp(given("lmp"), given("cycle_length"))
    if method == "gestational-age":
        return Dating.from_gestational_age(given("ga"), on=given("on"))
    if method == "conception":
        return Dating.from_conception(given("conception"))
    if method == "embryo-transfer":
        return Dating.from_embryo_transfer(given("transfer"), embryo_age_days=given("embryo_age"))
    if method == "ultrasound":
        return scan()
    lmp = Dating.from_lmp(given("lmp"), given("cycle_length"))
    return Dating.reconcile(lmp, scan())


def _shown(inputs: Mapping[str, InputValue]) -> str:
    return ", ".join(f"{key} {value}" for key, value in inputs.items())


def check_supported(day: date, *, field: str, error: type[CareTimelineError] = DatingError) -> date:
    """``day`` if it lies in :data:`SUPPORTED_DATES` (1900-2199), else ``error`` naming
    ``field`` (the argument, column or flag the day was given as)."""
    low, high = SUPPORTED_DATES
    if not low <= day <= high:
        raise error(
            field=field,
            value=day.isoformat(),
            allowed=f"a date from {low.isoformat()} to {high.isoformat()}",
        )
    return day


def _date(field: str, value: Any, *, bounded: bool = True) -> date:
    # parse_date refuses a datetime: taking one would silently drop its time and zone.
    day = parse_date(value, field=field, error=DatingError)
    return check_supported(day, field=field) if bounded else day


def _scan_ga(value: Any) -> GestationalAge:
    ga = GestationalAge.parse(value, field="scan_ga") if isinstance(value, str) else value
    if not isinstance(ga, GestationalAge):
        raise DatingError(field="scan_ga", value=value, allowed="a gestational age like '20w1d'")
    if ga > MAX_GESTATIONAL_AGE:
        raise DatingError(field="scan_ga", value=str(ga), allowed=f"0w0d-{MAX_GESTATIONAL_AGE}")
    return ga


def _int_in(field: str, value: Any, bounds: tuple[int, int], unit: str) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DatingError(
            field=field, value=value, allowed=f"a whole number of {unit}, {low}-{high}"
        )
    return value
