# dangvien — two commands on a fresh machine: `make run`, `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
# Tests run in parallel on this machine's cores; PYTEST_ARGS adds options.
PYTEST_ARGS ?=
BENCH_MEMBERS ?= 200000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dangvien_bench

.PHONY: install run test lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

run: install
	$(BIN)/dangvien demo --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@command -v ab >/dev/null || apt-get install -y -qq apache2-utils >/dev/null 2>&1 \
	  || echo "ApacheBench (apache2-utils) not installed: the API load test is skipped"
	$(BIN)/python -m bench.run --members $(BENCH_MEMBERS) --database-url $(BENCH_DATABASE_URL)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* var test-artifacts
