"""Benchmark of the analysis stage on generated French council documents.

Measured in one run, over the same text (``bench.corpus_text``, at least 5 million words):
- **ours**: ``Analyzer.for_language("fr")`` on every document (folded regex scan of all pages,
  spaCy around candidates only, evidence);
- **tokenizer**: ``spacy.blank("fr")`` tokenizing every page, nothing else;
- **naive**: ``fr_core_news_sm`` with every component plus a ``PhraseMatcher`` of the lexicon on
  lower-cased tokens. It runs at a few thousand words per second, so it is measured on the first
  pages only (``NAIVE_WORDS``) and its words per second extrapolated: the report says so.
Then peak memory (RSS) of the analysis alone at 1×, 2× and 4× the corpus, each in a fresh process
that generates its documents lazily, so that the numbers are not those of this process.

Run: ``.venv/bin/python -m bench.analysis [--scale 1.0]``; ``make bench`` calls :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

BASE_WORDS = 5_000_000
NAIVE_WORDS = 40_000
RSS_SCALES = (1, 2, 4)


def _words(pages: list[str]) -> int:
    return sum(len(page.split()) for page in pages)


def _rate(words: int, pages: int, seconds: float) -> dict[str, float]:
    return {
        "words": words,
        "pages": pages,
        "seconds": round(seconds, 2),
        "words_per_s": round(words / seconds),
        "pages_per_s": round(pages / seconds, 1),
    }


def measure_ours(documents: list[list[str]]) -> dict[str, Any]:
    from nlp.analyze import Analyzer
    from nlp.extract import PageText

    analyzer = Analyzer.for_language("fr")
    docs = [[PageText(i + 1, text) for i, text in enumerate(pages)] for pages in documents]
    analyzer.analyze(docs[0])  # warm up: the first windows load the model's weights into caches
    start = time.perf_counter()
    detections = sum(len(found) for found in analyzer.analyze_documents(docs))
    seconds = time.perf_counter() - start
    pages = [p for d in documents for p in d]
    return {**_rate(_words(pages), len(pages), seconds), "detections": detections}


def measure_tokenizer(pages: list[str]) -> dict[str, Any]:
    import spacy

    nlp = spacy.blank("fr")
    nlp.max_length = 50_000_000
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(pages, batch_size=256))
    seconds = time.perf_counter() - start
    return {**_rate(_words(pages), len(pages), seconds), "tokens": tokens}


def measure_naive(pages: list[str], words: int = NAIVE_WORDS) -> dict[str, Any]:
    import spacy
    from spacy.matcher import PhraseMatcher

    from nlp.lexicon import load_lexicon, phrases_for

    nlp = spacy.load("fr_core_news_sm")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    lexicon = load_lexicon()
    phrases = [
        t.lstrip("=")
        for c in lexicon.categories.values()
        for field in (c.terms, c.weak)
        for t in phrases_for(field, "fr")
    ]
    phrases += [a.text.lstrip("=") for v in lexicon.vendors for a in v.aliases]
    matcher.add("lexicon", [nlp.make_doc(p) for p in phrases])
    subset, count = [], 0
    for page in pages:
        subset.append(page)
        count += len(page.split())
        if count >= words:
            break
    start = time.perf_counter()
    matches = sum(len(matcher(doc)) for doc in nlp.pipe(subset, batch_size=32))
    seconds = time.perf_counter() - start
    return {
        **_rate(count, len(subset), seconds),
        "matches": matches,
        "pipeline": nlp.pipe_names,
        "note": f"measured on the first {count} words and extrapolated",
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` rather than ``ru_maxrss``: Linux carries the
    parent's ``ru_maxrss`` over fork and exec, which would report the benchmark's own memory."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(words: int) -> dict[str, Any]:
    """Analysis of ``words`` words generated lazily, in this (fresh) process: its peak memory."""
    from bench.corpus_text import generate_pages
    from nlp.analyze import Analyzer
    from nlp.extract import PageText

    analyzer = Analyzer.for_language("fr")
    loaded = peak_rss_mb()
    counted = {"words": 0, "pages": 0}

    def documents():
        for pages in generate_pages(words):
            counted["words"] += _words(pages)
            counted["pages"] += len(pages)
            yield [PageText(i + 1, text) for i, text in enumerate(pages)]

    start = time.perf_counter()
    detections = sum(len(found) for found in analyzer.analyze_documents(documents()))
    seconds = time.perf_counter() - start
    return {
        **counted,
        "detections": detections,
        "seconds_with_generation": round(seconds, 1),
        "rss_after_loading_mb": loaded,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_memory(words: int) -> dict[str, Any]:
    results = {}
    for factor in RSS_SCALES:
        output = subprocess.run(
            [sys.executable, "-m", "bench.analysis", "--child", str(words * factor)],
            capture_output=True,
            text=True,
            check=True,
        )
        results[f"{factor}x"] = json.loads(output.stdout.strip().splitlines()[-1])
    peaks = [r["peak_rss_mb"] for r in results.values()]
    return {"runs": results, "peak_rss_growth_1x_to_4x": round(peaks[-1] / peaks[0], 3)}


def run(scale: float = 1.0) -> dict[str, Any]:
    """Measure and return the numbers (words/s, pages/s, ratios, peak RSS); takes a few minutes at 1.0."""
    from bench.corpus_text import generate_pages

    words = int(BASE_WORDS * scale)
    documents = list(generate_pages(words))
    pages = [p for d in documents for p in d]
    ours = measure_ours(documents)
    tokenizer = measure_tokenizer(pages)
    naive = measure_naive(pages, int(NAIVE_WORDS * max(scale, 0.05)))
    memory = measure_memory(words)
    return {
        "corpus": {
            "documents": len(documents),
            "pages": len(pages),
            "words": _words(pages),
            "generator": "bench.corpus_text.generate_pages(seed=2024)",
        },
        "analysis": ours,
        "tokenizer": tokenizer,
        "naive": naive,
        "memory": memory,
        "analysis_ratio_to_tokenizer": round(ours["words_per_s"] / tokenizer["words_per_s"], 2),
        "analysis_ratio_to_naive": round(ours["words_per_s"] / naive["words_per_s"], 1),
        "targets": {"ratio_to_tokenizer": ">= 0.5", "ratio_to_naive": ">= 5", "memory": "flat from 1x to 4x"},
    }


def _summary(result: dict[str, Any]) -> str:
    ours, tok, naive, memory = result["analysis"], result["tokenizer"], result["naive"], result["memory"]
    lines = [
        f"Corpus: {result['corpus']['words']:,} words, {result['corpus']['pages']:,} pages",
        f"analysis   {ours['words_per_s']:>12,} words/s  {ours['pages_per_s']:>9,} pages/s",
        f"tokenizer  {tok['words_per_s']:>12,} words/s  {tok['pages_per_s']:>9,} pages/s",
        f"naive      {naive['words_per_s']:>12,} words/s  {naive['pages_per_s']:>9,} pages/s ({naive['note']})",
        f"ratio to tokenizer: {result['analysis_ratio_to_tokenizer']} (target >= 0.5); "
        f"ratio to naive: {result['analysis_ratio_to_naive']} (target >= 5)",
    ]
    for name, run_ in memory["runs"].items():
        lines.append(f"peak RSS {name}: {run_['peak_rss_mb']} MB ({run_['words']:,} words)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="corpus size as a multiple of 5 million words")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    result = run(args.scale)
    print(_summary(result))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
