# Outpost: `make demo` to try it, `make test` to check it. Needs only Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1:8000
# The production-stack test (nginx, gunicorn on PostgreSQL) and the Citus cluster's tests
# (`make test-citus`) run in .ci/run, after the suites.
PYTEST_ARGS ?= -m "not deploy and not citus"

.PHONY: demo test test-citus install system-packages lint migrate messages bench jiangsu clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/outpost migrate --verbosity 0

# The demo serves as a deployment does (with the sweep and the 110 call model's retraining, every
# 15 minutes here, beside it): residents see our Chinese error pages, never Django's
# debug pages, and static files are collected and sent by WhiteNoise.
DEMO_ENV := OUTPOST_DEBUG=false

demo: migrate
	$(BIN)/outpost demo
	env $(DEMO_ENV) $(BIN)/outpost collectstatic --noinput --verbosity 0
	env $(DEMO_ENV) $(BIN)/outpost db_worker & worker=$$!; \
	env $(DEMO_ENV) $(BIN)/outpost cases sweep --loop 300 & sweeper=$$!; \
	env $(DEMO_ENV) $(BIN)/outpost calls retrain --loop 900 & retrainer=$$!; \
	trap 'kill $$worker $$sweeper $$retrainer' EXIT INT TERM; \
	env $(DEMO_ENV) $(BIN)/outpost runserver $(HOST)

system-packages:
	bash .ci/system-packages

# pytest lists the slowest tests after every run, so CI's time can be watched as it grows.
test: install system-packages
	$(BIN)/ruff check outpost tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/outpost makemigrations --check --dry-run --verbosity 0
	$(BIN)/python -m pytest --durations=25 $(PYTEST_ARGS)

# Outpost on a 3-node Citus cluster built from ../shared/vendor/citus (docs/scale.md); as root.
test-citus: install
	bash .ci/citus

lint: install
	$(BIN)/ruff check outpost tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

messages: install
	cd outpost && ../$(BIN)/outpost makemessages -l zh_Hans --no-obsolete && ../$(BIN)/outpost compilemessages -l zh_Hans

bench: install
	$(BIN)/python bench/locate.py
	$(BIN)/python bench/address_match.py
	$(BIN)/python bench/registry_import.py
	$(BIN)/python bench/divert.py
	$(BIN)/python bench/fieldwork_sync.py
	$(BIN)/python bench/fieldwork_due.py

# 1/10 江苏 (bench/jiangsu): generate, load through the importers, and the scale benchmarks.
# FRACTION=1 is the whole 1/10 province (hours on this machine); 0.01 takes about a minute each.
FRACTION ?= 0.01
jiangsu: install
	$(BIN)/python bench/jiangsu/load.py --fraction $(FRACTION)
	$(BIN)/python bench/jiangsu/point_locate.py --fraction $(FRACTION)
	$(BIN)/python bench/jiangsu/persons_import.py --fraction $(FRACTION)
	$(BIN)/python bench/jiangsu/address_scale.py --fraction $(FRACTION)
	$(BIN)/python bench/access_log_prune.py

clean:
	rm -rf $(VENV) var
