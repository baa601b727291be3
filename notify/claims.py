"""The notifier's claims: the first batch of several subscriptions claimed in one go.

Every due subscription needs its first batch claimed before anything is sent to it, and two
hundred claims of one batch each are two hundred turns at the database. The first thread to ask
claims for the next few subscriptions in the order they will be served, in one transaction; the
threads that serve them find their batch waiting. A subscription's later batches (a backlog
larger than one batch) are claimed one at a time, as they come.

Claiming ahead is kept short (a few subscriptions, the size of the thread pool) because a claim
is a lease: a batch claimed and not sent within the lease would be sent again by another run.
A batch claimed ahead and never taken (its subscription's channels could not be read, or its
thread failed first) is released at the end of the run, unchanged, for the next run.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable

from notify.outbox import Batch, Findings, claim_batches, release_claims
from storage.group_commit import GroupCommit


class ClaimsAhead:
    """Claims for the subscriptions of ``ahead`` (in serving order), a ``group`` at a time."""

    def __init__(
        self,
        writes: GroupCommit,
        worker: str,
        now: dt.datetime,
        batch_size: int,
        findings: Findings,
        ahead: Iterable[int],
        group: int,
    ) -> None:
        self.writes, self.worker, self.now = writes, worker, now
        self.batch_size, self.findings, self.group = batch_size, findings, max(1, group)
        self._ahead = list(ahead)
        self._claimed: dict[int, Batch | None] = {}
        self._lock = threading.Lock()

    def take(self, sub_id: int) -> Batch | None:
        """The next batch of ``sub_id``: the one claimed ahead for it, else one claimed now."""
        with self._lock:
            if sub_id in self._claimed:
                return self._claimed.pop(sub_id)
            group = [sub_id]
            if sub_id in self._ahead:
                self._ahead.remove(sub_id)
                group += self._ahead[: self.group - 1]
                del self._ahead[: self.group - 1]
            batches = self.writes.run(
                lambda session: claim_batches(session, group, self.worker, self.now, self.batch_size, self.findings)
            )
            self._claimed.update(batches)
            return self._claimed.pop(sub_id)

    def release_untaken(self) -> int:
        """Put back the batches claimed ahead that no thread took; returns how many deliveries."""
        with self._lock:
            untaken = [batch for batch in self._claimed.values() if batch is not None]
            self._claimed.clear()
        if not untaken:
            return 0
        return self.writes.run(lambda session: release_claims(session, untaken, self.worker))
