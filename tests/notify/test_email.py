"""Alerts by email, through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest

from tests.notify.factory import add_hit, add_subscription

HOSTILE = [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    "<a href=\"javascript:alert(1)\">clic</a>",
    "<iframe src=https://evil.example/></iframe>",
]


class Markup(HTMLParser):
    """Collects the tags and attributes a mail client would act on."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs


def parts(message):
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def one_alert(db, notify, mail_server, hit: dict | None = None, **settings):
    """Subscribe a group by email, add one hit (``hit``: add_hit's arguments) and run the notifier
    with ``settings``: the one email sent, as (envelope recipients, message)."""
    add_subscription(db, "bellerive", [mail_server.apprise_url("groupe@example.org")])
    add_hit(db, **(hit or {}))
    notify(**settings)
    [(recipients, message, _)] = mail_server.messages
    return recipients, message


def test_an_alert_arrives_with_recipients_subject_and_unsubscribe_headers(db, notify, mail_server):
    add_subscription(db, "bellerive", [mail_server.apprise_url("groupe@example.org")])
    add_hit(db, meeting_date=dt.date.today() + dt.timedelta(days=9), page=4)

    summary = notify(unsubscribe_url="https://vigie.example/desabonnement?liste={subscription}")

    assert (summary.messages_sent, summary.findings_sent, summary.failures) == (1, 1, [])
    [(recipients, message, _)] = mail_server.messages
    assert recipients == ["groupe@example.org"]
    assert message["To"] == "groupe@example.org"
    assert message["Subject"].startswith("[Vigie] Vote le ")
    assert message["Subject"].endswith("— Ordre du jour du conseil municipal — Ville de Bellerive-sur-Ondine")
    assert message["List-Unsubscribe"] == "<https://vigie.example/desabonnement?liste=bellerive>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].startswith("<vigie.")


def test_the_email_has_our_plain_text_part_and_an_html_part(db, notify, mail_server):
    _, message = one_alert(
        db,
        notify,
        mail_server,
        {"page": 4, "url": "https://bellerive.example/odj.pdf", "content_hash": "ab" * 32},
        public_url="https://archive.vigie.example/files",
    )

    text, html = parts(message)
    # Our text template, not apprise's conversion of the HTML.
    assert "« Le conseil approuve l'installation de *caméras de vidéoprotection* place du Marché. »" in text
    assert "— Ordre du jour, page 4 : https://bellerive.example/odj.pdf#page=4" in text
    assert f"Copie archivée : https://archive.vigie.example/files/ab/ab/{'ab' * 32}#page=4" in text
    assert "<mark>caméras de vidéoprotection</mark>" in html
    assert 'href="https://bellerive.example/odj.pdf#page=4"' in html


def test_without_a_public_archive_the_alert_says_the_copy_is_not_published(db, notify, mail_server):
    _, message = one_alert(db, notify, mail_server, public_url="")

    text, html = parts(message)
    assert "Copies archivées : non publiées" in text
    assert "copie archivée non publiée" in html


def test_without_an_unsubscribe_url_the_link_writes_to_the_sender(db, notify, mail_server):
    _, message = one_alert(db, notify, mail_server, unsubscribe_url="")

    assert message["List-Unsubscribe"] == "<mailto:vigie@localhost?subject=unsubscribe%20bellerive>"
    assert "Se désabonner : mailto:vigie@localhost?subject=unsubscribe%20bellerive" in parts(message)[0]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_document_puts_no_live_markup_in_the_html_part(db, notify, mail_server, hostile):
    _, message = one_alert(
        db,
        notify,
        mail_server,
        {
            "title": f"Délibération {hostile}",
            "source": {"name": f"Ville {hostile}"},
            "matched": "caméras",
            "snippet": f"Achat de caméras {hostile} pour la ville.",
            "url": f"javascript:alert(1)//{hostile}",
        },
    )

    _, html = parts(message)
    parser = Markup()
    parser.feed(html)
    assert set(parser.tags) <= {
        "html",
        "head",
        "meta",
        "title",
        "body",
        "p",
        "h2",
        "h3",
        "strong",
        "br",
        "ul",
        "li",
        "blockquote",
        "mark",
        "a",
        "hr",
    }
    assert {name for name, _ in parser.attributes} <= {"lang", "charset", "style", "href"}
    assert not [value for name, value in parser.attributes if name == "href" and "javascript" in (value or "")]
    assert "&lt;" in html  # the words are kept, as text
    assert "document original : lien indisponible" in html  # a javascript: URL is no link


def test_a_council_name_with_line_breaks_cannot_inject_a_header(db, notify, mail_server):
    recipients, message = one_alert(
        db, notify, mail_server, {"source": {"name": "Ville\r\nBcc: victime@example.org\r\nX-Injected: oui"}}
    )

    assert recipients == ["groupe@example.org"]
    assert message["X-Injected"] is None and message["Bcc"] is None
    assert "Ville Bcc: victime@example.org X-Injected: oui" in message["Subject"]


def test_an_english_subscription_gets_english(db, notify, mail_server):
    add_subscription(db, "bellerive", [mail_server.apprise_url("group@example.org")], language="en")
    add_hit(db, meeting_date=dt.date.today() + dt.timedelta(days=3))

    notify()

    message = mail_server.messages[0][1]
    text, _ = parts(message)
    assert message["Subject"].startswith("[Vigie] Vote on ")
    assert "Technologies: Video surveillance (1 mention)" in text
    assert "— Agenda, page 3: https://bellerive.example/" in text
    assert "Unsubscribe:" in text


def test_one_run_sends_its_messages_through_one_smtp_session_per_server_and_thread(db, notify, config):
    from tests.notify.servers import ScriptedSMTP

    threads = config.delivery_policy().workers
    groups = 3 * threads
    with ScriptedSMTP() as server:
        for n in range(groups):
            url = (
                f"mailto://vigie:secret@127.0.0.1:{server.port}?from=vigie@localhost&to=g{n}@example.org&mode=insecure"
            )
            add_subscription(db, f"groupe-{n}", [url])
        add_hit(db)
        summary = notify()
        logins = list(server.logins)
    assert summary.messages_sent == groups and len(server.messages) == groups
    # A login per session: at most one per notifier thread, not one per message.
    assert len(logins) <= threads
