"""What the analysis workers of `vigie run` load once, in their fork server, before it forks them.

Each worker would otherwise import spaCy, load the French pipeline and compile the lexicon on
its own: about three seconds of a core each, and as many copies in memory. Importing this module
does it in the fork server (a process holding no database connection); the workers forked from it
find the analyzer ready (:meth:`nlp.analyze.Analyzer.for_language` keeps it) and share its memory.

What is loaded here lives as long as every worker: it is frozen out of the cyclic garbage
collector's reach (:func:`gc.freeze`), as Python's documentation advises for a process that forks
without exec. Otherwise each full collection of a worker scans, and writes to, every object it
inherited: seconds of CPU a run, and pages of shared memory copied into each worker.
"""

import gc
import logging

# Loading allocates mostly for good: one collection at the end frees its leftovers, where the
# collector would otherwise scan the growing heap again and again. A threshold of 0 stops it
# (gc.disable() would not: spaCy's msgpack reader, srsly, enables the collector again).
_thresholds = gc.get_threshold()
gc.set_threshold(0)
try:
    from nlp.analyze import Analyzer
    from nlp.stage import analyse_pending  # noqa: F401  (the rest of what a worker runs)

    try:
        Analyzer.for_language("fr")
    except Exception:  # a broken lexicon: each worker meets it again, and reports it as its own error
        logging.getLogger(__name__).warning("The analysis could not be loaded ahead of the workers", exc_info=True)
finally:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_thresholds)
