"""The batch command's progress bar: one line on a terminal, nothing in a log."""

from __future__ import annotations

import time
from typing import IO

__all__ = ["ProgressBar", "progress_bar"]


class ProgressBar:
    """One line on a terminal, redrawn at most every ``interval`` seconds:
    rows done of ``total`` (when known) and the rate. Call it with the rows
    done so far; :meth:`close` erases it."""

    def __init__(self, total: int | None, stream: IO[str], *, interval: float = 0.1) -> None:
        self.total, self.stream, self.interval = total, stream, interval
        self.started = self.last = time.monotonic()
        self.shown = False

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        if self.total:
            width = 30
            filled = min(width, done * width // self.total)
            line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} rows"
        else:
            line = f"{done} rows"
        self.stream.write(f"\r{line}, {rate:.0f} rows/s\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def progress_bar(total: int | None, stream: IO[str]) -> ProgressBar | None:
    """A progress bar for a batch of ``total`` rows (``read_patients(path).count``)
    on ``stream``, or None when ``stream`` is not a terminal (a log file gets no bar)."""
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return None
    return ProgressBar(total, stream)
