"""Findings: one per deliberation, whatever documents show it, with what its text says.

Documents go through the real analysis (the French analyzer, then ``store_analyses``, which
builds the findings); the texts are written like the demo commune's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from nlp.analyze import Analyzer
from nlp.deliberations import DeliberationRules, normalise_act
from nlp.extract import Extraction, PageText
from nlp.store import Analysed, store_analyses
from storage.models import Document, Finding, Hit, Source

MEETING = dt.date.today() - dt.timedelta(days=3)
AGENDA = """ORDRE DU JOUR
1. Désignation du secrétaire de séance
2. Budget principal – décision modificative n° 2 (rapporteur : M. Julien FAURE)
3. Acquisition d'un drone pour la police municipale (rapporteur : M. Karim BENALI)
4. Extension du système de vidéoprotection urbaine : installation de 12 caméras
supplémentaires et raccordement au centre de supervision urbain (rapporteur : M. Karim BENALI)
5. Rapport annuel sur le prix et la qualité du service public de l'eau potable
"""
DELIBERATION = [
    """Délibération n° 2026_045 – Séance du conseil municipal Page 1/2
EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS
Délibération n° 2026_045
Objet : Acquisition d'un drone pour la police municipale
Il est proposé d'acquérir un aéronef télépiloté (drone) équipé d'une caméra thermique.
Coût de l'opération
Désignation Montant HT Montant TTC
Drone quadrirotor et trois batteries 14 800,00 € 17 760,00 €
Formation de deux télépilotes 3 200,00 € 3 840,00 €
""",
    """Délibération n° 2026_045 – Séance du conseil municipal Page 2/2
Le Conseil municipal, après en avoir délibéré,
1. APPROUVE l'acquisition d'un drone pour un montant total de 18 000,00 € HT, soit 21 600,00 € TTC ;
2. AUTORISE Madame le Maire à solliciter une subvention au titre du FIPD.
Adopté par 21 voix pour, 5 contre, 1 abstention.
""",
]
MINUTES = """PROCÈS-VERBAL DE LA SÉANCE
1. Désignation du secrétaire de séance
Mme OUARDI est désignée secrétaire de séance à l'unanimité.
3. Acquisition d'un drone pour la police municipale
M. BENALI rappelle que le drone permettra de surveiller les grands rassemblements.
La délibération n° 2026_045 est adoptée par 21 voix pour, 5 voix contre et 1 abstention.
4. Extension du système de vidéoprotection urbaine : installation de 12 caméras
supplémentaires et raccordement au centre de supervision urbain
La délibération n° 2026_046 est adoptée à l'unanimité.
"""
DRAFT = """PROJET DE DÉLIBÉRATION
Document préparatoire soumis au vote du conseil municipal ; il ne vaut pas délibération.
Projet de délibération n° 2026_061
Objet : Extension du système de vidéoprotection urbaine
Il est proposé au Conseil municipal :
1. APPROUVE l'extension du système de vidéoprotection pour un montant de 186 400,00 € HT ;
Vote : pour … contre … abstentions …
"""


@pytest.fixture
def publish(db, fr):
    """Store a document of the council ``bellerive`` and its analysis; returns the document's id."""

    def run(name: str, pages: str | list[str], kind: str, meeting: dt.date | None = MEETING, **fields) -> int:
        pages = [pages] if isinstance(pages, str) else pages
        texts = [PageText(n, text) for n, text in enumerate(pages, start=1)]
        with db.session() as session:
            if session.get(Source, "bellerive") is None:
                session.add(
                    Source(
                        id="bellerive",
                        name="Bellerive-sur-Ondine",
                        country="FR",
                        platform="html",
                        url="https://bellerive.example/",
                    )
                )
                session.flush()
            doc = Document(
                source_id="bellerive",
                url=f"https://bellerive.example/{name}.pdf",
                kind=kind,
                title=name,
                meeting_date=meeting,
                status="analysing",
                extra={},
                **fields,
            )
            session.add(doc)
            session.flush()
            doc_id = doc.id
        with db.session() as session:
            analysis = Analysed(doc_id, Extraction(texts), fr.analyze(texts), fr.lexicon_version)
            store_analyses(session, [analysis], replace_pages=True)
        return doc_id

    return run


def findings(db) -> list[Finding]:
    with db.session() as session:
        return list(session.scalars(select(Finding).where(Finding.status == "active").order_by(Finding.id)))


def test_an_agenda_gives_one_finding_per_item_that_mentions_surveillance(db, publish):
    publish("odj", AGENDA, "agenda")

    assert [f.subject for f in findings(db)] == [
        "Acquisition d'un drone pour la police municipale",
        "Extension du système de vidéoprotection urbaine : installation de 12 caméras supplémentaires et "
        "raccordement au centre de supervision urbain",
    ]


def test_agenda_deliberation_and_minutes_of_one_act_are_one_finding_seen_three_times(db, publish):
    publish("odj", AGENDA, "agenda")
    publish("delib-2026-045", DELIBERATION, "deliberation")
    publish("pv", MINUTES, "minutes")

    drone, video = findings(db)
    assert (drone.act_label, drone.kinds, drone.meeting_date) == (
        "2026_045",
        ["agenda", "deliberation", "minutes"],
        MEETING,
    )
    assert drone.vote == {
        "result": "adopted",
        "unanimous": False,
        "text": "Adopté",
        "for": 21,
        "against": 5,
        "abstentions": 1,
    }
    assert drone.subsidies == ["FIPD"]
    assert {h.finding_id for h in hits(db)} == {drone.id, video.id}
    # The agenda's item 4 and the minutes' item 4 (matched by subject and meeting date).
    assert (video.kinds, video.act_label, video.vote["unanimous"]) == (["agenda", "minutes"], "2026_046", True)


def test_amounts_keep_their_tax_and_what_they_pay_for(db, publish):
    publish("delib-2026-045", DELIBERATION, "deliberation")

    [drone] = findings(db)
    assert drone.amounts[0] == {"text": "21 600,00 € TTC", "value": 21600.0, "currency": "EUR", "tax": "TTC"}
    assert {(a["value"], a.get("tax"), a.get("purpose")) for a in drone.amounts[1:]} >= {
        (17760.0, "TTC", "Drone quadrirotor et trois batteries"),
        (14800.0, "HT", "Drone quadrirotor et trois batteries"),
        (3200.0, "HT", "Formation de deux télépilotes"),
    }


def test_a_document_the_text_cannot_cut_is_one_finding(db, publish):
    doc_id = publish(
        "rapport",
        "Rapport d'activité de la police municipale. Les caméras de vidéoprotection ont "
        "permis 42 réquisitions. Le drone a volé dix fois cet été.",
        "report",
    )

    [finding] = findings(db)
    assert finding.key == f"document:{doc_id}"
    assert finding.categories == {"drones": 1, "video_surveillance": 1}


def test_a_draft_resolution_proposes_and_has_no_vote_result(db, publish):
    publish("projet-2026-061", DRAFT, "deliberation", meeting=dt.date.today() + dt.timedelta(days=10))

    [draft] = findings(db)
    assert (draft.act_label, draft.vote) == ("2026_061", None)
    assert draft.amounts[0]["value"] == 186400.0


def test_a_page_printed_many_times_counts_each_sentence_once(db, publish):
    page = "Délibération n° 2026_070\nObjet : Vidéoprotection du parc des Saules\nPose de caméras de vidéoprotection."
    publish("repeated", [page] * 60, "deliberation")

    [finding] = findings(db)
    assert finding.categories == {"video_surveillance": 2}  # two sentences, sixty pages
    assert len({q["snippet"] for q in finding.quotes}) == len(finding.quotes) <= 3


def test_minutes_without_a_mention_still_bring_the_vote_to_the_finding(db, publish):
    publish("odj", AGENDA, "agenda")
    publish(
        "pv",
        "3. Acquisition d'un drone pour la police municipale\nLe projet est adopté à l'unanimité.\n"
        "5. Rapport annuel sur le prix de l'eau potable\nLe conseil prend acte.",
        "minutes",
    )

    drone = findings(db)[0]
    assert (drone.kinds, drone.vote["unanimous"], drone.revision) == (["agenda", "minutes"], True, 2)
    assert drone.history[-1]["news"] == ["vote"]


def test_analysing_a_document_again_keeps_its_findings_and_their_revision(db, publish, fr):
    doc_id = publish("delib-2026-045", DELIBERATION, "deliberation")
    before = [(f.id, f.key, f.revision) for f in findings(db)]

    texts = [PageText(n, t) for n, t in enumerate(DELIBERATION, start=1)]
    with db.session() as session:
        analysis = Analysed(doc_id, Extraction(texts), fr.analyze(texts), fr.lexicon_version)
        store_analyses(session, [analysis], replace_pages=False)

    assert [(f.id, f.key, f.revision) for f in findings(db)] == before


def hits(db) -> list[Hit]:
    with db.session() as session:
        return list(session.scalars(select(Hit)))


@pytest.mark.parametrize(
    "label, normal",
    [("2026_061", "2026-61"), ("2026-061", "2026-61"), ("2026 / 61", "2026-61"), ("2024-DEL-12", "2024-del-12")],
)
def test_act_numbers_written_differently_are_one(label, normal):
    assert normalise_act(label) == normal


def test_running_headers_and_numbered_articles_do_not_cut_a_deliberation():
    rules = DeliberationRules.for_language("fr")
    text = "\n\n".join(DELIBERATION)

    assert rules.split(text, [0, len(DELIBERATION[0]) + 2]) == [
        (0, text.index("Délibération n° 2026_045\nObjet")),
        (text.index("Délibération n° 2026_045\nObjet"), len(text)),
    ]


def test_a_mention_has_the_vote_and_amounts_of_its_whole_deliberation_across_a_running_header():
    # Page 2 opens on the act's running header: the mention of page 1 and the vote of page 2 are
    # one deliberation, as the findings cut it.
    pages = [PageText(number, text) for number, text in enumerate(DELIBERATION, start=1)]
    drone = next(d for d in Analyzer.for_language("fr").analyze(pages) if d.matched == "drone")

    assert drone.details["vote"]["result"] == "adopted"
    assert {"for": 21, "against": 5, "abstentions": 1}.items() <= drone.details["vote"].items()
    assert "21 600,00 € TTC" in [amount["text"] for amount in drone.details["amounts"]]


REGISTER = [
    """EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS
Séance du 12 mars 2026
Délibération n° 2026_031
Objet : Extension du système de vidéoprotection urbaine
Vu la délibération n° 2025_112 du 4 décembre 2025 ;
Adopté à l'unanimité.
""",
    """Délibération n° 2026_032
Objet : Attribution d'une subvention à l'association Harmonie municipale
Vu la délibération n° 2025_087 du 2 octobre 2025 ;
Adopté à l'unanimité.
Délibération n° 2026_033
Objet : Admission en non-valeur de créances irrécouvrables
""",
    """Délibération n° 2026_034
Objet : Convention avec le centre de gestion pour la médecine préventive
Vu la délibération n° 2025_112 du 4 décembre 2025 ;
Adopté à l'unanimité.
""",
]


def act_numbers_of_pieces(pages: list[str]) -> list[str | None]:
    rules = DeliberationRules.for_language("fr")
    text = "\n\n".join(pages)
    starts = [sum(len(p) + 2 for p in pages[:i]) for i in range(len(pages))]
    acts = rules.act_numbers(text)
    return [rules.identify(text, start, end, acts).act_number for start, end in rules.split(text, starts)]


def test_deliberations_whose_headings_open_pages_keep_their_own_act_numbers():
    # Two pages of a register open on a new deliberation: their headings are no running header,
    # else each deliberation would take the number of the one its visas cite.
    assert act_numbers_of_pieces(REGISTER) == [None, "2026-31", "2026-32", "2026-33", "2026-34"]


def test_acts_printed_one_per_page_are_each_one_deliberation():
    pages = [f"Délibération n° 2026_04{n}\nObjet : Acquisition de la parcelle cadastrée n° {n}\n" for n in range(1, 4)]

    assert act_numbers_of_pieces(pages) == ["2026-41", "2026-42", "2026-43"]


def test_an_act_number_without_a_year_is_matched_within_its_year_only(db, publish):
    text = "Délibération n° 12\nObjet : Extension de la vidéoprotection du centre-ville\nPose de caméras de vidéoprotection."
    publish("delib-12-2025", text, "deliberation", meeting=dt.date(2025, 3, 1))
    publish("delib-12-2026", text.replace("centre-ville", "port"), "deliberation", meeting=dt.date(2026, 3, 1))

    assert sorted(f.act_number for f in findings(db)) == ["12@2025", "12@2026"]
