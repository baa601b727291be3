"""A deliberation seen three times (agenda, deliberation, minutes) is one finding: one alert, one
update when its vote is known, and nothing more. End to end: `vigie ingest`, `vigie analyze` and
`vigie notify` on the test's database, a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from notify.render import date_fr
from storage.models import Finding
from tests.notify.factory import add_subscription

MEETING = dt.date.today() - dt.timedelta(days=1)
AGENDA = """CONVOCATION DU CONSEIL MUNICIPAL
ORDRE DU JOUR
1. Désignation du secrétaire de séance
2. Budget principal – décision modificative n° 2 (rapporteur : M. Julien FAURE)
3. Acquisition d'un drone pour la police municipale (rapporteur : M. Karim BENALI)
4. Rapport annuel sur le prix et la qualité du service public de l'eau potable
"""
DELIBERATION = """EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL
Délibération n° 2026_045
Objet : Acquisition d'un drone pour la police municipale
Il est proposé d'acquérir un aéronef télépiloté (drone) équipé d'une caméra thermique, destiné à la
surveillance des manifestations publiques par la police municipale.
Le Conseil municipal, après en avoir délibéré,
1. APPROUVE l'acquisition d'un drone pour un montant de 19 150,00 € HT, soit 22 980,00 € TTC ;
2. AUTORISE Madame le Maire à signer les bons de commande avec la société Aéro-Vision Ondine.
Adopté par 21 voix pour, 5 contre, 1 abstention.
"""
MINUTES = """PROCÈS-VERBAL DE LA SÉANCE DU CONSEIL MUNICIPAL
1. Désignation du secrétaire de séance
Mme Nadia OUARDI est désignée secrétaire de séance à l'unanimité.
3. Acquisition d'un drone pour la police municipale
M. BENALI rappelle que le drone permettra de surveiller les grands rassemblements.
La délibération n° 2026_045 est adoptée par 21 voix pour, 5 voix contre et 1 abstention.
4. Rapport annuel sur le prix et la qualité du service public de l'eau potable
Le conseil municipal prend acte de la présentation du rapport.
"""


def publish(cli, tmp_path: Path, name: str, text: str, kind: str) -> None:
    """The council publishes a document: it is ingested, analysed and the alerts owed are sent."""
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    for args in (
        ("ingest", str(path), "--source", "bellerive", "--kind", kind, "--date", MEETING.isoformat(), "--title", name),
        ("analyze",),
        ("notify",),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.output


def bodies(mail_server) -> list[tuple[str, str]]:
    return [(message["Subject"], message.get_body(("plain",)).get_content()) for _, message, _ in mail_server.messages]


def test_agenda_then_deliberation_then_minutes_give_one_alert_one_vote_update_and_nothing_more(
    db, cli, mail_server, tmp_path
):
    add_subscription(db, "bellerive", [mail_server.apprise_url("groupe@example.org")])

    publish(cli, tmp_path, "Ordre du jour", AGENDA, "agenda")
    publish(cli, tmp_path, "Délibération 2026_045", DELIBERATION, "deliberation")
    publish(cli, tmp_path, "Procès-verbal", MINUTES, "minutes")

    with db.session() as session:
        assert session.scalar(select(func.count(Finding.id))) == 1
    (first_subject, first), (update_subject, update) = bodies(mail_server)  # and no third message
    assert "Acquisition d'un drone pour la police municipale" in first_subject
    assert "■ Acquisition d'un drone pour la police municipale" in first and "MISE À JOUR" not in first
    voted = f"voté le {date_fr(MEETING)} : adopté par 21 voix pour, 5 contre, 1 abstention"
    assert update_subject.startswith(f"[Vigie] Mise à jour : {voted}")
    assert f"MISE À JOUR : {voted[0].upper()}{voted[1:]}" in update
    assert "Montants : 22\u202f980\u00a0€ TTC ; 19\u202f150\u00a0€ HT" in update
