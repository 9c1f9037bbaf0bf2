# Nolan: `make install` builds .venv and installs Nolan into it; `make run` also starts the
# bot; `make test` sets up and runs every check. All build .venv themselves on a fresh machine
# (Debian 12 or Ubuntu, Python 3.11+; root for apt-get when a system package is missing).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The suite waits on sockets, subprocesses and PostgreSQL as much as on the interpreter: three
# workers a core (at most 12) keep the cores busy (on 2 cores, 6: a pass in half the time of 2).
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); w=$$((n * 3)); [ $$w -gt 12 ] && w=12; echo $$w)
# Tests handed out one at a time, the slow modules first (tests/conftest.py's FIRST): xdist's
# default hands out runs of consecutive tests, which would give every slow one to one worker.
PYTEST_XDIST = -n $(PYTEST_WORKERS) --maxschedchunk 1

.PHONY: install run test lint clean
.PHONY: browser

install: $(STAMP)
	@echo "Nolan is installed in $(VENV): run it with 'make run' or '$(PY) -m bot'."

run: $(STAMP)
	$(PY) -m bot

# Lint (ruff, then the import contracts in pyproject.toml: the layers, no Slack below the
# adapter, no cycles), then the whole suite on SQLite, then the tests that reach a database
# again on a PostgreSQL server of its own (run side by side, the two passes were no quicker
# on 2 cores, and tests with timeouts met them). Both passes run even if the first fails; the
# target fails if either did.
# Python's bytecode caches are kept even where the environment turns them off: without them
# each of the twelve xdist workers rewrote every test module's asserts anew (8 s a worker), and
# each subprocess a test starts compiled Nolan from source. Two collections side by side, while
# the linters run, write the caches once before the workers start.
unexport PYTHONDONTWRITEBYTECODE

test: $(STAMP) browser
	@$(VENV)/bin/pytest --collect-only -q -p no:xdist tests/e2e >/dev/null 2>&1 & \
	$(VENV)/bin/pytest --collect-only -q -p no:xdist --ignore=tests/e2e >/dev/null 2>&1 & \
	$(VENV)/bin/ruff check . && $(VENV)/bin/lint-imports; linted=$$?; wait; exit $$linted
	@status=0; \
	echo "== tests on SQLite"; \
	env -u TEST_DATABASE_URL $(VENV)/bin/pytest $(PYTEST_XDIST) || status=$$?; \
	echo "== tests on PostgreSQL"; \
	scripts/with-postgres.sh $(VENV)/bin/pytest $(PYTEST_XDIST) || status=$$?; \
	exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis .import_linter_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# Debian's python3 needs python3-venv (ensurepip) before `python3 -m venv` works.
$(PY):
	@if ! $(PYTHON) -m venv $(VENV); then \
		echo "python3 -m venv failed; installing python3-venv"; \
		rm -rf $(VENV); \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv \
			&& $(PYTHON) -m venv $(VENV); \
	fi

# Re-install whenever pyproject.toml changes. uv installs in seconds what pip takes a minute
# over, compiling the packages' bytecode up front on every core (left to the first import, the
# test workers each compiled the same packages at once); pip installs if uv cannot be had.
UV_VERSION := 0.13.9
$(STAMP): pyproject.toml | $(PY) system-packages
	@if $(PY) -m pip install --quiet uv==$(UV_VERSION) \
		&& $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -e '.[dev]'; then \
		:; \
	else \
		echo "uv could not install the packages; installing with pip"; \
		$(PY) -m pip install --quiet -e '.[dev]'; \
	fi
	touch $@

# WeasyPrint (the annual report's PDF) loads Debian's Pango, and a font, at run time:
# apt-get installs whichever is missing (as root), and nothing when all are there.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

.PHONY: system-packages
system-packages:
	@command -v dpkg-query >/dev/null 2>&1 || exit 0; \
	missing=""; \
	for package in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" \
			|| missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian's$$missing (Pango, for the annual report's PDF)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# The browser tests (tests/browser): Debian's Chromium, and axe-core from npm (npm ci), each
# installed if missing. NOLAN_BROWSER_TESTS=0 skips the tests and needs neither.
BROWSER_DIR := tests/browser
CHROMIUM ?= /usr/bin/chromium

browser:
	@if [ "$${NOLAN_BROWSER_TESTS:-1}" != 0 ]; then $(MAKE) --no-print-directory browser-deps; fi

.PHONY: browser-deps
browser-deps: $(BROWSER_DIR)/node_modules/.package-lock.json
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# A folder's npm packages, as its package-lock.json pins them (npm from Debian if missing).
%/node_modules/.package-lock.json: %/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "installing npm (for $*)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; \
	fi
	cd $* && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Nolan in Teams mode on SQLite with a sample org chart (examples/playground), and Microsoft's
# Agents Playground (npm, pinned in tools/playground) as two people's Teams, on this machine
# only: no tenant, no tokens (bot/playground.py). npm is installed if missing.
PLAYGROUND_DIR := tools/playground

.PHONY: playground
playground: $(STAMP) $(PLAYGROUND_DIR)/node_modules/.package-lock.json
	$(PY) -m bot.playground
