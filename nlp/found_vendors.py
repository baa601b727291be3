"""Vendors no list knows: companies named beside a surveillance mention, tied to it.

:mod:`nlp.companies` reads the names; a name becomes a vendor mention when it is tied to an
accepted technology mention (or a specialist vendor):

- in the same sentence ("contrat avec la société X pour le projet de vidéoprotection");
- or within ``vendor_context_chars`` when its sentence speaks of a contract (a procurement word, or
  a cue that makes it a contractor: "X titulaire du marché", "X was the winning bidder"), with no
  deliberation starting between the two ("Délibération n°", "OBJET :", an agenda item).

A company named for another business elsewhere in the text (heating, fireworks, radios) is not
tied, hence not a vendor. A name that is a known vendor's (``vendors.yaml``) is reported under that
vendor; the others under their normalised name (:func:`nlp.companies.canonical_name`), with
``vendor: {status: found, role, cue}`` in the mention.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nlp.companies import CompanyName, CompanyReader, fold_key
from nlp.folding import fold_chars
from nlp.lexicon import Lexicon, phrases_for
from nlp.patterns import Entry, words_regex
from nlp.sentences import Sentences

if TYPE_CHECKING:
    from nlp.disambiguate import Disambiguator, Entity, Mention


class VendorFinder:
    """Finds and ties the companies of texts of one language."""

    def __init__(self, lexicon: Lexicon, language: str, rules: Disambiguator) -> None:
        self.reader = CompanyReader(lexicon.companies, language)
        self.rules = rules
        self.other_business = words_regex(phrases_for(lexicon.companies.get("other_business") or {}, language))
        # Known vendors by the folded words of their aliases; several words may also start a longer
        # name ("Engie Ineo Centre-Est"), a single word must be the whole name ("Axis" ≠ "Axis Conseil").
        self.known: dict[str, tuple[str, str]] = {}
        self.prefixes: dict[str, tuple[str, str]] = {}
        for vendor in lexicon.vendors:
            for alias in vendor.aliases:
                if alias.product:
                    continue
                key = fold_key(alias.text.lstrip("="))
                self.known.setdefault(key, (vendor.name, vendor.category))
                if " " in key:
                    self.prefixes.setdefault(key, (vendor.name, vendor.category))

    def names(self, text: str) -> list[CompanyName]:
        """The company names of ``text`` (see :class:`nlp.companies.CompanyReader`)."""
        return self.reader.names(text)

    def found(
        self,
        text: str,
        sentences: Sentences,
        technologies: list[Mention],
        accepted: list[Mention],
        names: list[CompanyName],
        entities: list[Entity] | None,
    ) -> list[Mention]:
        """Vendor mentions for the names tied to ``technologies``; names already ``accepted`` are skipped."""

        vendors = [m for m in accepted if m.entry.kind == "vendor"]
        names = names + self.reader.coordinated(text, [(m.end, "supplier", text[m.start : m.end]) for m in vendors])
        out: list[Mention] = []
        for name in names:
            if any(m.start < name.end and name.start < m.end for m in vendors + out):
                continue
            if not name.strong and _inside(name, entities, ("LOC", "PER")):
                continue
            # The recogniser knows places: a branch's town glued to the name is not part of it.
            place = min(
                (s for s, e, label in entities or () if label == "LOC" and name.start < s < name.end), default=None
            )
            if place is not None:
                name = self.reader.shortened(text, name, place)
                if name is None:
                    continue
            technology = self._tie(text, sentences, name, technologies)
            if technology is None:
                continue
            known = self._known(name.canonical)
            vendor, category = known or (name.canonical, technology.entry.category)
            rule = "vendor-cue" if known else "found-vendor"
            entry = Entry("vendor", category, "found", name.text, vendor=vendor)
            candidate_like = _Span(name.start, name.end)
            mention = self.rules._mention(
                text, sentences, candidate_like, entry, rule, [text[technology.start : technology.end]]
            )
            if mention is None:
                continue
            mention.vendor.update(
                {"status": "known" if known else "found", "role": name.role, "cue": name.cue, "written": name.text}
            )
            out.append(mention)
        return out

    def introduced(self, names: list[CompanyName]) -> dict[int, dict[str, str]]:
        """Where a word introduces a company ("la société …"): its start → its role and cue."""
        return {n.start: {"role": n.role, "cue": n.cue} for n in names if n.strong}

    def _tie(self, text: str, sentences: Sentences, name: CompanyName, technologies: list[Mention]) -> Mention | None:
        start, end = sentences.around(name.start)
        same = [m for m in technologies if start <= m.start < end]
        if same:
            return min(same, key=lambda m: abs(m.start - name.start))
        sentence = text[start:end]
        if name.role != "contractor" and not self.rules.procurement_in(sentence):
            return None
        if self.other_business is not None and self.other_business.search(fold_chars(sentence)):
            return None
        reach = self.rules.vendor_context_chars
        near = [
            m
            for m in technologies
            if abs(m.start - name.start) <= reach and not self.rules.boundary_between(text, m.start, name.start)
        ]
        return min(near, key=lambda m: abs(m.start - name.start)) if near else None

    def _known(self, canonical: str) -> tuple[str, str] | None:
        key = fold_key(canonical)
        if key in self.known:
            return self.known[key]
        words = key.split()
        for size in range(len(words) - 1, 1, -1):
            prefix = " ".join(words[:size])
            if prefix in self.prefixes:
                return self.prefixes[prefix]
        return None


class _Span:
    """The start and end that :meth:`Disambiguator._mention` reads from a candidate."""

    __slots__ = ("end", "start")

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


def _inside(name: CompanyName, entities: list[Entity] | None, labels: tuple[str, ...]) -> bool:
    return any(s <= name.start and name.end <= e and label in labels for s, e, label in entities or ())
