"""Read SCDL « Délibérations » records (schema ``scdl/deliberations`` 2.1.x) as real publishers write them.

Shared by the ``scdl`` spider (CSV files) and the ``opendatasoft`` spider (SCDL datasets
re-hosted with lower-case field names). What real files do, and what is handled here:
``,`` or ``;`` (or tab) separators, a byte-order mark, UTF-8 or Windows-1252, lower-case or
padded headers, extra columns (kept in ``extra``), missing optional fields, numbers where
strings are expected (``delib_matiere_code`` 5.7), and dates with a time or day first.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from spiders.actes import find_acte_id

REQUIRED = ("DELIB_OBJET",)  # without a subject there is nothing to analyse
KNOWN = (
    "COLL_NOM",
    "COLL_SIRET",
    "DELIB_ID",
    "DELIB_DATE",
    "DELIB_MATIERE_CODE",
    "DELIB_MATIERE_NOM",
    "DELIB_OBJET",
    "BUDGET_ANNEE",
    "BUDGET_NOM",
    "PREF_ID",
    "PREF_DATE",
    "VOTE_EFFECTIF",
    "VOTE_REEL",
    "VOTE_POUR",
    "VOTE_CONTRE",
    "VOTE_ABSTENTION",
    "DELIB_URL",
)
# Spellings seen in non-conforming files, mapped to the schema's names.
ALIASES = {
    "DELIB_COMPETENCE": "DELIB_MATIERE_NOM",
    "VOTE_ABST": "VOTE_ABSTENTION",
    "VOTE_EFFFECTIF": "VOTE_EFFECTIF",
}
# Vote counts use the same keys on every platform: eligible, voting, for, against, abstention.
VOTES = {
    "VOTE_EFFECTIF": "eligible",
    "VOTE_REEL": "voting",
    "VOTE_POUR": "for",
    "VOTE_CONTRE": "against",
    "VOTE_ABSTENTION": "abstention",
}
_VOTE_LABELS = {
    "eligible": "Membres en exercice",
    "voting": "Votants",
    "for": "Pour",
    "against": "Contre",
    "abstention": "Abstentions",
}
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


class ScdlError(ValueError):
    """The file is not an SCDL deliberations table; the message says what is missing."""


@dataclass
class Deliberation:
    """One SCDL row, normalised."""

    subject: str
    delib_id: str | None = None
    adopted: dt.date | None = None
    url: str | None = None
    acte_id: str | None = None
    votes: dict[str, int] | None = None
    fields: dict[str, str] = field(default_factory=dict)  # every non-empty column, by schema name
    extra: dict[str, str] = field(default_factory=dict)  # columns outside the schema

    @property
    def key(self) -> str:
        """A stable identity within its file: DELIB_ID, or a digest of date and subject."""
        if self.delib_id:
            return self.delib_id
        seed = f"{self.adopted}|{self.subject}".encode()
        return "sha1-" + hashlib.sha1(seed).hexdigest()[:16]

    def text(self) -> str:
        """The record as text to analyse: the subject first, then what qualifies it."""
        f = self.fields
        lines = [self.subject]
        for label, name in (
            ("Collectivité", "COLL_NOM"),
            ("Délibération", "DELIB_ID"),
            ("Date", "DELIB_DATE"),
            ("Matière", "DELIB_MATIERE_NOM"),
            ("Code matière", "DELIB_MATIERE_CODE"),
            ("Budget", "BUDGET_NOM"),
        ):
            if f.get(name):
                lines.append(f"{label} : {f[name]}")
        if self.votes:
            lines.append(" ; ".join(f"{_VOTE_LABELS[k]} : {v}" for k, v in self.votes.items()))
        return "\n".join(lines) + "\n"


def normalise_header(name: str) -> str:
    """``' delib_objet'`` → ``'DELIB_OBJET'``; known misspellings mapped to the schema."""
    cleaned = re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip()).upper()
    return ALIASES.get(cleaned, cleaned)


def parse_date(value: Any) -> dt.date | None:
    """ISO dates (with or without a time) and day-first dates; None when unreadable."""
    text = str(value or "").strip()
    try:
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DAY_FIRST.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _votes(fields: Mapping[str, str]) -> dict[str, int] | None:
    votes = {}
    for name, key in VOTES.items():
        raw = fields.get(name, "")
        try:
            votes[key] = int(float(raw))
        except ValueError:
            continue
    return votes or None


def parse_record(row: Mapping[str, Any]) -> Deliberation | None:
    """Normalise one record (any header case); None when it has no subject."""
    fields: dict[str, str] = {}
    extra: dict[str, str] = {}
    for name, value in row.items():
        if name is None:  # a row longer than its header: csv puts the surplus under None
            continue
        key = normalise_header(str(name))
        text = _text(value)
        if not text:
            continue
        (fields if key in KNOWN else extra)[key] = text
    subject = fields.get("DELIB_OBJET", "")
    if not subject:
        return None
    url = fields.get("DELIB_URL") or None
    if url and not url.startswith(("http://", "https://")):
        extra["DELIB_URL_INVALID"] = url
        url = None
    return Deliberation(
        subject=" ".join(subject.split()),
        delib_id=fields.get("DELIB_ID"),
        adopted=parse_date(fields.get("DELIB_DATE")),
        url=url,
        acte_id=find_acte_id(fields.get("DELIB_ID"), url),
        votes=_votes(fields),
        fields=fields,
        extra=extra,
    )


def decode(data: bytes, encoding: str | None = None) -> str:
    """The file's text: the given encoding, else UTF-8 (with or without BOM), else Windows-1252."""
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows-1252 is what French office software writes when it does not write UTF-8.
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(header_line: str) -> str:
    """The separator that splits the header into the most schema field names."""

    def score(sep: str) -> tuple[int, int]:
        names = [normalise_header(n.strip('"')) for n in header_line.split(sep)]
        return sum(n in KNOWN for n in names), len(names)

    return max((",", ";", "\t", "|"), key=score)


def read_table(data: bytes, encoding: str | None = None, delimiter: str | None = None) -> Iterable[Deliberation | None]:
    """Every row of an SCDL CSV file, normalised (None for a row without a subject).

    Raises :class:`ScdlError` when the header lacks the subject column.
    """
    text = decode(data, encoding)
    header_line = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = delimiter or sniff_delimiter(header_line)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=sep)
    headers = {normalise_header(h) for h in reader.fieldnames or []}
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        # The file's own words are never repeated: a "CSV" may be any file (a leaked local one),
        # and this message reaches logs, alerts and the public site. Only the schema's names are.
        known = sorted(headers & set(KNOWN))
        raise ScdlError(
            f"no {', '.join(missing)} column among the {len(headers)} column(s) of the header "
            f"(SCDL columns found: {', '.join(known) or 'none'}); is this an SCDL deliberations file? "
            f"Set config.delimiter or config.encoding if it is"
        )
    return (parse_record(row) for row in reader)
