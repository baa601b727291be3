"""What a subscriber reads: order, words, dates, links; templates an operator can override."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from notify.context import MessageInfo, alert_context
from notify.labels import load_labels
from notify.render import Renderer, date_en, date_fr
from storage.models import Document, Hit
from tests.notify.factory import add_hit

TODAY = dt.date.today()


def context_of(db, language="fr", labels=None, **info):
    with db.session() as session:
        hits = list(session.scalars(select(Hit).options(joinedload(Hit.document).joinedload(Document.source))))
    return alert_context(hits, labels or load_labels(), MessageInfo(language, "groupe", **info), TODAY)


@pytest.mark.parametrize("day, french, english", [
    (dt.date(2026, 3, 1), "1er mars 2026", "1 March 2026"),
    (dt.date(2026, 12, 24), "24 décembre 2026", "24 December 2026"),
])
def test_dates_are_written_out(day, french, english):
    assert (date_fr(day), date_en(day)) == (french, english)


def test_items_voted_soon_come_first_soonest_first_with_their_vote_date(db):
    add_hit(db, title="Délibérations de janvier", kind="deliberation", meeting_date=TODAY - dt.timedelta(days=40))
    add_hit(db, title="Ordre du jour, séance dans un mois", meeting_date=TODAY + dt.timedelta(days=30))
    add_hit(db, title="Ordre du jour, séance passée", meeting_date=TODAY - dt.timedelta(days=2))
    add_hit(db, title="Ordre du jour, séance dans une semaine", meeting_date=TODAY + dt.timedelta(days=7))
    add_hit(db, title="Projet de délibération, séance dans deux semaines", kind="deliberation",
            meeting_date=TODAY + dt.timedelta(days=14))

    text = Renderer().email("fr", context_of(db)).text

    order = [text.index(t) for t in ("séance dans une semaine", "séance dans deux semaines", "séance dans un mois",
                                     "séance passée", "Délibérations de janvier")]
    assert order == sorted(order)
    assert text.index("=== À l'ordre du jour d'une séance à venir ===") < order[0]
    assert text.index("=== Documents publiés ===") < order[3]
    assert f"VOTE LE {date_fr(TODAY + dt.timedelta(days=7)).upper()}" in text


def test_an_alert_names_council_document_date_page_and_quotes_the_sentence(db):
    add_hit(db, title="Conseil municipal du 12 mars", kind="agenda", meeting_date=TODAY + dt.timedelta(days=5), page=7,
            matched="LAPI", category="plate_recognition",
            snippet="Acquisition d'un dispositif LAPI pour la police municipale.")

    email = Renderer().email("fr", context_of(db))

    assert "Ville de Bellerive-sur-Ondine (13)" in email.text
    assert "Conseil municipal du 12 mars" in email.text
    assert "Ordre du jour, séance du" in email.text
    assert "* Lecture automatisée de plaques (LAPI) : « LAPI », page 7" in email.text
    assert "« Acquisition d'un dispositif *LAPI* pour la police municipale. »" in email.text
    assert email.subject.startswith("[Vigie] Lecture automatisée de plaques (LAPI) — Ville de")


def test_an_operator_can_override_a_template_and_a_label(db, tmp_path):
    add_hit(db)
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "subject.txt.j2").write_text("Alerte {{ items[0].what }} ({{ count }})", encoding="utf-8")
    (tmp_path / "labels.yaml").write_text("categories:\n  video_surveillance:\n    fr: caméras de rue\nkinds: {}\n",
                                          encoding="utf-8")

    email = Renderer(tmp_path).email("fr", context_of(db, labels=load_labels(tmp_path)))

    assert email.subject == "Alerte caméras de rue (1)"
    assert "Bonjour," in email.text  # the other templates are still the bundled ones


def test_a_category_without_a_label_is_shown_in_words(db):
    add_hit(db, category="acoustic_sensors")

    assert context_of(db)["items"][0]["what"] == "acoustic sensors"


def test_the_chat_text_is_short_and_quotes_around_the_match(db):
    add_hit(db, snippet="Début " + "très long " * 30 + "des caméras de vidéoprotection" + " et ensuite" * 30)

    chat = Renderer().chat("fr", context_of(db), body_maxlen=2000, title_maxlen=250)

    assert len(chat.body) < 400
    assert "très long des caméras de vidéoprotection et ensuite" in chat.body
    assert "« …" in chat.body and "Début" not in chat.body
