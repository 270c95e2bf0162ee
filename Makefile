# Jinguo: `make run` serves the demo on SQLite, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
DEMO_PASSWORD ?= Jinguo-Demo-2026!
DEMO_TOTP_SECRET ?= JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# The demo shows the pages users see, the branded 404/500 included; `make run DEBUG=1` for Django's debug pages.
DEBUG ?= 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test test-sqlite test-postgres test-replica lint typecheck bench loadtest demo system-packages clean lock

# Debian packages the browser tests, PDF rendering (WeasyPrint: Pango; Chinese fonts; poppler for the PDF
# checks) and compilemessages need, installed only when missing, as root.
DEBIAN_PACKAGES := chromium fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 poppler-utils
system-packages:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! command -v msgfmt >/dev/null \
	    || ! command -v pdffonts >/dev/null || ! ldconfig -p 2>/dev/null | grep -q libpangoft2; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages: $(DEBIAN_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	  else \
	    echo "NOTE: some of $(DEBIAN_PACKAGES) are missing; install them (apt-get install ...) for the browser tests, PDFs and compilemessages."; \
	  fi; \
	fi

# Every Python dependency at the version and hash requirements.lock pins (make lock refreshes it).
$(VENV)/.installed: pyproject.toml requirements.lock
	@if [ ! -x $(PY) ]; then \
	  BOOT=$$(./scripts/find-python) || exit 1; \
	  echo "Creating $(VENV) with $$BOOT"; \
	  $$BOOT -m venv $(VENV); \
	fi
	$(PIP) install -q --require-hashes --no-deps -r requirements.lock
	@touch $@

# After changing the dependencies in pyproject.toml: pin them again (versions and hashes, every platform).
lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --generate-hashes -q -o requirements.lock

install: $(VENV)/.installed system-packages

demo: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py load_demo --if-empty --password '$(DEMO_PASSWORD)' --totp-secret '$(DEMO_TOTP_SECRET)'

run: demo
	@echo ""
	@echo "Jinguo is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo "Demo log-ins (password: $(DEMO_PASSWORD)):"
	@echo "  demo_staff demo_liaison demo_executive demo_supervisor demo_volunteer demo_requester"
	@echo "  demo_sysadmin demo_secadmin demo_auditor"
	@echo "Accounts with a second factor take the TOTP code of secret $(DEMO_TOTP_SECRET)"
	@echo "  ($(PY) manage.py totp_now prints the current code)."
	@echo ""
	@$(PY) manage.py run_huey --quiet & HUEY_PID=$$!; \
	trap "kill $$HUEY_PID 2>/dev/null" EXIT INT TERM; \
	DJANGO_DEBUG=$(DEBUG) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true

typecheck: install
	$(VENV)/bin/mypy .

# One pytest-xdist worker per core (JOBS=1 for a single process); an idle worker takes tests from a busy
# one, so the long walker tests of one file run side by side.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST = $(VENV)/bin/pytest -q -n $(JOBS) --dist worksteal

# One suite, split between the engines so that each test runs where it can fail: the PostgreSQL pass leaves
# out the tests of what pages show or refuse whatever the engine (browser tests, URL walkers, the demo's
# content: markers browser, engine_agnostic), the SQLite pass leaves the API fuzzers (fuzz) to PostgreSQL,
# the stricter engine (a NUL in a request reached it as a 500). Without PostgreSQL, SQLite runs them all.
# `make test-sqlite ALL=1` / `make test-postgres ALL=1` run everything on one engine.
PG_UP = $(shell $(PY) -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close(); print(1)" 2>/dev/null)
SQLITE_ONLY := -m "not fuzz"
POSTGRES_ONLY := -m "not browser and not engine_agnostic"

test-sqlite: install
	@echo "=== pytest on SQLite ==="
	$(PYTEST) $(if $(ALL),,$(if $(PG_UP),$(SQLITE_ONLY)))

test-postgres: install
	@if [ -n "$(PG_UP)" ]; then \
	  echo "=== pytest on PostgreSQL ($(PG_URL)) ==="; \
	  DATABASE_URL='$(PG_URL)' $(PYTEST) $(if $(ALL),,$(POSTGRES_ONLY)); \
	else \
	  echo "=== PostgreSQL at $(PG_URL) is not reachable: the PostgreSQL pass did NOT run ==="; \
	  if [ -n "$(REQUIRE_POSTGRES)" ]; then exit 1; fi; \
	fi

# Only the replica tests: a streaming replica of $(PG_URL)'s cluster built with pg_basebackup on a free port
# (scripts/pg-replica.sh), removed afterwards. `make test-postgres` runs them too.
test-replica: install
	DATABASE_URL='$(PG_URL)' $(VENV)/bin/pytest -q -n 0 -rs core/tests/test_replica.py

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# Pages at 1,000 / 10,000 / 100,000 units against a bare Django "hello" served the same way, readers beside
# concurrent writers (and a ledger import), on SQLite and on the PostgreSQL of BENCH_PG_URL when it answers;
# the ledger's import and export (scripts/bench.py; BENCH_ARGS="--sizes 1000 --no-ledger" for a quick look).
BENCH_ARGS ?=
bench: install
	JINGUO_BENCH=1 $(PY) scripts/bench.py $(BENCH_ARGS)

loadtest: install
	$(PY) scripts/loadtest.py

clean:
	rm -rf $(VENV) var
