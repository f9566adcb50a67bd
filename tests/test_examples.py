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
        # a prior preterm birth, so the scans apply (no weekly injection is planned)
        "  2026-11-25  clinic-42/7781  Cervical length scan (vaginal ultrasound) (1 of 5): applies",
        "items next month written to next-month.csv",
    ],
}
# What each script must not print: not-applicable doses and checks in the same week.
NOT_EXPECTED = {
    "planning_script.py": [
        # No weekly injection for anyone (never planned in version 3)
        "Weekly progesterone",
        # 7790: 24w0d is 2026-11-30, the 5th scan, but the waters broke (undated: by today,
        # 2026-11-24), so the scans stop then
        "clinic-42/7790  Cervical length",
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
