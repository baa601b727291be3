"""The site's file names and feed identifiers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from notify.site import layout


@pytest.mark.parametrize("name", ["fr-lyon", "fr-69123_lyon.2", "us-sf"])
def test_a_plain_id_is_its_own_file_name(name: str) -> None:
    assert layout.slug(name) == name


@pytest.mark.parametrize(
    ("name", "readable"),
    [
        ("Fr-Lyon", "fr-lyon"),
        ("../etc", "etc"),
        ("ville de Saint-Étienne", "ville-de-saint-tienne"),
        (".hidden", "hidden"),
        ("", "x"),
    ],
)
def test_any_other_id_gets_a_readable_part_and_a_hash(name: str, readable: str) -> None:
    assert re.fullmatch(re.escape(readable) + r"-[0-9a-f]{10}", layout.slug(name))


def test_a_hit_id_depends_on_the_source_the_document_and_the_fingerprint_only() -> None:
    same = layout.hit_id("fr-lyon", "https://www.lyon.fr/a.pdf", "f" * 64)
    assert same == layout.hit_id("fr-lyon", "https://www.lyon.fr/a.pdf", "f" * 64)
    assert same != layout.hit_id("fr-nice", "https://www.lyon.fr/a.pdf", "f" * 64)
    assert same != layout.hit_id("fr-lyon", "https://www.lyon.fr/b.pdf", "f" * 64)
    assert same != layout.hit_id("fr-lyon", "https://www.lyon.fr/a.pdf", "e" * 64)


def test_a_meeting_uid_is_one_per_council_and_day() -> None:
    day = dt.date(2025, 3, 20)
    assert layout.meeting_uid("fr-lyon", day) == layout.meeting_uid("fr-lyon", day)
    assert layout.meeting_uid("fr-lyon", day) != layout.meeting_uid("fr-lyon", day + dt.timedelta(days=1))
