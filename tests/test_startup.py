"""Start-up and end: `vigie --help` loads the command line only, not the database layer; what a
process loaded for good is kept out of the garbage collector's reach."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LOAD = (
    "import sys; from vigie.cli.main import cli; "
    "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'scrapy', 'spacy'}))"
)


def _python(code: str) -> str:
    """What ``code`` prints in a new interpreter (this one has loaded everything), which must succeed."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_command_line_loads_without_sqlalchemy_scrapy_or_spacy():
    # Each command imports what it needs when it runs: SQLAlchemy alone would triple `vigie --help`'s time.
    assert _python(LOAD) == "[]"


def test_the_analysis_workers_inherit_what_their_fork_server_loaded_frozen_and_the_collector_as_it_was():
    # Frozen, the spaCy pipeline and the lexicon are never scanned by a worker's collections (nor
    # copied into it by them); the collector's thresholds, stopped while loading, are back.
    out = _python(
        "import gc; before = gc.get_threshold(); import vigie.preload; "
        "print(gc.get_freeze_count() > 50_000, gc.get_threshold() == before, gc.isenabled())"
    )
    assert out == "True True True"


def test_a_command_leaves_its_objects_frozen_when_it_ends():
    # The interpreter's shutdown then skips scanning them: a tenth of a second or more per run.
    out = _python(
        "import gc, sys; from vigie.cli.main import main; sys.argv = ['vigie', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    print(gc.get_freeze_count() > 0)"
    )
    assert out.splitlines()[-1] == "True"
