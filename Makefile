# Two commands for a fresh machine with Python 3.11 and make: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: install translations messages run dev test lint check-deploy

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is needed: make PYTHON=/path/to/python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Babel compiles the catalogues, so no GNU gettext is needed to run the portal.
translations: install
	$(VENV)/bin/pybabel compile --domain django --directory locale --statistics

# Refresh the catalogues after changing user-facing text (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages --locale zh_Hans --no-obsolete --ignore '.venv/*'

# `make run` is what a street office runs: DEBUG off (the portal's own error pages, hashed
# static files cached for a year), gunicorn on HOST, SQLite and the file broker in var/, a
# secret generated once into var/secret_key, plain HTTP (no HTTPS redirect), and two-step
# login off so the demo logins work (TWO_FACTOR_REQUIRED=1 turns it on). `make dev`: DEBUG on.
comma := ,
RUN_ADDRESS = $(firstword $(subst :, ,$(HOST)))
RUN_PORT = $(lastword $(subst :, ,$(HOST)))
# 0.0.0.0 answers the office's network under whatever name or address it is reached by.
RUN_ALLOWED_HOSTS = $(if $(filter 0.0.0.0,$(RUN_ADDRESS)),*,$(RUN_ADDRESS)$(comma)127.0.0.1$(comma)localhost)
RUN_PROBE = $(if $(filter 0.0.0.0,$(RUN_ADDRESS)),127.0.0.1,$(RUN_ADDRESS)):$(RUN_PORT)
# Exits 0 once the portal's health check answers on the address given (not merely something
# listening on the port, which may be another program's).
PORT_ANSWERS = import sys, urllib.request; \
	body = urllib.request.urlopen(f"http://{sys.argv[1]}/healthz/", timeout=2).read(); \
	sys.exit(b"\"ok\": true" not in body)

run: export DEBUG = 0
run: export EMBEDDED = 1
run: export TWO_FACTOR_REQUIRED ?= 0
run: export ALLOWED_HOSTS ?= $(RUN_ALLOWED_HOSTS)
run: translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@# Stop the three by their ids: signalling the whole group would also hit the worker's pool
	@# processes, and the worker then waits for them forever.
	@trap 'trap - INT TERM; kill -TERM $$worker $$beat $$web 2>/dev/null; wait' INT TERM; \
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=2 & worker=$$!; \
	$(VENV)/bin/celery -A config beat --loglevel=INFO & beat=$$!; \
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST) --workers 2 --threads 4 --timeout 120 --graceful-timeout 5 \
		--preload --no-control-socket --access-logfile - & web=$$!; \
	until $(PY) -c '$(PORT_ANSWERS)' $(RUN_PROBE) 2>/dev/null; do \
		if ! kill -0 $$web 2>/dev/null; then \
			echo "The web server did not start on $(HOST)." >&2; \
			kill -TERM $$worker $$beat; wait; exit 1; \
		fi; \
		sleep 0.5; \
	done; \
	echo "Serving http://$(HOST)/ with a Celery worker and beat. Ctrl-C stops all three."; \
	wait $$web; kill -TERM $$worker $$beat 2>/dev/null; wait

# The same with DEBUG on: Django's technical error pages, code reloaded on every change.
dev: translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo "Serving http://$(HOST)/ (DEBUG on) with a Celery worker and beat. Ctrl-C stops all three."
	@trap 'trap - INT TERM; kill -TERM 0' INT TERM; \
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=2 & \
	$(VENV)/bin/celery -A config beat --loglevel=INFO & \
	$(PY) manage.py runserver $(HOST) & \
	wait

test: translations
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# The deploy check reads production settings; it connects to no server.
check-deploy: install
	DEBUG=0 SECRET_KEY=$${SECRET_KEY:-check-deploy-only-$$(date +%s)-a-long-random-enough-string-xyz} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-portal.example.org} \
	DATABASE_URL=$${DATABASE_URL:-postgres://localhost/hongge} \
	REDIS_URL=$${REDIS_URL:-redis://localhost:6379/0} \
	$(PY) manage.py check --deploy --fail-level WARNING
