"""A slow channel is waited for: apprise's own timeouts (4 s) would fail a webhook that takes 5
seconds every time, and its alerts would never arrive."""

from __future__ import annotations

import pytest

from tests.notify.factory import add_hit, add_subscription
from tests.notify.servers import SlowWebhook


@pytest.mark.slow  # the webhook answers after 5 s, by design
def test_a_webhook_slower_than_apprise_s_default_timeout_gets_its_alert(db, notify, now):
    with SlowWebhook(delay=5) as hook:
        add_subscription(db, "lente", [hook.url()])
        add_hit(db)

        result = notify(at=now)

    assert (result.findings_sent, result.failures) == (1, [])
    assert (hook.received, hook.answered) == (1, 1)


def test_a_timeout_in_the_url_itself_is_kept(db, notify, now):
    with SlowWebhook(delay=3) as hook:
        add_subscription(db, "pressee", [hook.url() + "?rto=1"])
        add_hit(db)

        result = notify(at=now)

    assert result.findings_sent == 0 and hook.received == 1
    assert "pressee" in result.failures[0]
