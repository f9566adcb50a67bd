"""Test tools that the lowest-versions run cannot install.

``.ci/run`` also runs the suite with the lowest runtime versions ``pyproject.toml``
allows (``CARE_TIMELINE_LOWEST_VERSIONS=1``). Two test tools cannot join that
run, because their own floors are above the library's: ``ical`` (the second
calendar parser) needs pydantic 2.10.4 and ``fhir.resources`` (the ``fhir`` extra)
pydantic 2.7.4. In that run alone, what needs them is skipped; they run in every
other run. Anywhere else a missing tool is an error, never a silent skip.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

LOWEST_VERSIONS = os.environ.get("CARE_TIMELINE_LOWEST_VERSIONS") == "1"


def needs(module: str) -> None:
    """Skip the test (or, called at import, the module) in the lowest-versions run
    when ``module`` is not installed; elsewhere do nothing, so its import fails loudly."""
    if LOWEST_VERSIONS and importlib.util.find_spec(module.split(".")[0]) is None:
        pytest.skip(
            f"{module} cannot be installed beside the lowest versions; it runs in the other runs",
            allow_module_level=True,
        )


def needs_fhir_extra() -> None:
    """Skip a test of the ``fhir`` extra in the lowest-versions run (see :func:`needs`)."""
    needs("fhir.resources")
