# The two set-up commands of the README, and a few helpers.
# Only Python 3.11+, make and git are needed: SQLite, eager Celery and files in media/.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint messages messages-update check-deploy prod clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

# One test worker per core (pytest-xdist); TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= auto
test: $(VENV)/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# Collect new strings into the Chinese catalogue, translate them, then `make messages`.
messages-update: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete -i '.venv/*' -i 'var/*' -i 'media/*'

# Recompile the Chinese catalogues after editing the .po files (needs GNU gettext).
messages:
	for po in $$(git ls-files '*.po'); do msgfmt --check -o $${po%.po}.mo $$po; done

check-deploy: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-deploy-only-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
	  CERTIFICATE_KEY_PASSPHRASE=check-deploy-only DJANGO_ALLOWED_HOSTS=example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Production on one machine: web (gunicorn), a Celery worker and beat, from the environment
# (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, CERTIFICATE_KEY_PASSPHRASE, DATABASE_URL, REDIS_URL;
# see README, Production).
prod: export DJANGO_SETTINGS_MODULE = config.settings.production
prod: $(VENV)/.installed
	@for v in DJANGO_SECRET_KEY DJANGO_ALLOWED_HOSTS CERTIFICATE_KEY_PASSPHRASE DATABASE_URL REDIS_URL; do \
	  if [ -z "$$(printenv $$v)" ]; then echo "make prod: $$v is not set (README, Production)"; exit 2; fi; done
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	exec $(VENV)/bin/honcho start

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm
