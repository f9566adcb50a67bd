"""Writing files atomically: a reader sees the old file or the whole new one,
never a half-written one (after a crash or Ctrl-C too).

:func:`write_atomic` and :class:`AtomicFile` write one file; :func:`write_files`
writes a batch's chunk of files with one wait for the disk instead of one a file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["AtomicFile", "file_mode", "new_file_mode", "sync_folder", "write_atomic", "write_files"]


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


def _temporary(path: Path) -> tuple[int, str]:
    """A new private file beside ``path``: ``.NAME.XXXXXXXX.part`` (the batch
    folder's clean-up knows the form)."""
    import tempfile  # here: a command that writes to stdout need not load it

    folder = path.parent if str(path.parent) else Path(".")
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)


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
        with _naming(self.path):
            fd, temp = _temporary(self.path)
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
                _into_place(self._temp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._temp)


def _into_place(temp: str, path: Path) -> None:
    """Give a finished temporary file the mode ``path`` should have and rename it
    over ``path``."""
    os.chmod(temp, file_mode(path))
    os.replace(temp, path)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename,
    as :func:`write_files` writes each of its files (the folder synced too).

    An ``OSError`` names ``path``, never the temporary file.
    """
    write_files([(Path(path), data)])


def write_files(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files, each atomically, waiting for the disk once rather than
    once a file.

    Every file goes to a temporary file beside it, as :func:`write_atomic` does.
    Then the disk is asked to write all of them at once (where the system can be
    told so; elsewhere each sync below waits on its own), each is synced, given
    its mode and renamed into place, and each folder is synced once, so that the
    renames last too. After a crash or a power cut, each file is as it was before
    or whole and new, never cut short; a temporary file may be left behind. An
    ``OSError`` names the file, and the temporary files not yet renamed are
    removed.
    """
    temps: list[_Temporary] = []
    try:
        for path, data in files:
            with _naming(path):
                temps.append(_Temporary(path, *_temporary(path)))
                with open(temps[-1].fd, "wb", closefd=False) as handle:
                    handle.write(data)
        for temp in temps:
            _start_writing(temp.fd)
        for temp in temps:
            with _naming(temp.path):
                os.fsync(temp.fd)
        for temp in temps:
            temp.close()
            with _naming(temp.path):
                _into_place(temp.name, temp.path)
            temp.name = ""
        for folder in dict.fromkeys(path.parent for path, _ in files):
            sync_folder(folder)
    except BaseException:
        for temp in temps:
            temp.discard()
        raise


class _Temporary:
    """A file being written: where it goes, and its temporary file (its name is
    empty once renamed into place)."""

    def __init__(self, path: Path, fd: int, name: str) -> None:
        self.path, self.fd, self.name = path, fd, name
        self._open = True

    def close(self) -> None:
        if self._open:
            self._open = False
            os.close(self.fd)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.close()
        if self.name:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.name)


def _start_writing(fd: int) -> None:
    """Ask the system to start writing a file's data to disk now, without waiting
    (Linux does so for this advice), so that the syncs after it overlap."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        with contextlib.suppress(OSError):
            advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


_CANNOT_SYNC_A_FOLDER = frozenset(
    {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES, errno.EPERM}
)
"""What some network, FUSE and similar file systems answer when asked to open or
sync a folder: they order their renames themselves, or cannot be asked."""


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Make the renames into ``folder`` last through a crash: sync the folder
    itself (on Windows the file system does that already, and a folder cannot be
    opened to sync it). A file system that cannot sync a folder is left to order
    its renames itself; any other failure names the folder."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        return
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError as err:
        if err.errno in _CANNOT_SYNC_A_FOLDER:
            return
        raise OSError(err.errno, err.strerror, str(folder)) from None
    try:
        os.fsync(fd)
    except OSError as err:
        if err.errno not in _CANNOT_SYNC_A_FOLDER:
            raise OSError(err.errno, err.strerror, str(folder)) from None
    finally:
        os.close(fd)
