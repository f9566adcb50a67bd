"""Writing files atomically: a reader sees the old file or the whole new one,
never a half-written one (after a crash or Ctrl-C too)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["AtomicFile", "file_mode", "new_file_mode", "write_atomic"]


def new_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file under the current umask.

    Temporary files are created private (0600); the finished file gets the
    user's usual mode instead, so a umask of 077 keeps patient files private.
    """
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def file_mode(path: str | os.PathLike[str]) -> int:
    """The mode a file written to ``path`` should get: the mode of the file it
    replaces, if there is one (so a patient file made private with ``chmod 600``
    stays private when it is written again), else :func:`new_file_mode`."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return new_file_mode()


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """Re-raise an ``OSError`` so that it names ``path``, not a temporary file."""
    try:
        yield
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(path)) from None


class AtomicFile:
    """A file written in steps that appears under its name only on :meth:`commit`.

    The bytes go to a temporary file in the same folder; ``commit`` syncs it,
    gives it the mode of the file it replaces (or the usual mode for a new file)
    and renames it over ``path``; ``discard`` removes it. Every ``OSError`` names
    ``path``, never the temporary file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        folder = self.path.parent if str(self.path.parent) else Path(".")
        with _naming(self.path):
            fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=folder)
        self._temp = temp
        self._handle = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        try:
            with _naming(self.path):
                self._handle.write(data)
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        try:
            with _naming(self.path):
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()
                os.chmod(self._temp, file_mode(self.path))
                os.replace(self._temp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._temp)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    An ``OSError`` names ``path``, never the temporary file.
    """
    target = AtomicFile(path)
    target.write(data)
    target.commit()
