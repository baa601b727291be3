"""The item spiders yield: its title is clean text from the moment it is built."""

from __future__ import annotations

import pytest

from spiders.items import DocumentItem


@pytest.mark.parametrize(
    "title, clean",
    [
        ("Conseil municipal\x1b]0;pwned\x07 du 3 mars", "Conseil municipal]0;pwned du 3 mars"),
        ("Délibération\u202egpj.exe", "Délibérationgpj.exe"),
        ("Procès-verbal\r\n  de la séance\t", "Procès-verbal de la séance"),
        ("\x00\x1b", None),
        (None, None),
    ],
)
def test_a_title_loses_its_control_characters_when_the_item_is_built(title, clean):
    assert DocumentItem(source_id="ville", url="https://ville.example/d.pdf", title=title).title == clean
