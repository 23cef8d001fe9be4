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

.PHONY: run test setup system-deps serve worker

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

run: setup
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_samples
	@# ASGI (uvicorn): live updates are server-sent events; whitenoise serves static files.
	@# No task worker here: the consumers of the annotation event log run in the writing process.
	DEBUG=$${DEBUG:-true} OUTBOX_DRAIN=$${OUTBOX_DRAIN:-inline} $(BIN)/uvicorn newsreader.asgi:application --host $(HOST) --port $(PORT) \
	  --lifespan off --timeout-graceful-shutdown 3

test: setup system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# Production (README "Production"): settings from the environment (.env.example), DEBUG off.
#   make serve   -> migrations (under a lock), collectstatic, uvicorn with WEB_CONCURRENCY processes
#   make worker  -> one background task worker with a heartbeat (run several, on any machines)
serve:
	bin/serve

worker:
	bin/worker
