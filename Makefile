# Kitbag: the two front-door commands (`make run`, `make test`) and a few for developers.
# Everything runs from a project-local virtualenv, made on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export DEBUG ?= 1
# make run PORT=8001 serves on another port; links in emails follow it.
PORT ?= 8000

.PHONY: run test lint security format migrate seed worker beat bench bench-sweep drills assets clean help

help:
	@echo "make run    - install, migrate, seed demo data, start web + Celery worker + beat on http://127.0.0.1:8000 (PORT=8001 for another port)"
	@echo "make test   - install test tools and run the whole test suite on every core (PYTEST_WORKERS=0: one process)"
	@echo "make lint   - ruff check, ruff format --check and the import contracts (.importlinter)"
	@echo "make security - manage.py check --deploy with production settings, and bandit (README, Security)"
	@echo "make drills - the fault drills on a private PostgreSQL and Redis; prints the summary table"
	@echo "make bench  - seed a force-scale data set on PostgreSQL (cached) and measure; writes bench/results.md"
	@echo "make bench-sweep - the same at BENCH_SWEEP=0.25,1,2 times the force, a cached database each; growth table and bench/growth.svg"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Re-install only when the requirements change.
$(VENV)/.run-deps: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

migrate: $(VENV)/.run-deps
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable

seed: migrate
	@$(PY) manage.py seed_demo

run: export KITBAG_BASE_URL ?= http://127.0.0.1:$(PORT)
# The demo logins again once the web server answers (portal/management/commands/demo_logins.py),
# below the worker's start-up output rather than above it; it goes when honcho does.
run: seed
	@$(PY) manage.py demo_logins --when-ready $(KITBAG_BASE_URL) & logins=$$!; \
	trap 'kill $$logins 2>/dev/null' EXIT INT TERM; \
	$(BIN)/honcho start -f Procfile --port $(PORT)

# PYTEST_ARGS narrows a run, e.g. make test PYTEST_ARGS='-m "not browser"'.
# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=2 for two workers, 0 for one process.
# Each worker has its own test database and Redis database (tests/xdist_services.py).
PYTEST_WORKERS ?= auto
test: $(VENV)/.dev-deps
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# Production settings from made-up values (nothing is contacted): the deploy check must report
# nothing but what settings.SILENCED_SYSTEM_CHECKS lists; bandit's exceptions are # nosec with reasons.
security: $(VENV)/.dev-deps
	DEBUG=0 SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  ALLOWED_HOSTS=kitbag.police.example DATABASE_URL=postgres://kitbag@db.police.example:5432/kitbag \
	  REDIS_URL=redis://redis.police.example:6379/0 CELERY_BROKER_URL=redis://redis.police.example:6379/0 \
	  $(PY) manage.py check --deploy --fail-level WARNING
	$(BIN)/bandit -q -c pyproject.toml -r portal devices incidents policy api

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The force-scale benchmark: PostgreSQL at BENCH_DATABASE_URL; BENCH_SCALE=0.1 for a quick run.
# The seed is kept in that database (a marker row), so a second run starts measuring at once.
bench: export BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kitbag_bench
# wrk (Debian's package) drives the HTTP throughput rows; installed here when absent, as .ci/run installs chromium.
bench: $(VENV)/.run-deps
	@command -v wrk >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m bench

# The scale sweep (bench.sweep): pages, counter, exports and a 10,000-step timer sweep at each scale,
# each on its own cached seed (scale 1 shares kitbag_bench); the growth table goes into bench/results.md.
bench-sweep: export BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kitbag_bench
bench-sweep: export BENCH_SWEEP ?= 0.25,1,2
bench-sweep: $(VENV)/.run-deps
	$(PY) -m bench

# The fault drills: tests marked `drill`, left out of `make test`, with real Celery
# workers and beat on a private PostgreSQL that .ci/drills starts (port KITBAG_DRILL_PG_PORT,
# default 55433) and Redis at CELERY_BROKER_URL; the numbers go to KITBAG_DRILL_RESULTS
# (var/drills/results.jsonl) and print as a table. PYTEST_ARGS narrows it, e.g. -k burst.
drills: $(VENV)/.dev-deps
	PY=$(PY) bash .ci/drills

# Rebuild static/css/kitbag.css and the GOV.UK Frontend files from npm (needs Node.js).
assets:
	npm ci --no-audit --no-fund
	npm run build

clean:
	rm -rf var/broker var/celerybeat-schedule* staticfiles
