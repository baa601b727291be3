"""Alerts to chat services: a local webhook behind apprise's json://."""

from __future__ import annotations

import datetime as dt

import pytest

from notify.context import MessageInfo, alert_context
from notify.labels import load_labels
from notify.render import Renderer
from tests.notify.factory import add_hit, add_subscription, told
from tests.notify.servers import Webhook

MENTIONS = ["@everyone", "@here", "@room", "@channel", "<@U024BE7LH>", "<!channel>", "<!here>"]


def test_the_chat_payload_arrives_with_title_text_and_an_idempotency_key(db, notify, webhook):
    add_subscription(db, "chat", [webhook.url("/alerts")])
    add_hit(db, page=5, url="https://bellerive.example/odj.pdf")

    summary = notify()

    assert (summary.messages_sent, summary.findings_sent) == (1, 1)
    [post] = webhook.received
    assert post["path"] == "/alerts"
    assert post["json"]["title"].startswith("[Vigie] Vidéosurveillance")
    assert "p. 5" in post["json"]["message"]
    assert "https://bellerive.example/odj.pdf#page=5" in post["json"]["message"]
    assert len(post["headers"]["Idempotency-Key"]) == 32


@pytest.mark.parametrize("mention", MENTIONS)
def test_mentions_in_a_document_are_neutralised(db, notify, webhook, mention):
    add_subscription(db, "chat", [webhook.url()])
    add_hit(
        db,
        title=f"Conseil {mention}",
        source={"name": f"Ville {mention}"},
        snippet=f"Des caméras de vidéoprotection {mention} seront posées.",
    )

    notify()

    message = webhook.received[0]["json"]["message"]
    assert mention not in message
    assert mention.lstrip("<").rstrip(">").lstrip("@!") in message  # the word stays readable


def test_markdown_in_a_document_is_shown_not_interpreted(db, notify, webhook):
    add_subscription(db, "chat", [webhook.url()])
    add_hit(db, snippet="**Urgent** [cliquez ici](https://evil.example) des caméras de vidéoprotection `code`.")

    notify()

    message = webhook.received[0]["json"]["message"]
    for active in ("**", "[cliquez ici](", "`", "https://evil.example"):
        assert active not in message
    assert "Urgent" in message and "cliquez ici" in message


def test_a_long_batch_is_cut_to_the_services_limit_and_says_how_many_are_left(db):
    for n in range(30):
        add_hit(db, page=n + 1)  # thirty documents, thirty findings
    context = alert_context(told(db), load_labels(), MessageInfo("fr", "chat"), dt.date.today())

    chat = Renderer().chat("fr", context, body_maxlen=2000, title_maxlen=250)

    assert len(chat.body) <= 2000
    assert chat.body.count("•") < 30
    assert f"(+ {30 - chat.body.count('•')} autres délibérations" in chat.body


def test_an_apprise_config_file_sends_only_to_the_urls_with_the_subscriptions_tags(db, notify, tmp_path):
    with Webhook() as marseille, Webhook() as lyon:
        config_file = tmp_path / "apprise.yaml"
        config_file.write_text(
            f"urls:\n  - {marseille.url()}:\n      tag: marseille\n  - {lyon.url()}:\n      tag: lyon\n",
            encoding="utf-8",
        )
        add_subscription(db, "sud", [], apprise_config=str(config_file), tags=["marseille"])
        add_hit(db)

        notify()

    assert (len(marseille.received), len(lyon.received)) == (1, 0)
