"""Writing files atomically: a reader sees the old file or the whole new one,
never a half-written one (after a crash or Ctrl-C too)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["new_file_mode", "write_atomic"]


def new_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file under the current umask.

    Temporary files are created private (0600); the finished file gets the
    user's usual mode instead, so a umask of 077 keeps patient files private.
    """
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    An ``OSError`` names ``path``, never the temporary file.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    temp: str | None = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, new_file_mode())
        os.replace(temp, path)
    except BaseException as err:
        if temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        if isinstance(err, OSError):
            raise OSError(err.errno, err.strerror, str(path)) from None
        raise
