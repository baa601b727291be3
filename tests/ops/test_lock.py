"""The run lock: a second run on the same database exits at once, saying who holds the lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import CrawlRun
from vigie.lock import EXIT_LOCKED, LockHeld, RunLock


def test_a_second_lock_on_the_same_database_is_refused_naming_the_holder(db: Database, database_url: str) -> None:
    other = Database(database_url)
    try:
        with RunLock(db, "run"):
            with pytest.raises(LockHeld, match=rf"another run is in progress: vigie run \(pid {os.getpid()} "):
                RunLock(other, "crawl").__enter__()
    finally:
        other.dispose()


def test_the_lock_is_free_again_once_released(db: Database, database_url: str) -> None:
    with RunLock(db, "run"):
        pass
    other = Database(database_url)
    try:
        with RunLock(other, "run"):
            pass
    finally:
        other.dispose()


HOLD = """
import sys
from storage.db import Database
from vigie.lock import RunLock
with RunLock(Database(sys.argv[1]), "run"):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_run_killed_while_holding_the_file_lock_leaves_no_stale_lock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'vigie.sqlite3'}"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        db = Database(url)
        with pytest.raises(LockHeld, match=rf"pid {holder.pid} "):
            RunLock(db, "run").__enter__()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        with RunLock(db, "run"):
            pass
        db.dispose()
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    "args",
    [
        ["run"],
        ["crawl", "--platform", "html", "--url", "http://127.0.0.1:9/", "--source", "ville"],
    ],
)
def test_a_run_started_while_another_is_in_progress_exits_at_once_and_does_nothing(
    run_vigie, db: Database, args: list[str]
) -> None:
    with RunLock(db, "run"):
        result = run_vigie(*args)
    assert result.returncode == EXIT_LOCKED, result.stderr
    assert f"another run is in progress: vigie run (pid {os.getpid()} " in result.stderr
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CrawlRun)) == 0
