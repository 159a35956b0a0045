# Vrijstad: `make run` serves the app, `make test` runs the whole suite. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app vrijstad
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup run serve test bench lint format translations extract-messages db browser deploy-tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

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
deploy-tools:
	@if ! command -v systemd-analyze >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null; \
	  else echo "systemd-analyze is missing (Debian's systemd): the unit files' test is skipped"; fi; \
	fi

test: setup browser deploy-tools
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: setup
	@for script in bench/*.py; do [ -e "$$script" ] || continue; $(BIN)/python $$script || exit 1; done

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules static/vendor
