"""Where the command line writes: stdout as UTF-8 bytes whatever the locale, and
stderr for one-line messages.

Every command writes its output as UTF-8 bytes to stdout's binary buffer, as
``plan`` always did: a terminal or a pipe set to ASCII, cp1252 or a legacy Turkish
code page gets the same bytes as any other (never a ``UnicodeEncodeError``), and
``protocol show FILE > copy.toml`` copies the file byte for byte. A stdout that is
closed, or a pipe whose reader stopped (``| head -1``), is one :class:`OSError`
naming ``stdout``, which the command line reports in one line with exit status 2.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys

__all__ = ["err", "out"]


def out(data: bytes | str) -> None:
    """Write ``data`` (text is encoded as UTF-8) to stdout and flush it."""
    stream = sys.stdout
    if stream is None:  # the command was started with its stdout closed (`>&-`)
        raise OSError(errno.EBADF, "closed; there is nowhere to write the output", "stdout")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:  # a text-only stream (a test's StringIO)
            stream.write(raw.decode("utf-8"))
        else:
            stream.flush()  # anything written as text before goes first
            buffer.write(raw)
        stream.flush()
    except BrokenPipeError:
        _quiet_stdout()
        raise OSError(
            errno.EPIPE, "the program reading the output stopped reading (broken pipe)", "stdout"
        ) from None
    except (OSError, ValueError) as error:  # closed under us, or a full disk
        _quiet_stdout()
        why = getattr(error, "strerror", None) or "closed"
        raise OSError(getattr(error, "errno", errno.EBADF), why, "stdout") from None


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that Python's own flush as it exits does
    not print a second message about the same broken pipe."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)


def err(text: str) -> None:
    """Write to stderr; nothing when stderr is closed or gone (there is nowhere left to
    tell of it)."""
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(text)
        stream.flush()
