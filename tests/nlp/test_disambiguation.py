"""The same words in another sense are not hits: the near-misses of issue "Detection"."""

from __future__ import annotations

import pytest

from nlp.analyze import Analyzer
from nlp.evaluation import text_labels as labels

NEAR_MISSES = [
    ("drone show", "fr", "Le feu d'artifice est remplacé cette année par un spectacle de 150 drones au-dessus du lac."),
    ("drone show", "en", "The Fourth of July celebration will feature a drone light show over the river."),
    (
        "council webcast",
        "fr",
        "Les séances du conseil municipal seront filmées par deux caméras et diffusées en direct sur YouTube.",
    ),
    ("council webcast", "en", "New cameras in the council chambers will allow the live stream of public meetings."),
    ("thermal camera", "fr", "Une caméra thermique a permis de mesurer les déperditions de chaleur de la mairie."),
    ("thermal camera", "de", "Mit der Wärmebildkamera wurden die Wärmeverluste der Turnhalle gemessen."),
    ("air-quality sensors", "fr", "Des capteurs de qualité de l'air mesureront les particules fines près des écoles."),
    (
        "noise map",
        "fr",
        "La carte de bruit stratégique s'appuie sur des capteurs de bruit posés le long de l'autoroute.",
    ),
    ("gratitude", "fr", "Le Maire témoigne de sa reconnaissance envers les agents mobilisés pendant la tempête."),
    ("legal recognition", "fr", "Demande de reconnaissance de l'état de catastrophe naturelle suite aux inondations."),
    ("legal recognition", "en", "A proclamation in recognition of Black History Month."),
    ("IT hypervisor", "fr", "Remplacement de l'hyperviseur et des serveurs de virtualisation de la mairie."),
    ("IT hypervisor", "en", "Replacement of the VMware hypervisor hosts in the city data center."),
    ("street named Thalès", "fr", "Réfection des trottoirs de la rue Thalès et de la rue Pascal."),
    ("project milestone", "en", "The contractor reached Milestone 2 of the bridge design project on time."),
    (
        "flock of birds",
        "en",
        "Approve the contract for goose management to reduce the flock of geese at the golf course.",
    ),
    ("police radios", "fr", "Achat de radios Motorola pour les policiers municipaux."),
    ("police radios", "en", "Purchase of Motorola Solutions portable radios for police patrol officers."),
    ("phone mast", "fr", "Convention avec Orange pour une antenne relais sur le clocher."),
    ("energy supplier", "fr", "Le marché de fourniture d'électricité est attribué à Engie."),
    ("person's name", "fr", "Visite de l'exposition consacrée à Léonard de Vinci par les écoliers."),
    ("Roman numeral", "fr", "L'article XXII du règlement intérieur fixe l'ordre des interventions."),
    ("micro-crèche", "fr", "Ouverture d'une micro-crèche dans le quartier des Tilleuls."),
    ("sewer CCTV", "en", "CCTV inspection of the storm drain system on Oak Avenue."),
    ("survey drone", "fr", "Un drone réalisera le relevé topographique de la carrière."),
    ("heat islands", "fr", "La carte des points chauds identifie les îlots de chaleur à végétaliser."),
    ("predictive maintenance", "fr", "La maintenance prédictive du réseau d'eau réduira les fuites."),
    ("aquarium", "en", "The stingray exhibit at the aquarium reopens in June."),
    ("community manager", "fr", "Le community manager assure la veille des réseaux sociaux de la Ville."),
]


@pytest.mark.parametrize(
    "case, language, text", NEAR_MISSES, ids=[f"{case}-{language}" for case, language, _ in NEAR_MISSES]
)
def test_near_misses_are_not_hits(case: str, language: str, text: str) -> None:
    assert labels(Analyzer.for_language(language), text) == set()


POSITIVES = [
    (
        "fr",
        "La police municipale utilisera un drone pour surveiller les rassemblements sur la voie publique.",
        {"drones"},
    ),
    ("fr", "Les caméras installées place du Marché filment la voie publique jour et nuit.", {"video_surveillance"}),
    ("fr", "La société Thales pilotera l'hyperviseur urbain de sécurité.", {"urban_supervision", "vendor:Thales"}),
    (
        "fr",
        "Contrat avec Engie Ineo pour la maintenance des caméras de vidéoprotection.",
        {"video_surveillance", "vendor:Engie Ineo"},
    ),
    ("en", "Approve the purchase of Flock Safety license plate readers.", {"plate_recognition", "vendor:Flock Safety"}),
    ("en", "The Police Department will deploy Axon body cameras.", {"body_cameras", "vendor:Axon"}),
    ("de", "Die Stadt lehnt Gesichtserkennung an Bahnhöfen ab.", {"biometrics"}),
    ("fr", "Le groupe demande l'abandon du logiciel BriefCam.", {"vendor:BriefCam"}),
]


@pytest.mark.parametrize("language, text, expected", POSITIVES)
def test_the_surveillance_sense_is_a_hit(language: str, text: str, expected: set[str]) -> None:
    assert labels(Analyzer.for_language(language), text) == expected


def test_a_motion_against_a_technology_is_a_hit_of_its_category(fr) -> None:
    assert labels(fr, "Le conseil municipal s'oppose à toute reconnaissance faciale.") == {"biometrics"}


def test_a_vendor_inside_a_place_name_is_not_a_hit_even_near_surveillance(fr) -> None:
    text = "Des caméras de vidéoprotection seront posées avenue Thalès de Milet et rue de la Gare."
    assert labels(fr, text) == {"video_surveillance"}
