"""What users install: the sdist and the wheel hold every file of the package, the
declared dependencies are the ones imported, the version is written once, and
``python -m care_timeline`` runs. (CI also installs the wheel into a fresh
environment outside the repository and plans from there: see .ci/run.)"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pytest

import care_timeline as ct
from _support.tools import needs_fhir_extra

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "care_timeline"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BUILD_LEFTOVERS = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".pytest_cache",
)


def _package_files() -> list[str]:
    """Every file of the package as the wheel names it (``care_timeline/...``),
    compiled Python left out."""
    return sorted(
        path.relative_to(PACKAGE.parent).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist, and the wheel built from it, made from a clean copy of the tree
    (a build folder left from an earlier build could hide a missing file)."""
    work = tmp_path_factory.mktemp("build")
    shutil.copytree(ROOT, work / "tree", ignore=BUILD_LEFTOVERS)
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(work / "dist"), "."],
        cwd=work / "tree",
        check=True,
        capture_output=True,
        timeout=300,
    )
    (sdist,) = (work / "dist").glob("*.tar.gz")
    (wheel,) = (work / "dist").glob("*.whl")
    return sdist, wheel


def test_the_package_has_data_files() -> None:
    data = [name for name in _package_files() if not name.endswith(".py")]
    for expected in (
        "care_timeline/py.typed",
        "care_timeline/plan.schema.json",
        "care_timeline/protocol/cervical_insufficiency.toml",
        "care_timeline/locale/protocols.pot",
        "care_timeline/locale/tr/LC_MESSAGES/protocols.mo",
    ):
        assert expected in data


def test_the_wheel_holds_every_file_of_the_package(built: tuple[Path, Path]) -> None:
    _, wheel = built
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in _package_files() if name not in names]
    assert not missing, f"not in the wheel: {missing}"


def test_the_sdist_holds_every_file_of_the_package_and_the_tests(built: tuple[Path, Path]) -> None:
    sdist, _ = built
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    wanted = [f"src/{name}" for name in _package_files()]
    wanted += [
        "README.md",
        "CHANGELOG.md",
        "MANIFEST.in",
        "tests/conftest.py",
        "examples/patients.csv",
    ]
    missing = [name for name in wanted if name not in names]
    assert not missing, f"not in the sdist: {missing}"


def test_the_wheel_records_one_version_and_the_metadata(built: tuple[Path, Path]) -> None:
    _, wheel = built
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(name).decode()
    assert f"\nVersion: {ct.__version__}\n" in text
    assert "\nClassifier: Typing :: Typed\n" in text
    assert "\nKeywords: " in text and "\nProject-URL: Changelog, " in text


def test_the_version_is_written_once() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "care_timeline.__version__"
    assert metadata.version("care-timeline") == ct.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{ct.__version__}]" in changelog and "## [Unreleased]" in changelog


def test_the_metadata_says_what_the_project_is() -> None:
    project = PYPROJECT["project"]
    assert project["keywords"] and project["license"] == "MIT"
    assert "Typing :: Typed" in project["classifiers"]
    assert set(project["urls"]) >= {"Homepage", "Documentation", "Changelog", "Issues"}


def _third_party_imports() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"care_timeline", "__future__"}


def _names(requirements: list[str]) -> set[str]:
    return {
        requirement.split(">")[0].split("<")[0].split("=")[0].strip().lower()
        for requirement in requirements
    }


def test_declared_dependencies_are_the_ones_imported() -> None:
    """Every runtime dependency is imported, and everything imported is a runtime
    dependency or an optional extra's (such as fhir): python-dateutil was declared
    and never imported."""
    needs_fhir_extra()  # its module is named by the installed distribution's metadata
    project = PYPROJECT["project"]
    runtime = _names(project["dependencies"])
    extras = {
        name
        for extra, requirements in project["optional-dependencies"].items()
        if extra != "test"
        for name in _names(requirements)
    }
    providers = metadata.packages_distributions()
    # pydantic_core is part of pydantic's API for custom types; pydantic pins its version.
    providers["pydantic_core"] = ["pydantic"]
    imported = {
        dist.lower()
        for module in _third_party_imports()
        for dist in providers.get(module, [module])
    }
    assert runtime <= imported, f"declared, never imported: {sorted(runtime - imported)}"
    assert imported <= runtime | extras, (
        f"imported, undeclared: {sorted(imported - runtime - extras)}"
    )


@pytest.mark.parametrize("format", ct.FORMATS)
def test_python_m_care_timeline_plans(format: str, tmp_path: Path) -> None:
    if format == "fhir":
        needs_fhir_extra()
    flags = ["--today", "2026-11-24", "--timestamp", "2026-11-24T08:00:00Z", "--format", format]
    done = subprocess.run(
        [sys.executable, "-m", "care_timeline", "plan", "--due-date", "2027-05-10", *flags],
        cwd=tmp_path,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == ct.render(
        ct.plan(ct.Dating.from_due_date("2027-05-10"), today="2026-11-24"),
        format,
        ct.CalendarOptions(timestamp=datetime(2026, 11, 24, 8, tzinfo=UTC)),
    )
    if format == "json":
        assert json.loads(done.stdout)["dating"]["due_date"] == "2027-05-10"


def test_python_m_care_timeline_version_and_errors(tmp_path: Path) -> None:
    version = subprocess.run(
        [sys.executable, "-m", "care_timeline", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (version.returncode, version.stdout) == (0, f"care-timeline {ct.__version__}\n")
    bad = subprocess.run(
        [sys.executable, "-m", "care_timeline", "plan", "--due-date", "2027-13-10"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--due-date: " in bad.stderr
