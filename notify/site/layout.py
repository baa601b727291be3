"""Where each page and feed of the site lives, and the stable identifiers of feed entries.

One place for the site's URL layout, so that a link and the file it points to never disagree.
Identifiers are derived from what identifies a record in the database (a source id, a document
URL, a hit fingerprint), never from the build time: a feed reader must not see an entry twice
because the site was rebuilt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid

# Names that need no transformation to be a safe file name and URL path segment.
PLAIN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,79}")
# Our own namespace for uuid5 identifiers (uuid5 of the DNS namespace and "vigie").
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "vigie")

INDEX = "index.html"
STYLE = "style.css"
FEED_ALL = "feed.atom"
CALENDAR_ALL = "agenda.ics"
COUNCILS = "conseils/index.html"
CATEGORIES = "categories/index.html"
MAP = "carte.html"
DATA = "donnees.html"  # how to reuse the exports, and their licence
FINDINGS_CSV = "findings.csv"
FINDINGS_JSON = "findings.json"
COUNCILS_GEOJSON = "councils.geojson"


def slug(name: str) -> str:
    """A file name for an identifier: itself when it is plain, else a readable part and a hash.

    Source ids come from registries and from ``vigie ingest --source``: "../x" or "a/b" must
    never become a path, and two ids must never share a file.
    """
    lowered = name.lower()
    if PLAIN.fullmatch(lowered) and lowered == name:
        return name
    readable = re.sub(r"[^a-z0-9]+", "-", lowered).strip("-")[:40] or "x"
    return f"{readable}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:10]}"


def finding_page(finding_id: int) -> str:
    return f"deliberations/{finding_id}.html"


def document_page(document_id: int) -> str:
    return f"documents/{document_id}.html"


def council_page(source_id: str, extension: str = "html") -> str:
    """A council's page; its Atom feed and its calendar share the name (``atom``, ``ics``)."""
    return f"conseils/{slug(source_id)}.{extension}"


def category_page(category: str, extension: str = "html") -> str:
    """A category's page; its Atom feed shares the name (``atom``)."""
    return f"categories/{slug(category)}.{extension}"


def root_of(path: str) -> str:
    """The relative prefix from ``path`` back to the site's root ("", "../")."""
    return "../" * path.count("/")


def hit_id(source_id: str, document_url: str, fingerprint: str) -> str:
    """The Atom id of a hit: the same mention of the same document keeps it forever."""
    return uuid.uuid5(NAMESPACE, f"hit\x1f{source_id}\x1f{document_url}\x1f{fingerprint}").urn


def finding_id(source_id: str, key: str) -> str:
    """The Atom id of a finding: its identity in its council (act number, subject and date…)."""
    return uuid.uuid5(NAMESPACE, f"finding\x1f{source_id}\x1f{key}").urn


def feed_id(path: str, site_url: str) -> str:
    """The Atom id of a feed: its path, within this site when the site's URL is known."""
    return uuid.uuid5(NAMESPACE, f"feed\x1f{site_url}\x1f{path}").urn


def meeting_uid(source_id: str, meeting_date: dt.date) -> str:
    """The iCalendar UID of a council's meeting: one event per council and day."""
    return f"{uuid.uuid5(NAMESPACE, f'meeting{chr(31)}{source_id}{chr(31)}{meeting_date.isoformat()}')}@vigie"
