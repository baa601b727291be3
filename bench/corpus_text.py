"""A deterministic generator of French council documents, for benchmarks.

Documents look like the text extracted from real PDFs of *comptes rendus* and *extraits du registre
des délibérations* (the layout of the extracts that French communes publish under article L2131-1 of
the code général des collectivités territoriales): a header, then
deliberations with their subject, visas, reasons, decision and vote, lines wrapped at about 95
characters, an @ctes stamp on some pages. About 3% of the deliberations are about surveillance
technologies and about 4% use the same words in another sense (drone shows, thermal cameras,
"reconnaissance de l'état de catastrophe naturelle"), so that a detector meets both.

The same ``seed`` always gives the same documents, so runs and machines can be compared.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Iterator
from functools import cache

WORDS_PER_PAGE = 430  # a typical full page of a French deliberation
SURVEILLANCE_SHARE = 0.03
NEAR_MISS_SHARE = 0.04

COMMUNES = [
    "Bellerive-sur-Ondine",
    "Saint-Aubin-des-Prés",
    "Montferrand-le-Haut",
    "Villeneuve-sur-Arve",
    "Les Ormes",
    "Castelnau-la-Forêt",
    "Pont-de-l'Étang",
    "Sainte-Colombe-les-Vignes",
]
FIRST = [
    "Jean",
    "Marie",
    "Philippe",
    "Catherine",
    "Michel",
    "Sophie",
    "Laurent",
    "Nathalie",
    "Pierre",
    "Isabelle",
    "Thierry",
    "Sylvie",
    "Patrick",
    "Valérie",
    "Éric",
    "Christine",
    "Olivier",
    "Hélène",
    "Denis",
    "Muriel",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèbvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
SUBJECTS = [
    "Approbation du compte administratif {year} du budget principal",
    "Attribution d'une subvention à l'association {assoc}",
    "Fixation des tarifs de la restauration scolaire pour l'année {year}-{next}",
    "Modification du tableau des effectifs – création d'un poste d'{grade}",
    "Convention de mise à disposition de la salle polyvalente avec {assoc}",
    "Travaux de réfection de la voirie {street} – attribution du marché",
    "Demande de subvention au titre de la DETR pour la rénovation énergétique de {building}",
    "Acquisition de la parcelle cadastrée section {section} n° {number}",
    "Décision modificative n° {small} du budget principal",
    "Approbation de la modification simplifiée n° {small} du plan local d'urbanisme",
    "Adhésion au groupement de commandes pour la fourniture d'électricité",
    "Dénomination de voies nouvelles du lotissement {street}",
    "Rapport annuel sur le prix et la qualité du service public de l'eau potable",
    "Tarifs des concessions du cimetière communal",
    "Convention avec le centre de gestion pour la médecine préventive",
    "Admission en non-valeur de créances irrécouvrables",
    "Participation communale aux frais de fonctionnement des écoles",
    "Renouvellement du contrat d'assurance des risques statutaires",
]
SURVEILLANCE_SUBJECTS = [
    "Extension du système de vidéoprotection urbaine – demande de subvention au titre du FIPD",
    "Acquisition de caméras-piétons pour les agents de la police municipale",
    "Convention de raccordement des caméras au centre de supervision urbain intercommunal",
    "Expérimentation d'un dispositif de lecture automatisée des plaques d'immatriculation (LAPI)",
    "Vœu relatif à l'interdiction de la reconnaissance faciale dans l'espace public",
    "Attribution du marché de maintenance de la vidéosurveillance à la société Citeos",
    "Doctrine d'emploi du drone de la police municipale",
    "Expérimentation de capteurs sonores couplés aux caméras de vidéoprotection",
]
NEAR_MISS_SUBJECTS = [
    "Spectacle de drones pour la fête nationale en remplacement du feu d'artifice",
    "Diagnostic énergétique des écoles par caméra thermique",
    "Demande de reconnaissance de l'état de catastrophe naturelle pour la sécheresse",
    "Retransmission en direct des séances du conseil municipal – acquisition de caméras",
    "Installation de capteurs de qualité de l'air aux abords des écoles",
    "Travaux de réfection de la rue Thalès – attribution du marché",
    "Inspection télévisée des réseaux d'assainissement par passage caméra",
]
ASSOCS = [
    "Comité des fêtes",
    "Football Club",
    "Les Amis du Patrimoine",
    "Amicale des sapeurs-pompiers",
    "Restos du Cœur",
    "Club de l'Âge d'Or",
    "Harmonie municipale",
    "Association des parents d'élèves",
]
GRADES = [
    "adjoint administratif principal de 2e classe",
    "agent de maîtrise",
    "rédacteur territorial",
    "adjoint technique",
    "animateur principal",
]
BUILDINGS = ["l'école élémentaire", "la mairie", "la salle des fêtes", "le gymnase", "la médiathèque"]
STREETS = ["des Tilleuls", "du Moulin", "de la Gare", "des Écoles", "Victor Hugo", "du Stade", "des Vergers"]
VISAS = [
    "Vu le code général des collectivités territoriales, notamment son article L{article} ;",
    "Vu le code de la commande publique ;",
    "Vu la délibération n° {year}-{number} du {day} {month} {year} ;",
    "Vu l'avis de la commission des finances réunie le {day} {month} {year} ;",
    "Vu le budget primitif de l'exercice {year} ;",
]
REASONS = [
    "Considérant la nécessité de {need} ;",
    "Considérant que les crédits nécessaires sont inscrits au budget de l'exercice en cours ;",
    "Considérant l'intérêt pour la commune de {need} ;",
    "Considérant que la consultation a été organisée conformément à la réglementation en vigueur ;",
]
NEEDS = [
    "maintenir la qualité du service rendu aux habitants",
    "sécuriser les déplacements des piétons",
    "réduire les consommations d'énergie des bâtiments communaux",
    "soutenir la vie associative locale",
    "assurer la continuité du service public",
    "améliorer l'accueil des enfants",
]
BODY = [
    "Monsieur le Maire rappelle que {topic} fait l'objet d'un suivi attentif des services et que les montants "
    "proposés tiennent compte de l'évolution des coûts constatée au cours des derniers exercices.",
    "Le rapporteur précise que la dépense s'élève à {amount} € HT et qu'elle sera imputée au chapitre {chapter} "
    "du budget principal.",
    "Après présentation par {person}, adjoint délégué, plusieurs conseillers interviennent sur {topic}.",
    "{person} demande si le calendrier des travaux permettra une mise en service avant l'été ; il lui est répondu "
    "que les délais annoncés par l'entreprise sont tenus.",
    "La commission compétente a émis un avis favorable lors de sa séance du {day} {month} {year}.",
    "Il est proposé au conseil municipal d'approuver le projet présenté et d'autoriser le Maire à signer toute "
    "pièce nécessaire à son exécution.",
]
SURVEILLANCE_BODY = [
    "Le dispositif comprendra {small} caméras supplémentaires reliées au centre de supervision urbain, dont les "
    "images seront conservées trente jours conformément au code de la sécurité intérieure.",
    "Les agents de la police municipale seront équipés de caméras individuelles dont l'usage est encadré par "
    "l'article L241-2 du code de la sécurité intérieure.",
    "{person} s'interroge sur l'efficacité de la vidéoprotection et demande qu'une évaluation indépendante soit "
    "présentée au conseil avant toute extension.",
]
NEAR_MISS_BODY = [
    "Le prestataire retenu assurera le spectacle lumineux de drones depuis le stade, pour un coût de {amount} € TTC.",
    "La caméra thermique permettra de repérer les déperditions de chaleur des toitures et des menuiseries.",
    "Mme le Maire exprime sa reconnaissance aux bénévoles qui ont assuré l'organisation de la manifestation.",
]
DECISIONS = [
    "APPROUVE",
    "AUTORISE le Maire à signer la convention correspondante",
    "DÉCIDE d'attribuer la subvention",
    "FIXE les tarifs tels que présentés",
    "ADOPTE la décision modificative",
]
VOTES = [
    "Adopté à l'unanimité.",
    "Pour : {for} – Contre : {against} – Abstentions : {abstain}.",
    "Adoptée par {for} voix pour, {against} contre et {abstain} abstentions.",
]


_WRAP = re.compile(r".{1,95}(?:\s+|$)")


@cache
def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)


class _Writer:
    """Fills the templates with one random generator, so that a seed fixes everything."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.year = 2021
        r = self.random
        # Only the fields a template uses are drawn: generating is the benchmark's slowest part.
        self.values: dict[str, Callable[[], object]] = {
            "year": lambda: self.year,
            "next": lambda: self.year + 1,
            "day": lambda: r.randint(1, 28),
            "month": lambda: r.choice(MONTHS),
            "assoc": lambda: r.choice(ASSOCS),
            "grade": lambda: r.choice(GRADES),
            "street": lambda: r.choice(STREETS),
            "building": lambda: r.choice(BUILDINGS),
            "section": lambda: r.choice("ABCDEHK") + r.choice("ABCDE"),
            "number": lambda: r.randint(10, 999),
            "small": lambda: r.randint(1, 12),
            "article": lambda: r.choice([2121, 2122, 2241, 2131]),
            "need": lambda: r.choice(NEEDS),
            "person": lambda: f"{r.choice(['M.', 'Mme'])} {r.choice(LAST)}",
            "topic": lambda: r.choice(["ce dossier", "le projet", "cette opération", "la convention"]),
            "amount": lambda: f"{r.randint(2, 480)} {r.randint(0, 999):03d}",
            "chapter": lambda: r.choice(["011", "21", "23", "65"]),
            "for": lambda: r.randint(15, 29),
            "against": lambda: r.randint(0, 6),
            "abstain": lambda: r.randint(0, 4),
        }

    def fill(self, template: str) -> str:
        fields = _fields(template)
        if not fields:
            return template
        return template.format(**{name: self.values[name]() for name in fields})

    def deliberation(self, number: int) -> list[str]:
        r = self.random
        roll = r.random()
        if roll < SURVEILLANCE_SHARE:
            subject, extra = r.choice(SURVEILLANCE_SUBJECTS), SURVEILLANCE_BODY
        elif roll < SURVEILLANCE_SHARE + NEAR_MISS_SHARE:
            subject, extra = r.choice(NEAR_MISS_SUBJECTS), NEAR_MISS_BODY
        else:
            subject, extra = self.fill(r.choice(SUBJECTS)), BODY
        paragraphs = [
            f"Délibération n° {self.year}-{number:03d}",
            f"OBJET : {subject}",
            f"Rapporteur : {r.choice(['M.', 'Mme'])} {r.choice(FIRST)} {r.choice(LAST)}",
        ]
        paragraphs += [self.fill(v) for v in r.sample(VISAS, r.randint(2, 4))]
        paragraphs += [self.fill(v) for v in r.sample(REASONS, r.randint(1, 3))]
        paragraphs += [self.fill(b) for b in r.sample(BODY, r.randint(2, 5))]
        if extra is not BODY:
            paragraphs.append(self.fill(r.choice(extra)))
        paragraphs.append(f"LE CONSEIL MUNICIPAL, après en avoir délibéré, {r.choice(DECISIONS)}.")
        paragraphs.append(self.fill(r.choice(VOTES)))
        return paragraphs

    def header(self) -> list[str]:
        r = self.random
        commune = r.choice(COMMUNES)
        names = " – ".join(f"{r.choice(FIRST)} {r.choice(LAST).upper()}" for _ in range(r.randint(8, 16)))
        return [
            f"COMMUNE DE {commune.upper()}",
            "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL",
            f"Séance du {r.randint(1, 28)} {r.choice(MONTHS)} {self.year}",
            f"Conseillers en exercice : {r.randint(19, 33)} – Présents : {r.randint(15, 19)} – Votants : "
            f"{r.randint(19, 25)}",
            f"Présents : {names}",
        ]

    def stamp(self) -> list[str]:
        r = self.random
        date = f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{self.year}"
        siren = f"21{r.randint(1000000, 9999999)}"
        return [
            f"Envoyé en préfecture le {date}",
            f"Reçu en préfecture le {date}",
            "Affiché le",
            f"ID : 0{r.randint(10, 95)}-{siren}-{self.year}{r.randint(1, 12):02d}{r.randint(1, 28):02d}-"
            f"DEL{r.randint(1, 200)}-DE",
        ]


def _pages(paragraphs: list[str], pages_per_doc: int, writer: _Writer) -> list[str]:
    """Cut paragraphs into pages of about WORDS_PER_PAGE words, lines wrapped like extracted PDF text."""
    pages, lines, words = [], [], 0
    for paragraph in paragraphs:
        lines.extend(line.rstrip() for line in _WRAP.findall(paragraph))
        words += paragraph.count(" ") + 1
        if words >= WORDS_PER_PAGE:
            if writer.random.random() < 0.3:
                lines[1:1] = writer.stamp()
            pages.append("\n".join(lines))
            lines, words = [], 0
            if len(pages) == pages_per_doc:
                break
    if len(pages) < pages_per_doc and lines:
        pages.append("\n".join(lines))
    return pages


def generate_documents(
    n_docs: int, pages_per_doc: int = 6, seed: int = 2024, numbered_from: int = 1
) -> Iterator[list[str]]:
    """Yield ``n_docs`` documents, each a list of ``pages_per_doc`` pages of text (generated lazily).
    Each year's acts are numbered from ``numbered_from`` (parts of one corpus generated apart
    number theirs apart)."""
    writer = _Writer(seed)
    target = pages_per_doc * WORDS_PER_PAGE * 1.05
    # A council numbers its acts through the year ("2021-001", "2021-002"…), never twice: a number
    # shared by hundreds of documents would make one deliberation of them all.
    numbers: dict[int, int] = {}
    for index in range(n_docs):
        writer.year = 2019 + index % 6
        paragraphs = writer.header()
        words = sum(p.count(" ") + 1 for p in paragraphs)
        while words < target:
            numbers[writer.year] = number = numbers.get(writer.year, numbered_from - 1) + 1
            deliberation = writer.deliberation(number)
            paragraphs += deliberation
            words += sum(p.count(" ") + 1 for p in deliberation)
        yield _pages(paragraphs, pages_per_doc, writer)


def generate_pages(n_words: int, pages_per_doc: int = 6, seed: int = 2024) -> Iterator[list[str]]:
    """Documents until about ``n_words`` words have been generated."""
    total = 0
    for document in generate_documents(10**9, pages_per_doc, seed):
        yield document
        total += sum(len(page.split()) for page in document)
        if total >= n_words:
            return
