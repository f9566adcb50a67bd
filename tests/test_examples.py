"""Every script in examples/ runs with this interpreter, in a temporary working
directory, exits 0 and prints what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))

# What each script must print (hand-checked against examples/patients.csv, today 2026-11-24).
EXPECTED = {
    "planning_script.py": [
        "10 patients planned on 2026-11-24",
        # due 2027-06-20: day 0 is 2026-09-13, so 12w0d is 2026-12-06
        "  2026-12-06  clinic-42/7789",
        # Series falling 2026-11-24 to 2026-11-30 that apply or are to discuss:
        # 7781: LMP 2026-08-03 with a 30-day cycle: due 2027-05-12, 16w0d on 2026-11-25;
        # a prior preterm birth, so the checks apply and the injections are to discuss
        "  2026-11-25  clinic-42/7781  Cervical check (ultrasound or pelvic exam) (1 of 5): applies",
        "  2026-11-25  clinic-42/7781  Weekly progesterone injection (1 of 21): discuss",
        # 7784: day-5 transfer 2026-08-20, day 0 2026-08-01, 16w0d 2026-11-21; history unknown
        "  2026-11-28  clinic-42/7784  Weekly progesterone injection (2 of 21): discuss",
        # 7786: CRL 45 mm = 8.052 x 6.708 + 23.73 = 77.7, so 78 days (11w1d) on 2026-10-20:
        # day 0 2026-08-03, 16w0d 2026-11-23; history unknown
        "  2026-11-30  clinic-42/7786  Weekly progesterone injection (2 of 21): discuss",
        # 7790: LMP 2026-06-15, 16w0d 2026-10-05; a prior preterm birth
        "  2026-11-30  clinic-42/7790  Weekly progesterone injection (9 of 21): discuss",
        "items next month written to next-month.csv",
    ],
}
# What each script must not print: not-applicable doses and checks in the same week.
NOT_EXPECTED = {
    "planning_script.py": [
        # 7782 (2026-11-24, 4 of 21), 7787 (2026-11-25, 6 of 21), 7788 (2026-11-30, 12 of 21):
        # no prior preterm birth, so the injections do not apply
        "clinic-42/7782  Weekly",
        "clinic-42/7787  Weekly",
        "clinic-42/7788  Weekly",
        # 7790: 24w0d is 2026-11-30, the 5th check, but the waters have broken
        "clinic-42/7790  Cervical check",
    ],
}


def test_there_are_examples() -> None:
    assert "planning_script.py" in [script.name for script in SCRIPTS]


@pytest.mark.parametrize("script", SCRIPTS, ids=[script.name for script in SCRIPTS])
def test_example_runs(script: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "an example should show what it did"
    for line in EXPECTED.get(script.name, []):
        assert line in done.stdout, (line, done.stdout)
    for line in NOT_EXPECTED.get(script.name, []):
        assert line not in done.stdout, (line, done.stdout)
    if script.name == "planning_script.py":
        written = (tmp_path / "next-month.csv").read_bytes()
        assert written.startswith(b"date,gestational_age,id,milestone_id,")
