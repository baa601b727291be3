"""The example deployment files agree with the command they run (exit statuses, options)."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest

from vigie.cli.context import EXIT_CONFIG, EXIT_SOURCE_FAILED
from vigie.lock import EXIT_LOCKED

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


@pytest.mark.parametrize(
    "name, command, ok_statuses",
    [
        ("vigie.service", ["run"], {EXIT_SOURCE_FAILED, EXIT_LOCKED}),
        ("vigie-crawler.service", ["crawl", "--distributed"], {EXIT_SOURCE_FAILED}),
    ],
)
def test_services_run_vigie_and_fail_only_on_real_errors(name: str, command: list[str], ok_statuses: set[int]) -> None:
    service = unit(name)["Service"]
    words = shlex.split(service["ExecStart"])
    assert words[0].endswith("/.venv/bin/vigie") and words[1 : 1 + len(command)] == command
    statuses = {int(s) for s in service["SuccessExitStatus"].split()}
    assert statuses == ok_statuses and EXIT_CONFIG not in statuses


@pytest.mark.parametrize("name", ["vigie.timer", "vigie-crawler.timer"])
def test_timers_fire_nightly_and_catch_up_after_downtime(name: str) -> None:
    timer = unit(name)["Timer"]
    assert timer["OnCalendar"] and timer["Persistent"] == "true"


def test_crontab_lines_run_existing_commands_and_treat_a_skipped_run_as_normal() -> None:
    lines = [
        line.lstrip("# ")
        for line in (DEPLOY / "crontab.example").read_text().splitlines()
        if re.match(r"#? ?\d+ \d+ \* \* \*", line)
    ]
    assert lines
    for line in lines:
        assert re.search(r"/\.venv/bin/vigie (run|crawl --distributed)", line), line
    active = [line for line in (DEPLOY / "crontab.example").read_text().splitlines() if re.match(r"\d", line)]
    assert len(active) == 1 and f"-eq {EXIT_LOCKED}" in active[0]


@pytest.mark.parametrize("command", ["run", "crawl"])
def test_the_distributed_option_used_by_the_units_exists(cli, command: str) -> None:
    result = cli(command, "--help")
    assert "--distributed REDIS_URL" in result.output and "--redis-prefix" in result.output


def test_the_operations_guide_documents_every_exit_status() -> None:
    guide = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    for status in (0, EXIT_SOURCE_FAILED, EXIT_CONFIG, EXIT_LOCKED):
        assert re.search(rf"^\| {status} \|", guide, re.MULTILINE), status
