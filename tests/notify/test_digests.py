"""Digests and the rate cap: fewer messages, nothing lost, grouped by council and document."""

from __future__ import annotations

import datetime as dt

from tests.notify.factory import add_hit, add_subscription
from vigie.config import load_config

DEFAULT_POLICY = load_config(environ={}).delivery_policy()  # the delivery rules of the default settings

MINUTE = dt.timedelta(minutes=1)


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_a_daily_digest_waits_for_the_digest_hour_then_lists_one_block_per_finding(db, notify, now, mail_server):
    add_subscription(db, "quotidien", [mail_server.apprise_url("groupe@example.org")], mode="daily")
    add_hit(db, title="Délibération 12", page=2)
    add_hit(db, title="Délibération 12", page=2, url="https://bellerive.example/conseil/12.pdf")
    add_hit(
        db,
        title="Délibération 12",
        page=5,
        url="https://bellerive.example/conseil/12.pdf",
        vendor="BriefCam",
        category="algorithmic_video",
        matched="BriefCam",
        snippet="Contrat avec BriefCam.",
    )
    add_hit(
        db,
        source={"id": "fr-lavandou", "name": "Commune du Lavandou-les-Pins", "official_code": "insee:83070"},
        title="Procès-verbal",
        kind="minutes",
    )
    digest_time = DEFAULT_POLICY.next_digest(now, "daily")

    before = notify(at=now)
    still_before = notify(at=digest_time - MINUTE)
    at_digest = notify(at=digest_time + MINUTE)

    assert (before.queued, before.messages_sent, still_before.messages_sent) == (3, 0, 0)
    assert (at_digest.messages_sent, at_digest.findings_sent) == (1, 3)
    [(_, message, _)] = mail_server.messages
    assert message["Subject"] == "[Vigie] Résumé quotidien : 3 délibérations dans 2 conseils"
    text = text_of(message)
    assert text.count("■ ") == 3  # one block per deliberation, however many mentions
    assert text.count("Ville de Bellerive-sur-Ondine (13) — ") == 2
    assert text.count("Commune du Lavandou-les-Pins (83) — ") == 1
    assert "Entreprises : BriefCam" in text


def test_a_weekly_digest_goes_out_on_monday(db, notify, now, mail_server):
    add_subscription(db, "hebdo", [mail_server.apprise_url("groupe@example.org")], mode="weekly")
    add_hit(db)
    moment = DEFAULT_POLICY.next_digest(now, "weekly")

    notify(at=now)
    notify(at=moment + MINUTE)

    assert moment.astimezone(DEFAULT_POLICY.timezone).weekday() == 0
    assert moment.astimezone(DEFAULT_POLICY.timezone).hour == DEFAULT_POLICY.digest_hour
    assert mail_server.messages[0][1]["Subject"].startswith("[Vigie] Résumé hebdomadaire")


def test_past_the_rate_cap_alerts_are_folded_into_the_next_digest(db, notify, now, mail_server):
    add_subscription(db, "bavard", [mail_server.apprise_url("groupe@example.org")], rate_cap=2)
    for minute in range(2):
        add_hit(db)
        notify(at=now + minute * MINUTE)
    add_hit(db)
    add_hit(db)
    capped = notify(at=now + 2 * MINUTE)
    digest_time = DEFAULT_POLICY.next_digest(now + 2 * MINUTE, "daily")
    digest = notify(at=digest_time + MINUTE)

    assert capped.deferred == 2 and capped.messages_sent == 0
    assert (digest.messages_sent, digest.findings_sent) == (1, 2)
    assert len(mail_server.messages) == 3
    assert "beaucoup d'alertes" in text_of(mail_server.messages[2][1])


def test_the_next_digest_time_keeps_the_local_hour_across_daylight_saving():
    policy = DEFAULT_POLICY
    # 30 March 2025 02:00 Paris: clocks go forward.
    before_change = dt.datetime(2025, 3, 29, 12, 0, tzinfo=dt.UTC)

    moment = policy.next_digest(before_change, "daily")

    assert moment.astimezone(policy.timezone).hour == policy.digest_hour
    assert moment.astimezone(policy.timezone).date() == dt.date(2025, 3, 30)


def test_hits_found_in_the_run_that_sends_a_digest_join_it(db, notify, now, mail_server):
    add_subscription(db, "quotidien", [mail_server.apprise_url("groupe@example.org")], mode="daily")
    add_hit(db)
    notify(at=now)
    add_hit(db)  # found by the crawl of the run that sends the digest
    digest_time = DEFAULT_POLICY.next_digest(now, "daily")

    summary = notify(at=digest_time + MINUTE)

    assert (summary.messages_sent, summary.findings_sent) == (1, 2)
