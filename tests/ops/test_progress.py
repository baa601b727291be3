"""Progress: a bar on a terminal, short key=value log lines otherwise."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from tests.ops.sites import build_council_site
from vigie.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_bar_shows_what_is_done_out_of_the_total(monkeypatch) -> None:
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    screen = Terminal()
    with Progress("analysis", total=4, unit="documents", stream=screen) as progress:
        progress.advance(2)
    assert "analysis" in screen.getvalue() and "2/4" in screen.getvalue()


def test_elsewhere_no_bar_but_a_parsable_log_line(caplog) -> None:
    pipe = io.StringIO()
    with caplog.at_level(logging.INFO, logger="vigie.progress"):
        with Progress("analysis", total=4, unit="documents", stream=pipe, interval_s=3600) as progress:
            progress.advance(3, errors=1)
    assert pipe.getvalue() == ""
    [line] = [r.getMessage() for r in caplog.records]  # at most one line per interval, and one at the end
    fields = dict(item.split("=", 1) for item in line.removeprefix("progress ").split())
    assert (fields["task"], fields["done"], fields["total"], fields["unit"], fields["errors"]) == (
        "analysis",
        "3",
        "4",
        "documents",
        "1",
    )


@pytest.mark.parametrize("interval_s, lines", [(0, 3), (3600, 1)])
def test_log_lines_come_at_most_once_per_interval(caplog, interval_s: float, lines: int) -> None:
    with caplog.at_level(logging.INFO, logger="vigie.progress"):
        with Progress("crawl", total=2, stream=io.StringIO(), interval_s=interval_s) as progress:
            progress.advance()
            progress.advance()
    assert len(caplog.records) == lines


def test_a_crawl_under_cron_logs_its_progress_in_key_value_form(run_vigie, serve, tmp_path: Path) -> None:
    build_council_site(tmp_path / "site", 2)
    site = serve(tmp_path / "site")
    result = run_vigie("-v", "crawl", "--platform", "html", "--url", f"{site}/deliberations/", "--source", "ville")
    assert result.returncode == 0, result.stderr
    [line] = [entry for entry in result.stderr.splitlines() if "progress task=crawl" in entry]
    assert "done=1 total=1 unit=sources" in line and "documents=2" in line and "last=ville" in line
