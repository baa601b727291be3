"""The archive: every downloaded file kept under the data folder, addressed by its SHA-256.

Councils take documents down; the archived copy is the evidence behind every hit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from storage.files import write_atomically


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Content-addressed files: ``<root>/ab/cd/abcd…`` for the hash ``abcd…``."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes, digest: str | None = None) -> str:
        """Store ``data`` once and return its hash (``digest``: the caller's, computed already); an
        existing copy is left as it is."""
        digest = digest or sha256(data)
        target = self.path(digest)
        if not target.exists():
            # Never a truncated file under a valid hash.
            write_atomically(target, data)
        return digest

    def get(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists()
