"""A batch killed outright (kill -9 of its main process alone, as the OOM killer does)
takes its worker processes with it and leaves the folder unlocked (docs/batch.md)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or not (Path("/proc").is_dir() or shutil.which("pgrep")),
    reason="needs a POSIX system that lists a process's children (/proc or pgrep)",
)


def children(pid: int) -> set[int]:
    tasks = Path(f"/proc/{pid}/task")
    if tasks.is_dir():
        found: set[int] = set()
        for task in tasks.iterdir():
            try:
                found.update(int(word) for word in (task / "children").read_text().split())
            except OSError:
                continue
        return found
    listed = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return {int(word) for word in listed.stdout.split()}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead
    except (OSError, IndexError):
        return True


def batch(folder: Path, patients: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "care_timeline",
        "batch",
        str(folder / patients),
        "--out",
        str(folder / "out"),
        "--format",
        "json",
        "--today",
        "2026-11-24",
        "--quiet",
        *extra,
    ]


def test_kill_9_of_the_main_process_ends_its_workers_and_frees_the_folder(
    tmp_path: Path,
) -> None:
    rows = "".join(f"p{n},2027-05-{10 + n % 18}\n" for n in range(40_000))
    (tmp_path / "patients.csv").write_text("id,due_date\n" + rows, encoding="utf-8")
    (tmp_path / "next.csv").write_text("id,due_date\nnext,2027-05-10\n", encoding="utf-8")
    main = subprocess.Popen(batch(tmp_path, "patients.csv", "--jobs", "2"))
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until both workers have written files
            workers |= children(main.pid)
            written = list((tmp_path / "out").glob("p*.json")) if workers else []
            if len(workers) >= 2 and len(written) > 100:
                break
            assert main.poll() is None, "the batch ended before it could be killed"
            time.sleep(0.05)
        assert len(workers) >= 2, "no worker processes seen"
        main.send_signal(signal.SIGKILL)
        main.wait(timeout=10)
        # The folder is free at once: no worker holds the lock.
        again = subprocess.run(
            batch(tmp_path, "next.csv", "--jobs", "1"), capture_output=True, text=True, timeout=60
        )
        assert "another batch is writing into this folder" not in again.stderr
        assert again.returncode == 0, again.stderr
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if alive(pid)], "workers outlived the batch"
    finally:
        if main.poll() is None:
            main.kill()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
