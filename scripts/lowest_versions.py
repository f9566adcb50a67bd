"""The lowest versions pyproject.toml allows, for CI's lowest-versions run.

    python scripts/lowest_versions.py pins        # icalendar==7.3 ... (pip constraints)
    python scripts/lowest_versions.py test-tools  # the test extra, less what cannot join

``pins`` turns each runtime dependency's lower bound (``>=``) into an exact pin,
so the run cannot drift from what the project declares. ``test-tools`` lists the
``test`` extra without the tools whose own floors are above the runtime pins
(:data:`CANNOT_JOIN`); tests/_support/tools.py skips what needs them in that run.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CANNOT_JOIN = {
    "ical": "needs pydantic 2.10.4 or later",
    "fhir.resources": "needs pydantic 2.7.4 or later (through fhir-core)",
}
_NAME = re.compile(r"^([A-Za-z0-9._-]+)")


def _project() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        project: dict[str, Any] = tomllib.load(handle)["project"]
    return project


def _name(requirement: str) -> str:
    match = _NAME.match(requirement)
    assert match is not None, requirement
    return match[1]


def pins() -> list[str]:
    """``name==lowest`` for every runtime dependency; one without a lower bound is an error."""
    found = []
    for requirement in _project()["dependencies"]:
        name = _name(requirement)
        lower = re.search(r">=\s*([0-9][^,;\s]*)", requirement)
        if lower is None:
            raise SystemExit(f"{requirement}: no lower bound (>=) to pin")
        found.append(f"{name}=={lower[1]}")
    return found


def test_tools() -> list[str]:
    """The test extra without the tools that cannot join the lowest versions."""
    tools = _project()["optional-dependencies"]["test"]
    return [tool for tool in tools if _name(tool).lower() not in CANNOT_JOIN]


def main(argv: list[str]) -> int:
    if argv not in (["pins"], ["test-tools"]):
        print(__doc__, file=sys.stderr)
        return 2
    print("\n".join(pins() if argv == ["pins"] else test_tools()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
