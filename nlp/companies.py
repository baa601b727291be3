"""Companies named in a text: the vendors that no list knows, read from the words around their names.

Council texts name the company they deal with in a few set ways: after a word that introduces it
("la société ACTIV Ingénierie", "contract with", "Auftrag an die"), before one that says it won
("… titulaire du marché", "… was the winning bidder"), before a legal form ("VieVu, LLC",
"Müller Sicherheitstechnik GmbH"), or in a list after another company ("les entreprises A et B",
"Genetec (AutoVu) und Arvoo"). Those words are data (``nlp/lexicon/companies.yaml``); the name
itself is read by rules: a run of capitalised, all-capital or mixed-case words, that stops at a
function word, a title or punctuation. Whether a company is a *vendor* (tied to a surveillance
mention) is decided by :mod:`nlp.found_vendors`.

A name is normalised (:func:`canonical_name`) so that one company is one vendor across councils:
legal forms and accents dropped, long all-capital words capitalised ("ACTIV INGÉNIERIE SAS" →
"Activ Ingenierie"), mixed-case words kept ("i2c", "EnBW").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from dataclasses import dataclass
from typing import Any

from nlp.alternation import lower_case
from nlp.folding import fold_chars, fold_phrase

# A word of a name: letters or digits with the joiners of trade names ("Elec'Sécur", "S.A.", "Vidéo-Concept").
_WORD = re.compile(r"[^\W_][\w'’.\-]*[^\W_]|[^\W_]", re.UNICODE)
MAX_WORDS = 5
# What ends a name right before a follower ("… LVS titulaire du marché"): a word with a capital or a digit.
_NAME_END = re.compile(r"[^\W_]*[A-Z0-9À-Þ][\w'’.\-]*[\s,]*$")


@dataclass(frozen=True)
class CompanyName:
    """A company named in a text: where, as written, normalised, and what the words around it say."""

    start: int
    end: int
    text: str
    canonical: str
    role: str  # supplier, contractor, consultant, partner
    cue: str  # the words that introduced it (as written), or the legal form
    strong: bool  # introduced by a word meaning a company ("société", "GmbH"), not only by "avec"/"with"


def fold_key(name: str) -> str:
    """Letters and digits only, folded: the identity of a company across spellings."""
    return " ".join(re.findall(r"[a-z0-9]+", fold_phrase(name).replace("&", " ")))


class CompanyReader:
    """Finds company names in texts of one language, from the words of ``companies.yaml``."""

    def __init__(self, companies: dict[str, Any], language: str) -> None:
        self.language = language
        self.introducers = _Cues(companies.get("introducers"), language)
        self.followers = _Cues(companies.get("followers"), language)
        forms = sorted(companies.get("legal_forms") or (), key=len, reverse=True)
        alternatives = "|".join(re.escape(f) for f in forms)
        self.legal_form = re.compile(r"\s(" + alternatives + r")(?![\w&])", re.I) if forms else None
        # The same, looked for in the text in lower case: five times faster than ignoring case.
        self.legal_form_lowered = re.compile(r"\s(" + alternatives.lower() + r")(?![\w&])") if forms else None
        coordinators = "|".join(re.escape(c) for c in companies.get("coordinators") or ())
        # After a name: maybe a product in brackets, a coordinator, maybe an article, then the next name.
        self.coordination = (
            re.compile(
                r"\s*(?:\([^()\n]{0,60}\)\s*)?(?:" + coordinators + r")\s+(?:(?:la|le|les|l'|the|die|der)\s+)?", re.I
            )
            if coordinators
            else None
        )
        legal = "|".join(re.escape(f) for f in forms) or "(?!)"
        self.trades_as = re.compile(rf"(?:\s*,)?(?:\s+(?:{legal}))?\s*,?\s+(?:dba|d/b/a|doing business as)\b", re.I)
        self.public = {fold_phrase(w) for w in companies.get("public_bodies") or ()}
        self.stops = {fold_phrase(w) for w in companies.get("stop_words") or ()}
        self.generic = {fold_phrase(w) for w in companies.get("generic_words") or ()}
        self.particles = {fold_phrase(w) for w in (companies.get("name_particles") or {}).get(language, ())}
        self.legal_keys = {fold_key(f) for f in forms}

    def cues(self, text: str) -> Iterator[int]:
        """Offsets of the words that may introduce or follow a company name, when a word that may start
        or end a name stands next to them (cheap: no name is read)."""
        folded = fold_chars(text)
        for start, _, after, _ in self.introducers.finditer(folded):
            word = _WORD.match(text, after)
            if word and self._name_word(word.group(), first=True, forward=True):
                yield start
        for start, _, _, _ in self.followers.finditer(folded):
            if _NAME_END.search(text, max(0, start - 60), start):
                yield start
        for _, start, _ in self._legal_forms(text):
            yield start

    def _legal_forms(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Legal forms after a space, as written (in lower case they are words: "sa commune",
        "limited to"): where the spaces and the comma before it start, where it starts, the form."""
        if self.legal_form is None or self.legal_form_lowered is None:
            return
        lowered = lower_case(text)
        matches = self.legal_form_lowered.finditer(lowered) if lowered is not None else self.legal_form.finditer(text)
        for match in matches:
            start, end = match.span(1)
            if not text[start:end].islower():
                yield _lead(text, start), start, text[start:end]

    def names(self, text: str) -> list[CompanyName]:
        """Every company name that the words around it reveal in ``text``, in order, without duplicates."""
        folded = fold_chars(text)
        found: dict[tuple[int, int], CompanyName] = {}
        # "attribué à la société X": the outer cue says more of the role than "la société".
        outer: dict[int, tuple[int, str]] = {}
        for start, end, after, role in self.introducers.finditer(folded):
            cue_start, role = outer.get(start, (start, role))
            outer[after] = (cue_start, role)
            cue = " ".join(text[cue_start:end].split())
            name = self._forward(text, after, role, cue, strong=_is_strong(cue))
            if name:
                found.setdefault((name.start, name.end), name)
        for start, end, _, role in self.followers.finditer(folded):
            name = self._backward(text, start, role, text[start:end])
            if name:
                found.setdefault((name.start, name.end), name)
        for lead, _, form in self._legal_forms(text):
            name = self._backward(text, lead, "supplier", form)
            if name:
                found.setdefault((name.start, name.end), name)
        # "SST, Inc. dba ShotSpotter": the name the company trades under comes after.
        names = sorted((n for n in found.values() if not self.trades_as.match(text, n.end)), key=lambda n: n.start)
        return _one_per_place(names + self.coordinated(text, [(n.end, n.role, n.cue) for n in names]))

    def coordinated(self, text: str, after: list[tuple[int, str, str]]) -> list[CompanyName]:
        """Names listed right after others ("A et B", "A / B", "A (product) und B"): ``after`` holds the end,
        role and cue of each earlier name; the names found take them on."""
        if self.coordination is None:
            return []
        out = []
        for end, role, cue in after:
            for _ in range(4):
                match = self.coordination.match(text, end)
                if not match or "\n\n" in match.group():
                    break
                name = self._forward(text, match.end(), role, cue, strong=True)
                if not name:
                    break
                out.append(name)
                end = name.end
        return out

    # -- reading a name ---------------------------------------------------------------------

    def _forward(self, text: str, start: int, role: str, cue: str, strong: bool) -> CompanyName | None:
        words: list[re.Match[str]] = []
        for match in _WORD.finditer(text, start, min(len(text), start + 200)):
            gap = text[words[-1].end() if words else start : match.start()]
            if len(words) == MAX_WORDS or not _joins(gap, first=not words):
                break
            word = match.group()
            if words and fold_key(word) in self.legal_keys:
                break
            if words and fold_phrase(word) in self.particles:
                # "Réseaux du Léon": a particle carries on a name made so far of common words only
                # (alone they name no one), and only to a capitalised word; "Kerlys Sécurité de
                # Rennes" is Kerlys Sécurité, of its Rennes branch.
                following = _WORD.match(text, match.end() + 1) if text.startswith(" ", match.end()) else None
                if not (
                    following
                    and following.group()[0].isupper()
                    and self._name_word(following.group(), first=False, forward=True)
                    and all(fold_key(w.group()) in self.generic for w in words)
                ):
                    break
                words.append(match)
                continue
            if not self._name_word(word, first=not words, forward=True):
                break
            words.append(match)
        return self._name(text, words, role, cue, strong)

    def _backward(self, text: str, end: int, role: str, cue: str) -> CompanyName | None:
        words: list[re.Match[str]] = []
        position = end
        for match in reversed(list(_WORD.finditer(text, max(0, end - 200), end))):
            if match.end() > position or not _joins(text[match.end() : position], first=False):
                break
            if len(words) == MAX_WORDS or not self._name_word(match.group(), first=False, forward=False):
                break
            words.insert(0, match)
            position = match.start()
        # After "dba" or "(": the same company under another name, read from that other name.
        before = fold_chars(text[max(0, position - 6) : position]).rstrip()
        if before.endswith(("(", " dba", "d/b/a")):
            return None
        return self._name(text, words, role, cue, strong=True)

    def _name_word(self, word: str, first: bool, forward: bool) -> bool:
        """Whether ``word`` may be part of a company name (read forward from a cue, or back from one)."""
        folded = fold_phrase(word.strip("'’.-"))
        if not folded or folded in self.stops:
            return False
        if word[0].isupper() or word[0].isdigit():
            # German capitalises every noun: read forward, a plain capitalised word past the first one is
            # a noun ("mit der EnBW Kameras"); read back from a legal form, it belongs to the name.
            return not (self.language == "de" and forward and not first and word[1:].islower())
        # Mixed case or a digit inside ("i2c", "eXo"): a trade name.
        return any(c.isupper() or c.isdigit() for c in word[1:])

    def shortened(self, text: str, name: CompanyName, end: int) -> CompanyName | None:
        """``name`` cut at ``end`` ("Boréal Sécurité Rennes" → "Boréal Sécurité" when "Rennes" is a place)."""
        words = list(_WORD.finditer(text, name.start, end))
        return self._name(text, words, name.role, name.cue, name.strong)

    def _name(self, text: str, words: list[Any], role: str, cue: str, strong: bool) -> CompanyName | None:
        if not words:
            return None
        start, end = words[0].start(), words[-1].end()
        raw = text[start:end].rstrip(".'’-")
        end = start + len(raw)
        canonical = canonical_name(raw, self.legal_keys)
        keys = fold_key(canonical).split()
        if not canonical or not keys or len(canonical) < 2 or all(k.isdigit() for k in keys):
            return None
        if any(k in self.public for k in keys):
            return None
        # "Sécurité" alone is a word; "Ouest Vidéo Systèmes" after "la société" is a name.
        if all(k in self.generic or k in self.stops for k in keys) and (len(keys) == 1 or not strong):
            return None
        return CompanyName(start, end, raw, canonical, role, cue, strong)


def _lead(text: str, form: int) -> int:
    """Where the spaces before the legal form at ``form`` start, with a comma before them and its own
    spaces ("ACTIV , SAS"): the end of the company's name."""
    start = form
    while start and text[start - 1].isspace():
        start -= 1
    if start and text[start - 1] == ",":
        start -= 1
        while start and text[start - 1].isspace():
            start -= 1
    return start


def _one_per_place(names: list[CompanyName]) -> list[CompanyName]:
    """One name per place: of nested or overlapping readings, the longest."""
    kept: list[CompanyName] = []
    for name in sorted(names, key=lambda n: (n.start, -(n.end - n.start))):
        if not kept or name.start >= kept[-1].end:
            kept.append(name)
    return kept


def canonical_name(raw: str, legal_keys: Set[str] = frozenset()) -> str:
    """The name a company is known by across councils: without legal forms or accents, case normalised."""
    words = [w for w in re.split(r"[\s,]+", raw) if w]
    while words and fold_key(words[-1]) in legal_keys:
        words.pop()
    while words and fold_key(words[0]) in legal_keys:
        words.pop(0)
    out = []
    for word in words:
        plain = fold_phrase(word) if word.islower() else _strip_accents(word)
        if word.isupper() and sum(c.isalpha() for c in word) > 4:
            # "AÉRO-VISION" → "Aero-Vision", "ELEC'SÉCUR" → "Elec'Secur", as mixed-case spellings have it.
            plain = re.sub(r"[^\W\d_]+", lambda m: m.group()[:1] + m.group()[1:].lower(), plain)
        elif word.islower() and not any(c.isdigit() for c in word) and len(word) > 3:  # "du", "of" stay small
            plain = plain[:1].upper() + plain[1:]
        out.append(plain)
    return " ".join(out).strip(" .,'’-&/")


def _strip_accents(word: str) -> str:
    folded = fold_chars(word)
    # fold_chars lower-cases: put the case back letter by letter (it keeps the length).
    return "".join(f.upper() if o.isupper() else f for o, f in zip(word, folded)) if len(folded) == len(word) else word


def _joins(gap: str, first: bool) -> bool:
    """Whether the characters before a word keep it in the name: white space (one line break at most),
    "&" between two words, an opening quote before the first."""
    if gap.count("\n") > 1:
        return False
    return gap.strip(" \t\n" + ("«“\"" if first else "&")) == ""


def _is_strong(cue: str) -> bool:
    """An introducer that says "company" rather than only "with"."""
    return not fold_phrase(cue).endswith((" avec", " with", " mit der", " mit", " from", " to", " a", " à"))


class _Cues:
    """The cue phrases of one language (``introducers`` or ``followers``), each with its role.

    Matched at every word start, overlapping ("le prestataire retenu, X": both "le prestataire" and
    "prestataire retenu"), the longest phrase first at each place; on folded text.
    """

    def __init__(self, by_language: Any, language: str) -> None:
        roles = (by_language or {}).get(language) or {}
        self.roles = {_letters(fold_phrase(p)): role for role, phrases in roles.items() for p in phrases}
        alternatives = sorted({_phrase_source(p) for phrases in roles.values() for p in phrases}, key=len, reverse=True)
        # After the cue: white space, or a colon, a comma or a bracket ("le prestataire retenu, X").
        self.regex = (
            re.compile(r"(?=(?<!\w)(" + "|".join(alternatives) + r")(\s*[:,(]\s*|\s+|(?<=:)))")
            if alternatives
            else None
        )

    def finditer(self, folded: str) -> Iterator[tuple[int, int, int, str]]:
        """(start, end of the phrase, end of what follows it, role) of each cue."""
        if self.regex is None:
            return
        for match in self.regex.finditer(folded):
            yield match.start(1), match.end(1), match.end(2), self.roles.get(_letters(match.group(1)), "supplier")


def _letters(phrase: str) -> str:
    return re.sub(r"\s+", "", phrase)


def _phrase_source(phrase: str) -> str:
    folded = fold_phrase(phrase)
    parts = []
    for char in folded:
        if char == " ":
            parts.append(r"\s+")
        elif char == "'":
            parts.append(r"'\s*")
        elif char == ":":
            parts.append(r"\s*:")
        else:
            parts.append(re.escape(char))
    return "".join(parts)
