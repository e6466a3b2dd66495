# Sambang: `make run` sets up and starts everything on the embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup migrate demo run test lint format messages prod prod-manage clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sambang needs Python 3.11 or newer; set PYTHON=python3.11 (or newer).")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { echo "WeasyPrint cannot load Pango. Install it: Debian/Ubuntu 'sudo apt install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core', macOS 'brew install pango'."; exit 1; }
	@# As root on Debian/Ubuntu: libharfbuzz-subset0 (WeasyPrint's font subsetting; it falls back to fontTools
	@# and says so without it) and Noto Sans CJK (reports with Chinese, Japanese or Korean names).
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! dpkg -s libharfbuzz-subset0 >/dev/null 2>&1; then \
	  apt-get install -y -q libharfbuzz-subset0 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -q libharfbuzz-subset0 >/dev/null; } || true; fi
	@$(BIN)/python -c 'import sys, reports.fonts as f; sys.exit(0 if f.cjk_font_paths() else 1)' || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then { apt-get install -y -q fonts-noto-cjk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -q fonts-noto-cjk >/dev/null; }; }; \
	  else echo "Note: Noto Sans CJK is not installed; a report PDF with a Chinese, Japanese or Korean name will refuse to render until it is ($$($(BIN)/python -c 'import reports.fonts as f; print(f.CJK_INSTALL_HINT)'))."; fi; }
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_regions
	$(BIN)/python manage.py demo_setup

run: demo
	@echo "Sambang: http://127.0.0.1:$${SAMBANG_PORT:-8000}/  (web, Celery worker and beat; Ctrl-C stops all three)"
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

# make prod: the production settings on this machine, against the local PostgreSQL and Redis: creates the
# database if missing, migrates, collects the static files (WhiteNoise serves them), loads the regions and
# starts gunicorn, one Celery worker and exactly one beat (Procfile.prod; Ctrl-C stops all three). Plain HTTP
# on 127.0.0.1, so SECURE_SSL_REDIRECT is off; a real deployment sits behind TLS (README, Deploy). Every
# variable below can be set beforehand; SECRET_KEY, when unset, is made once into $SAMBANG_VAR_DIR/secret_key.
.PHONY: prod
# The production environment of make prod and make prod-manage: every setting not given beforehand.
PROD_ENV = var="$${SAMBANG_VAR_DIR:-var}"; mkdir -p "$$var"; \
	if [ -z "$${SECRET_KEY:-}" ]; then \
	  test -s "$$var/secret_key" || (umask 077; $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$$var/secret_key"); \
	  SECRET_KEY="$$(cat "$$var/secret_key")"; \
	fi; \
	export SECRET_KEY DJANGO_SETTINGS_MODULE=config.settings.production \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" \
	  DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sambang}" \
	  CELERY_BROKER_URL="$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}" \
	  CACHE_URL="$${CACHE_URL:-redis://127.0.0.1:6379/1}" PORT="$${PORT:-8000}"

prod: setup
	@set -e; $(PROD_ENV); \
	$(BIN)/python -c "$$CREATE_DATABASE_PY"; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0; \
	$(BIN)/python manage.py load_regions; \
	echo "Sambang, production settings: http://127.0.0.1:$$PORT/  (gunicorn, Celery worker and beat; Ctrl-C stops all three)"; \
	exec $(BIN)/honcho --procfile Procfile.prod start

# manage.py against the installation make prod runs, in the same environment (its cache included, so a
# revoked token or an import is seen by the running server at once): make prod-manage ARGS="api_token list"
prod-manage: setup
	@set -e; $(PROD_ENV); exec $(BIN)/python manage.py $(ARGS)

# For make prod: create DATABASE_URL's PostgreSQL database when it does not exist yet.
define CREATE_DATABASE_PY
import os
import dj_database_url
import psycopg
from psycopg import sql
db = dj_database_url.parse(os.environ["DATABASE_URL"])
if db["ENGINE"] == "django.db.backends.postgresql":
    server = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None, "password": db["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            print(f"Created the PostgreSQL database {db['NAME']}.")
endef
export CREATE_DATABASE_PY
