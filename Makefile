# The two commands of the README:
#   make run   -> sets everything up and serves the app on http://127.0.0.1:8000
#   make test  -> sets everything up and runs the whole test suite
# Both work on a fresh machine: no DATABASE_URL means an embedded PostgreSQL.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Two pytest workers (pytest-xdist): the suite is planned for 2 cores.
PYTEST_ARGS ?= -n 2

.PHONY: run admin test lint schema-check setup system-deps serve worker

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

# Debian packages the tests need (a real browser). Installed when missing and we may.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

setup: $(BIN)/.installed

# bin/dev: migrate, load the samples and the demo annotations, then run the app server
# (uvicorn: live updates are server-sent events) and a task worker until Ctrl+C or SIGTERM,
# which stop both and the embedded PostgreSQL. DEBUG defaults to true there.
run: setup
	$(BIN)/python bin/dev --host $(HOST) --port $(PORT)

# An admin user for /admin/: asks for a name, an e-mail address and a password.
admin: setup
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py createsuperuser

test: setup system-deps lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Unused or undefined names and syntax errors (ruff.toml); make test runs it first.
lint: setup
	$(BIN)/ruff check --output-format concise .

# Does the API do what its OpenAPI schema says? schemathesis (every check, 100 examples per
# operation) against the app served on a throwaway database; non-zero exit on any finding.
schema-check: setup
	$(BIN)/python bin/schema-check

# Production (README "Production"): settings from the environment (.env.example), DEBUG off.
#   make serve   -> migrations (under a lock), collectstatic, uvicorn with WEB_CONCURRENCY processes
#   make worker  -> one background task worker with a heartbeat (run several, on any machines)
serve:
	bin/serve

worker:
	bin/worker
