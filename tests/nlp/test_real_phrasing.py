"""How councils really write about surveillance (issue 12): counts, compounds, borrowed acronyms,
plates read in lay words, limits set to another technology — and the near-misses of each.

The passages were written for these tests after the classes of errors seen on real council text;
none is quoted from a council.
"""

from __future__ import annotations

import pytest

from nlp.analyze import Analyzer
from nlp.evaluation import text_labels as labels

FOUND = [
    # A count of cameras, with or without a cost: the camera network.
    (
        "fr",
        "Le conseil approuve l'installation de 64 caméras pour un coût d'un demi-million d'euros.",
        {"video_surveillance"},
    ),
    (
        "fr",
        "Un dispositif de quatorze caméras sera implanté aux entrées du bourg au printemps.",
        {"video_surveillance"},
    ),
    ("de", "Derzeit sind in der Innenstadt 120 Kameras in Betrieb.", {"video_surveillance"}),
    # German compounds, and context words inside them ("Stadtpolizei").
    ("de", "Die Schule wird mit Videokameras ausgestattet, um Vandalismus vorzubeugen.", {"video_surveillance"}),
    ("de", "Die Stadtpolizei soll die Drohne bei Großveranstaltungen einsetzen.", {"drones"}),
    ("de", "Der Antrag fordert eine intelligente Videobeobachtung am Bahnhofsvorplatz.", {"algorithmic_video"}),
    ("de", "Es ist rechtlich nicht zulässig, den öffentlichen Raum per Video zu überwachen.", {"video_surveillance"}),
    ("de", "Der Marktplatz ist seit dem Frühjahr videoüberwacht.", {"video_surveillance"}),
    # English words borrowed by French and German texts.
    ("fr", "La commune expérimente un dispositif ANPR aux entrées de ville.", {"plate_recognition"}),
    ("fr", "Les projets Safe-Cities de la métropole inquiètent les associations.", {"urban_supervision"}),
    (
        "de",
        "Ein Messfahrzeug gleicht die Parkscheine per License Plate Recognition Software ab.",
        {"plate_recognition"},
    ),
    ("fr", "Les agents seront équipés de bodycams dès la rentrée.", {"body_cameras"}),
    # Plates read in lay words.
    (
        "fr",
        "Deux des nouvelles caméras sauront lire la plaque d'immatriculation de chaque voiture à l'entrée du bourg.",
        {"plate_recognition"},
    ),
    (
        "fr",
        "Le système assure l'identification des véhicules et de leurs plaques d'immatriculation.",
        {"plate_recognition"},
    ),
    ("de", "Die Kameraanlage registriert jedes Fahrzeug über sein KFZ-Kennzeichen.", {"plate_recognition"}),
    ("en", "The cameras read license plates at every entrance to the city.", {"plate_recognition"}),
    # Phone interception described rather than named.
    (
        "en",
        "Staff requests approval of cellular communications interception technology for the SWAT team.",
        {"phone_surveillance"},
    ),
    (
        "en",
        "CSS technology works by mimicking a cellular phone tower so that nearby devices connect to it.",
        {"phone_surveillance"},
    ),
    # A citizens' reporting app feeding the supervision centre.
    (
        "fr",
        "L'application de signalement permet aux habitants d'envoyer photos et vidéos au centre de supervision urbain.",
        {"urban_supervision", "video_surveillance"},
    ),
    # A motion against facial recognition, even beside cameras, is about facial recognition.
    (
        "fr",
        "Le conseil municipal demande l'interdiction de la reconnaissance faciale sur les caméras de la ville.",
        {"biometrics"},
    ),
    ("en", "The Police Department will purchase two unmanned aerial vehicles for its patrol unit.", {"drones"}),
    # Software that analyses the images of cameras already in place: algorithmic video, and those cameras.
    (
        "fr",
        "La commune confie à un prestataire l'analyse des flux de véhicules à partir de ses caméras de voirie.",
        {"algorithmic_video", "video_surveillance"},
    ),
    (
        "en",
        "Funding is requested for video analytics software with object detection on the camera network.",
        {"algorithmic_video", "video_surveillance"},
    ),
]

NOT_FOUND = [
    ("counted webcast", "fr", "Deux caméras filmeront les séances du conseil pour leur retransmission en direct."),
    ("counted sewer robot", "fr", "Le robot muni de deux caméras inspecte les réseaux d'eaux pluviales."),
    ("speed cameras", "de", "Die stationäre Messanlage zur Geschwindigkeitsüberwachung erhält eine neue Kamera."),
    ("model number", "en", "Replacement of the Series 4 cameras used to film the council meetings for the webcast."),
    (
        "passport stations",
        "fr",
        "Les stations biométriques de la mairie recueillent les empreintes pour les passeports.",
    ),
    ("passport data", "fr", "Le passeport intègre des données biométriques recueillies lors de la demande."),
    ("fire brigade drone", "de", "Die Freiwillige Feuerwehr beschafft eine Drohne mit Wärmebildkamera."),
    (
        "hobby drones",
        "en",
        "The ordinance regulates where hobby drones may take off and land under FAA rules for unmanned aerial systems.",
    ),
    (
        "neighbourhood watch",
        "fr",
        "Le dispositif « participation citoyenne » permet aux habitants de signaler des "
        "situations anormales à la gendarmerie.",
    ),
    ("water quality", "fr", "La surveillance de la qualité de l'eau potable est confiée au laboratoire départemental."),
    ("heritage plaque", "fr", "Une plaque commémorative rappelant le passage du poète sera posée place de l'Église."),
    ("vehicle registration", "de", "Das Kennzeichen des Dienstfahrzeugs wurde geändert."),
    (
        "counting cyclists",
        "fr",
        "L'analyse des flux de cyclistes à partir des caméras de comptage guidera les aménagements.",
    ),
]


@pytest.mark.parametrize("language, text, expected", FOUND)
def test_real_phrasing_is_found(language: str, text: str, expected: set[str]) -> None:
    assert labels(Analyzer.for_language(language), text) == expected


@pytest.mark.parametrize("case, language, text", NOT_FOUND, ids=[c for c, _, _ in NOT_FOUND])
def test_its_near_misses_are_not(case: str, language: str, text: str) -> None:
    assert labels(Analyzer.for_language(language), text) == set()


def test_a_limit_set_to_another_technology_is_not_a_mention_of_its_own(fr) -> None:
    text = (
        "Le préfet autorise la captation d'images par drone au-dessus de la manifestation. Ces dispositifs ne "
        "peuvent ni enregistrer le son ni comporter de traitement de reconnaissance faciale."
    )
    assert labels(fr, text) == {"drones"}


def test_a_limit_word_does_not_reach_into_another_deliberation(fr) -> None:
    text = (
        "Délibération n° 2027-031 – Drone de la police municipale\n"
        "Le conseil approuve l'acquisition d'un drone de surveillance pour la police municipale.\n"
        "Délibération n° 2027-032 – Vœu\n"
        "Le conseil adopte un vœu pour que la ville reste sans reconnaissance faciale."
    )
    assert labels(fr, text) == {"drones", "biometrics"}


def test_a_camera_of_a_body_camera_brand_is_that_body_camera() -> None:
    en = Analyzer.for_language("en")
    assert labels(en, "Purchase of Axon Body 4 cameras and Evidence.com licenses for the patrol division.") == {
        "vendor:Axon"
    }  # "4 cameras" is a model's name, not a count of street cameras
