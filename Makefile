# One Makefile for newcomers, developers and CI (.ci/run calls `make test`).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
CATALOGUE := locale/zh_Hans/LC_MESSAGES/django

.PHONY: install run test test-embedded lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml package.json package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CATALOGUE).mo: $(CATALOGUE).po $(VENV)/.installed
	$(BIN)/python -c "import polib; polib.pofile('$<').save_as_mofile('$@')"

install: $(VENV)/.installed $(CATALOGUE).mo

# No beat runs without Redis: the reminder scan runs once before the server starts, then
# every REMINDER_EVERY seconds beside it, and the loop is killed when the server stops
# (Ctrl-C included). Only the count of each scan is shown.
REMINDER_EVERY ?= 900

run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) send_reminders | tail -n 1
	( trap 'kill $$s 2>/dev/null; exit' TERM; \
	  while :; do sleep $(REMINDER_EVERY) & s=$$!; wait $$s; $(MANAGE) send_reminders | tail -n 1; done ) & \
	loop=$$!; trap 'kill $$loop 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run

test: lint
	$(BIN)/pytest

# The same suite on the embedded default (SQLite, tasks in-process), as `make run` uses it:
# CI runs it after `make test` so that scoping is proved exact on both databases. The
# browser tests (half its time) drive pages, not queries: `make test` has run them. Two
# processes (pytest-xdist), each with its own in-memory database and media folder.
test-embedded: install
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -q -m "not browser" -n 2

# Refresh the catalogue after changing UI strings (needs gettext's xgettext).
messages: install
	$(MANAGE) makemessages -l zh_Hans --ignore=$(VENV) --ignore=node_modules --no-obsolete

clean:
	rm -rf $(VENV) node_modules staticfiles $(CATALOGUE).mo
