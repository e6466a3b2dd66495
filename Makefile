# Sambang: `make run` sets up and starts everything on the embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup migrate demo run test lint format messages prod-check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sambang needs Python 3.11 or newer; set PYTHON=python3.11 (or newer).")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { echo "WeasyPrint cannot load Pango. Install it: Debian/Ubuntu 'sudo apt install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core', macOS 'brew install pango'."; exit 1; }
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_regions
	$(BIN)/python manage.py demo_setup

run: demo
	@echo "Sambang: http://127.0.0.1:8000/  (web, Celery worker and beat; Ctrl-C stops all three)"
	$(BIN)/honcho --procfile Procfile start

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: setup lint
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/pytest --ds=config.settings.test

messages: setup
	$(BIN)/python manage.py makemessages --locale=id --ignore='.venv/*' --ignore='var/*'
	$(BIN)/python manage.py compilemessages --locale=id --ignore='.venv/*'

clean:
	rm -rf var/ .pytest_cache
