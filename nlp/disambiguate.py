"""Which candidates are mentions of surveillance technology: the rules, with their evidence.

- A **strong** term is a mention on its own (its negative phrases already lost to it in the scan).
- A **weak** term ("caméra", "drone", "CSU") is a mention when a context word of its category, a
  strong term of its category or a specialist vendor of its category stands within
  ``context_chars``, and no negative context ("retransmission", "spectacle", "thermique") stands
  in its sentence.
- A **specialist** vendor is a mention; a **generalist** vendor only when a technology mention or
  a specialist vendor stands within ``vendor_context_chars``, and not inside a place or a person's
  name when the pipeline has a named-entity recogniser ("rue Thalès", "Léonard de Vinci").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.folding import FoldedText, fold_chars, fold_phrase
from nlp.lexicon import Lexicon, phrases_for
from nlp.patterns import SEPARATOR, Candidate, Entry, scanner_for
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


# The strength whose score (meta.yaml's ``scores``) a mention accepted by each rule starts from.
_STRENGTH_OF_RULE = {"strong": "strong", "context": "weak", "specialist": "specialist", "vendor-context": "generalist"}

# As in terms: a space is any separator, a hyphen an optional one ("vidéo-protection" → "vidéoprotection").
_CHARS = {" ": SEPARATOR, "-": r"[\s\"\-]*", "'": r"'\s*"}


def words_regex(phrases: tuple[str, ...] | list[str]) -> re.Pattern | None:
    """Phrases matched at the start of a word, inflection allowed after them ("enregistr" → "enregistrées")."""
    folded = sorted({fold_phrase(p.lstrip("=")) for p in phrases}, key=len, reverse=True)
    if not folded:
        return None
    alternatives = "|".join("".join(_CHARS.get(c) or re.escape(c) for c in p) for p in folded)
    return re.compile(rf"(?<!\w)(?:{alternatives})")


class Disambiguator:
    """Applies the rules of one language's lexicon to a text."""

    def __init__(self, lexicon: Lexicon, language: str) -> None:
        self.lexicon, self.language = lexicon, language
        self.scanner = scanner_for(lexicon, language)
        meta = lexicon.meta
        self.context_chars = int(meta.get("context_chars", 220))
        self.vendor_context_chars = int(meta.get("vendor_context_chars", 380))
        self.scores = {k: float(v) for k, v in (meta.get("scores") or {}).items()}
        self.procurement = words_regex((meta.get("procurement") or {}).get(language, []))
        self.context, self.negative, self.qualifiers = {}, {}, {}
        self.yields = {c.id: set(c.weak_yields_to) for c in lexicon.categories.values() if c.weak_yields_to}
        for category in lexicon.categories.values():
            self.context[category.id] = words_regex(phrases_for(category.context, language))
            self.negative[category.id] = words_regex(phrases_for(category.negative_contexts, language))
            self.qualifiers[category.id] = [(q, words_regex(phrases_for(q.contexts, language)))
                                            for q in category.qualifiers]

    def mentions(self, text: str, entities: list[Entity] | None = None) -> list[Mention]:
        """The mentions in ``text``; ``entities`` (from a NER model) protect names of places and people."""
        candidates = self.scanner.scan(FoldedText(text))
        if not candidates:
            return []
        sentences = Sentences(text)
        pairs = [(c, e) for c in candidates for e in c.entries]
        specialists = [(c, e) for c, e in pairs if e.strength == "specialist"]
        strong = [(c, e) for c, e in pairs if e.strength == "strong"]
        accepted: list[Mention] = []
        for candidate, entry in pairs:
            if entry.strength == "strong":
                accepted.append(self._mention(text, sentences, candidate, entry, "strong", []))
            elif entry.strength == "specialist":
                accepted.append(self._mention(text, sentences, candidate, entry, "specialist", []))
        # Weak terms of categories that yield to others are decided last, once those others are known.
        weak = sorted((p for p in pairs if p[1].strength == "weak"), key=lambda p: bool(self.yields.get(p[1].category)))
        for candidate, entry in weak:
            words = self._weak_context(text, sentences, candidate, entry, strong + specialists)
            if words and not self._claimed(candidate, entry, accepted, strong):
                accepted.append(self._mention(text, sentences, candidate, entry, "context", words))
        technologies = [m for m in accepted if m.entry.kind == "technology" or m.entry.strength == "specialist"]
        for candidate, entry in pairs:
            if entry.strength == "generalist":
                near = self._near(candidate, technologies, self.vendor_context_chars)
                if near and not _inside_name(candidate, entities):
                    context = [text[m.start:m.end] for m in near[:3]]
                    accepted.append(self._mention(text, sentences, candidate, entry, "vendor-context", context))
        return sorted(accepted, key=lambda m: (m.start, m.entry.kind, m.entry.category))

    def _weak_context(self, text: str, sentences: Sentences, candidate: Candidate, entry: Entry,
                      confirming: list[tuple[Candidate, Entry]]) -> list[str]:
        """Words that confirm a weak term, or [] (also when a negative context stands in its sentence)."""
        start, end = sentences.around(candidate.start)
        negative = self.negative.get(entry.category)
        if negative and (_search(negative, text[start:candidate.start]) or _search(negative, text[candidate.end:end])):
            return []
        for other, other_entry in confirming:
            if (other_entry.category == entry.category and other is not candidate
                    and abs(other.start - candidate.start) <= self.context_chars):
                return [text[other.start:other.end]]
        context = self.context.get(entry.category)
        if context is None:
            return []
        low, high = max(candidate.start - self.context_chars, 0), candidate.end + self.context_chars
        found = _findall(context, text[low:candidate.start]) + _findall(context, text[candidate.end:high])
        return found[:3]

    def _claimed(self, candidate: Candidate, entry: Entry, accepted: list[Mention],
                 strong: list[tuple[Candidate, Entry]]) -> bool:
        """A weak term next to a mention of a category it yields to, without a strong term of its own."""
        others = self.yields.get(entry.category)
        if not others:
            return False
        reach = self.context_chars
        if any(e.category == entry.category and abs(c.start - candidate.start) <= reach for c, e in strong):
            return False
        return any(m.entry.category in others and m.entry.kind == "technology" for m in self._near(candidate, accepted, reach))

    def _near(self, candidate: Candidate, mentions: list[Mention], reach: int) -> list[Mention]:
        return [m for m in mentions if m.start != candidate.start and abs(m.start - candidate.start) <= reach]

    def _mention(self, text: str, sentences: Sentences, candidate: Candidate, entry: Entry, rule: str,
                 context: list[str]) -> Mention:
        start, end = sentences.around(candidate.start)
        sentence = text[start:end]
        score = self.scores.get(_STRENGTH_OF_RULE[rule], 0.5)
        mention = Mention(candidate.start, candidate.end, entry, score, rule, context, entry.subcategory)
        procurement = _findall(self.procurement, sentence) if self.procurement else []
        if procurement:
            mention.procurement = procurement[0]
            mention.score += self.scores.get("procurement_bonus", 0.0)
        for qualifier, regex in self.qualifiers.get(entry.category, []):
            if regex is not None and _search(regex, sentence):
                mention.subcategory = qualifier.subcategory
                mention.score *= qualifier.factor
                break
        mention.score = round(min(max(mention.score, 0.0), 1.0), 2)
        return mention


def _search(regex: re.Pattern, text: str) -> bool:
    return regex.search(fold_chars(text)) is not None


def _findall(regex: re.Pattern, text: str) -> list[str]:
    """The words found, as written in ``text`` (folding keeps the length, so offsets carry over)."""
    return [text[m.start():m.end()] for m in regex.finditer(fold_chars(text))]


def _inside_name(candidate: Candidate, entities: list[Entity] | None) -> bool:
    """True when a place's name contains the candidate, or a person's name longer than it does."""
    for start, end, label in entities or ():
        if start <= candidate.start and candidate.end <= end:
            if label == "LOC" or (label == "PER" and (start, end) != (candidate.start, candidate.end)):
                return True
    return False
