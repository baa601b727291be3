"""What a subscriber reads: order, words, dates, links; templates an operator can override."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from notify.context import MessageInfo, alert_context
from notify.labels import load_labels
from notify.outbox import FINDING_LOADED, Told
from notify.render import Renderer, date_en, date_fr, money_en, money_fr
from storage.models import Finding
from tests.notify.factory import add_hit, finding_of, told

TODAY = dt.date.today()


def context_of(db, language="fr", labels=None, items=None, **info):
    return alert_context(items or told(db), labels or load_labels(), MessageInfo(language, "groupe", **info), TODAY)


def describe(db, hit_id: int, **fields) -> None:
    """Give the finding of ``hit_id`` what the analysis would have read in its text."""
    with db.session() as session:
        finding = session.get(Finding, finding_of(db, hit_id))
        for name, value in fields.items():
            setattr(finding, name, value)


@pytest.mark.parametrize(
    "day, french, english",
    [
        (dt.date(2026, 3, 1), "1er mars 2026", "1 March 2026"),
        (dt.date(2026, 12, 24), "24 décembre 2026", "24 December 2026"),
    ],
)
def test_dates_are_written_out(day, french, english):
    assert (date_fr(day), date_en(day)) == (french, english)


@pytest.mark.parametrize(
    "value, currency, french, english",
    [
        (223680.0, "EUR", "223\u202f680\u00a0€", "€223,680"),
        (2.18, "EUR", "2,18\u00a0€", "€2.18"),
        (1245000.0, "USD", "1\u202f245\u202f000\u00a0$", "$1,245,000"),
    ],
)
def test_amounts_are_written_in_each_language(value, currency, french, english):
    assert (money_fr(value, currency), money_en(value, currency)) == (french, english)


def test_findings_voted_soon_come_first_soonest_first_with_their_vote_date(db):
    add_hit(db, title="Délibérations de janvier", kind="deliberation", meeting_date=TODAY - dt.timedelta(days=40))
    add_hit(db, title="Ordre du jour, séance dans un mois", meeting_date=TODAY + dt.timedelta(days=30))
    add_hit(db, title="Ordre du jour, séance passée", meeting_date=TODAY - dt.timedelta(days=2))
    add_hit(db, title="Ordre du jour, séance dans une semaine", meeting_date=TODAY + dt.timedelta(days=7))
    add_hit(
        db,
        title="Projet de délibération, séance dans deux semaines",
        kind="deliberation",
        meeting_date=TODAY + dt.timedelta(days=14),
    )

    email = Renderer().email("fr", context_of(db))

    order = [
        email.text.index(t)
        for t in (
            "séance dans une semaine",
            "séance dans deux semaines",
            "séance dans un mois",
            "séance passée",
            "Délibérations de janvier",
        )
    ]
    assert order == sorted(order)
    assert email.text.index("=== Votes à venir ===") < order[0]
    assert email.text.index("=== Délibérations ===") < order[3]
    assert f"VOTE LE {date_fr(TODAY + dt.timedelta(days=7)).upper()}" in email.text
    # The subject names the soonest vote.
    assert email.subject.startswith(f"[Vigie] Vote le {date_fr(TODAY + dt.timedelta(days=7))} — Ordre du jour, séance")


def test_a_block_says_subject_council_vote_technologies_vendors_amounts_and_quotes(db):
    url = "https://bellerive.example/conseil/2026-061.pdf"
    hit = add_hit(
        db,
        title="Délibération n° 2026-061",
        kind="deliberation",
        meeting_date=TODAY - dt.timedelta(days=5),
        url=url,
        page=7,
        matched="LAPI",
        category="plate_recognition",
        snippet="Acquisition d'un dispositif LAPI pour la police municipale.",
    )
    add_hit(
        db,
        url=url,
        vendor="Ondine Sécurité Systèmes",
        matched="Ondine Sécurité Systèmes",
        snippet="Le marché est attribué à Ondine Sécurité Systèmes.",
    )
    describe(
        db,
        hit,
        subject="Extension de la vidéoprotection",
        act_label="2026_061",
        subsidies=["FIPD"],
        vote={"result": "adopted", "unanimous": False, "for": 21, "against": 5, "abstentions": 1},
        amounts=[
            {"value": 223680.0, "currency": "EUR", "tax": "TTC", "purpose": "Total"},
            {"value": 186400.0, "currency": "EUR", "tax": "HT"},
        ],
    )

    email = Renderer().email("fr", context_of(db))

    assert "■ Extension de la vidéoprotection (n° 2026_061)" in email.text
    assert (
        f"Ville de Bellerive-sur-Ondine (13) — Voté le {date_fr(TODAY - dt.timedelta(days=5))} : adopté par "
        "21 voix pour, 5 contre, 1 abstention"
    ) in email.text
    assert (
        "Technologies : Lecture automatisée de plaques (LAPI) (1 mention), Vidéosurveillance (1 mention)" in email.text
    )
    assert "Entreprises : Ondine Sécurité Systèmes" in email.text
    assert "Montants : 223\u202f680\u00a0€ TTC (Total) ; 186\u202f400\u00a0€ HT" in email.text
    assert "Subventions : FIPD" in email.text
    assert "« Acquisition d'un dispositif *LAPI* pour la police municipale. »" in email.text
    assert "— Délibération, page 7 : https://bellerive.example/conseil/2026-061.pdf#page=7" in email.text
    # Nothing to vote ahead: the subject names the largest amount.
    assert email.subject.startswith("[Vigie] 223 680 € TTC — Extension de la vidéoprotection — Ville de")


def test_an_update_says_what_is_new(db):
    hit = add_hit(db, kind="minutes", meeting_date=TODAY - dt.timedelta(days=1))
    describe(db, hit, vote={"result": "adopted", "unanimous": True})
    with db.session() as session:
        finding = session.scalars(select(Finding).options(*FINDING_LOADED)).unique().one()

    email = Renderer().email("fr", context_of(db, items=[Told(finding, ["vote"])]))

    voted = f"voté le {date_fr(TODAY - dt.timedelta(days=1))} : adopté à l'unanimité"
    assert f"MISE À JOUR : {voted[0].upper() + voted[1:]}" in email.text
    assert email.subject.startswith(f"[Vigie] Mise à jour : {voted} — ")
    assert "(1 mise à jour de délibérations déjà signalées)" in email.text


def test_an_operator_can_override_a_template_and_a_label(db, tmp_path):
    add_hit(db)
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "subject.txt.j2").write_text(
        "Alerte {{ items[0].technologies[0].label }} ({{ count }})", encoding="utf-8"
    )
    (tmp_path / "labels.yaml").write_text(
        "categories:\n  video_surveillance:\n    fr: caméras de rue\nkinds: {}\n", encoding="utf-8"
    )

    email = Renderer(tmp_path).email("fr", context_of(db, labels=load_labels(tmp_path)))

    assert email.subject == "Alerte caméras de rue (1)"
    assert "Bonjour," in email.text  # the other templates are still the bundled ones


def test_a_category_without_a_label_is_shown_in_words(db):
    add_hit(db, category="acoustic_sensors")

    assert context_of(db)["items"][0]["technologies"][0]["label"] == "acoustic sensors"


def test_the_chat_text_is_short_and_quotes_around_the_match(db):
    add_hit(db, snippet="Début " + "très long " * 30 + "des caméras de vidéoprotection" + " et ensuite" * 30)

    chat = Renderer().chat("fr", context_of(db), body_maxlen=2000, title_maxlen=250)

    assert len(chat.body) < 400
    assert "très long des caméras de vidéoprotection et ensuite" in chat.body
    assert "« …" in chat.body and "Début" not in chat.body
