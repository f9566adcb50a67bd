"""FHIR on the command line: ``plan --format fhir``, ``protocol show --format fhir [FILE]``
and ``batch --format fhir`` write Bundles that both validators accept; without the extra
each exits 2 with one line naming it.

The pregnancy is due 2027-05-10 (day 0 = 2026-08-03); dates are counted by hand as in
tests/export/test_fhir.py: 12w0d = +84 = 2026-10-26, 16w0d = +112 = 2026-11-23, 18w3d =
+129 = 2026-12-10, 20w0d = +140 = 2026-12-21, 24w0d = +168 = 2027-01-18, 36w0d = +252 =
2027-04-12, 40w0d = +280 = 2027-05-10.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import care_timeline as ct
from _support.fhir_check import activities, read, resources
from care_timeline.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BASE = "https://care-timeline.invalid/fhir"
REASON_KEY_EXTENSION = f"{BASE}/StructureDefinition/reason-key"
PLAN = [
    "plan",
    "--due-date",
    "2027-05-10",
    "--today",
    "2026-11-24",
    "--prior-preterm-birth",
    "--plan-id",
    "MRN-0012345",
    "--format",
    "fhir",
]


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


def test_plan_format_fhir(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = run(capsysbinary, *PLAN)
    assert code == 0
    # A plan id and no key: one note that the identifier could be traced back.
    assert err.count("\n") == 1 and "note: without a key" in err
    bundle = read(out)
    care_plan = resources(bundle)["CarePlan"]
    assert care_plan["instantiatesCanonical"] == [f"{BASE}/PlanDefinition/cervical-insufficiency|3"]
    assert care_plan["period"] == {"start": "2026-10-26", "end": "2027-05-10"}
    assert resources(bundle)["Observation"]["valueDateTime"] == "2027-05-10"
    monitoring = activities(bundle)["cervical-monitoring"]
    assert monitoring["extension"][1] == {
        "url": REASON_KEY_EXTENSION,
        "valueCode": "prior-preterm-birth",
    }
    assert b"MRN-0012345" not in out
    # The command writes what the library writes for the same facts.
    plan = ct.plan(
        ct.Dating.from_due_date(ct.parse_date("2027-05-10")),
        ct.Profile(prior_preterm_birth=True),
        today=ct.parse_date("2026-11-24"),
        plan_id="MRN-0012345",
    )
    assert out == ct.to_fhir(plan)


def test_plan_format_fhir_of_a_choice_of_either(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    # An earlier preterm birth at 30w, a cervix of 18 mm measured on 20w0d, planned that
    # day: the stitch (20w0d-24w0d) and vaginal progesterone (20w0d-36w0d) both apply, as a
    # choice of either, which each activity says.
    code, out, _ = run(
        capsysbinary,
        "plan",
        "--due-date",
        "2027-05-10",
        "--today",
        "2026-12-21",
        "--fetuses",
        "1",
        "--prior-preterm-birth-ga",
        "30w",
        "--cervical-length",
        "18",
        "--cervical-length-on",
        "2026-12-21",
        "--format",
        "fhir",
    )
    assert code == 0
    details = activities(read(out))
    for milestone, other, end in (
        ("cerclage-if-cervix-shortens", "Daily vaginal progesterone", "2027-01-18"),
        ("vaginal-progesterone", "A stitch if the cervix shortens or opens", "2027-04-12"),
    ):
        detail = details[milestone]
        assert detail["status"] == "not-started" and "reasonCode" in detail
        assert detail["scheduledPeriod"] == {"start": "2026-12-21", "end": end}
        assert f"\n\nOne of two options: this, or {other}. " in detail["description"]


def test_plan_format_fhir_of_a_plan_that_ended(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    # The plan of PLAN, ended by a birth on 18w3d (2026-12-10) and exported ten days later.
    argv = [*PLAN, "--ended-on", "2026-12-10", "--ended-because", "birth"]
    argv[argv.index("--today") + 1] = "2026-12-20"
    code, out, _ = run(capsysbinary, *argv)
    assert code == 0
    bundle = read(out)
    care_plan = resources(bundle)["CarePlan"]
    assert care_plan["status"] == "completed"
    assert care_plan["period"] == {"start": "2026-10-26", "end": "2026-12-10"}
    ended = (
        "This plan ended on 2026-12-10, when your baby was born. "
        "What was still to come is no longer planned."
    )
    details = activities(bundle)
    # From 23w0d, 32w0d, 36w0d and 40w0d: no longer planned, cancelled, without dates.
    for milestone in ("preterm-birth-watch", "late-preterm-watch", "cerclage-removal", "due-date"):
        detail = details[milestone]
        assert (detail["status"], detail["statusReason"]["text"]) == ("cancelled", ended)
        assert "scheduledPeriod" not in detail and "scheduledTiming" not in detail
    # The risk window (12w0d-22w6d) ran past the end: it stops on it, without the signs.
    risk = details["cervical-change-risk"]
    assert risk["scheduledPeriod"] == {"start": "2026-10-26", "end": "2026-12-10"}
    assert "Warning signs" not in out.decode()


def test_plan_format_fhir_to_a_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    target = tmp_path / "plan.fhir.json"
    code, out, err = run(capsysbinary, *PLAN, "--output", str(target))
    assert (code, out) == (0, b"") and "note: without a key" in err
    assert read(target.read_bytes())["type"] == "collection"


@pytest.mark.parametrize(
    ("file", "version"),
    [
        (None, "3"),  # the default protocol
        ("clinic-protocol.toml", "3"),  # version 3 with a clinic's change
        ("article-protocol-v1.toml", "1"),  # the article's rules, kept as an example
    ],
)
def test_protocol_show_format_fhir(
    file: str | None, version: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    argv = ["protocol", "show", "--format", "fhir"]
    if file is not None:
        argv.append(str(EXAMPLES / file))
    code, out, err = run(capsysbinary, *argv)
    assert (code, err) == (0, "")
    bundle = read(out)
    definition = resources(bundle)["PlanDefinition"]
    assert definition["version"] == version
    protocol = ct.default_protocol() if file is None else ct.load_protocol(EXAMPLES / file)
    assert definition["url"] == f"{BASE}/PlanDefinition/{protocol.id}"
    assert [action["id"] for action in definition["action"]] == [
        spec.id for spec in protocol.milestones
    ]
    assert out == ct.protocol_to_fhir(protocol)


def test_protocol_show_format_fhir_of_a_bad_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\n', encoding="utf-8")
    code, out, err = run(capsysbinary, "protocol", "show", "--format", "fhir", str(bad))
    assert (code, out) == (2, b"")
    assert err.count("\n") == 1 and "bad.toml" in err


PATIENTS = """\
id,due_date,fetuses,prior_preterm_birth
a-1,2027-05-10,1,yes
b-2,2027-05-10,2,
bad-3,2027-02-30,1,no
c-4,2027-06-07,1,no
"""
"""Three good rows and one bad one (30 February)."""


def test_batch_format_fhir(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(PATIENTS, encoding="utf-8")
    out = tmp_path / "bundles"
    code, _, err = run(
        capsysbinary,
        "batch",
        str(patients),
        "--out",
        str(out),
        "--format",
        "fhir",
        "--today",
        "2026-11-24",
        "--jobs",
        "1",
    )
    assert code == 1, err  # a bad row, and the good rows written all the same
    files = sorted(path.name for path in out.iterdir())
    assert files == ["a-1.fhir", "b-2.fhir", "c-4.fhir", "errors.csv", "manifest.csv"]
    assert "bad-3" in (out / "errors.csv").read_text(encoding="utf-8")
    # 2027-06-07 is four weeks after 2027-05-10: its 12w0d is 2026-11-23.
    due = {"a-1": "2027-05-10", "b-2": "2027-05-10", "c-4": "2027-06-07"}
    first = {"a-1": "2026-10-26", "b-2": "2026-10-26", "c-4": "2026-11-23"}
    for row, due_date in due.items():
        bundle = read((out / f"{row}.fhir").read_bytes())
        assert resources(bundle)["Observation"]["valueDateTime"] == due_date
        assert resources(bundle)["CarePlan"]["period"] == {"start": first[row], "end": due_date}
        assert row.encode() not in (out / f"{row}.fhir").read_bytes()
    twins = activities(read((out / "b-2.fhir").read_bytes()))
    assert twins["cerclage-placement"]["status"] == "cancelled"


# -- without the extra -------------------------------------------------------------


def hide_fhir_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import fhir...`` fail as if the extra were not installed."""
    for name in [n for n in sys.modules if n == "fhir" or n.startswith("fhir.")] or ["fhir"]:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.parametrize(
    "command",
    [
        PLAN,
        [*PLAN, "--output", "{tmp}/plan.fhir.json"],
        ["protocol", "show", "--format", "fhir"],
        ["protocol", "show", "--format", "fhir", str(EXAMPLES / "clinic-protocol.toml")],
        ["batch", "{tmp}/patients.csv", "--out", "{tmp}/bundles", "--format", "fhir"],
    ],
    ids=["plan", "plan-output", "protocol-show", "protocol-show-file", "batch"],
)
def test_without_the_extra_exit_2_naming_it(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    (tmp_path / "patients.csv").write_text(PATIENTS, encoding="utf-8")
    hide_fhir_resources(monkeypatch)
    code, out, err = run(capsysbinary, *(part.format(tmp=tmp_path) for part in command))
    assert (code, out) == (2, b"")
    assert err.count("\n") == 1 and err.endswith("\n")
    assert err.startswith("care-timeline: error: ")
    assert "pip install 'care-timeline[fhir]'" in err
    assert "Traceback" not in err
    # Nothing written: no plan file, no batch folder (the extra is checked before any row).
    assert sorted(path.name for path in tmp_path.iterdir()) == ["patients.csv"]


BLOCKER = textwrap.dedent(
    """
    import sys
    from importlib.abc import MetaPathFinder


    class NoFhir(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "fhir" or name.startswith("fhir."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None


    sys.meta_path.insert(0, NoFhir())
    try:
        import fhir.resources  # noqa: F401
    except ImportError:
        pass
    else:
        sys.exit("fhir.resources is still importable")
    import runpy

    sys.argv[0] = "care-timeline"
    runpy.run_module("care_timeline", run_name="__main__")
    """
)


def test_without_the_extra_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """As a user without the extra runs it: a new process in which fhir.resources cannot
    be imported at all."""
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER, *PLAN],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "pip install 'care-timeline[fhir]'" in done.stderr


# -- docs/fhir.md -------------------------------------------------------------------


def test_the_docs_command_writes_the_docs_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    text = (ROOT / "docs" / "fhir.md").read_text(encoding="utf-8")
    [line] = [
        line
        for line in text.splitlines()
        if line.startswith("$ care-timeline plan ") and "--format fhir" in line
    ]
    example = re.search(r"<!-- example-bundle -->\n```json\n(.*?)```", text, re.S)
    assert example
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsysbinary, *shlex.split(line)[2:])
    assert code == 0 and err.count("\n") <= 1  # at most the note on keys
    assert (tmp_path / "plan.fhir.json").read_text(encoding="utf-8") == example[1]
