"""Fixtures of the alert tests: the configuration of a run, a webhook server, a clock."""

from __future__ import annotations

import datetime as dt

import pytest

from notify.deliver import send_pending
from tests.notify.servers import Webhook
from vigie.config import load_config


@pytest.fixture
def config(vigie_env):
    return load_config(vigie_env)


@pytest.fixture
def webhook():
    with Webhook() as server:
        yield server


@pytest.fixture
def now():
    """The start of the test's clock: real time, since hits are stamped with it."""
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def notify(db, config):
    """Run the notifier at a chosen moment: ``notify(at=now + timedelta(...))``."""

    def run(at: dt.datetime | None = None, dry_run: bool = False, **overrides):
        cfg = config.with_overrides(**overrides) if overrides else config
        return send_pending(db, cfg.notifier_settings(), dry_run=dry_run, now=at)

    return run
