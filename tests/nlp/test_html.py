"""HTML pages nested deeper than libxml2's default limit (256 levels) keep their text."""

from __future__ import annotations

import pytest

from nlp.extract import ExtractionError
from nlp.extract.html import extract_html


def nested(depth: int, text: str) -> bytes:
    # A page builder's output at its worst: a <div> per layout block, and a link in each.
    inner = "".join(f'<div class="bloc-{n}"><a href="/d/{n}.pdf">Annexe {n}</a>' for n in range(depth))
    return (
        f"<html><body><p>Conseil municipal du 3 mars 2026</p>{inner}<p>{text}</p>{'</div>' * depth}"
        "<p>Fin de la séance.</p></body></html>"
    ).encode()


@pytest.mark.parametrize("depth", [300, 2000])
def test_text_nested_deeper_than_256_levels_is_kept(depth):
    [page] = extract_html(nested(depth, "Extension de la vidéoprotection urbaine.")).pages
    assert "Extension de la vidéoprotection urbaine." in page.text
    assert page.text.endswith("Fin de la séance.") and f"Annexe {depth - 1}" in page.text


def test_a_page_nested_beyond_what_can_be_parsed_is_refused_not_read_in_part():
    with pytest.raises(ExtractionError, match="HTML nested more than 2048 levels deep"):
        extract_html(nested(5000, "Extension de la vidéoprotection urbaine."))
