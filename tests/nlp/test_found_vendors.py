"""Vendors no list knows: companies read from the words around their names, tied to a surveillance mention.

Companies and councils here are invented for the tests.
"""

from __future__ import annotations

import pytest

from nlp.analyze import Analyzer
from nlp.companies import CompanyReader, canonical_name
from nlp.evaluation import text_labels
from nlp.extract import PageText
from nlp.lexicon import load_lexicon


def vendors(language: str, text: str) -> set[str]:
    return {label for label in text_labels(Analyzer.for_language(language), text) if label.startswith("vendor:")}


FOUND = [
    # French: "la société", "l'entreprise … titulaire", "attribué à", "titulaire :", groups, brands, appositions.
    ("fr", "Le marché de vidéoprotection est attribué à la société Vigisud SAS pour 84 000 € HT.", {"Vigisud"}),
    (
        "fr",
        "Les emplacements des caméras de vidéoprotection ont été proposés par l'entreprise LVS titulaire du marché.",
        {"LVS"},
    ),
    ("fr", "Extension de la vidéoprotection. Titulaire : ELEC'SÉCUR – montant : 52 300 € HT.", {"Elec'Secur"}),
    (
        "fr",
        "Le groupement Kerlys Sécurité / Réseaux du Trégor est désigné attributaire du lot vidéoprotection.",
        {"Kerlys Securite", "Reseaux du Tregor"},
    ),
    (
        "fr",
        "Le groupement Armor Réseaux / Kerlys Sécurité réalisera le centre de supervision urbain.",
        {"Armor Reseaux", "Kerlys Securite"},
    ),
    (
        "fr",
        "Le contrat de maintenance de la vidéo-protection est signé avec les entreprises Lumen et Barbier Frères.",
        {"Lumen", "Barbier Freres"},
    ),
    ("fr", "Huit caméras de la marque Optivue ont été achetées pour la police municipale.", {"Optivue"}),
    (
        "fr",
        "Le prestataire retenu, Ouest Vidéo Systèmes, assurera la maintenance des caméras de vidéoprotection.",
        {"Ouest Video Systemes"},
    ),
    (
        "fr",
        "Une mission d'assistance à maîtrise d'ouvrage pour le projet de vidéosurveillance est confiée au cabinet "
        "Prévention Conseil.",
        {"Prevention Conseil"},
    ),
    # A known vendor the recogniser takes for a place is still a vendor when a word introduces it as a company.
    (
        "fr",
        "Le tribunal annule le marché signé avec les entreprises Citéos et Travesset pour la vidéo-protection.",
        {"Citeos", "Travesset"},
    ),
    # English: legal forms, "contract with", "was the winning bidder", "dba".
    (
        "en",
        "The City entered into a contract with Nightwatch Systems, LLC to provide body-worn cameras.",
        {"Nightwatch Systems"},
    ),
    (
        "en",
        "The Real-Time Crime Center cameras will be replaced. Bids were solicited on BidBoard and Kestrel Video, "
        "Ltd. was the winning bidder.",
        {"Kestrel Video"},
    ),
    (
        "en",
        "Modify the contract with Acoustic Alert, Inc. dba ShotSpotter for gunshot detection.",
        {"SoundThinking (ShotSpotter)"},
    ),
    # German: "Auftrag an die … GmbH", "zusammen mit der …", a company listed after a known one.
    (
        "de",
        "Der Auftrag an die Rheinwacht Sicherheitstechnik GmbH zur Lieferung der Videoüberwachungsanlage wird erteilt.",
        {"Rheinwacht Sicherheitstechnik"},
    ),
    ("de", "Die Stadt will zusammen mit der SüdNetz eine Videoüberwachung am Marktplatz erproben.", {"SudNetz"}),
    (
        "de",
        "Die Kennzeichenerfassung liefern mehrere Anbieter, etwa Genetec (Kennzeichenmodul) und Parkwacht "
        "(Messfahrzeug).",
        {"Genetec", "Parkwacht"},
    ),
]

NOT_FOUND = [
    (
        "fr",
        "Le marché de fourniture d'électricité est attribué à la société Voltéa. Par ailleurs, douze caméras de "
        "vidéoprotection seront installées place de la Mairie.",
    ),
    (
        "fr",
        "Délibération n° 2027-012 – Chauffage urbain\nL'avenant avec la société Calorix est approuvé.\n"
        "Délibération n° 2027-013 – Vidéoprotection\nLe conseil approuve l'extension de la vidéoprotection.",
    ),
    ("fr", "La surveillance de la qualité de l'eau est confiée à la société Aquanalyse."),
    ("fr", "Le contrat de vidéoprotection est conclu avec M. Durand, géomètre, pour le relevé des poteaux."),
    ("fr", "La convention de vidéoprotection est signée avec la Communauté de communes du Val d'Ondine."),
    (
        "en",
        "Council awarded the Independence Day display to Skyburst Displays, Inc.; officers will keep watch "
        "over the crowd.",
    ),
    ("en", "A license agreement with the School Board of Palm County gives the police access to school cameras."),
    ("de", "In Zusammenarbeit mit der Polizei soll eine Videoüberwachung am Bahnhof geprüft werden."),
]


@pytest.mark.parametrize("language, text, expected", FOUND)
def test_companies_named_beside_surveillance_are_vendors(language: str, text: str, expected: set[str]) -> None:
    assert vendors(language, text) == {f"vendor:{name}" for name in expected}


@pytest.mark.parametrize("language, text", NOT_FOUND)
def test_companies_of_another_business_or_public_bodies_are_not(language: str, text: str) -> None:
    assert vendors(language, text) == set()


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("ACTIV INGÉNIERIE SAS", "Activ Ingenierie"),
        ("AÉRO-VISION ONDINE", "Aero-Vision Ondine"),
        ("Aéro-Vision Ondine", "Aero-Vision Ondine"),
        ("Activ Ingénierie", "Activ Ingenierie"),
        ("i2c Technologies", "i2c Technologies"),
        ("EnBW", "EnBW"),
        ("SAS Delta Systèmes Vidéo", "Delta Systemes Video"),
        ("Müller Sicherheitstechnik GmbH", "Muller Sicherheitstechnik"),
    ],
)
def test_a_company_has_one_name_across_councils(written: str, canonical: str) -> None:
    legal = {"sas", "gmbh"}
    assert canonical_name(written, legal) == canonical


def test_a_found_vendor_says_so_with_its_role_its_words_and_its_technologies(fr: Analyzer) -> None:
    text = "Le marché d'extension de la vidéoprotection est attribué à la société ACTIV Ingénierie pour 64 000 € HT."
    [vendor] = [d for d in fr.analyze([PageText(1, text)]) if d.kind == "vendor"]
    assert (vendor.vendor, vendor.category, vendor.matched) == (
        "Activ Ingenierie",
        "video_surveillance",
        "ACTIV Ingénierie",
    )
    assert {
        k: vendor.details[k]
        for k in ("rule", "vendor_status", "vendor_role", "vendor_cue", "vendor_written", "vendor_key", "technologies")
    } == {
        "rule": "found-vendor",
        "vendor_status": "found",
        "vendor_role": "contractor",
        "vendor_cue": "attribué à la société",
        "vendor_written": "ACTIV Ingénierie",
        "vendor_key": "activ ingenierie",
        "technologies": ["video_surveillance"],
    }
    assert vendor.snippet == text and vendor.details["amounts"][0]["value"] == 64000.0


def test_a_known_vendor_says_it_is_known(fr: Analyzer) -> None:
    [vendor] = [
        d
        for d in fr.analyze([PageText(1, "Le logiciel BriefCam équipera le centre de supervision urbain.")])
        if d.kind == "vendor"
    ]
    assert (vendor.details["vendor_status"], vendor.details["vendor_type"]) == ("known", "specialist")


def test_a_company_across_the_page_from_any_technology_is_not_tied(fr: Analyzer) -> None:
    filler = "Le conseil approuve le compte administratif et fixe les tarifs de la cantine. " * 8
    text = "Le marché est attribué à la société Vigisud. " + filler + "Extension de la vidéoprotection."
    assert vendors("fr", text) == set()


def test_names_stop_at_titles_and_function_words() -> None:
    reader = CompanyReader(load_lexicon().companies, "fr")
    text = (
        "AUTORISE le Maire à signer le marché avec la société CITEOS POUR QUATRE ANS ;\n"
        "attribué à la société Ondine Systèmes\nRapporteur : M. Dupont"
    )
    assert [n.text for n in reader.names(text)] == ["CITEOS", "Ondine Systèmes"]


@pytest.mark.parametrize(
    "text, names",
    [
        ("Le lot est attribué à la société Réseaux du Trégor pour la vidéoprotection.", ["Réseaux du Trégor"]),
        ("Le lot est attribué à la société Kerlys du groupe Armor.", ["Kerlys"]),
        # A branch's town after a name that stands alone is not part of it.
        ("Le lot est attribué à la société Kerlys Sécurité de Lorient.", ["Kerlys Sécurité"]),
        ("Le lot est attribué à la société Kerlys du", ["Kerlys"]),  # a text that ends on the particle
    ],
)
def test_a_particle_carries_a_name_on_only_to_a_capitalised_word(text: str, names: list[str]) -> None:
    reader = CompanyReader(load_lexicon().companies, "fr")
    assert [n.text for n in reader.names(text)] == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("Le marché est attribué à ACTIV , SAS pour un an.", ["ACTIV"]),  # the comma and its spaces end the name
        ("Contrat avec Müller GmbH & Co. KG et Dupont SARL.", ["Müller", "Dupont"]),
        ("sa commune et la société Citeos SA.", ["Citeos"]),  # "sa" in lower case is a word
        # "ı" (a dotless i) is matched by a case-insensitive "i": such a text is read ignoring case.
        ("Sıgnalisation : Dupont SARL.", ["Dupont"]),
    ],
)
def test_a_legal_form_after_a_name_ends_it(text: str, names: list[str]) -> None:
    reader = CompanyReader(load_lexicon().companies, "fr")
    assert [name.text for name in reader.names(text)] == names
