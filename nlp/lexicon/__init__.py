"""The lexicon of surveillance technologies and vendors, as data files beside this module.

Layout (see ``README.md`` here for how to edit it):
- ``meta.yaml``: version, context window sizes, scores, word classes used to inflect terms;
- ``categories/<id>.yaml``: one file per category of the taxonomy, terms by language;
- ``vendors.yaml``: vendors, their aliases and products, specialist or generalist;
- ``companies.yaml``: how a council text names a company it deals with (for vendors no list knows);
- ``evidence.yaml``: deliberation boundaries, amounts and vote results.

The version recorded on every hit is ``meta.yaml``'s ``version`` plus a hash of all the files, so
that an edit forgotten in the version still triggers a re-analysis.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.safe_yaml import YAMLError, parse_yaml

LEXICON_DIR = Path(__file__).parent
LANGUAGES = ("fr", "en", "de")
ANY = "any"  # terms used whatever the document's language (acronyms, brand-like words)
# The taxonomy of issue "Detection": subscriptions filter on these ids; never rename them.
TAXONOMY = (
    "video_surveillance",
    "algorithmic_video",
    "biometrics",
    "plate_recognition",
    "audio_surveillance",
    "drones",
    "predictive_policing",
    "urban_supervision",
    "social_media_monitoring",
    "body_cameras",
    "phone_surveillance",
)
_TERM_LISTS = ("terms", "weak", "context", "negative_phrases", "negative_contexts", "limit_contexts")


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and the entry."""


Terms = dict[str, tuple[str, ...]]  # language (or "any") -> phrases


def phrases_for(terms: Terms, language: str) -> tuple[str, ...]:
    """The phrases of ``terms`` for ``language``, with those valid in every language."""
    return terms.get(language, ()) + terms.get(ANY, ())


@dataclass(frozen=True)
class Qualifier:
    """Words that, in a hit's sentence, mark it as a subcategory (often of lower priority)."""

    subcategory: str
    contexts: Terms
    factor: float = 1.0
    drop: bool = False  # the words mean another business (identity documents): no hit at all


@dataclass(frozen=True)
class Pair:
    """A word that names the technology only with another close by ("lire" + "plaques")."""

    term: str
    near: tuple[str, ...]  # matched like context words
    within: int  # characters between the two, either way


@dataclass(frozen=True)
class Category:
    id: str
    label: dict[str, str]
    terms: Terms  # strong: a hit on their own
    weak: Terms  # a hit only with a context word or a strong term of the category nearby
    context: Terms
    negative_phrases: Terms  # longer phrases that mean something else; they win over terms
    negative_contexts: Terms  # in the same sentence, they cancel weak terms
    subcategories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    qualifiers: tuple[Qualifier, ...] = ()
    weak_yields_to: tuple[str, ...] = ()  # categories whose nearby mentions claim this one's weak terms
    pairs: dict[str, tuple[Pair, ...]] = field(default_factory=dict)  # language (or "any") -> pairs
    # Before a term in its sentence, words that make it a limit or a feared risk of another technology
    # ("ni reconnaissance faciale" in a drone order): no hit when another category is mentioned near.
    limit_contexts: Terms = field(default_factory=dict)
    counted: bool = False  # a weak term right after a number ("14 caméras") is confirmed by it


@dataclass(frozen=True)
class Alias:
    text: str
    specialist: bool
    cased: bool  # must not be written all in lower case ("Orange", not "orange")
    product: bool = False


@dataclass(frozen=True)
class Vendor:
    name: str
    category: str
    specialist: bool
    aliases: tuple[Alias, ...]
    negative_phrases: Terms


@dataclass(frozen=True)
class Lexicon:
    version: str
    meta: dict[str, Any]
    categories: dict[str, Category]
    vendors: tuple[Vendor, ...]
    evidence: dict[str, Any]
    files: dict[str, str]  # relative path -> text, so that a pipeline can save its lexicon
    companies: dict[str, Any] = field(default_factory=dict)  # companies.yaml, checked


def load_lexicon(folder: Path | str | None = None) -> Lexicon:
    """Load and validate the lexicon in ``folder`` (the bundled one by default)."""
    folder = Path(folder) if folder else LEXICON_DIR
    paths = [
        folder / "meta.yaml",
        folder / "vendors.yaml",
        folder / "evidence.yaml",
        folder / "companies.yaml",
        *sorted((folder / "categories").glob("*.yaml")),
    ]
    files = {}
    for path in paths:
        if not path.is_file():
            raise LexiconError(f"{path}: missing lexicon file")
        files[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
    return parse_lexicon(files, folder)


def load_categories(folder: Path | str | None = None) -> dict[str, Category]:
    """The categories of the lexicon in ``folder`` alone (what labels need): the vendors, read by
    a pure-Python YAML parser, take most of the whole lexicon's loading."""
    folder = Path(folder) if folder else LEXICON_DIR
    categories = {}
    for path in sorted((folder / "categories").glob("*.yaml")):
        category = _category(path, _yaml(path, path.read_text(encoding="utf-8")))
        categories[category.id] = category
    return categories


def parse_lexicon(files: dict[str, str], origin: Path | str = "<lexicon>") -> Lexicon:
    """Build a :class:`Lexicon` from the texts of its files (as returned in ``Lexicon.files``)."""
    data = {name: _yaml(Path(origin) / name, text) for name, text in files.items()}
    meta = data["meta.yaml"]
    if not isinstance(meta, dict) or not meta.get("version"):
        raise LexiconError(f"{Path(origin) / 'meta.yaml'}: needs a 'version'")
    categories = {}
    for name, entry in data.items():
        if name.startswith("categories/"):
            category = _category(Path(origin) / name, entry)
            categories[category.id] = category
    missing = [c for c in TAXONOMY if c not in categories]
    if missing:
        raise LexiconError(f"{Path(origin) / 'categories'}: no file for categories {', '.join(missing)}")
    vendors = tuple(
        _vendor(Path(origin) / "vendors.yaml", i, v) for i, v in enumerate(data["vendors.yaml"].get("vendors") or [])
    )
    companies = _companies(Path(origin) / "companies.yaml", data.get("companies.yaml"))
    digest = hashlib.sha256("\0".join(f"{k}\0{files[k]}" for k in sorted(files)).encode()).hexdigest()[:8]
    return Lexicon(
        f"{meta['version']}+{digest}", meta, categories, vendors, data["evidence.yaml"], dict(files), companies
    )


def _yaml(path: Path, text: str) -> Any:
    try:
        return parse_yaml(text)
    except YAMLError as exc:
        raise LexiconError(f"{path}: invalid YAML: {exc}") from None


def _terms(path: Path, where: str, value: Any) -> Terms:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LexiconError(f"{path}: {where} must map a language ({', '.join(LANGUAGES)}, any) to a list")
    out = {}
    for language, phrases in value.items():
        if language not in (*LANGUAGES, ANY):
            raise LexiconError(f"{path}: {where}: unknown language {language!r}")
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise LexiconError(f"{path}: {where}.{language} must be a list of non-empty strings")
        out[language] = tuple(phrases)
    return out


def _category(path: Path, entry: Any) -> Category:
    if not isinstance(entry, dict) or entry.get("id") not in TAXONOMY:
        raise LexiconError(f"{path}: 'id' must be one of {', '.join(TAXONOMY)}")
    if path.stem != entry["id"]:
        raise LexiconError(f"{path}: the file name must be the category id {entry['id']!r}")
    lists = {key: _terms(path, key, entry.get(key)) for key in _TERM_LISTS}
    subcategories = {str(k): tuple(v) for k, v in (entry.get("subcategories") or {}).items()}
    qualifiers = tuple(
        Qualifier(
            str(q["subcategory"]),
            _terms(path, f"qualifiers[{i}].contexts", q.get("contexts")),
            float(q.get("factor", 1.0)),
            bool(q.get("drop", False)),
        )
        for i, q in enumerate(entry.get("qualifiers") or [])
    )
    yields = tuple(entry.get("weak_yields_to") or ())
    unknown = [c for c in yields if c not in TAXONOMY]
    if unknown:
        raise LexiconError(f"{path}: weak_yields_to: unknown categories {', '.join(unknown)}")
    return Category(
        entry["id"],
        dict(entry.get("label") or {}),
        lists["terms"],
        lists["weak"],
        lists["context"],
        lists["negative_phrases"],
        lists["negative_contexts"],
        subcategories,
        qualifiers,
        yields,
        _pairs(path, entry.get("pairs")),
        lists["limit_contexts"],
        bool(entry.get("counted", False)),
    )


def _pairs(path: Path, value: Any) -> dict[str, tuple[Pair, ...]]:
    out = {}
    for language, items in _language_map(path, "pairs", value).items():
        pairs = []
        for i, item in enumerate(items):
            near = item.get("near") if isinstance(item, dict) else None
            if (
                not isinstance(item.get("term") if isinstance(item, dict) else None, str)
                or not isinstance(near, list)
                or not near
                or not all(isinstance(w, str) and w.strip() for w in near)
                or not isinstance(item.get("within"), int)
                or item["within"] <= 0
            ):
                raise LexiconError(
                    f"{path}: pairs.{language}[{i}] must be {{term: WORD, near: [WORDS], within: CHARACTERS}}"
                )
            pairs.append(Pair(item["term"], tuple(near), item["within"]))
        out[language] = tuple(pairs)
    return out


def _language_map(path: Path, where: str, value: Any) -> dict[str, list[Any]]:
    """A mapping of languages (or "any") to lists, checked."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise LexiconError(f"{path}: {where} must map a language ({', '.join(LANGUAGES)}, any) to a list")
    unknown = [k for k in value if k not in (*LANGUAGES, ANY)]
    if unknown:
        raise LexiconError(f"{path}: {where}: unknown language {unknown[0]!r}")
    return value


def _companies(path: Path, data: Any) -> dict[str, Any]:
    """``companies.yaml``: word lists for every language, and cue phrases by language and role."""
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a mapping of word lists")
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list):
            out[key] = _words(path, key, value)
        elif isinstance(value, dict):
            unknown = [k for k in value if k not in LANGUAGES]
            if unknown:
                raise LexiconError(f"{path}: {key}: unknown language {unknown[0]!r}")
            if all(isinstance(words, list) for words in value.values()):
                out[key] = _terms(path, key, value)
            elif all(isinstance(roles, dict) for roles in value.values()):
                out[key] = {
                    language: {role: _words(path, f"{key}.{language}.{role}", words) for role, words in roles.items()}
                    for language, roles in value.items()
                }
            else:
                raise LexiconError(
                    f"{path}: {key}.<language> must be a list, or map roles (supplier, contractor…) to lists"
                )
        else:
            raise LexiconError(f"{path}: {key} must be a list, or a mapping of languages to roles to lists")
    return out


def _words(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise LexiconError(f"{path}: {where} must be a list of non-empty strings")
    return tuple(value)


def _vendor(path: Path, index: int, entry: Any) -> Vendor:
    if not isinstance(entry, dict) or not entry.get("name") or not entry.get("aliases"):
        raise LexiconError(f"{path}: vendor #{index + 1} needs 'name' and 'aliases'")
    name = entry["name"]
    if entry.get("category") not in TAXONOMY:
        raise LexiconError(f"{path}: vendor {name!r}: 'category' must be one of {', '.join(TAXONOMY)}")
    specialist, cased = bool(entry.get("specialist")), bool(entry.get("cased"))

    def alias(item: Any, product: bool) -> Alias:
        if isinstance(item, str):
            return Alias(item, specialist, cased, product)
        if isinstance(item, dict) and isinstance(item.get("alias"), str):
            return Alias(
                item["alias"], bool(item.get("specialist", specialist)), bool(item.get("cased", cased)), product
            )
        raise LexiconError(f"{path}: vendor {name!r}: an alias is a string or {{alias: ..., specialist: ...}}")

    aliases = tuple(alias(a, False) for a in entry["aliases"]) + tuple(
        alias(p, True) for p in entry.get("products") or []
    )
    return Vendor(
        name,
        entry["category"],
        specialist,
        aliases,
        _terms(path, f"{name}.negative_phrases", entry.get("negative_phrases")),
    )
