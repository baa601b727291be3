"""Findings: the deliberations in which Vigie found mentions, built right after a document's analysis.

A finding is one deliberation of one council: its hits are the evidence, and the documents that
show it (the agenda, the deliberation, the minutes) are its sightings. A document is read into
deliberations by :mod:`nlp.deliberations`; each one with hits becomes a finding, or a new sighting
of the finding whose act number, or subject and meeting date, it shares. A deliberation without
hits still adds its vote or amounts to a finding it matches (minutes that only say "adopted").

Identity is stable across re-analyses: a finding is found again by its act number, its subject
and meeting date, or its key. When something new is known about it (a vote result, an amount, a
vendor), its ``revision`` grows and ``history`` says what: that is what alerts an update.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from nlp.companies import fold_key
from nlp.council_index import CouncilIndex
from nlp.deliberations import Deliberation, DeliberationRules, normalise_act, subject_key
from nlp.folding import fold_squeezed
from storage.models import Document, Finding, FindingDocument, Hit, retraction, utcnow
from storage.states import DocumentStatus, FindingStatus

# Which document says best what a deliberation is and how it was voted.
PRIORITY = {"deliberation": 0, "minutes": 1, "agenda": 2, "report": 3, "annex": 4}
# Documents holding several deliberations: cut them.
MULTIPLE = ("agenda", "minutes")
AFTER_THE_VOTE = ("deliberation", "minutes")
MAX_QUOTES = 3
LONG_QUOTE = 280
YEAR = re.compile(r"(?:^|-)(?:19|20)\d\d(?:-|$)")  # characters: longer "sentences" are mostly tables run together


def update_document_findings(
    session: Session,
    doc: Document,
    pages: Sequence[tuple[int, str]] | None = None,
    now: dt.datetime | None = None,
    hits: Sequence[Hit] | None = None,
    read: Reading | None = None,
    refresh: bool = True,
    first_analysis: bool = False,
    council: CouncilIndex | None = None,
) -> set[int]:
    """Build or update the findings of ``doc`` from its hits and text; returns the ids touched.

    ``pages``: (number, text) of the document's pages (default: those stored); ``hits``: the
    document's hits, retracted ones included (default: those stored); ``read``: what
    :func:`read_deliberations` made of them (default: read here). ``refresh``: gather what the
    touched findings now say (:func:`refresh_all`); a caller storing several documents may do it
    once for all of them. ``first_analysis``: the document was never analysed, so no finding
    shows it yet (its sightings are not looked for). ``council``: its council's sightings, read for
    the document's deliberations (default: read here); it follows what is written.
    """
    now = now or utcnow()
    if pages is None:
        pages = [(p.number, p.text) for p in doc.pages]
    if hits is None:
        hits = list(session.scalars(select(Hit).where(Hit.document_id == doc.id)))
    hits = [h for h in hits if not h.retracted_by]
    read = read or read_deliberations(doc, pages)
    rules, pieces, text, voted = read.rules, read.pieces, read.text, read.voted
    holding = _assign(hits, pieces, pages)
    old = {}
    if not first_analysis:
        query = select(FindingDocument).where(FindingDocument.document_id == doc.id)
        old = {s.finding_id: s for s in session.scalars(query)}
    was = [(s.finding_id, s.act_number, s.subject_key) for s in old.values()]
    sightings = council or _index(session, doc, pieces)
    matches = sightings.matches(pieces, _meeting(doc))
    kept = [i for i, piece in enumerate(pieces) if i in matches or holding.get(i)]  # a mention, or a finding it adds to
    matches.update(_create_all(session, doc, pieces, [i for i in kept if i not in matches], now))
    current: dict[int, FindingDocument] = {}
    for index in kept:
        piece, finding_id = pieces[index], matches[index]
        rules.describe(piece, text, voted)  # only for what is kept: most of an agenda is not
        if finding_id in current:  # the document shows the deliberation twice
            _merge(current[finding_id], piece)
        else:
            current[finding_id] = _sight(session, finding_id, doc, piece, old.pop(finding_id, None))
        for hit in holding.get(index, []):
            hit.finding_id = finding_id
    for stale in old.values():  # deliberations this document no longer shows
        session.delete(stale)
    session.flush()
    for finding_id, act_number, key in was:
        sightings.seen(finding_id, act_number, key, times=-1)
    for written in current.values():
        sightings.seen(written.finding_id, written.act_number, written.subject_key)
    touched = set(current) | set(old)
    if refresh:
        refresh_all(session, touched, now)
    return touched


@dataclass
class Reading:
    """What :func:`read_deliberations` made of a document: the rules of its language, its
    deliberations (identified; described when kept), its text, and whether that text may hold
    vote results."""

    rules: DeliberationRules
    pieces: list[Deliberation]
    text: str
    voted: bool


def read_deliberations(
    doc: Document, pages: Sequence[tuple[int, str]], mentions: Sequence[tuple[int, int]] = ()
) -> Reading:
    """Read ``doc``'s deliberations from its pages: the work of :func:`update_document_findings`
    that needs no database, which a caller may do before it takes its turn to write. Those that
    hold one of ``mentions`` ((page, offset) of its detections) are described too: they will be kept."""
    rules = DeliberationRules.for_language(doc.language or "fr")
    pieces, text, voted = _deliberations(rules, doc, pages)
    for index in _holding(pieces, pages, mentions):
        rules.describe(pieces[index], text, voted)
    return Reading(rules, pieces, text, voted)


def describe_repeated(session: Session, doc: Document, read: Reading, council: CouncilIndex | None = None) -> None:
    """Describe the deliberations of ``read`` that repeat a finding already stored (``council``:
    its council's sightings, read for them; default: read here): they will be kept. A caller does
    it before it takes its turn to write, so that the turn is short (one created meanwhile by
    another worker is found during the turn, as any other)."""
    sightings = council or _index(session, doc, read.pieces)
    for index in sightings.matches(read.pieces, _meeting(doc)):
        read.rules.describe(read.pieces[index], read.text, read.voted)


def council_indexes(
    session: Session, documents: Iterable[tuple[Document, list[Deliberation]]]
) -> dict[str, CouncilIndex]:
    """The sightings of their councils (by source id) that these documents' deliberations may
    repeat: two queries per council, whatever the number of documents."""
    indexes: dict[str, CouncilIndex] = {}
    for doc, pieces in documents:
        indexes.setdefault(doc.source_id, CouncilIndex(doc.source_id)).want(pieces, _meeting(doc))
    for index in indexes.values():
        index.read(session)
    return indexes


def _index(session: Session, doc: Document, pieces: list[Deliberation]) -> CouncilIndex:
    return council_indexes(session, [(doc, pieces)])[doc.source_id]


def _deliberations(
    rules: DeliberationRules, doc: Document, pages: Sequence[tuple[int, str]]
) -> tuple[list[Deliberation], str, bool]:
    """The deliberations of ``doc`` (one for the whole document when it holds one act), identified
    but not yet described; the document's text; whether its text may hold vote results."""
    text, starts = _joined(pages)
    voted = not rules.is_draft(text) and doc.kind != "agenda" and not _ahead(doc)
    acts = rules.act_numbers(text)
    whole = not text or ((doc.kind not in MULTIPLE or _acte(doc)) and len({normalise_act(a) for _, a in acts}) <= 1)
    bounds = [(0, len(text))] if whole else rules.split(text, starts)
    pieces = []
    meeting = _meeting(doc)
    for start, end in bounds:
        piece = rules.identify(text, start, end, acts, whole)
        if piece.act_number and meeting and not YEAR.search(piece.act_number):
            piece.act_number = f"{piece.act_number}@{meeting.year}"  # "n° 12" comes back every year
        piece.first_page, piece.last_page = _page_at(pages, starts, start), _page_at(pages, starts, max(end - 1, start))
        pieces.append(piece)
    if whole:
        _whole_document(doc, pieces[0])
    return pieces, text, voted


def _whole_document(doc: Document, piece: Deliberation) -> None:
    """A document of one act: its number from the platform's metadata first, its title as subject."""
    acte = (doc.extra or {}).get("acte") or {}
    label = acte.get("number") or (doc.acte_id.split("-")[-2] if doc.acte_id and doc.acte_id.count("-") >= 4 else None)
    if label:
        piece.act_label, piece.act_number = label, normalise_act(label)
    if not piece.subject and doc.title:
        piece.subject = " ".join(doc.title.split())[:300]


def _acte(doc: Document) -> bool:
    return bool(doc.acte_id or (doc.extra or {}).get("acte"))


def _ahead(doc: Document) -> bool:
    meeting = doc.meeting_date or doc.adoption_date
    return bool(meeting and meeting > dt.date.today())


def _meeting(doc: Document) -> dt.date | None:
    return doc.meeting_date or doc.adoption_date


def _joined(pages: Sequence[tuple[int, str]]) -> tuple[str, list[int]]:
    starts, position = [], 0
    for _, text in pages:
        starts.append(position)
        position += len(text) + 2
    return "\n\n".join(text for _, text in pages), starts


def _page_at(pages: Sequence[tuple[int, str]], starts: list[int], offset: int) -> int | None:
    if not pages:
        return None
    index = max(i for i, s in enumerate(starts) if s <= offset) if offset >= 0 else 0
    return pages[index][0]


def _assign(hits: list[Hit], pieces: list[Deliberation], pages: Sequence[tuple[int, str]]) -> dict[int, list[Hit]]:
    """The hits of each deliberation (by index), from their page and offset."""
    holding: dict[int, list[Hit]] = {}
    for hit, index in zip(hits, _holding(pieces, pages, [(h.page, h.start) for h in hits])):
        holding.setdefault(index, []).append(hit)
    return holding


def _holding(
    pieces: list[Deliberation], pages: Sequence[tuple[int, str]], mentions: Sequence[tuple[int, int]]
) -> list[int]:
    """The deliberation (index) that holds each of ``mentions``: (page number, offset in the page)."""
    _, starts = _joined(pages)
    page_start = {number: starts[i] for i, (number, _) in enumerate(pages)}
    return [
        max((i for i, p in enumerate(pieces) if p.start <= page_start.get(page, 0) + offset), default=0)
        for page, offset in mentions
    ]


def _create_all(
    session: Session, doc: Document, pieces: list[Deliberation], indexes: list[int], now: dt.datetime
) -> dict[int, int]:
    """The findings (ids) of the deliberations ``indexes`` that match none yet: found by their key, or created."""
    if not indexes:
        return {}
    keys = {index: _key(doc, pieces[index], index, len(pieces)) for index in indexes}
    found = {
        f.key: f
        for f in session.scalars(
            select(Finding).where(Finding.source_id == doc.source_id, Finding.key.in_(set(keys.values())))
        )
    }
    for key in dict.fromkeys(keys.values()):
        if key not in found:
            found[key] = Finding(
                source_id=doc.source_id,
                key=key,
                revision=0,
                history=[],
                news_at=now,
                first_seen_at=now,
                updated_at=now,
                categories={},
                vendors=[],
                amounts=[],
                subsidies=[],
                quotes=[],
                kinds=[],
            )
            session.add(found[key])
    session.flush()  # their ids
    return {index: found[key].id for index, key in keys.items()}


def _key(doc: Document, piece: Deliberation, index: int, count: int) -> str:
    """What names a new finding among its council's: its act number, else its subject and meeting
    date, else its place in this document."""
    key = subject_key(piece.subject, _meeting(doc))
    if piece.act_number:
        key = f"act:{piece.act_number}"
    elif key:
        key = f"subject:{key}"
    else:
        key = f"document:{doc.id}" if count == 1 else f"document:{doc.id}:{index}"
    return key[:200]


def _sight(
    session: Session, finding_id: int, doc: Document, piece: Deliberation, sighting: FindingDocument | None
) -> FindingDocument:
    """Record what ``doc`` says of a finding."""
    if sighting is None:
        sighting = FindingDocument(finding_id=finding_id, document_id=doc.id, source_id=doc.source_id)
        session.add(sighting)
    sighting.first_page, sighting.last_page = piece.first_page, piece.last_page
    sighting.act_number, sighting.act_label, sighting.subject = piece.act_number, piece.act_label, piece.subject
    sighting.subject_key = subject_key(piece.subject, _meeting(doc))
    sighting.amounts, sighting.subsidies, sighting.vote = piece.amounts, piece.subsidies, piece.vote
    return sighting


def _merge(sighting: FindingDocument, piece: Deliberation) -> None:
    """A second passage of the same document about the same deliberation."""
    sighting.last_page = piece.last_page or sighting.last_page
    sighting.amounts = [*(sighting.amounts or []), *piece.amounts]
    sighting.subsidies = list(dict.fromkeys([*(sighting.subsidies or []), *piece.subsidies]))
    sighting.vote = sighting.vote or piece.vote


def refresh_all(session: Session, finding_ids: set[int], now: dt.datetime) -> None:
    """:func:`_refresh` each of these findings, their sightings and hits read in two queries."""
    if not finding_ids:
        return
    ids = sorted(finding_ids)
    findings = {f.id: f for f in session.scalars(select(Finding).where(Finding.id.in_(ids)))}
    # Read as rows, not as ORM objects: a batch refreshes hundreds of findings, each seen by tens of
    # documents, and nothing here is written back but the findings themselves.
    sightings: dict[int, list[Row[Any]]] = {i: [] for i in ids}
    for sighting in session.execute(
        select(*SIGHTING_READ, Document.kind, Document.meeting_date, Document.adoption_date)
        .join(Document, Document.id == FindingDocument.document_id)
        .where(FindingDocument.finding_id.in_(ids))
    ):
        sightings[sighting.finding_id].append(sighting)
    hits: dict[int, list[Row[Any]]] = {i: [] for i in ids}
    for hit in session.execute(select(*HIT_READ).where(Hit.finding_id.in_(ids)).order_by(Hit.id)):
        if hit.finding_id is not None and not retraction(hit.details):
            hits[hit.finding_id].append(hit)
    for finding_id in ids:
        _refresh(findings[finding_id], now, sightings[finding_id], hits[finding_id])


# What a finding gathers from its sightings (each with its document's kind and dates) and its hits.
SIGHTING_READ = (
    FindingDocument.finding_id,
    FindingDocument.document_id,
    FindingDocument.act_number,
    FindingDocument.act_label,
    FindingDocument.subject,
    FindingDocument.amounts,
    FindingDocument.subsidies,
    FindingDocument.vote,
)
HIT_READ = (
    Hit.id,
    Hit.finding_id,
    Hit.document_id,
    Hit.kind,
    Hit.category,
    Hit.vendor,
    Hit.matched,
    Hit.page,
    Hit.start,
    Hit.snippet,
    Hit.score,
    Hit.details,
)


def _refresh(finding: Finding, now: dt.datetime, sightings: list[Row[Any]], hits: list[Row[Any]]) -> None:
    """Gather what the finding's ``sightings`` (rows of :data:`SIGHTING_READ` with their document's
    kind and dates) and ``hits`` (rows of :data:`HIT_READ`, not retracted, in id order) say; a new
    revision when something is new."""
    sightings = sorted(sightings, key=lambda s: (PRIORITY.get(s.kind, 9), -s.document_id))
    before = _known(finding)
    finding.status = FindingStatus.ACTIVE if hits else FindingStatus.RETRACTED
    finding.act_number = next((s.act_number for s in sightings if s.act_number), None)
    finding.act_label = next((s.act_label for s in sightings if s.act_label), None)
    finding.subject = next((s.subject for s in sightings if s.subject), None)
    finding.meeting_date = _vote_date(sightings)
    finding.categories = _categories(hits)
    finding.vendors = _vendors(hits)
    finding.amounts = _amounts(sightings)
    finding.subsidies = list(dict.fromkeys(name for s in sightings for name in s.subsidies or []))
    finding.vote = _vote(sightings)
    finding.kinds = sorted({s.kind for s in sightings})
    finding.score = max((h.score for h in hits), default=0.0)
    finding.quotes = _quotes(hits, {s.document_id: s.kind for s in sightings})
    finding.updated_at = now
    news = ["new"] if finding.revision == 0 else _news(before, _known(finding))
    if news and finding.status == FindingStatus.ACTIVE:
        finding.revision += 1
        finding.history = [
            *(finding.history or []),
            {"revision": finding.revision, "at": now.isoformat(), "news": news},
        ]
        finding.news_at = now


def _known(finding: Finding) -> dict[str, Any]:
    """What a group that heard of the finding knows: the vote's result, the amounts, the vendors."""
    vote = finding.vote or {}
    return {
        "vote": vote.get("result"),
        "amounts": {(a.get("value"), a.get("currency")) for a in finding.amounts or []},
        "vendors": {fold_key(v) for v in finding.vendors or []},
    }


def _vendors(hits: list[Row[Any]]) -> list[str]:
    """The vendors the finding's hits name, one each (grouped by folded name), as the documents
    write them most often: "Ondine Sécurité Systèmes", not its folded key."""
    spellings: dict[str, Counter[str]] = {}
    for hit in hits:
        if hit.kind == "vendor" and hit.vendor:
            written = (hit.details or {}).get("vendor_written") or hit.vendor
            spellings.setdefault(fold_key(hit.vendor), Counter())[written] += 1
    return [names.most_common(1)[0][0] for names in spellings.values()]


def _news(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    news = []
    if after["vote"] and after["vote"] != before["vote"]:
        news.append("vote")
    if after["amounts"] - before["amounts"]:
        news.append("amount")
    if after["vendors"] - before["vendors"]:
        news.append("vendor")
    return news


def _vote_date(sightings: list[Row[Any]]) -> dt.date | None:
    decided = [_meeting(s) for s in sightings if s.kind in AFTER_THE_VOTE and _meeting(s)]
    if decided:
        return max(decided)
    planned = [_meeting(s) for s in sightings if _meeting(s)]
    return max(planned) if planned else None


def _vote(sightings: list[Row[Any]]) -> dict[str, Any] | None:
    votes = [s.vote for s in sightings if s.vote and s.vote.get("result")]
    if not votes:
        return None
    vote = dict(votes[0])
    for other in votes[1:]:  # counts the deliberation leaves out, from the minutes
        for name in ("for", "against", "abstentions"):
            if name not in vote and name in other and other.get("result") == vote["result"]:
                vote[name] = other[name]
    return vote


def _amounts(sightings: list[Row[Any]]) -> list[dict[str, Any]]:
    """Every amount once (value, currency and tax), the largest first, with what it pays for."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for sighting in sightings:
        for amount in sighting.amounts or []:
            key = (amount.get("value"), amount.get("currency"), amount.get("tax"))
            entry = merged.setdefault(key, dict(amount))
            if "purpose" not in entry and amount.get("purpose"):
                entry["purpose"] = amount["purpose"]
    untaxed = {(v, c) for v, c, t in merged if t}
    # "223 680,00 €" in a table and "223 680,00 € TTC" in the decision are one amount.
    kept = [a for (v, c, t), a in merged.items() if t or (v, c) not in untaxed]
    return sorted(kept, key=lambda a: (-(a.get("value") or 0), a.get("tax") or ""))


def _categories(hits: list[Row[Any]]) -> dict[str, int]:
    """Mentions per category; the same sentence repeated (pages printed twice) counts once."""
    distinct = {(h.category, fold_squeezed(h.snippet)) for h in hits}
    counts = Counter(category for category, _ in distinct)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _quotes(hits: list[Row[Any]], kinds: dict[int, str]) -> list[dict[str, Any]]:
    """The best one to three hits: the surest first, one per category before a second of any.
    ``kinds``: the kind of each document (by id) that shows the finding."""
    subjects = DeliberationRules.for_language().evidence.subjects

    def rank(hit: Row[Any]) -> tuple[Any, ...]:
        # The subject line repeats the title, and a run of table cells reads badly: a sentence says more.
        heading = bool(subjects and subjects.match(hit.snippet))
        return (
            -hit.score,
            heading,
            len(hit.snippet) > LONG_QUOTE,
            PRIORITY.get(kinds.get(hit.document_id, ""), 9),
            hit.page,
            hit.start,
            hit.id,
        )

    chosen, snippets, categories = [], set(), set()
    ordered = sorted(hits, key=rank)
    for second_pass in (False, True):
        for hit in ordered:
            folded = fold_squeezed(hit.snippet)
            if len(chosen) == MAX_QUOTES or folded in snippets or (hit.category in categories and not second_pass):
                continue
            chosen.append(hit)
            snippets.add(folded)
            categories.add(hit.category)
    return [
        {
            "hit_id": h.id,
            "document_id": h.document_id,
            "page": h.page,
            "category": h.category,
            "vendor": h.vendor,
            "matched": h.matched,
            "snippet": h.snippet,
        }
        for h in chosen
    ]


def backfill_findings(session_factory, limit: int = 500) -> int:
    """Build the findings of documents analysed before findings existed (their hits have none).

    Their revisions are dated from their hits, so that an upgrade alerts nothing already alerted.
    Returns how many documents were done.
    """
    done = 0
    with session_factory() as session:
        waiting = select(Hit.document_id).where(
            Hit.finding_id.is_(None), Hit.details["not_found_by"].as_string().is_(None)
        )
        ids = list(session.scalars(waiting.distinct().limit(limit)))
    for doc_id in ids:
        with session_factory() as session:
            doc = session.get(Document, doc_id)
            if doc is None or doc.status != DocumentStatus.ANALYSED:
                continue
            found = session.scalar(select(func.max(Hit.created_at)).where(Hit.document_id == doc_id))
            update_document_findings(session, doc, now=found)
            done += 1
    return done
