# Two commands for a fresh machine with Python 3.11 and make: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000

.PHONY: install translations messages run test lint check-deploy

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

run: translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo "Serving http://$(HOST)/ with a Celery worker and beat. Ctrl-C stops all three."
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
