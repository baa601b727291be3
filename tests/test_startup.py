"""Start-up: `vigie --help` and every command's help load the command line only, not the database layer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LOAD = (
    "import sys; from vigie.cli.main import cli; "
    "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'scrapy', 'spacy'}))"
)


def test_the_command_line_loads_without_sqlalchemy_scrapy_or_spacy():
    # Each command imports what it needs when it runs: SQLAlchemy alone would triple `vigie --help`'s time.
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD], capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=60
    )
    assert (loaded.returncode, loaded.stdout.strip()) == (0, "[]"), loaded.stderr
