"""The @ctes stamp of the prefecture: parsed into metadata, then removed from the page text.

Acts sent to the prefecture carry a stamp, printed on their pages by the transmission platform:

    Envoyé en préfecture le 09/02/2021          Accusé de réception en préfecture
    Reçu en préfecture le 09/02/2021            013-211300561-20211025-RA21_23060-AR
    Affiché le                                  Date de télétransmission : 25/10/2021
    ID : 013-211301106-20210201-1212-AI         Date de réception préfecture : 25/10/2021

The identifier reads ``DDD-SIREN-YYYYMMDD-<internal number>-<NATURE>``: the département, the SIREN
of the council, the transmission date (not the meeting's), the council's own number (which may hold
``_`` and ``-``) and the nature (``DE`` délibération, ``AR`` acte réglementaire, ``AI`` acte
individuel…). The stamp's
words are not the act's: it is taken out before matching, and the stored page text is the cleaned text.
OCR'd stamps are noisy ("Reça pn préfecture", "1D :"), so the line patterns are lenient.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# DDD-SIREN-YYYYMMDD-<internal number, may hold "-" and "_">-NATURE
ACTE_ID = re.compile(r"(?<![\w-])(\d{3}|0?2[AB])-(\d{9})-(\d{8})-([\w.-]+?)-(DE|AR|AI|CC|BF|AU)\b")
NATURES = {
    "DE": "délibération",
    "AR": "acte réglementaire",
    "AI": "acte individuel",
    "CC": "contrat ou convention",
    "BF": "document budgétaire ou financier",
    "AU": "autre",
}
_DATE = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
_LINE_PATTERNS = {
    "sent": re.compile(rf"^\W{{0,3}}Envoy\S*\s+\S{{1,3}}\s+pr\S{{0,2}}fecture\s+le\b\W*(?:{_DATE})?\W*$", re.I | re.M),
    "received": re.compile(
        rf"^\W{{0,3}}Re\S{{0,2}}\s+\S{{1,3}}\s+pr\S{{0,2}}fecture\s+le\b\W*(?:{_DATE})?\W*$", re.I | re.M
    ),
    "posted": re.compile(rf"^\W{{0,3}}(?:Affich|Publi)\S*\s+le\b\W*(?:{_DATE})?\W*$", re.I | re.M),
    "teletransmission": re.compile(rf"^\W{{0,3}}Date\s+de\s+t\S+transmission\s*:?\s*(?:{_DATE})?\W*$", re.I | re.M),
    "acknowledged": re.compile(
        rf"^\W{{0,3}}Date\s+de\s+r\S+ception\s+(?:en\s+)?pr\S{{0,2}}fecture\s*:?\s*(?:{_DATE})?\W*$", re.I | re.M
    ),
}
_HEADER = re.compile(r"^\W{0,3}Accus\S+\s+de\s+r\S+ception\s+(?:en\s+)?pr\S{0,2}fecture\W*$", re.I | re.M)
# "ID : …", OCR's "1D : …" or "D : …", "Identifiant Acte : …", or the identifier alone on its line.
_ID_LINE = re.compile(rf"^[^\S\n]*(?:(?:\S{{1,3}}|Identifiant(?:\s+Acte)?)\s*[:;]\s*)?{ACTE_ID.pattern}[^\n]*$", re.M)
# What every stamp holds ("préfecture", or an identifier's SIREN and date), looked for first on
# every page of every PDF: as plain text and a pattern that starts with a literal, which the regex
# engine skips to (a case-insensitive alternation made it try every position: 4x slower).
_WORD_CUE = "fecture"
_ID_CUE = re.compile(r"-\d{9}-\d{8}-")


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_acte_id(text: str) -> dict[str, Any] | None:
    """The parts of an @ctes identifier found in ``text``, or None."""
    match = ACTE_ID.search(text)
    if not match:
        return None
    departement, siren, date, number, nature = match.groups()
    return {
        "id": match.group(),
        "departement": departement,
        "siren": siren,
        "date": _iso(date[6:], date[4:6], date[:4]),
        "number": number,
        "nature": nature,
        "nature_label": NATURES[nature],
    }


def strip_stamp(text: str) -> tuple[str, dict[str, Any]]:
    """``text`` without its stamp lines, and what they said (empty when there is no stamp)."""
    if _WORD_CUE not in text.lower() and not _ID_CUE.search(text):
        return text, {}
    found: dict[str, Any] = {}
    spans: list[tuple[int, int]] = []
    for match in _ID_LINE.finditer(text):
        found.setdefault("acte", parse_acte_id(match.group()))
        spans.append(match.span())
    for name, pattern in _LINE_PATTERNS.items():
        for match in pattern.finditer(text):
            spans.append(match.span())
            if match.group(1) and name not in found:
                found[name] = _iso(*match.groups()[:3])
    for match in _HEADER.finditer(text):
        spans.append(match.span())
    if not spans:
        return text, {}
    return _remove_lines(text, spans), found


def _remove_lines(text: str, spans: list[tuple[int, int]]) -> str:
    """Remove whole lines, with their line break, keeping the rest of the text as it was."""
    pieces, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        if end < len(text) and text[end] == "\n":
            end += 1
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def stamp_metadata(pages_found: list[dict[str, Any]]) -> dict[str, Any]:
    """Metadata of a document from its pages' stamps: the first acte id and dates found."""
    merged: dict[str, Any] = {}
    for found in pages_found:
        for key, value in found.items():
            if value and key not in merged:
                merged[key] = value
    if not merged:
        return {}
    out: dict[str, Any] = {"prefecture": {k: v for k, v in merged.items() if k != "acte"}}
    if merged.get("acte"):
        out["acte"] = merged["acte"]
        out["acte_id"] = merged["acte"]["id"]
    return out
