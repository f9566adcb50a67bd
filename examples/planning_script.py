"""A clinician's planning script: next month's list for a clinic.

Reads patients.csv (beside this script), plans every patient, and prints

1. who enters the 12-22 week window in which a weak cervix may open early,
2. whose cerclage decision is still open while the cerclage window is ahead,
3. the cervical length scans falling in the next week, each marked "applies" or
   "discuss" (the default protocol plans no weekly progesterone injection: their
   approval was withdrawn in the US in 2023),

and writes next month's full list to next-month.csv in the working directory.
Bad rows are printed with their line number and the exit status is 1.

Run it from anywhere:  python examples/planning_script.py
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import care_timeline as ct

PATIENTS = Path(__file__).resolve().parent / "patients.csv"
# A fixed day, so that the printed lists do not change; a clinic would use date.today().
TODAY = date(2026, 11, 24)
NEXT_MONTH = (date(2026, 12, 1), date(2026, 12, 31))


def main() -> int:
    plans: list[ct.PlanResult] = []
    errors: list[ct.RowError] = []
    for result in ct.plan_many(ct.read_patients(PATIENTS), ct.RowOptions(today=TODAY)):
        if isinstance(result, ct.RowError):
            errors.append(result)
        else:
            plans.append(result)
    print(f"{len(plans)} patients planned on {TODAY}")

    print("\nEntering the 12-22 week window next month:")
    for item in ct.upcoming(plans, *NEXT_MONTH, milestone="cervical-change-risk"):
        print(f"  {item.on}  {item.plan_id}")

    print("\nCerclage decision still open, window not yet over:")
    for result in plans:
        placement = result.plan.milestone("cerclage-placement")
        if placement.applicability == "discuss" and placement.timing != "past":
            print(f"  {result.id}: {placement.start} to {placement.end} ({placement.reason})")

    week = (TODAY, TODAY + timedelta(days=6))
    print(f"\nCervical length scans and other dated series from {week[0]} to {week[1]}:")
    for item in ct.upcoming(plans, *week, applicability=["applies", "discuss"]):
        if item.occurrence is not None:
            print(f"  {item.on}  {item.plan_id}  {item.title} ({item.what}): {item.applicability}")

    found = ct.upcoming(plans, *NEXT_MONTH)
    Path("next-month.csv").write_text(ct.upcoming_csv(found), encoding="utf-8", newline="")
    print(f"\n{len(found)} items next month written to next-month.csv")

    for error in errors:
        print(f"bad row: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
