"""What the analysis workers of `vigie run` load once, in their fork server, before it forks them.

Each worker would otherwise import spaCy, load the French pipeline and compile the lexicon on
its own: about three seconds of a core each, and as many copies in memory. Importing this module
does it in the fork server (a process holding no database connection); the workers forked from it
find the analyzer ready (:meth:`nlp.analyze.Analyzer.for_language` keeps it) and share its memory.
"""

import logging

from nlp.analyze import Analyzer
from nlp.stage import analyse_pending  # noqa: F401  (the rest of what a worker runs)

try:
    Analyzer.for_language("fr")
except Exception:  # a broken lexicon: each worker meets it again, and reports it as its own error
    logging.getLogger(__name__).warning("The analysis could not be loaded ahead of the workers", exc_info=True)
