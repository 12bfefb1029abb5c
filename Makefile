# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run   set up and serve the portal on the embedded default (SQLite, eager jobs, demo data)
#   make test  set up and run the whole suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run demo-data test lint worker beat clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo-data: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_plan
	$(BIN)/python manage.py create_demo_users
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py rollup

run: demo-data
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# With REDIS_URL (and DATABASE_URL) set: a real Celery worker and beat.
worker: install
	$(BIN)/celery -A ipcity worker --loglevel=INFO

beat: install
	$(BIN)/celery -A ipcity beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var/db.sqlite3 .pytest_cache
