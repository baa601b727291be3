"""`vigie subscription …` and `vigie notify --dry-run`: what an operator types and reads."""

from __future__ import annotations

import stat

import pytest
import yaml
from sqlalchemy import select

from storage.models import Delivery, Subscription
from tests.notify.factory import add_hit
from tests.notify.servers import ScriptedSMTP

SECRET = "s3cr3tP4ss"


@pytest.fixture
def mail_server():
    """An SMTP server that takes the login of the URLs below (which carry a secret to mask)."""
    with ScriptedSMTP() as server:
        yield server


def smtp_url(mail_server, to="groupe@example.org", secret=SECRET):
    return f"mailto://vigie:{secret}@127.0.0.1:{mail_server.port}?from=vigie@localhost&to={to}&mode=insecure"


def test_add_refuses_a_url_apprise_cannot_parse_without_showing_it(cli):
    result = cli("subscription", "add", "bellerive", "--url", f"discord://{SECRET}")

    assert result.exit_code == 2
    assert "URL #1 (scheme 'discord') is not an apprise URL apprise can use" in result.output
    assert SECRET not in result.output


def test_add_list_show_print_urls_masked(cli, mail_server):
    added = cli(
        "subscription",
        "add",
        "bellerive",
        "--url",
        smtp_url(mail_server),
        "--departement",
        "13",
        "--category",
        "vendor",
        "--mode",
        "daily",
        "--language",
        "en",
        "--min-score",
        "0.5",
    )
    listed = cli("subscription", "list")
    shown = cli("subscription", "show", "bellerive")

    assert added.exit_code == 0, added.output
    for result in (added, listed, shown):
        assert SECRET not in result.output
    assert "mailto://vigie:****@127.0.0.1" in listed.output
    assert "departements=13" in listed.output and "daily" in listed.output
    assert "mode: daily" in shown.output and "min_score: 0.5" in shown.output


def test_add_refuses_a_name_taken_and_a_bad_filter(cli, mail_server):
    cli("subscription", "add", "bellerive", "--url", smtp_url(mail_server))

    again = cli("subscription", "add", "bellerive", "--url", smtp_url(mail_server))
    bad = cli("subscription", "add", "autre", "--url", smtp_url(mail_server), "--departement", "135")

    assert again.exit_code == 2 and "exists already" in again.output
    assert bad.exit_code == 2 and "'135' is not a département code" in bad.output


def test_export_masks_on_screen_and_keeps_secrets_in_a_private_file_that_imports_back(cli, mail_server, tmp_path):
    cli("subscription", "add", "bellerive", "--url", smtp_url(mail_server), "--source", "fr-bellerive")
    backup = tmp_path / "abonnements.yaml"

    on_screen = cli("subscription", "export")
    to_file = cli("subscription", "export", "--output", str(backup))
    cli("subscription", "remove", "bellerive", "--yes")
    masked_copy = tmp_path / "masque.yaml"
    masked_copy.write_text(on_screen.output, encoding="utf-8")
    refused = cli("subscription", "import", str(masked_copy))
    imported = cli("subscription", "import", str(backup))

    assert SECRET not in on_screen.output and SECRET not in to_file.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert yaml.safe_load(backup.read_text())["subscriptions"][0]["urls"] == [smtp_url(mail_server)]
    assert refused.exit_code == 2 and "masked" in refused.output
    assert imported.exit_code == 0 and "1 new" in imported.output


def test_import_is_all_or_nothing(cli, mail_server, tmp_path, db):
    path = tmp_path / "abonnements.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "subscriptions": [
                    {"name": "bon", "urls": [smtp_url(mail_server)]},
                    {"name": "mauvais", "urls": [smtp_url(mail_server)], "mode": "hourly"},
                ]
            }
        ),
        encoding="utf-8",
    )

    result = cli("subscription", "import", str(path))

    assert result.exit_code == 2 and "subscription #2 (mauvais): mode must be one of" in result.output
    with db.session() as session:
        assert session.scalars(select(Subscription)).all() == []


def test_test_sends_one_made_up_alert(cli, mail_server):
    cli("subscription", "add", "bellerive", "--url", smtp_url(mail_server))

    result = cli("subscription", "test", "bellerive")

    assert result.exit_code == 0 and "sent" in result.output and SECRET not in result.output
    [(_, message, _)] = mail_server.messages
    assert message["Subject"] == "[Vigie] Message de test de l'abonnement « bellerive »"
    assert "Commune d'exemple (fictive)" in message.get_body(("plain",)).get_content()


def test_pause_keeps_alerts_and_resume_sends_them(cli, db, mail_server):
    cli("subscription", "add", "bellerive", "--url", smtp_url(mail_server))
    cli("subscription", "pause", "bellerive")
    add_hit(db)

    paused = cli("notify")
    cli("subscription", "resume", "bellerive")
    resumed = cli("notify")

    assert "sent 0 message(s)" in paused.output
    assert "sent 1 message(s)" in resumed.output
    assert len(mail_server.messages) == 1
    assert mail_server.logins == ["vigie"]


def test_notify_dry_run_renders_and_marks_nothing(cli, db, mail_server):
    cli("subscription", "add", "bellerive", "--url", smtp_url(mail_server))
    add_hit(db)

    preview = cli("notify", "--dry-run")

    assert preview.exit_code == 0
    assert "--- bellerive → mailto://vigie:****@127.0.0.1" in preview.output
    assert "Subject: [Vigie] Vidéosurveillance" in preview.output
    assert "*caméras de vidéoprotection*" in preview.output
    assert SECRET not in preview.output
    assert mail_server.messages == []
    with db.session() as session:
        assert session.scalars(select(Delivery)).all() == []


def test_a_failing_channel_is_reported_masked_even_in_debug_logs(cli, db):
    token = "T0K3N" + SECRET * 3
    cli("subscription", "add", "webhook", "--url", f"json://vigie:{SECRET}@127.0.0.1:9/hooks/{token}")
    add_hit(db)

    result = cli("-vv", "notify")

    assert result.exit_code == 1
    assert "failed: webhook: json://vigie:****@127.0.0.1:9/hooks/T...s" in result.output
    assert "DEBUG" in result.output  # apprise did log the request…
    assert SECRET not in result.output  # …without the secret


def test_test_reports_a_channel_that_fails(cli):
    cli("subscription", "add", "mort", "--url", "json://127.0.0.1:9/hook")

    result = cli("subscription", "test", "mort")

    assert result.exit_code == 1
    assert "json://127.0.0.1:9/hook: FAILED: the service refused the message or could not be reached" in result.output
