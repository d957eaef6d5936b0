# 1022 helpdesk: two runtimes, one command to run, one to test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.10 for the bot runtime (Rasa 3.6), 3.11+ for the app runtime (3.11 first: the version its lock
# is tested on). Override: make PY310=/path/python3.10
PY310 ?= $(shell for c in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$c" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$c"; break; }; done)
PY311 ?= $(shell for c in python3.11 python3.12 python3.13 python3; do \
	"$$c" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null && { echo "$$c"; break; }; done)

BOT_VENV := .venv-bot
APP_VENV := .venv
BOT_PY := $(BOT_VENV)/bin/python
APP_PY := $(APP_VENV)/bin/python
RASA := $(BOT_VENV)/bin/rasa
export PYTHONPATH := $(CURDIR)
export DATABASE_URL ?= sqlite:///$(CURDIR)/var/helpdesk.sqlite3
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
API_PORT ?= 8080

.PHONY: help venvs lock model seed secrets run chat test test-app test-bot test-stories test-e2e validate lint format bench fuzz clean

help:
	@echo "make run    - create venvs if missing, train the model if stale, start everything (SQLite)"
	@echo "make chat   - talk to the bot in the terminal"
	@echo "make test   - lint, unit and integration tests, data validation, conversation tests"
	@echo "make test-e2e - end-to-end conversations over the REST webhook (real Rasa + actions)"
	@echo "make bench  - benchmarks; writes docs/benchmarks.md"
	@echo "make fuzz   - the API under schemathesis for 10 minutes a backend (make test: 75 s)"
	@echo "make lint   - ruff"
	@echo "make lock   - re-resolve the app runtime's dependencies into requirements-app.lock"

$(BOT_VENV)/.installed: requirements-bot.txt
	@test -n "$(PY310)" || { echo "Python 3.10 not found: install it (e.g. pyenv install 3.10) or pass PY310=..."; exit 1; }
	"$(PY310)" -m venv $(BOT_VENV)
	# -I: neither PYTHONPATH nor the working directory, where the app runtime's editable install leaves
	# its metadata (pip would check the bot's packages against the app's requirements and complain)
	$(BOT_PY) -I -m pip install --quiet --upgrade pip
	$(BOT_PY) -I -m pip install --quiet -r requirements-bot.txt
	touch $@

# The app runtime installs exactly what requirements-app.lock says (hashes checked), then the project itself.
$(APP_VENV)/.installed: pyproject.toml requirements-app.lock
	@test -n "$(PY311)" || { echo "Python 3.11+ not found"; exit 1; }
	"$(PY311)" -m venv $(APP_VENV)
	$(APP_PY) -m pip install --quiet --upgrade pip
	$(APP_PY) -m pip install --quiet --require-hashes -r requirements-app.lock
	$(APP_PY) -m pip install --quiet --no-deps -e .
	touch $@

# Re-resolves the app runtime's dependencies (pyproject.toml, dev extra included) into requirements-app.lock.
# Upgrade one package: make lock LOCK_ARGS='--upgrade-package aiohttp'
lock: $(APP_VENV)/.installed
	$(APP_VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --no-emit-index-url --quiet $(LOCK_ARGS) -o requirements-app.lock

venvs: $(BOT_VENV)/.installed $(APP_VENV)/.installed

model: $(BOT_VENV)/.installed
	@$(BOT_PY) -m bot.training

# Prepares the embedded SQLite database: schema, directory, catalogue, sample dossiers.
seed: $(APP_VENV)/.installed
	@mkdir -p var
	@$(APP_PY) -m ticketing.cli seed
	@$(APP_PY) -m knowledge.cli seed

# Secrets of the embedded run, generated once under var/ (mode 600): the key the hub signs the citizen's
# identity with (checked by the action server) and the token of Rasa's HTTP API.
secrets:
	@mkdir -p var
	@$(APP_PY) -c 'from pathlib import Path; from channels.identity import create_key_file; create_key_file(Path("var/hub.key"))'
	@test -s var/rasa.token || (umask 077 && $(APP_PY) -c 'import secrets; print(secrets.token_urlsafe(32))' > var/rasa.token)
	@sed 's|127.0.0.1:5055/|127.0.0.1:$(ACTIONS_PORT)/|' bot/endpoints.yml > var/endpoints.yml

# Rasa (token-protected API, loopback), the action server (loopback) and the one application server
# (hub + web chat + agents' API + ticketing API) on 127.0.0.1:$(API_PORT). The embedded run is plain HTTP on
# loopback, so its session cookies are not `Secure` (HELPDESK_COOKIE_SECURE=1 to keep them so).
define START_ALL
MODEL=$$($(BOT_PY) -m bot.training --check) && \
	export HELPDESK_HUB_KEY_FILE=$(CURDIR)/var/hub.key HUB_RASA_URLS=http://127.0.0.1:$(RASA_PORT) && \
	export HELPDESK_COOKIE_SECURE=$${HELPDESK_COOKIE_SECURE:-0} && \
	trap 'kill 0' INT TERM EXIT; \
	SANIC_HOST=127.0.0.1 $(APP_PY) -m rasa_sdk --actions actions \
		--port $(ACTIONS_PORT) $(1) > var/actions.log 2>&1 & \
	$(RASA) run --enable-api --auth-token "$$(cat var/rasa.token)" --interface 127.0.0.1 --port $(RASA_PORT) \
		--model "$$MODEL" --endpoints var/endpoints.yml --credentials bot/credentials.yml > var/rasa.log 2>&1 & \
	$(APP_PY) -m channels --host 127.0.0.1 --port $(API_PORT) > var/app.log 2>&1 &
endef

run: venvs model seed secrets
	@$(call START_ALL,) \
	echo "Starting Rasa (127.0.0.1:$(RASA_PORT), token in var/rasa.token), actions (127.0.0.1:$(ACTIONS_PORT)), hub + API (127.0.0.1:$(API_PORT)); logs in var/*.log"; \
	$(APP_PY) -c 'import sys; from channels.terminal_chat import wait_for_server; sys.exit(0 if wait_for_server("http://127.0.0.1:$(RASA_PORT)/", 300) else 1)' && \
	echo "Web chat: http://127.0.0.1:$(API_PORT)/webchat/   (agents' API and OpenAPI: http://127.0.0.1:$(API_PORT)/api/openapi.json). Ctrl-C stops all."; \
	wait

# Talks through the hub: the one `make run` started, or its own (stopped when the chat ends).
chat: venvs model seed secrets
	@if $(APP_PY) -c 'import sys, urllib.request; urllib.request.urlopen("http://127.0.0.1:$(API_PORT)/webchat/api/places", timeout=2)' 2>/dev/null; then \
		$(APP_PY) -m channels.terminal_chat --url http://127.0.0.1:$(API_PORT); \
	else \
		$(call START_ALL,--quiet) \
		$(APP_PY) -m channels.terminal_chat --url http://127.0.0.1:$(API_PORT); \
	fi

lint: $(APP_VENV)/.installed
	$(APP_VENV)/bin/ruff check .
	$(APP_VENV)/bin/ruff format --check .

format: $(APP_VENV)/.installed
	$(APP_VENV)/bin/ruff format .
	$(APP_VENV)/bin/ruff check --fix .

validate: $(BOT_VENV)/.installed
	$(RASA) data validate --fail-on-warnings --config config.yml --domain bot/domain --data nlu_data bot/rules bot/stories

test-app: $(APP_VENV)/.installed model
	$(APP_VENV)/bin/pytest -q -p no:cacheprovider --ignore=tests/bot --ignore=tests/e2e

test-bot: model
	HELPDESK_MODEL=$$($(BOT_PY) -m bot.training --check) $(BOT_VENV)/bin/pytest -q -p no:cacheprovider tests/bot

test-stories: model
	@mkdir -p var/test-results
	$(RASA) test core --model "$$($(BOT_PY) -m bot.training --check)" --stories tests/stories \
		--endpoints bot/endpoints.yml --fail-on-prediction-errors --out var/test-results/stories

# Whole conversations over the REST webhook: real Rasa + action server on free ports, fresh seeded SQLite.
test-e2e: model $(APP_VENV)/.installed
	HELPDESK_MODEL=$$($(BOT_PY) -m bot.training --check) $(APP_VENV)/bin/pytest -q -p no:cacheprovider tests/e2e

# The API under schemathesis for longer than make test gives it (which runs the same test, 75 s a backend).
fuzz: $(APP_VENV)/.installed
	HELPDESK_FUZZ_SECONDS=$${HELPDESK_FUZZ_SECONDS:-600} $(APP_VENV)/bin/pytest -q -p no:cacheprovider \
		tests/hardening/test_schemathesis.py

test: lint test-app validate test-bot test-stories test-e2e
	@echo "make test: all suites passed"

bench: venvs model
	@mkdir -p docs
	$(BOT_PY) tests/bench/bench_nlu.py --from-make
	$(APP_PY) tests/bench/bench_knowledge.py
	$(APP_PY) tests/bench/bench_ticketing.py
	$(APP_PY) tests/bench/bench_hardening.py
	$(APP_PY) tests/bench/bench_conversations.py --from-make
	$(APP_PY) tests/bench/bench_hub.py
	$(APP_PY) tests/bench/bench_channels.py

clean:
	rm -rf var/test-results models/*.tar.gz
