"""The command line run in a process of its own within limits: at most 1 GiB of
memory and 64 MiB a file written. A test of a reader's limit then fails there, with a
traceback or a signal, if the limit is missing, instead of filling the machine's
memory or disk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

__all__ = ["limited_run"]


def limited_run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    import resource  # POSIX only: imported where it is used

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))

    return subprocess.run(
        [sys.executable, "-m", "care_timeline", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        cwd=cwd,
        check=False,
    )
