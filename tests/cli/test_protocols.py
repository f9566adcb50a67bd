"""The command line and several protocols: ``--protocol NAME|FILE``, given again to compose
one plan; ``protocol list``; ``protocol show NAME``; batches and planning lists of
composed plans. Bad input exits 2 with one line naming the flag, the value and what is
allowed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import care_timeline as ct
from _support.tools import needs_fhir_extra
from care_timeline.cli import main

PLAN = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24"]
BOTH = ["--protocol", "cervical-insufficiency", "--protocol", "who-anc-2016"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_protocol_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "protocol", "list")
    assert code == 0
    assert out.splitlines() == [
        "cervical-insufficiency  3  Cervical insufficiency care timeline",
        "who-anc-2016            1  Routine antenatal care contacts (WHO 2016)",
        "tr-dob-2014             1  Routine antenatal visits (Turkey, Ministry of Health, 2014)",
    ]
    code, out, _ = run(capsys, "protocol", "list", "--language", "tr")
    assert code == 0
    assert out.splitlines()[2].endswith("Rutin gebelik izlemleri (T.C. Sağlık Bakanlığı, 2014)")


def test_a_composed_plan_from_the_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *PLAN, *BOTH, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [ref["id"] for ref in data["protocols"]] == ["cervical-insufficiency", "who-anc-2016"]
    assert data == json.loads(
        ct.to_json(
            ct.plan(
                ct.Dating.from_due_date(ct.parse_date("2027-05-10")),
                protocol=["cervical-insufficiency", "who-anc-2016"],
                today="2026-11-24",
            )
        )
    )
    # one --protocol by name is that protocol alone
    code, out, _ = run(
        capsys, *PLAN, "--protocol", "tr-dob-2014", "--language", "tr", "--format", "csv"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [row["milestone_id"] for row in rows] == [
        "tr-visit-1",
        "tr-visit-2",
        "tr-visit-3",
        "tr-visit-4",
        "due-date",
    ]
    assert rows[0]["title"] == "Birinci İzlem (İlk İzlem)" and "protocol" not in rows[0]


def test_a_clinic_file_composes_by_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    clinic = tmp_path / "clinic-visits.toml"
    clinic.write_text(
        ct.shipped_protocol_text("who-anc-2016").replace(
            'id = "who-anc-2016"', 'id = "clinic-visits"'
        ),
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys,
        *PLAN,
        "--protocol",
        "cervical-insufficiency",
        "--protocol",
        str(clinic),
        "--format",
        "json",
    )
    assert code == 0
    assert {item.get("protocol") for item in json.loads(out)["milestones"]} == {
        "cervical-insufficiency",
        "clinic-visits",
    }


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["--protocol", "nice-ng201"],
            "care-timeline: error: nice-ng201: no such file, nor the name of a shipped protocol "
            "(cervical-insufficiency, who-anc-2016, tr-dob-2014)",
        ),
        (
            [*BOTH, "--protocol", "who-anc-2016"],
            "care-timeline: error: --protocol: 'who-anc-2016' is not valid; expected each protocol "
            "once in a plan",
        ),
        (
            ["--protocol", "who-anc-2016", "--language", "de"],
            "care-timeline: error: --language: 'de' is not valid; expected one of en, tr",
        ),
    ],
)
def test_bad_protocols_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    code, out, err = run(capsys, *PLAN, *argv)
    assert (code, out) == (2, "")
    assert err == said + "\n"


def test_a_file_in_another_language_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    turkish = tmp_path / "klinik.toml"
    turkish.write_text(ct.shipped_protocol_text("tr-dob-2014", "tr"), encoding="utf-8")
    code, _, err = run(
        capsys, *PLAN, "--protocol", "cervical-insufficiency", "--protocol", str(turkish)
    )
    assert code == 2
    assert err.startswith("care-timeline: error: --protocol: 'tr-dob-2014' is in 'tr' and ")
    code, _, err = run(capsys, *PLAN, "--protocol", str(turkish), "--language", "en")
    assert code == 2
    assert err == (
        f"care-timeline: error: --language: 'en' is not valid; expected the language of {turkish} "
        "('tr'), or none\n"
    )
    # in Turkish, with the default protocol named, it composes
    code, out, _ = run(
        capsys,
        *PLAN,
        "--protocol",
        "cervical-insufficiency",
        "--protocol",
        str(turkish),
        "--language",
        "tr",
    )
    assert code == 0 and "Birinci İzlem (İlk İzlem)" in out


def test_protocol_show_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "protocol", "show", "who-anc-2016")
    assert code == 0 and out == ct.shipped_protocol_text("who-anc-2016")
    code, out, _ = run(capsys, "protocol", "show", "tr-dob-2014", "--language", "tr")
    assert code == 0 and out == ct.shipped_protocol_text("tr-dob-2014", "tr")
    assert 'title = "Birinci İzlem (İlk İzlem)"' in out


@pytest.mark.parametrize("name", ["who-anc-2016", "tr-dob-2014"])
def test_protocol_show_fhir_exports_each_plan_definition(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    needs_fhir_extra()
    code, out, _ = run(capsys, "protocol", "show", name, "--format", "fhir")
    assert code == 0
    definition = json.loads(out)["entry"][0]["resource"]
    assert definition["url"] == f"https://care-timeline.invalid/fhir/PlanDefinition/{name}"
    assert definition["usage"] == ct.shipped_protocol(name).clinician_note  # no warning signs
    assert [action["id"] for action in definition["action"]] == [
        m.id for m in ct.shipped_protocol(name).milestones
    ]


PATIENTS = "id,due_date,prior_preterm_birth\na,2027-05-10,yes\nb,2027-06-01,\n"


def test_a_batch_of_composed_plans(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    patients = tmp_path / "patients.csv"
    patients.write_text(PATIENTS, encoding="utf-8")
    sheet = tmp_path / "all.csv"
    code, _, _ = run(
        capsys,
        "batch",
        str(patients),
        "--out",
        str(tmp_path / "out"),
        "--format",
        "csv",
        "--combined",
        str(sheet),
        "--today",
        "2026-11-24",
        "--quiet",
        *BOTH,
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"), newline="")))
    assert list(rows[0])[-1] == "protocol"
    assert {(row["plan_id"], row["milestone_id"], row["protocol"]) for row in rows} >= {
        ("a", "who-contact-2", "who-anc-2016"),
        ("b", "cerclage-removal", "cervical-insufficiency"),
    }
    # the same rows, one file each, as the plan command writes them
    code, _, _ = run(
        capsys,
        "batch",
        str(patients),
        "--out",
        str(tmp_path / "json"),
        "--format",
        "json",
        "--today",
        "2026-11-24",
        "--quiet",
        *BOTH,
    )
    assert code == 0
    code, out, _ = run(
        capsys, *PLAN, "--prior-preterm-birth", "--plan-id", "a", *BOTH, "--format", "json"
    )
    assert (tmp_path / "json" / "a.json").read_text(encoding="utf-8") == out


def test_upcoming_across_protocols(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Patient a is due 2027-05-10 (20w0d = 2026-12-21), b 2027-06-01 (22 days later: 20w0d
    = 2027-01-12, outside the range)."""
    patients = tmp_path / "patients.csv"
    patients.write_text(PATIENTS, encoding="utf-8")
    december = ["upcoming", str(patients), "--from", "2026-12-01", "--to", "2026-12-31"]
    asked = [*december, "--today", "2026-11-24", "--milestone", "who-contact-2"]
    code, out, err = run(capsys, *asked, "--format", "csv", *BOTH)
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [(r["id"], r["date"], r["protocol"]) for r in rows] == [
        ("a", "2026-12-21", "who-anc-2016")
    ]
    code, _, err = run(capsys, *asked)  # the default protocol alone has no such milestone
    assert code == 2 and "milestone: 'who-contact-2' is not valid" in err
