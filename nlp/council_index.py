"""Which finding a council's deliberation repeats, as the council's stored sightings say.

A deliberation repeats a finding when a sighting of that finding, in the same council, has its
act number, else its subject key (first words of the subject and meeting date); the oldest finding
wins (:mod:`nlp.findings`). Asked for each document, that was two queries before the writer's turn
(to describe the repeated deliberations ahead) and two during it. A batch of documents asks once
for all their deliberations, again during the turn for those that matched nothing (another worker
may have written them since), and the index follows the sightings the batch writes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.deliberations import Deliberation, subject_key
from storage.models import FindingDocument

# Values per query: SQLite before 3.32 takes at most 999 parameters.
CHUNK = 900
COLUMNS = (FindingDocument.act_number, FindingDocument.subject_key)


class CouncilIndex:
    """The findings of one council's sightings by act number and by subject key, for the values
    asked (:meth:`want`, then :meth:`read`)."""

    def __init__(self, source_id: str) -> None:
        self.source_id = source_id
        # For each column: value -> finding id -> how many sightings hold that value.
        self._found: dict[str, dict[str, Counter[int]]] = {column.key: {} for column in COLUMNS}
        self._wanted: dict[str, set[str]] = {column.key: set() for column in COLUMNS}

    def want(self, pieces: Iterable[Deliberation], meeting: dt.date | None) -> None:
        """Ask for the act numbers and subject keys of these deliberations at the next :meth:`read`."""
        for piece in pieces:
            if piece.act_number:
                self._wanted["act_number"].add(piece.act_number)
            if key := subject_key(piece.subject, meeting):
                self._wanted["subject_key"].add(key)

    def read(self, session: Session) -> None:
        """Read the sightings of the values wanted that no sighting known holds yet (so, read again,
        it asks only for what another worker may have written since)."""
        for column in COLUMNS:
            found = self._found[column.key]
            values = sorted(v for v in self._wanted[column.key] if not _holders(found.get(v)))
            for start in range(0, len(values), CHUNK):
                rows = session.execute(
                    select(column, FindingDocument.finding_id).where(
                        FindingDocument.source_id == self.source_id, column.in_(values[start : start + CHUNK])
                    )
                )
                for value, finding_id in rows:
                    if value:
                        found.setdefault(value, Counter())[finding_id] += 1

    def finding(self, piece: Deliberation, meeting: dt.date | None) -> int | None:
        """The finding (id) ``piece`` repeats, by act number, else by subject key; None: none."""
        by_act = _oldest(self._found["act_number"].get(piece.act_number or ""))
        if by_act is not None:
            return by_act
        return _oldest(self._found["subject_key"].get(subject_key(piece.subject, meeting) or ""))

    def matches(self, pieces: list[Deliberation], meeting: dt.date | None) -> dict[int, int]:
        """The finding (id) each deliberation (by index) repeats, for those that repeat one."""
        found = {index: self.finding(piece, meeting) for index, piece in enumerate(pieces)}
        return {index: finding_id for index, finding_id in found.items() if finding_id is not None}

    def seen(self, finding_id: int, act_number: str | None, key: str | None, times: int = 1) -> None:
        """A sighting of ``finding_id`` holding these values was written (``times=-1``: deleted, or
        changed to hold others)."""
        for column, value in (("act_number", act_number), ("subject_key", key)):
            if value:
                self._found[column].setdefault(value, Counter())[finding_id] += times


def _holders(counts: Counter[int] | None) -> list[int]:
    return [finding_id for finding_id, n in (counts or {}).items() if n > 0]


def _oldest(counts: Counter[int] | None) -> int | None:
    return min(_holders(counts), default=None)
