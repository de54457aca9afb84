# Two commands matter: `make run` and `make test`. Both set up everything from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
export PICCOLO_CONF := piccolo_conf

.PHONY: help setup run worker migrate seed test fuzz lint format bench schema documents-preview clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)  ## create the virtual environment and install

migrate: setup  ## apply migrations to DATABASE_URL (default: embedded SQLite under var/)
	$(BIN)/python -m app.cli migrate

seed: migrate  ## load the center's catalog and the announced working calendar (idempotent)
	$(BIN)/python -m app.cli seed

run: seed  ## serve the API at http://$(HOST):$(PORT)/graphql (GraphiQL in the browser)
	$(BIN)/python -m app.cli serve --host $(HOST) --port $(PORT)

worker: setup  ## run background jobs from Redis (needs REDIS_URL; without it jobs run inside `make run`)
	$(BIN)/python -m app.cli worker

test: setup  ## run every test (SQLite; TEST_DATABASE_URL=postgresql://… for PostgreSQL)
	$(BIN)/python -m pytest

fuzz: setup  ## the schema-driven fuzz test with 5,000 random examples per caller (TEST_DATABASE_URL as for test)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-5000} $(BIN)/python -m pytest tests/test_fuzz.py -n0

lint: setup  ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: setup  ## rewrite graphql/schema.graphql from the code
	$(BIN)/python -c "from app.api.schema import schema; open('graphql/schema.graphql','w').write(str(schema) + '\n')"

bench: seed  ## benchmarks (see bench/README.md)
	$(BIN)/python bench/catalog_query.py
	$(BIN)/python bench/portfolio_query.py
	$(BIN)/python bench/attacks.py
	$(BIN)/python bench/sign_ins.py
	$(BIN)/python bench/read_path.py

documents-preview: setup  ## the contract, appendix and minutes from sample data: var/preview/*.docx, .pdf, .png
	@missing=""; for tool in soffice pdftoppm pdftotext pdfinfo; do \
	  command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  echo "documents-preview needs LibreOffice and poppler (missing:$$missing). On Debian/Ubuntu:"; \
	  echo "  sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-liberation2"; \
	  exit 1; fi
	$(BIN)/python -m app.cli documents-preview --out var/preview

clean:  ## remove the environment and the local database
	rm -rf $(VENV) var
