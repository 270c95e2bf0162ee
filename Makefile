# Jinguo: `make run` serves the demo on SQLite, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
DEMO_PASSWORD ?= Jinguo-Demo-2026!
DEMO_TOTP_SECRET ?= JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test test-sqlite test-postgres lint typecheck bench loadtest demo system-packages clean

# Debian packages the browser tests and PDF/Chinese rendering need (installed only when missing, as root).
system-packages:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! command -v msgfmt >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages: chromium fonts-noto-cjk gettext"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk gettext >/dev/null; \
	  else \
	    echo "NOTE: /usr/bin/chromium, fonts-noto-cjk or gettext missing; install them (apt-get install chromium fonts-noto-cjk gettext) for the browser tests and compilemessages."; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	@if [ ! -x $(PY) ]; then \
	  BOOT=$$(./scripts/find-python) || exit 1; \
	  echo "Creating $(VENV) with $$BOOT"; \
	  $$BOOT -m venv $(VENV); \
	fi
	$(PIP) install -q --upgrade pip
	$(PIP) install -q ".[dev]"
	@rm -rf build *.egg-info
	@touch $@

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
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true

typecheck: install
	$(VENV)/bin/mypy .

test-sqlite: install
	@echo "=== pytest on SQLite ==="
	$(VENV)/bin/pytest -q

test-postgres: install
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "=== pytest on PostgreSQL ($(PG_URL)) ==="; \
	  DATABASE_URL='$(PG_URL)' $(VENV)/bin/pytest -q; \
	else \
	  echo "=== PostgreSQL at $(PG_URL) is not reachable: the PostgreSQL pass did NOT run ==="; \
	  if [ -n "$(REQUIRE_POSTGRES)" ]; then exit 1; fi; \
	fi

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

bench: install
	$(VENV)/bin/pytest -q benchmarks

loadtest: install
	$(PY) scripts/loadtest.py

clean:
	rm -rf $(VENV) var
