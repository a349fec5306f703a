# dangvien — two commands on a fresh machine: `make run`, `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
# Tests run in parallel on this machine's cores; PYTEST_ARGS adds options.
PYTEST_ARGS ?=
PIP_VERSION ?= 26.3
BENCH_MEMBERS ?= 200000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dangvien_bench
# Where `make bench` writes its report (e.g. make bench OUTPUT=/tmp/bench.md).
OUTPUT ?= BENCHMARKS.md

.PHONY: install run test lint format bench bench-national clean

install: $(STAMP)

# Each stage says what it does; pip shows its progress (about 150 MB of wheels
# on the first run, a few minutes; nothing is compiled).
$(STAMP): pyproject.toml constraints.txt
	@echo "==> [1/4] Checking $(PYTHON): Python 3.11 with the venv module is needed"
	@$(PYTHON) -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' \
	  || { echo "    $(PYTHON) is not Python 3.11 with venv (Debian: apt-get install python3.11 python3.11-venv)," \
	       "or choose another: make run PYTHON=/path/to/python3.11"; exit 1; }
	@echo "==> [2/4] Creating the virtual environment $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [3/4] Installing pip $(PIP_VERSION)"
	$(BIN)/pip install --progress-bar on 'pip==$(PIP_VERSION)'
	@# PyICU (compiled against the system ICU) gave way to the pyicu-wheels binary
	@# wheel; both provide the `icu` module, so the old one leaves first.
	@$(BIN)/pip uninstall --yes --quiet PyICU 2>/dev/null || true
	@echo "==> [4/4] Installing dangvien and its pinned dependencies (pyproject.toml, constraints.txt)"
	$(BIN)/pip install --progress-bar on --prefer-binary -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@
	@echo "==> Installed. Next: migrate, load the demo province (first run: about a minute), serve."

run: install
	@echo "==> Migrating the database (DATABASE_URL, or db.sqlite3 beside manage.py)"
	$(BIN)/dangvien migrate --no-input
	@echo "==> Loading the demo data when the database is empty, creating the demo accounts, serving"
	$(BIN)/dangvien demo --host $(HOST) --port $(PORT)

test: install
	@echo "==> Running the test suite"
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "==> Type-checking dangvien and bench with mypy (django-stubs; settings in pyproject.toml)"
	$(BIN)/mypy dangvien bench
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@command -v ab >/dev/null || apt-get install -y -qq apache2-utils >/dev/null 2>&1 \
	  || echo "ApacheBench (apache2-utils) not installed: the API load test is skipped"
	$(BIN)/python -m bench.run --members $(BENCH_MEMBERS) --database-url $(BENCH_DATABASE_URL) --output $(OUTPUT)

NATIONAL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/dangvien_national
NATIONAL_MEMBERS ?= 5600000
NATIONAL_ARGS ?=  # e.g. --members-only (no year of meetings and dues: minutes, not hours)

# The whole party over full HTTP; seeds NATIONAL_MEMBERS into an empty database
# (about a quarter of an hour at 5.6 million) or reuses one already seeded.
bench-national: install
	@command -v ab >/dev/null || apt-get install -y -qq apache2-utils >/dev/null 2>&1 \
	  || echo "ApacheBench (apache2-utils) not installed: the API load test is skipped"
	$(BIN)/python -m bench.national --members $(NATIONAL_MEMBERS) --database-url $(NATIONAL_DATABASE_URL) --output $(OUTPUT) $(NATIONAL_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* var test-artifacts
