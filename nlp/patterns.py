"""Candidates: every place in a text where a lexicon phrase appears, found in one regex pass.

The lexicon's phrases are expanded into their forms (plurals, "de"/"des", joined or spaced
compounds), folded, and compiled into one prefix-tree regex per language (:mod:`nlp.trie`). A
match is looked up by its letters alone, whatever separators the text put between them.
Negative phrases ("spectacle de drones", "rue Thalès") are compiled with the terms: the longest
match wins, so they consume the text before a shorter term can fire there.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nlp.folding import FoldedText, fold_phrase
from nlp.lexicon import ANY, Lexicon, Terms
from nlp.trie import trie_pattern

SEPARATOR = r"[\s\"\-]+"  # between words: spaces, line breaks, hyphens, quotes
_SEPARATORS = re.compile(r"[\s\"\-']+")
_WORDS = re.compile(r"[^\s']+'?|'")


@dataclass(frozen=True)
class Entry:
    """What a phrase of the lexicon stands for."""

    kind: str  # technology, vendor or negative
    category: str
    strength: str  # strong, weak, specialist, generalist or negative
    term: str  # as written in the lexicon
    vendor: str | None = None
    subcategory: str | None = None
    cased: bool = False  # an all-lower-case spelling in the text is not this entry
    glue: bool = False  # may be glued inside a longer word (compound languages)
    product: bool = False
    near: tuple[str, ...] = ()  # a pair's other words: the only context that confirms it
    within: int = 0  # how far (characters) those words may stand


@dataclass(frozen=True)
class Candidate:
    """A place in the original text where an entry's phrase appears."""

    start: int
    end: int
    entries: tuple[Entry, ...]


def key(text: str) -> str:
    """Letters only: "vidéo-\\nprotection", "video protection" and "videoprotection" share a key."""
    return _SEPARATORS.sub("", text)


class Inflector:
    """The forms of a lexicon phrase in one language, from ``meta.yaml``'s word lists."""

    def __init__(self, meta: dict[str, Any], language: str) -> None:
        self.groups = {w: tuple(group) for group in (meta.get("function_words") or {}).get(language, []) for w in group}
        self.invariable = set((meta.get("invariable") or {}).get(language, []))
        rules = (meta.get("inflection") or {}).get(language, {})
        self.endings = tuple(rules.get("endings") or ())
        self.no_ending_after = tuple(rules.get("no_ending_after") or ())
        self.replace = {
            suffix: tuple(v) if isinstance(v, list) else (v,) for suffix, v in (rules.get("replace") or {}).items()
        }
        self.max_forms = int(meta.get("max_forms_per_term", 96))

    def word_forms(self, word: str) -> tuple[str, ...]:
        if word in self.groups:
            return (word,) + tuple(w for w in self.groups[word] if w != word)
        if word in self.invariable or len(word) < 3 or not word[-1].isalpha():
            return (word,)
        forms = [word]
        forms += [word + e for e in self.endings if not word.endswith(self.no_ending_after) and not word.endswith(e)]
        for suffix, replacements in self.replace.items():
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                forms += [word[: len(word) - len(suffix)] + r for r in replacements]
        return tuple(dict.fromkeys(forms))

    def forms(self, phrase: str) -> list[str]:
        """Folded forms of ``phrase``; a leading "=" keeps it as written."""
        if phrase.startswith("="):
            return [fold_phrase(phrase[1:])]
        # Slots of alternatives, each carrying the separator that follows it: "d'" glues to the next
        # word, "de " does not; a hyphen inside a word may be dropped or spaced ("caméras-piétons").
        slots: list[tuple[str, ...]] = []
        for word in _WORDS.findall(phrase.lower()):
            parts = word.split("-")
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                forms = self.word_forms(part) if part else ("",)
                slots.append(tuple(f + ("" if f.endswith("'") else " ") for f in forms) if last else forms)
                if not last:
                    slots.append(("", " "))
        for reduce in (None, self._fewer_word_forms, self._written_function_words):
            if reduce:
                slots = reduce(slots)
            if _product(slots) <= self.max_forms:
                break
        return list(dict.fromkeys(fold_phrase("".join(combo)) for combo in itertools.product(*slots)))

    def _fewer_word_forms(self, slots: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        """Long phrases: the first word keeps all its forms, the others two (as written, and one more)."""
        out, first = [], True
        for slot in slots:
            grouped = slot and slot[0].strip() in self.groups
            if slot == ("", " ") or grouped or len(slot) == 1:
                out.append(slot)
            else:
                out.append(slot if first else slot[:2])
                first = False
        return out

    def _written_function_words(self, slots: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
        return [slot[:1] if slot and slot[0].strip() in self.groups else slot for slot in slots]


def _product(slots: list[tuple[str, ...]]) -> int:
    total = 1
    for slot in slots:
        total *= len(slot)
    return total


def _render(char: str) -> str:
    if char == " ":
        return SEPARATOR
    if char == "'":
        return r"'\s*"
    return re.escape(char)


class Scanner:
    """Finds the candidates of one language's lexicon in a text."""

    def __init__(self, lexicon: Lexicon, language: str) -> None:
        self.language = language
        self.compound = language in (lexicon.meta.get("compound_languages") or [])
        self.inflector = Inflector(lexicon.meta, language)
        # Phrases valid in every language are mostly English words borrowed as they are ("Safe-Cities",
        # "bodycams"): they also take English forms.
        self.loanword_inflector = Inflector(lexicon.meta, "en")
        forms: set[str] = set()
        found: dict[str, list[Entry]] = {}  # by key(): a match is looked up by its letters
        for phrase, entry, loanword in self._entries(lexicon):
            # One entry per meaning under a key: the first phrase written keeps it ("caméra" and "caméras").
            same = (entry.kind, entry.category, entry.strength, entry.vendor, entry.near)
            phrase_forms = self.inflector.forms(phrase)
            if loanword:
                phrase_forms += self.loanword_inflector.forms(phrase)
            for form in phrase_forms:
                forms.add(form)
                entries = found.setdefault(key(form), [])
                if all((e.kind, e.category, e.strength, e.vendor, e.near) != same for e in entries):
                    entries.append(entry)
        self.entries = {k: tuple(v) for k, v in found.items()}
        pattern = trie_pattern(sorted(forms), _render)
        # Compound languages check word boundaries per entry (a term may sit inside a longer word).
        # "\b" before the tree rather than "(?<!\w)": every phrase starts with a letter or a digit, so
        # they mean the same here, and the regex engine runs "\b" faster.
        self.regex = re.compile(pattern if self.compound else rf"\b(?:{pattern})(?!\w)")

    def _entries(self, lexicon: Lexicon) -> Iterator[tuple[str, Entry, bool]]:
        """Every phrase of the lexicon in this language, with what it stands for, and whether it is valid in
        every language."""
        for category in lexicon.categories.values():
            subs = {fold_phrase(p.lstrip("=")): sub for sub, phrases in category.subcategories.items() for p in phrases}
            for field, strength in (("terms", "strong"), ("weak", "weak"), ("negative_phrases", "negative")):
                for language, phrase in self._phrases_of(getattr(category, field)):
                    kind = "negative" if strength == "negative" else "technology"
                    yield (
                        phrase,
                        Entry(
                            kind,
                            category.id,
                            strength,
                            phrase,
                            subcategory=subs.get(fold_phrase(phrase.lstrip("="))),
                            glue=self._glues(language, phrase),
                        ),
                        language == ANY,
                    )
            for language in (self.language, ANY):
                for pair in category.pairs.get(language, ()):
                    yield (
                        pair.term,
                        Entry(
                            "technology",
                            category.id,
                            "weak",
                            pair.term,
                            subcategory=subs.get(fold_phrase(pair.term.lstrip("="))),
                            glue=self._glues(language, pair.term),
                            near=pair.near,
                            within=pair.within,
                        ),
                        language == ANY,
                    )
        for vendor in lexicon.vendors:
            for alias in vendor.aliases:
                yield (
                    alias.text,
                    Entry(
                        "vendor",
                        vendor.category,
                        "specialist" if alias.specialist else "generalist",
                        alias.text,
                        vendor=vendor.name,
                        cased=alias.cased,
                        product=alias.product,
                    ),
                    False,
                )
            for _, phrase in self._phrases_of(vendor.negative_phrases):
                yield phrase, Entry("negative", vendor.category, "negative", phrase, vendor=vendor.name), False

    def _glues(self, language: str, phrase: str) -> bool:
        return self.compound and language == self.language and not phrase.startswith("=")

    def _phrases_of(self, terms: Terms) -> Iterator[tuple[str, str]]:
        for language in (self.language, ANY):
            for phrase in terms.get(language, ()):
                yield language, phrase

    def scan(self, folded: FoldedText) -> list[Candidate]:
        """Candidates in ``folded`` (offsets in the original text); negative phrases are dropped."""
        text, original = folded.text, folded.original
        candidates = []
        for match in self.regex.finditer(text):
            entries = self.entries.get(key(match.group()))
            if not entries:
                continue
            start, end = match.span()
            kept = [e for e in entries if e.kind != "negative" and self._bounded(e, text, start, end)]
            if not kept:
                continue
            o_start, o_end = folded.span(start, end)
            if any(e.glue for e in kept):
                o_start, o_end = _whole_word(original, o_start, o_end)
            surface = original[o_start:o_end]
            kept = [e for e in kept if not (e.cased and surface == surface.lower())]
            if kept:
                candidates.append(Candidate(o_start, o_end, tuple(kept)))
        return candidates

    def _bounded(self, entry: Entry, text: str, start: int, end: int) -> bool:
        if not self.compound or entry.glue:
            return True
        return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


# As in terms: a space is any separator, a hyphen an optional one ("vidéo-protection" → "vidéoprotection").
_CHARS = {" ": SEPARATOR, "-": r"[\s\"\-]*", "'": r"'\s*"}


def words_regex(phrases: tuple[str, ...] | list[str], compound: bool = False) -> re.Pattern[str] | None:
    """Phrases matched at the start of a word, inflection allowed after them ("enregistr" → "enregistrées");
    anywhere in a word for a ``compound`` language ("polizei" in "Stadtpolizei"). A phrase written with a
    leading "=" is a whole word ("=ni": "ni", not "niveau")."""
    folded = sorted({(fold_phrase(p.lstrip("=")), p.startswith("=")) for p in phrases}, key=lambda f: -len(f[0]))
    if not folded:
        return None
    alternatives = "|".join(
        ("" if compound and not whole else r"(?<!\w)")
        + "".join(_CHARS.get(c) or re.escape(c) for c in p)
        + (r"(?!\w)" if whole else "")
        for p, whole in folded
    )
    return re.compile(f"(?:{alternatives})")


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


_SCANNERS: dict[tuple[str, str], Scanner] = {}


def scanner_for(lexicon: Lexicon, language: str) -> Scanner:
    """The compiled scanner of ``lexicon`` for ``language`` (compiling takes a moment: cached by version)."""
    cache_key = (lexicon.version, language)
    if cache_key not in _SCANNERS:
        _SCANNERS[cache_key] = Scanner(lexicon, language)
    return _SCANNERS[cache_key]
