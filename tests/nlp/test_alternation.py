"""nlp.alternation: several patterns matched as their alternation would match them, only faster."""

import re

import pytest

from nlp.alternation import LOOKALIKES, Alternation, scout

ACTS = [
    r"d[ée]lib[ée]ration\s*(?:n\s*[°o]|num[ée]ro)\s*:?\s*(\d[\w./-]*\d)",
    r"\b(?:DCM|DEL|DL)\s*[-_ ]?\s*(\d{2,4}\s*[-_/]\s*\d{1,4})\b",
    r"\b(\d{4}\s*[-_/]\s*(?:DEL|DL|D)\s*[-_/]?\s*\d+)\b",
]

TEXTS = [
    "Délibération n° 2024-117 : vidéoprotection. DCM 2024-12 et 2024-DEL-0034 ; voir DEL 25/3.",
    "xDCM 2024-12 n'est pas un numéro, mais (DCM 2024-13) en est un; 12024-D-5 non plus.",
    "DEL 2024-DEL-12 : deux motifs au même endroit, le premier l'emporte.",
    "Délibération numéro 12.3 – DL_99/1 – 2023/D/7",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_it_finds_what_the_alternation_finds(text):
    alternation = re.compile("|".join(f"(?:{p})" for p in ACTS), re.I)
    expected = [(m.start(), m.end(), next(g for g in m.groups() if g)) for m in alternation.finditer(text)]

    found = [(m.start(), m.end(), m.group(1)) for _, m in Alternation(ACTS, re.I).finditer(text)]

    assert found == expected


def test_a_leading_word_boundary_is_kept():
    fipd = Alternation([r"\bFIPD\b"], re.I)

    assert fipd.found_in("subvention au titre du FIPD 2025")
    assert not fipd.found_in("CFIPD2025")


def test_it_says_which_pattern_matched():
    found = Alternation([r"\bDETR\b", r"\bDSIL\b"], re.I).finditer("DSIL puis DETR")

    assert [(index, match.group()) for index, match in found] == [(1, "DSIL"), (0, "DETR")]


@pytest.mark.parametrize("text", TEXTS)
def test_search_gives_the_match_re_search_gives(text):
    alternation = re.compile("|".join(f"(?:{p})" for p in ACTS), re.I)
    expected = alternation.search(text)

    found = Alternation(ACTS, re.I).search(text)

    assert (found and found.span()) == (expected and expected.span())


def test_search_skips_a_match_inside_a_word_when_the_pattern_starts_at_a_word_boundary():
    adopted = Alternation([r"\badopt[ée]e?s?\b"], re.I)

    assert adopted.search("inadopté, puis adopté à l'unanimité").start() == 15


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (r"\bFIPD(?:R)?\b", ("fipd", True)),  # what may be absent is no part of it
        (r"(?:à|a)\s+l['’]\s*unanimit[ée]", ("unanimit", True)),
        (r"(\d+)\s+voix\s+pour", ("voix", True)),  # the longest run, groups opened
        (r"\b(?:DCM|DEL|DL)\s*(\d+)", None),  # "d": in every text, not worth looking for
        (r"(?-i:ABCD)ef", None),  # a group with its own flags is not opened
    ],
)
def test_a_scout_is_the_longest_run_of_letters_every_match_holds(pattern, expected):
    assert scout(pattern, re.I) == expected


SUBSIDIES = [r"\bFIPD\b", r"fonds\s+interminist[ée]riel", r"subvention\s+du\s+d[ée]partement"]


@pytest.mark.parametrize(
    "text",
    [
        "Demande de SUBVENTION DU DÉPARTEMENT pour la vidéoprotection.",
        "Le FIPD et le Fonds Interministériel de prévention.",
        "Aucune aide n'est sollicitée.",
        "ſubvention du département",  # a long s: "ſ" is matched by s, and stays "ſ" in lower case
        "Fonds İNTERMINISTÉRIEL",  # "İ" is matched by i, and is "i" and a combining dot in lower case
        "",
    ],
)
def test_scouted_patterns_find_what_the_patterns_find(text):
    expected = [m.span() for p in SUBSIDIES for m in [re.search(p, text, re.I)] if m]

    found = [m.span() for p in SUBSIDIES for m in [Alternation([p], re.I).search(text)] if m]

    assert found == expected


def test_a_pattern_whose_scout_is_not_in_the_text_is_not_run():
    fipd = Alternation([r"\bFIPD\b"], re.I)
    fipd.patterns = [(None, False)]  # running it would fail

    assert fipd.search("Une subvention de l'État.") is None


def test_the_lookalikes_are_all_the_characters_that_ignoring_case_matches_to_an_ascii_letter():
    others = "".join(chr(c) for c in range(128, 0x110000) if not 0xD800 <= c < 0xE000)
    matched = set(re.findall("[a-z]", others, re.I))

    unseen = {c for c in matched if not c.lower().isascii() and not any(x in c.lower() for x in LOOKALIKES)}

    assert matched and unseen == set()
