# motcua: the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The PostgreSQL the suite runs on a second time (trust auth on this kind of machine).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/motcua
# The PostgreSQL database `make bench` creates and keeps (its name must contain "bench").
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/motcua_benchmark
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: vendor install run serve test lint types migrations-check pytest-sqlite pytest-postgres messages clean bench
.PHONY: system-packages-run system-packages-test system-packages-messages

# The system packages each target needs (scripts/system-packages): installed with apt-get
# when this runs as root or with passwordless sudo, else the command that would install them.
system-packages-run system-packages-test system-packages-messages: system-packages-%:
	@PYTHON="$(PYTHON)" VENV="$(VENV)" scripts/system-packages $*

$(BIN)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || PYTHON="$(PYTHON)" VENV="$(VENV)" scripts/system-packages install
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

install: $(BIN)/.installed

## make run: migrate, load the demo province (idempotent) and serve on http://127.0.0.1:8000
run: system-packages-run install
	$(BIN)/motcua migrate --noinput
	$(BIN)/motcua load_demo
	@echo "motcua: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/motcua runserver $(HOST):$(PORT)

## make vendor: refresh motcua/core/static/vendor/ from package-lock.json (needs npm; the
## copies are committed, so `make run` and `make test` never need it)
vendor:
	scripts/vendor/build

## make test: lint, types, migrations check, the suite on SQLite, then on PostgreSQL
test: system-packages-test install lint types migrations-check pytest-sqlite pytest-postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy motcua bench

migrations-check: install
	MOTCUA_DATA_DIR=$$(mktemp -d) $(BIN)/motcua makemigrations --check --dry-run

pytest-sqlite: system-packages-test install
	@echo "== the suite on SQLite =="
	MOTCUA_DATABASE_URL= $(BIN)/pytest -p no:cacheprovider

# PostgreSQL when reachable; with CI=true it is required.
pytest-postgres: system-packages-test install
	@if $(BIN)/python -m motcua.core.dbcheck "$(PG_TEST_URL)"; then \
		echo "== the suite on PostgreSQL ($(PG_TEST_URL)) =="; \
		MOTCUA_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -p no:cacheprovider; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) is not reachable and CI=true requires it"; exit 1; \
	else \
		echo "PostgreSQL at $(PG_TEST_URL) is not reachable: the PostgreSQL run is skipped"; \
	fi

## make bench: the benchmarks (not tests), docs/benchmarks.md. First issues 3, 8 and 10 (about
## nine minutes): gunicorn, PostgreSQL at BENCH_PG_URL when it answers (else SQLite); intake,
## transitions, lookup and the workspace against bare endpoints. BENCH_ARGS passes options:
## --dossiers N (another N than the last run's regenerates them), --fresh, --drop, --sqlite,
## --json FILE. Then issue 9's index against DuckDB, on PostgreSQL at BENCH_INDEX_PG_URL
## (skipped when it does not answer); BENCH_INDEX_ARGS: --dossiers N (default 1,000,000),
## --json FILE.
BENCH_INDEX_PG_URL ?= postgres://postgres@127.0.0.1:5432/motcua_index_bench
bench: install
	BENCH_PG_URL="$(BENCH_PG_URL)" $(BIN)/python -m bench.run $(BENCH_ARGS)
	@if $(BIN)/python -m motcua.core.dbcheck "$(BENCH_INDEX_PG_URL)"; then \
		$(BIN)/python -m bench.index --pg-url "$(BENCH_INDEX_PG_URL)" $(BENCH_INDEX_ARGS); \
	else \
		echo "PostgreSQL at $(BENCH_INDEX_PG_URL) does not answer: the index benchmark is skipped"; \
	fi

## make messages: re-extract and compile the translations (needs gettext)
messages: system-packages-messages install
	cd motcua && ../$(BIN)/motcua makemessages -l vi -l en --no-obsolete --ignore "*/tests/*" && ../$(BIN)/motcua compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
