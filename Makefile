# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint lock clean

# uv installs the locks: it fetches and unpacks in parallel, about three times quicker than pip.
UV := uv>=0.9,<1

# The venv starts without pip (installing ensurepip's copy took 3.5 s of every clean clone's
# `make test`): this Python's own pip puts uv in it, or, where this Python has no pip, the venv's
# ensurepip does. The test extra brings pip (tests/test_wheel.py builds the wheel with it).
$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(PYTHON) -m pip --python $(BIN)/python install --quiet '$(UV)' 2>/dev/null || \
	  { $(BIN)/python -m ensurepip >/dev/null && $(BIN)/python -m pip install --quiet '$(UV)'; }

# Installs take the exact versions in the lock files (see `make lock`), then the project itself
# without dependencies, so every machine and CI run the same releases.
UV_INSTALL := $(BIN)/uv pip install --quiet --python $(BIN)/python

# Bytecode: each module is compiled by the first process that imports it and kept beside it (in
# this checkout and its .venv, both ours). Where PYTHONDONTWRITEBYTECODE is set, as on the CI
# machines, nothing would be kept, and every test process, server and CLI call would compile
# pandas, SQLAlchemy and the project again (a second of CPU and more each). Compiling all of
# site-packages at install instead (uv's --compile-bytecode) cost 17 s of CPU, 10 s of a clean
# clone's `make test`, for the 45 % of it (by size) that the tests and servers ever import.
export PYTHONDONTWRITEBYTECODE :=

$(VENV)/.run-installed: requirements.lock pyproject.toml | $(BIN)/uv
	$(UV_INSTALL) -r requirements.lock
	$(UV_INSTALL) --no-deps -e .
	touch $@

# The test lock holds the run lock's versions and the test extra's (one resolution).
$(VENV)/.test-installed: requirements-test.lock pyproject.toml | $(BIN)/uv
	$(UV_INSTALL) -r requirements-test.lock
	$(UV_INSTALL) --no-deps -e .
	touch $@ $(VENV)/.run-installed

## lock: resolve the lock files again from pyproject.toml's ranges, keeping the pinned versions
## that still fit; `make lock UPGRADE=--upgrade` takes the newest releases that fit instead.
LOCK_FOR := --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --annotation-style line
UPGRADE ?=

lock: | $(BIN)/uv
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test $(LOCK_FOR) $(UPGRADE) \
	  -o requirements-test.lock
	$(BIN)/uv pip compile --quiet pyproject.toml $(LOCK_FOR) -c requirements-test.lock \
	  -o requirements.lock

## run: install, migrate, load the sample once, serve with gunicorn on $(PORT), with the scheduler
# The secret that signs sessions is made once, kept in the instance folder and reused, so sessions
# survive restarts; a SECRET_KEY in the environment wins.
INSTANCE_PATH ?= instance
SECRET_FILE := $(INSTANCE_PATH)/secret_key

$(SECRET_FILE):
	@mkdir -p $(INSTANCE_PATH)
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	@echo "Wrote a new random SECRET_KEY to $@"

run: $(VENV)/.run-installed $(SECRET_FILE)
	@# One shell: the secret is exported to every command; the scheduler runs in the background
	@# and is stopped (SIGTERM) when gunicorn exits.
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat $(SECRET_FILE))}" INSTANCE_PATH="$(INSTANCE_PATH)" \
	  PUBLIC_URL="$${PUBLIC_URL:-http://127.0.0.1:$(PORT)}"; \
	$(BIN)/forecasts db upgrade && $(BIN)/forecasts sample load || exit $$?; \
	echo "Serving on http://127.0.0.1:$(PORT), scheduler in the background  (Ctrl-C stops both)"; \
	$(BIN)/python -m jobs & scheduler=$$!; \
	trap 'kill -TERM $$scheduler 2>/dev/null; wait $$scheduler' EXIT INT TERM; \
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## test: install the test extra, lint, run the whole suite (two processes: most tests wait on
## a database, a server or a browser, so two share a 2-core machine well)
## (ruff gates the suite; mypy checks the types beside it, in the time the tests spend waiting,
## and a type error fails `make test` as a failing test does)
# mypy runs at the lowest priority: its 10 s of CPU then fill the moments the tests leave a core
# idle (about 6 % of the run) instead of slowing them.
test: $(VENV)/.test-installed
	$(BIN)/ruff check .
	@nice -n 19 $(BIN)/mypy & types=$$!; \
	$(BIN)/pytest -n 2; tests=$$?; \
	wait $$types || { echo "mypy found type errors (above)"; exit 1; }; \
	exit $$tests

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts
