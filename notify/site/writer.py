"""Write the site's files atomically, leave unchanged files alone and remove pages that went away.

A web server may serve the folder while it is rebuilt: each file is written to a temporary file
beside it and renamed over the old one, so a reader gets the old page or the new one, never half
of one. A file whose content did not change is not rewritten (its modification time stays, so
``rsync`` and HTTP caches see nothing new). Only files that an earlier build wrote, listed in a
manifest, are ever removed: what the operator put in the folder is theirs.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from storage.files import write_atomically

MANIFEST = ".vigie-site.json"


class SiteFolderError(Exception):
    """The output folder cannot be used; the message names it and the fix."""


@dataclass
class WriteSummary:
    written: int = 0
    unchanged: int = 0
    removed: int = 0


class SiteWriter:
    """Writes files under ``root`` by relative path; :meth:`finish` removes the stale ones."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.summary = WriteSummary()
        self.paths: list[str] = []
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SiteFolderError(
                f"cannot create the site folder {self.root}: {exc.strerror}; choose another with --out"
            ) from None
        self.previous = self._read_manifest()

    def _target(self, relative: str) -> Path:
        # Paths come from notify.site.layout, which never lets a scraped id become a path; this
        # is the last line of defence (a string check: no system call per file).
        normal = os.path.normpath(relative)
        if os.path.isabs(normal) or normal == ".." or normal.startswith("../"):
            raise ValueError(f"refusing to write {relative!r} outside {self.root}")
        return self.root / normal

    def write(self, relative: str, text: str) -> None:
        """Write ``text`` (UTF-8) at ``relative`` unless the file already holds exactly that."""
        data = text.encode("utf-8")
        target = self._target(relative)
        self.paths.append(relative)
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                self.summary.unchanged += 1
                return
        except FileNotFoundError:
            pass
        write_atomically(target, data)
        self.summary.written += 1

    def finish(self) -> WriteSummary:
        """Remove the files of the previous build that this one did not write; save the manifest."""
        current = set(self.paths)
        for relative in sorted(self.previous - current):
            try:
                target = self._target(relative)
            except ValueError:  # a manifest edited by hand: never delete outside the site
                continue
            if target.is_file():
                target.unlink()
                self.summary.removed += 1
        if current != self.previous:
            write_atomically(self.root / MANIFEST, json.dumps(sorted(current), indent=0).encode("utf-8"))
        return self.summary

    def _read_manifest(self) -> set[str]:
        path = self.root / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # None yet (a first build), or damaged: stale pages then stay until removed by hand.
            return set()
        return {p for p in data if isinstance(p, str)} if isinstance(data, list) else set()
