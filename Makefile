# Vrijstad: `make run` serves the app, `make test` runs the whole suite. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app vrijstad
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup install run serve test bench lint format translations extract-messages db browser \
  deploy-tools clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Python packages come from the lock files, every one pinned with its hashes (`make lock`
# refreshes them from pyproject.toml). The project itself is installed without dependencies.
$(VENV)/.installed: requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-prod
	touch $@

# The production install: the same pins without the development tools.
$(VENV)/.installed-prod: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed-prod static/vendor/.copied
	$(BIN)/pybabel compile -d vrijstad/translations

# Pin every Python package, with hashes, from the ranges in pyproject.toml.
# `make lock` keeps pins that still fit; `make lock UPGRADE=1` moves to the newest that fit.
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
  --no-header --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: | $(BIN)/python
	$(BIN)/pip install --quiet "pip-tools>=7.4,<8"
	$(PIP_COMPILE) -o requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev -o requirements-dev.txt pyproject.toml

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/.copied: node_modules/.package-lock.json
	rm -rf static/vendor
	mkdir -p static/vendor/htmx static/vendor/pico static/vendor/leaflet static/vendor/markercluster static/vendor/chartjs
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images static/vendor/leaflet/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css static/vendor/markercluster/
	cp node_modules/chart.js/dist/chart.umd.js static/vendor/chartjs/
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d vrijstad/translations

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o vrijstad/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -N -i vrijstad/translations/messages.pot -d vrijstad/translations --ignore-obsolete

setup: $(VENV)/.installed static/vendor/.copied translations

db: setup
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty

run: db
	$(FLASK) run --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests; installed when missing and we may install packages.
browser:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium and chromium-driver"; exit 1; fi; \
	fi

# systemd-analyze, for the test that verifies deploy/systemd; installed when missing and we may
# install packages, else that test is skipped.
# Debian's systemd-analyze and nginx check the deploy kit's unit files and site in the tests.
deploy-tools:
	@if ! command -v systemd-analyze >/dev/null || ! command -v nginx >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd nginx-light >/dev/null; \
	  else echo "systemd-analyze or nginx is missing: the deploy kit's checks are skipped"; fi; \
	fi

test: setup browser deploy-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

bench: setup
	@for script in bench/*.py; do [ -e "$$script" ] || continue; $(BIN)/python $$script || exit 1; done

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor
