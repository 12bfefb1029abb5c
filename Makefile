# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run   set up and serve the portal on the embedded default (SQLite, eager jobs, demo data)
#   make test  set up and run the whole suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run demo-data test lint worker beat clean bench

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
	$(BIN)/python manage.py demo_next_plan
	$(BIN)/python manage.py rollup
	$(BIN)/python manage.py demo_public

# As the product looks: DEBUG off (the portal's own error pages), static files collected under hashed names and served
# by WhiteNoise. DJANGO_DEBUG=1 make run: Django's debug pages, static files read from static/ as they are edited.
run: demo-data
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# On the embedded default the suite runs on two cores; with a real worker (REDIS_URL) it runs in one process, as the
# worker reads and writes the one test database, unless a worker serves each test process (.ci/run: REDIS_URL_GW0/_GW1
# and PYTEST_ARGS="-n 2 --dist loadgroup"). --dist loadgroup keeps the tests on the demo data (tests/reports/demo/)
# on one process, one after another, so the data is generated once (the scheduler in tests/conftest.py).
PYTEST_ARGS ?= $(if $(REDIS_URL),,-n 2 --dist loadgroup)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# With REDIS_URL (and DATABASE_URL) set: a real Celery worker and beat. Each worker reports itself every 30 s for
# /readyz. Start beat on as many machines as you like: one sends the schedule, the others stand by to take over within
# a minute (ipcity.beat, CELERY_BEAT_SCHEDULER). Production runs both under systemd (deploy/systemd/).
worker: install
	$(BIN)/celery -A ipcity worker --loglevel=INFO

beat: install
	$(BIN)/celery -A ipcity beat --loglevel=INFO --schedule var/celerybeat-schedule

# Province-scale benchmark (docs/benchmarks.md): a synthetic dataset in throwaway databases of its own on the
# PostgreSQL of DATABASE_URL or 127.0.0.1:5432 (SQLite at a smaller scale without one), a table, one closing line.
# SCALE=1: 200 units, 400 indicators, 40 quarters, ~1.1 million figures (about 15 minutes); SCALE=0.02 in CI.
SCALE ?= 1
bench: install
	SCALE=$(SCALE) $(BIN)/python -m bench

# Load, faults and backups (README › Security): scripts in tests/ops/, each on scratch PostgreSQL databases of its
# own (ipcity_ops_*) and Redis db 6 or 7, exiting non-zero with a message when what it checks does not hold.
.PHONY: load faults backup restore drill
REPORTERS ?= 50
LOAD_SECONDS ?= 120
load: install
	$(BIN)/python -m tests.ops.load --reporters $(REPORTERS) --seconds $(LOAD_SECONDS)

faults: install
	$(BIN)/python -m tests.ops.approvals
	$(BIN)/python -m tests.ops.worker_kill
	$(BIN)/python -m tests.ops.uploads

# make backup: one backup set, the folder $(BACKUP_DIR)/ipcity-<database>-<UTC>/: the database of DATABASE_URL
#   (database.dump, pg_dump's custom format), then every stored file of the portal's storage, local MEDIA_ROOT or the
#   S3 bucket (files.tar), and manifest.json with the sha256 of each (ipcity/files_backup.py)
# make restore FILE=<set>: the set's database into DATABASE_URL, replacing its tables, then its files into the storage
#   (asks; or CONFIRM=<name>). FILE=<…>.dump, a backup made before files were included: the database only
# make drill: a fresh backup restored into a scratch database and storage and compared with its source
#   (tests/ops/backup_drill.py)
BACKUP_DIR ?= var/backups
backup:
	@test -n "$(DATABASE_URL)" || { echo "make backup: set DATABASE_URL to the PostgreSQL database to back up" >&2; exit 2; }
	@db=$$(psql -X -A -t -d "$(DATABASE_URL)" -c "select current_database()") || exit 2; \
	umask 077; mkdir -p "$(BACKUP_DIR)"; dir="$(BACKUP_DIR)/ipcity-$$db-$$(date -u +%Y%m%dT%H%M%SZ)"; \
	mkdir "$$dir.partial" || { echo "make backup: $$dir.partial exists: is another backup running?" >&2; exit 1; }; \
	pg_dump --format=custom --file="$$dir.partial/database.dump" --dbname="$(DATABASE_URL)" \
	  || { rm -rf "$$dir.partial"; echo "make backup: pg_dump failed, no backup written" >&2; exit 1; }; \
	files=$$($(BIN)/python -m ipcity.files_backup dump "$$dir.partial") \
	  || { rm -rf "$$dir.partial"; echo "make backup: the stored files could not be copied, no backup written" >&2; exit 1; }; \
	mv "$$dir.partial" "$$dir" && echo "backup of $$db and $$files written to $$dir ($$(du -sh "$$dir" | cut -f1))"

restore:
	@test -n "$(FILE)" || { echo "make restore: say which backup: make restore FILE=…; the newest in $(BACKUP_DIR): $$(ls -td $(BACKUP_DIR)/ipcity-*/ 2>/dev/null | grep -v partial | head -n 1)" >&2; exit 2; }
	@test -e "$(FILE)" || { echo "make restore: no such backup: $(FILE)" >&2; exit 2; }
	@test -n "$(DATABASE_URL)" || { echo "make restore: set DATABASE_URL to the PostgreSQL database to restore into" >&2; exit 2; }
	@if [ -d "$(FILE)" ]; then dump="$(FILE)/database.dump"; \
	  files=$$($(BIN)/python -m ipcity.files_backup verify "$(FILE)") \
	    || { echo "make restore: $(FILE) is not a whole backup set (above: what is wrong); nothing restored" >&2; exit 2; }; \
	else dump="$(FILE)"; files=; fi; \
	pg_restore --list "$$dump" >/dev/null 2>&1 || { echo "make restore: $$dump is not a pg_dump custom-format backup" >&2; exit 2; }; \
	made=$$(pg_restore --list "$$dump" | sed -n 's/^; *Archive created at *//p'); \
	from=$$(pg_restore --list "$$dump" | sed -n 's/^; *dbname: *//p'); \
	db=$$(psql -X -A -t -d "$(DATABASE_URL)" -c "select current_database()") || exit 2; \
	tables=$$(psql -X -A -t -d "$(DATABASE_URL)" -c "select count(*) from pg_tables where schemaname = 'public'"); \
	echo "make restore: this REPLACES every table of database $$db ($$tables tables now), schema and rows, with"; \
	echo "  $$dump (database $$from as of $$made)."; \
	if [ -n "$$files" ]; then echo "  Then the stored files: $$files (a file of the same name is replaced)."; \
	else echo "  This backup holds no stored files (made before they were included): the storage is left as it is."; fi; \
	echo "  Stop the portal and its workers first."; \
	if [ "$(CONFIRM)" != "$$db" ]; then \
	  answer=; if [ -t 0 ]; then printf 'Type the database name (%s) to go on: ' "$$db"; read -r answer; fi; \
	  [ "$$answer" = "$$db" ] || { echo "make restore: nothing restored (to confirm without asking: CONFIRM=$$db)" >&2; exit 1; }; \
	fi; \
	pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$(DATABASE_URL)" "$$dump" \
	  || { echo "make restore: pg_restore failed: the database is as it was, no file written" >&2; exit 1; }; \
	echo "restored $$dump into $$db"; \
	if [ -n "$$files" ]; then \
	  $(BIN)/python -m ipcity.files_backup load "$(FILE)" \
	    || { echo "make restore: the database is restored, not every stored file: run the same make restore again" >&2; exit 1; }; \
	fi

drill: install
	$(BIN)/python -m tests.ops.backup_drill

clean:
	rm -rf $(VENV) var/db.sqlite3 .pytest_cache
