"""Which candidates are mentions of surveillance technology: the rules, with their evidence.

- A **strong** term is a mention on its own (its negative phrases already lost to it in the scan).
- A **weak** term ("caméra", "drone", "CSU") is a mention when a context word of its category, a
  strong term of its category or a specialist vendor of its category stands within
  ``context_chars``, and no negative context ("retransmission", "spectacle", "thermique") stands
  in its sentence.
- A **pair** ("plaques" with "lire", "Video" with "überwachen") is a weak term that only its own
  words confirm, within its own reach.
- A weak term of a ``counted`` category right after a number ("14 caméras") is confirmed by it.
- A mention preceded in its sentence by a **limit** word of its category ("ni … reconnaissance
  faciale") is dropped when another category is mentioned within ``limit_chars``: it names what
  another technology must not do, not a project of its own.
- A **qualifier** with ``drop`` removes the mentions it qualifies (biometric passport stations).
- A **specialist** vendor is a mention; a **generalist** vendor only when a technology mention or
  a specialist vendor stands within ``vendor_context_chars``, and not inside a place or a person's
  name when the pipeline has a named-entity recogniser ("rue Thalès", "Léonard de Vinci"), unless
  a word introduces it as a company ("les entreprises Citéos et …").
- Companies that no list knows are found by :mod:`nlp.found_vendors`, tied to these mentions.

German (a compound language) matches context words inside longer words ("Stadtpolizei").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from nlp.evidence import line_regex
from nlp.folding import FoldedText, fold_chars, fold_phrase
from nlp.found_vendors import VendorFinder
from nlp.lexicon import Lexicon, phrases_for
from nlp.patterns import Candidate, Entry, scanner_for, words_regex
from nlp.sentences import Sentences

Entity = tuple[int, int, str]  # start, end, label


@dataclass
class Mention:
    """A candidate the rules accepted, with what decided it."""

    start: int
    end: int
    entry: Entry
    score: float
    rule: str  # strong, context, specialist, vendor-context
    context: list[str] = field(default_factory=list)  # the words that confirmed it
    subcategory: str | None = None
    procurement: str | None = None
    # A vendor's status (known, found), role, cue, name as written, and the technologies of its sentence.
    vendor: dict[str, Any] = field(default_factory=dict)


# The strength whose score (meta.yaml's ``scores``) a mention accepted by each rule starts from.
_STRENGTH_OF_RULE = {
    "strong": "strong",
    "context": "weak",
    "specialist": "specialist",
    "vendor-context": "generalist",
    "vendor-cue": "generalist",
    "found-vendor": "found_vendor",
}


class Disambiguator:
    """Applies the rules of one language's lexicon to a text."""

    def __init__(self, lexicon: Lexicon, language: str) -> None:
        self.lexicon, self.language = lexicon, language
        self.scanner = scanner_for(lexicon, language)
        meta = lexicon.meta
        self.context_chars = int(meta.get("context_chars", 220))
        self.vendor_context_chars = int(meta.get("vendor_context_chars", 380))
        self.limit_chars = int(meta.get("limit_chars", 900))
        self.limit_words_reach = 120  # characters before a term, in its sentence, where its limit words count
        self.claim_chars = int(meta.get("claim_chars", self.context_chars))
        self.scores = {k: float(v) for k, v in (meta.get("scores") or {}).items()}
        compound = language in (meta.get("compound_languages") or [])

        def regex(terms, lang=language):
            return words_regex(phrases_for(terms, lang), compound)

        self.procurement = words_regex((meta.get("procurement") or {}).get(language, []), compound)
        self.context, self.negative, self.qualifiers, self.limits = {}, {}, {}, {}
        self.yields = {c.id: set(c.weak_yields_to) for c in lexicon.categories.values() if c.weak_yields_to}
        self.counted = {c.id for c in lexicon.categories.values() if c.counted}
        for category in lexicon.categories.values():
            self.context[category.id] = regex(category.context)
            self.negative[category.id] = regex(category.negative_contexts)
            self.limits[category.id] = regex(category.limit_contexts)
            self.qualifiers[category.id] = [(q, regex(q.contexts)) for q in category.qualifiers]
        self.near: dict[tuple[str, ...], re.Pattern[str] | None] = {}
        numbers = "|".join(re.escape(fold_phrase(w)) for w in (meta.get("number_words") or {}).get(language, []))
        # A count right before a weak term, maybe with one word between ("12 nouvelles caméras").
        self.count = re.compile(rf"(?<![\w.,])(?:[2-9]|[1-9]\d{{1,4}}|{numbers or '(?!)'})\s+(?:[^\W\d]+\s+)?$")
        self.boundaries = line_regex(lexicon.evidence.get("deliberation_boundaries"))
        self.vendors = VendorFinder(lexicon, language, self)

    def mentions(self, text: str, entities: list[Entity] | None = None) -> list[Mention]:
        """The mentions in ``text``; ``entities`` (from a NER model) protect names of places and people."""
        candidates = self.scanner.scan(FoldedText(text))
        if not candidates:
            return []
        sentences = Sentences(text)
        pairs = [(c, e) for c in candidates for e in c.entries]
        specialists = [(c, e) for c, e in pairs if e.strength == "specialist"]
        strong = [(c, e) for c, e in pairs if e.strength == "strong"]
        accepted = [self._mention(text, sentences, c, e, e.strength, []) for c, e in strong + specialists]
        accepted = [m for m in accepted if m is not None]
        # Weak terms of categories that yield to others are decided last, once those others are known.
        weak = sorted((p for p in pairs if p[1].strength == "weak"), key=lambda p: bool(self.yields.get(p[1].category)))
        for candidate, entry in weak:
            words, counted = self._weak_context(text, sentences, candidate, entry, strong + specialists)
            if words and not self._claimed(candidate, entry, accepted, pairs, sentences, counted):
                mention = self._mention(text, sentences, candidate, entry, "context", words)
                if mention is not None:
                    accepted.append(mention)
        accepted = self._without_limits(text, sentences, accepted)
        technologies = [m for m in accepted if m.entry.kind == "technology" or m.entry.strength == "specialist"]
        names = self.vendors.names(text)
        introduced = self.vendors.introduced(names)
        for candidate, entry in pairs:
            if entry.strength == "generalist":
                near = self._near(candidate, technologies, self.vendor_context_chars)
                cue = introduced.get(candidate.start)
                if near and (cue or not _inside_name(candidate, entities)):
                    context = [text[m.start : m.end] for m in near[:3]]
                    mention = self._mention(text, sentences, candidate, entry, "vendor-context", context)
                    if mention is not None:
                        mention.vendor.update(cue or {})
                        accepted.append(mention)
        accepted = self._vendors_in_context(accepted)
        technologies = [m for m in accepted if m.entry.kind == "technology" or m.entry.strength == "specialist"]
        accepted += self.vendors.found(text, sentences, technologies, accepted, names, entities)
        for mention in accepted:
            if mention.entry.kind == "vendor":
                mention.vendor["technologies"] = self._technologies_with(mention, sentences, technologies)
        return sorted(accepted, key=lambda m: (m.start, m.entry.kind, m.entry.category))

    def _technologies_with(self, vendor: Mention, sentences: Sentences, technologies: list[Mention]) -> list[str]:
        """The categories of the technologies named in a vendor's sentence (its own at least)."""
        start, end = sentences.around(vendor.start)
        return sorted(
            {m.entry.category for m in technologies if start <= m.start < end and m is not vendor}
            | {vendor.entry.category}
        )

    def _vendors_in_context(self, accepted: list[Mention]) -> list[Mention]:
        """A known vendor's mention takes the category of the nearest technology mentioned with it
        (Genetec beside plate readers is a plate-recognition vendor there); alone, its main category."""
        technologies = [m for m in accepted if m.entry.kind == "technology"]
        for mention in accepted:
            if mention.entry.kind != "vendor":
                continue
            near = self._near(mention, technologies, self.vendor_context_chars)
            if near:
                category = min(near, key=lambda m: abs(m.start - mention.start)).entry.category
                if category != mention.entry.category:
                    mention.entry = replace(mention.entry, category=category)
        return accepted

    def _without_limits(self, text: str, sentences: Sentences, accepted: list[Mention]) -> list[Mention]:
        """Drop the mentions that only say what another category's technology must not do or could lead to."""
        kept = []
        for mention in accepted:
            limit = self.limits.get(mention.entry.category)
            if limit is not None:
                start = max(sentences.around(mention.start)[0], mention.start - self.limit_words_reach)
                others = [
                    m
                    for m in accepted
                    if m.entry.category != mention.entry.category
                    and m.entry.kind == "technology"
                    and abs(m.start - mention.start) <= self.limit_chars
                    and not self.boundary_between(text, m.start, mention.start)
                ]
                if others and _search(limit, text[start : mention.start]):
                    continue
            kept.append(mention)
        return kept

    def _weak_context(
        self,
        text: str,
        sentences: Sentences,
        candidate: Candidate,
        entry: Entry,
        confirming: list[tuple[Candidate, Entry]],
    ) -> tuple[list[str], bool]:
        """Words that confirm a weak term, or [] (also when a negative context stands in its sentence), and
        whether they are a count."""
        start, end = sentences.around(candidate.start)
        negative = self.negative.get(entry.category)
        if negative and (
            _search(negative, text[start : candidate.start]) or _search(negative, text[candidate.end : end])
        ):
            return [], False
        if entry.near:
            if entry.near not in self.near:
                self.near[entry.near] = words_regex(entry.near, self.scanner.compound)
            reach = entry.within
            found = _findall(self.near[entry.near], text[max(candidate.start - reach, 0) : candidate.start])
            return (found + _findall(self.near[entry.near], text[candidate.end : candidate.end + reach]))[:3], False
        for other, other_entry in confirming:
            if (
                other_entry.category == entry.category
                and other is not candidate
                and abs(other.start - candidate.start) <= self.context_chars
            ):
                return [text[other.start : other.end]], False
        if entry.category in self.counted:
            before = text[max(candidate.start - 40, start) : candidate.start]
            count = self.count.search(fold_chars(before))
            # "Axon Body 4 cameras", "Série 3": a number after a capitalised word names a model, not a count
            # (German capitalises every noun: "in der Innenstadt 120 Kameras" is a count).
            word = before[: count.start()].split()[-1:] if count and not self.scanner.compound else []
            if count and not (word and word[0][:1].isupper() and word[0][-1:].isalpha()):
                return [count.group().strip()], True
        context = self.context.get(entry.category)
        if context is None:
            return [], False
        low, high = max(candidate.start - self.context_chars, 0), candidate.end + self.context_chars
        found = _findall(context, text[low : candidate.start]) + _findall(context, text[candidate.end : high])
        return found[:3], False

    def _claimed(
        self,
        candidate: Candidate,
        entry: Entry,
        accepted: list[Mention],
        pairs: list[tuple[Candidate, Entry]],
        sentences: Sentences,
        counted: bool,
    ) -> bool:
        """A weak term next to a mention of a category it yields to, without a strong term of its own.

        A brand of that category right before it names the camera too ("Axon camera", "Axon Body 4
        cameras"); a counted term ("37 caméras") is the camera network unless that mention shares its sentence.
        """
        others = self.yields.get(entry.category)
        if not others:
            return False
        reach = self.claim_chars
        if any(
            e.category == entry.category and e.strength == "strong" and abs(c.start - candidate.start) <= reach
            for c, e in pairs
        ):
            return False
        if any(e.kind == "vendor" and e.category in others and 0 <= candidate.start - c.end <= 3 for c, e in pairs):
            return True
        near = [
            m
            for m in self._near(candidate, accepted, reach)
            if m.entry.category in others and m.entry.kind == "technology"
        ]
        if counted:
            start, end = sentences.around(candidate.start)
            near = [m for m in near if start <= m.start < end]
        return bool(near)

    def _near(self, candidate: Candidate, mentions: list[Mention], reach: int) -> list[Mention]:
        return [m for m in mentions if m.start != candidate.start and abs(m.start - candidate.start) <= reach]

    def _mention(
        self, text: str, sentences: Sentences, candidate: Candidate, entry: Entry, rule: str, context: list[str]
    ) -> Mention | None:
        """The mention with its score and evidence; None when a qualifier says it means another business."""
        start, end = sentences.around(candidate.start)
        sentence = text[start:end]
        score = self.scores.get(_STRENGTH_OF_RULE[rule], 0.5)
        mention = Mention(candidate.start, candidate.end, entry, score, rule, context, entry.subcategory)
        procurement = self.procurement_in(sentence)
        if procurement:
            mention.procurement = procurement[0]
            mention.score += self.scores.get("procurement_bonus", 0.0)
        for qualifier, regex in self.qualifiers.get(entry.category, []):
            if regex is not None and _search(regex, sentence):
                if qualifier.drop:
                    return None
                mention.subcategory = qualifier.subcategory
                mention.score *= qualifier.factor
                break
        mention.score = round(min(max(mention.score, 0.0), 1.0), 2)
        return mention

    def boundary_between(self, text: str, a: int, b: int) -> bool:
        """Whether a deliberation or agenda item starts between offsets ``a`` and ``b`` of ``text``."""
        if self.boundaries is None:
            return False
        low, high = min(a, b), max(a, b)
        return any(low < m.start() for m in self.boundaries.finditer(text, low, high))

    def procurement_in(self, sentence: str) -> list[str]:
        """The words of a contract, a purchase or a grant in ``sentence``."""
        return _findall(self.procurement, sentence) if self.procurement else []


def _search(regex: re.Pattern[str], text: str) -> bool:
    return regex.search(fold_chars(text)) is not None


def _findall(regex: re.Pattern[str], text: str) -> list[str]:
    """The words found, as written in ``text`` (folding keeps the length, so offsets carry over)."""
    return [text[m.start() : m.end()] for m in regex.finditer(fold_chars(text))]


def _inside_name(candidate: Candidate, entities: list[Entity] | None) -> bool:
    """True when a place's name contains the candidate, or a person's name longer than it does."""
    for start, end, label in entities or ():
        if start <= candidate.start and candidate.end <= end:
            if label == "LOC" or (label == "PER" and (start, end) != (candidate.start, candidate.end)):
                return True
    return False
