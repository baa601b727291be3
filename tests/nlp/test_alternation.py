"""nlp.alternation: several patterns matched as their alternation would match them, only faster."""

import re

import pytest

from nlp.alternation import Alternation

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
