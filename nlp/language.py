"""The language(s) a document is read in: checked from its text, the source's language a default.

A source's language is what its documents are *usually* written in (a registry entry's
``language``, or its platform's for a source given on the command line: OParl German, Legistar
English). Each document is checked from its most common words: a German paper on a system
recorded as French is read in German, and a document with a good share of two languages (a
bilingual council, a French deliberation with a German annex) is read in both, each page in its
own. A source **insists** on its language by writing it with a leading ``=`` (``language: "=de"``):
its documents are then read in that language whatever their words (short records whose few words
say little, say).

The result is a language key: ``"fr"``, or ``"de+fr"`` for a document read in two
(:meth:`nlp.analyze.Analyzer.for_language` takes either).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from nlp.extract import PageText
from nlp.lexicon import LANGUAGES

INSIST = "="  # "=de": always German
_STOPWORDS = {
    "fr": "le la les de des du et en un une est pour par au aux dans sur que qui avec ce cette sont été conseil "
    "municipal délibération commune",
    "en": "the of and to in for is on that by with this be are was as at from council city approve agreement",
    "de": "der die das und zu den von mit ist im für auf dem nicht ein eine des sich auch werden wird stadt rat",
}
_WORDS = re.compile(r"[^\W\d_]+")
_SETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_LANGUAGES_OF = {
    word: tuple(lang for lang, words in _SETS.items() if word in words) for word in set().union(*_SETS.values())
}
# How many common words the text must show before it overrides the source's language, and the
# share of the first language's a second one needs for the text to be read in both.
MIN_EVIDENCE = 6
SECOND_LANGUAGE_SHARE = 0.35
# A long document is judged on this many pages spread through it, this many characters each
# (about 150 words, of which fifty common ones, eight times MIN_EVIDENCE: a page's language is plain
# by then, and every page of every document is counted).
SAMPLED_PAGES, PAGE_SAMPLE = 12, 1000


def language_counts(text: str, sample: int = 20_000) -> dict[str, int]:
    """How many of each language's common words ``text`` (its first ``sample`` characters) holds."""
    counts = dict.fromkeys(LANGUAGES, 0)
    # Each distinct word looked up once: every page of every document goes through here.
    for word, times in Counter(_WORDS.findall(text[:sample].lower())).items():
        for language in _LANGUAGES_OF.get(word, ()):
            counts[language] += times
    return counts


def guess_language(text: str, default: str = "fr", sample: int = 20_000) -> str:
    """``fr``, ``en`` or ``de``: the language whose common words are most frequent in ``text``."""
    return _most_frequent([language_counts(text, sample)], default)


def _most_frequent(counted: list[dict[str, int]], default: str = "fr") -> str:
    """The language whose common words are most frequent in texts counted by :func:`language_counts`."""
    counts = {language: sum(c[language] for c in counted) for language in LANGUAGES}
    best = max(counts, key=lambda language: counts[language])
    return best if counts[best] > 0 else default


def declared_language(value: str | None) -> tuple[str | None, bool]:
    """A source's language setting → (language or None, whether it insists): ``"=de"`` → ``("de", True)``."""
    value = (value or "").strip().lower()
    insists = value.startswith(INSIST)
    language = value.lstrip(INSIST)
    return (language if language in LANGUAGES else None), insists


def text_languages(text: str, default: str) -> tuple[str, ...]:
    """The language(s) of ``text``: ``default`` unless its words clearly say otherwise, then a second
    language when it has a good share of the first one's common words; none when it has too few words."""
    return _languages(language_counts(text), default)


def _languages(counts: dict[str, int], default: str) -> tuple[str, ...]:
    """:func:`text_languages` of a text whose common words ``counts`` counted."""
    if max(counts.values()) < MIN_EVIDENCE:
        return ()
    best = max(LANGUAGES, key=lambda lang: (counts[lang], lang == default))
    main = best if counts[best] >= MIN_EVIDENCE and counts[best] >= 2 * counts[default] else default
    languages = [main]
    for lang in sorted(LANGUAGES, key=lambda lang: -counts[lang]):
        if lang != main and counts[lang] >= MIN_EVIDENCE and counts[lang] >= SECOND_LANGUAGE_SHARE * counts[main]:
            languages.append(lang)
            break
    return tuple(languages)


def document_language(pages: Sequence[PageText], declared: str | None = None) -> str:
    """The language key to read ``pages`` in: the declared one when the source insists, else the
    language(s) of the pages' text (a sample of pages for long documents), the declared one (or
    French) when they say too little."""
    language, insists = declared_language(declared)
    if insists and language:
        return language
    counted: dict[int, dict[str, int]] = {}  # the sample of each page counted once (every page goes through here)

    def counts(index: int) -> dict[str, int]:
        if index not in counted:
            counted[index] = language_counts(pages[index].text[:PAGE_SAMPLE])
        return counted[index]

    # Without a declared language, a few common words of the first pages are enough to choose one.
    default = language or _most_frequent([counts(i) for i in range(min(3, len(pages)))])
    step = max(1, len(pages) // SAMPLED_PAGES)
    found: list[str] = []
    for index in range(0, len(pages), step):
        for lang in _languages(counts(index), default):
            if lang not in found:
                found.append(lang)
    return "+".join(sorted(found)) if len(found) > 1 else (found[0] if found else default)


def page_languages(page: PageText, key: str) -> tuple[str, ...]:
    """The languages of ``key`` (``"de+fr"``) to read ``page`` in: those its own text shows, else all."""
    languages = tuple(key.split("+"))
    if len(languages) == 1:
        return languages
    counts = language_counts(page.text)
    best = max(languages, key=lambda lang: counts[lang])
    if counts[best] < MIN_EVIDENCE:
        return languages
    shown = tuple(lang for lang in languages if counts[lang] >= max(MIN_EVIDENCE, SECOND_LANGUAGE_SHARE * counts[best]))
    return shown or (best,)
