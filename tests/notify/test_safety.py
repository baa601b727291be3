"""Untrusted text made safe for each output, and secrets kept out of what people see."""

from __future__ import annotations

import logging

import pytest

from notify.redact import install_log_redaction, mask_url, redact_urls
from notify.sanitize import chat_safe, one_line, safe_href

SECRET = "s3cr3tP4ss"


@pytest.mark.parametrize(
    "hostile, absent",
    [
        ("@everyone regardez", "@everyone"),
        ("ping @here", "@here"),
        ("@room du conseil", "@room"),
        ("<!channel> urgent", "<!channel>"),
        ("<@U024BE7LH> voir", "<@U024"),
        ("**gras** et _italique_", "**"),
        ("[lien](https://evil.example)", "](https://"),
        ("`code`", "`"),
        ("> citation\n# titre", "\n"),
        ("voir https://evil.example/phish", "https://evil"),
    ],
)
def test_chat_text_neutralises_markdown_mentions_and_links(hostile, absent):
    assert absent not in chat_safe(hostile)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Conseil\r\nBcc: x@example.org", "Conseil Bcc: x@example.org"),
        ("Titre\u202eesrever", "Titreesrever"),  # a bidi override cannot reorder the subject
        ("vidéo\u00adsurveillance", "vidéosurveillance"),
        ("  espaces   multiples  ", "espaces multiples"),
    ],
)
def test_a_header_value_is_one_clean_line(value, expected):
    assert one_line(value) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://ville.example/doc.pdf", "https://ville.example/doc.pdf"),
        ("javascript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("//ville.example/doc.pdf", ""),
        ('https://ville.example/a"><script>', "https://ville.example/a%22%3E%3Cscript%3E"),
    ],
)
def test_only_http_links_become_links(url, expected):
    assert safe_href(url) == expected


@pytest.mark.parametrize(
    "url, shown",
    [
        (f"mailto://alice:{SECRET}@smtp.example.org?to=a@example.org", "mailto://alice:****@smtp.example.org"),
        (f"json://127.0.0.1:8000/hook?+Authorization=Bearer%20{SECRET}", "json://127.0.0.1:8000/hook"),
        (f"discord://123456/{SECRET}", "discord://1...6/s...s"),
        (f"nonsense://user:{SECRET}@host", "nonsense://…"),
    ],
)
def test_urls_are_shown_masked(url, shown):
    masked = mask_url(url)
    assert SECRET not in masked
    assert masked.startswith(shown)


def test_apprise_log_lines_never_carry_a_secret(caplog):
    import apprise

    install_log_redaction()
    with caplog.at_level(logging.DEBUG, logger="apprise"):
        apprise.Apprise().add(f"discord://{SECRET}")  # apprise logs the URL it cannot load
    assert caplog.records and SECRET not in caplog.text


def test_redaction_keeps_the_host_of_server_urls_only():
    assert (
        redact_urls(f"failed https://user:{SECRET}@hooks.example.org/T1/{SECRET}")
        == "failed https://hooks.example.org/…"
    )


@pytest.mark.parametrize(
    "line, shown",
    [
        ("Max retries exceeded with url: /hooks/T0K3N (Caused by …)", "with url: /… (Caused by …)"),
        ('https://discord.com:443 "POST /api/webhooks/1/T0K3N HTTP/1.1" 204 0', '"POST /… HTTP/1.1" 204 0'),
    ],
)
def test_redaction_hides_paths_that_urllib3_logs_without_a_scheme(line, shown):
    assert "T0K3N" not in redact_urls(line) and shown in redact_urls(line)
