"""A file read twice as the very same bytes: the first reading records a digest of
every block, and the second compares each block with it before giving any of its
bytes, so a file edited in place, grown or cut between the two readings is found
before anything read the second time is used (16 bytes of memory a block)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import BinaryIO

__all__ = ["BLOCK", "Blocks", "Changed", "Digests"]

BLOCK = 1 << 20
"""The block whose digest the first reading records and the second compares."""


@dataclass
class Digests:
    """What the first reading saw: a digest of each block of the file."""

    blocks: list[bytes] = field(default_factory=list)


class Changed(Exception):
    """The second reading found bytes the first did not see."""


class Blocks(io.RawIOBase):
    """The file read block by block: the first reading records each block's digest,
    the second compares each block with it before giving any of its bytes."""

    def __init__(self, handle: BinaryIO, digests: Digests, *, record: bool) -> None:
        super().__init__()
        self._handle, self._digests, self._record = handle, digests, record
        self._number = 0
        self._block = b""
        self._at = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._at == len(self._block):
            self._block, self._at = self._next_block(), 0
        size = min(len(buffer), len(self._block) - self._at)
        buffer[:size] = self._block[self._at : self._at + size]
        self._at += size
        return size

    def _next_block(self) -> bytes:
        block = self._handle.read(BLOCK)
        digest = hashlib.blake2b(block, digest_size=16).digest() if block else None
        seen = self._digests.blocks
        if self._record:
            if digest is not None:
                seen.append(digest)
        elif digest != (seen[self._number] if self._number < len(seen) else None):
            raise Changed  # another block, one more, or one fewer (the end came sooner)
        self._number += 1 if block else 0
        return block
