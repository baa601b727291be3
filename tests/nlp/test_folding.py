"""Folding: matching runs on folded text, evidence quotes the original at the same place."""

from __future__ import annotations

import pytest

from nlp.folding import FoldedText, fold_chars


@pytest.mark.parametrize(
    "original, folded",
    [
        ("VIDÉOPROTECTION", "videoprotection"),
        ("l’État « sûr »", "l'etat \" sur \""),
        ("identiﬁcation ﬂux", "identification flux"),
        ("œuvre Æsop Straße", "oeuvre aesop strasse"),
        ("vidéo-\nprotection", "videoprotection"),
        ("VIDÉO-\nPROTECTION", "videoprotection"),
        ("caméras-\n  piétons", "cameraspietons"),
        ("Jean-\nPierre", "jean-\npierre"),
        ("vi\u00addéo", "video"),
        ("a\u00a0b", "a b"),
    ],
)
def test_folded_text(original: str, folded: str) -> None:
    assert FoldedText(original).text == folded


@pytest.mark.parametrize(
    "original, word",
    [
        ("La vidéo-\nprotection urbaine", "videoprotection"),
        ("Une identiﬁcation faciale", "identification faciale"),
        ("Les caméras-\npiétons", "cameraspietons"),
        ("plain text caméra", "camera"),
    ],
)
def test_spans_map_back_to_the_original_words(original: str, word: str) -> None:
    folded = FoldedText(original)
    start = folded.text.index(word)
    begin, end = folded.span(start, start + len(word))
    assert FoldedText(original[begin:end]).text == word


def test_fold_chars_keeps_the_length() -> None:
    text = "Évêque ÇA l’île – İstanbul"
    assert len(fold_chars(text)) == len(text)
