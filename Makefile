# Every target works on a fresh machine with Python 3.11 and access to the package registries.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install run lint test test-fast test-postgres demo bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
		|| { echo "Vigie needs Python 3.11 or later; found '$(PYTHON)'. Run: make PYTHON=/path/to/python3.11"; exit 1; }
	@echo "Installing Vigie and its dependencies into $(VENV): a few minutes, the first time only."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $@

# Crawls every enabled source into SQLite under ./data. Exit status 1 means that some
# source failed (the others were still crawled; see the summary), which is expected offline.
run: install
	$(BIN)/vigie run || [ $$? -eq 1 ]

# The house's checks, in well under a minute: ruff (lint, then format), mypy on the typed layers
# (storage, nlp, notify; see [tool.mypy] in pyproject.toml), and the layers contract (import-linter:
# imports point from the command line down to storage, never back).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The whole suite, on every core (pytest-xdist; each test has its own database, folders and ports).
test: install
	$(BIN)/python -m pytest -q -n auto

# The inner loop: every test that neither starts a process nor takes seconds, in under a minute.
# The summary line says how many were left out ("deselected"); `make test` runs them all.
test-fast: install
	$(BIN)/python -m pytest -q -n auto -m "not slow"

# The suite on PostgreSQL: each test gets a schema of its own in the database below. Only the tests
# that use a database run (tests/conftest.py): the others do not depend on it and ran in `make test`.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
test-postgres: install
	@$(BIN)/python -c "import psycopg; psycopg.connect('$(subst +psycopg,,$(TEST_POSTGRES_URL))').close()" \
		|| { echo "No PostgreSQL at $(TEST_POSTGRES_URL): start one, or set TEST_POSTGRES_URL"; exit 1; }
	VIGIE_TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest -q -n auto

demo: install
	$(BIN)/vigie demo

# Vigie's own modules compiled to bytecode first, as pip compiles an installed package's: the
# runs measured read it (a machine with PYTHONDONTWRITEBYTECODE set would otherwise compile every
# module again in every process, a tenth of a run that finds nothing new).
bench: install
	$(BIN)/python -m compileall -q vigie storage nlp notify spiders
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data .pytest_cache
