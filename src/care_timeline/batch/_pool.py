"""Running work over chunks of rows on worker processes, results in row order,
with only a few chunks in flight so memory stays flat however long the input;
and how many workers (:func:`parse_jobs`).

A worker dies with the batch: each watches the process that started it, and
leaves at once when that process is gone, however it ended (``kill -9``, the OOM
killer), rather than waiting for work that will never come. (A file it was
writing then is a temporary ``.part`` file the next batch deletes; the files are
written atomically.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from ..errors import BatchError

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = [
    "CHUNKS_IN_FLIGHT_PER_JOB",
    "CHUNK_ROWS",
    "MAX_JOBS",
    "parse_jobs",
    "run_each",
    "run_in_order",
]

CHUNK_ROWS = 32
"""Rows per task sent to a worker: enough to make the hand-over cheap, few
enough that the last chunks do not leave cores idle."""
CHUNKS_IN_FLIGHT_PER_JOB = 2
"""One chunk running and one queued per worker keeps every core busy while
memory holds only a handful of chunks."""

MAX_JOBS = 256
"""More worker processes than this would only cost memory: every one holds a copy
of the planning machinery, and a batch is bound by its cores."""


def parse_jobs(text: str | int | None, *, cores: int | None = None) -> int:
    """``--jobs``: a whole number of worker processes, 1 or more (default: every core).

    >>> parse_jobs("3"), parse_jobs(None, cores=2)
    (3, 2)
    """
    if text is None:
        if cores is None:
            import os

            cores = os.cpu_count()
        return cores or 1
    huge = isinstance(text, int) and text.bit_length() > 64  # str() of it may fail
    digits = "too many" if huge else str(text).strip()
    if (
        isinstance(text, bool)
        or not (digits.isascii() and digits.isdigit())
        or not 1 <= int(digits) <= MAX_JOBS
    ):
        raise BatchError(
            field="jobs",
            value="a number too large" if huge else text,
            allowed=f"a whole number of worker processes, 1 to {MAX_JOBS}",
        )
    return int(digits)


_S = TypeVar("_S")
_T = TypeVar("_T")
_R = TypeVar("_R")


PARENT_CHECK_SECONDS = 0.1
"""How often a worker checks that the process that started it is still there."""


def _start_worker() -> None:
    # Ctrl-C reaches every process of the terminal's group: the main process
    # stops the batch, and the workers finish their current row's file so that
    # no file is cut short, instead of dying mid-write with tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_leave_with_parent, args=(os.getppid(),), name="watch-parent", daemon=True
    ).start()


def _leave_with_parent(parent: int) -> None:
    """End this worker once the process that started it is gone: the worker is then
    another process's child (``getppid`` changes; on Linux and macOS an orphan is
    adopted at once). Polling needs nothing the system may lack (no ``prctl``, no
    signal on the parent's death), so it works wherever the workers run."""
    while parent != 1 and os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def run_in_order(
    work: Callable[[_S, list[_T]], list[_R]],
    settings: _S,
    items: Iterator[_T],
    workers: int,
) -> Generator[list[_R], None, None]:
    """``work(settings, chunk)`` over chunks of ``items``, results in order, on
    ``workers`` processes (in this process when it is 1), with a bounded number
    of chunks in flight. ``work`` and ``settings`` must pickle."""
    chunks = iter(lambda: list(islice(items, CHUNK_ROWS)), [])
    if workers == 1:
        for chunk in chunks:
            yield work(settings, chunk)
        return
    # Imported here: a command that plans one patient should not pay for it.
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker)
    try:
        pending: deque[Future[list[_R]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(work, settings, chunk))
            if len(pending) >= workers * CHUNKS_IN_FLIGHT_PER_JOB:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_each(
    work: Callable[[_S, list[_T]], list[_R]],
    settings: _S,
    items: Iterator[_T],
    workers: int,
    take: Callable[[_R], None],
    progress: Callable[[int], None] | None,
) -> None:
    """:func:`run_in_order` to the end: each result handed to ``take`` in order, and
    ``progress`` told how many items are done after each chunk. The pool is shut
    down however it ends (an error in ``take``, Ctrl-C)."""
    done = 0
    with contextlib.closing(run_in_order(work, settings, items, workers)) as chunks:
        for results in chunks:
            for result in results:
                take(result)
            done += len(results)
            if progress is not None:
                progress(done)
