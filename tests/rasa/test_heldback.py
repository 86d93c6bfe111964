"""The held-back set stays apart from the training data, and covers every intent the bot answers."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.shared.nlu.training_data.loading import load_data

from bot.evaluation.__main__ import HELD_BACK
from bot.risk.rules import RISK_INTENTS

ROOT = Path(__file__).resolve().parents[2]


def examples(path: Path) -> dict[str, set[str]]:
    by_intent: dict[str, set[str]] = {}
    for message in load_data(str(path)).intent_examples:
        by_intent.setdefault(message.get("intent"), set()).add(" ".join(message.get("text").lower().split()))
    return by_intent


def test_no_held_back_message_is_also_a_training_example():
    training = set().union(*examples(ROOT / "data/nlu").values())
    held_back = set().union(*examples(ROOT / HELD_BACK).values())
    assert held_back & training == set()


def test_every_intent_the_bot_answers_has_at_least_ten_held_back_messages():
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"]) - set(RISK_INTENTS)
    counts = {intent: len(texts) for intent, texts in examples(ROOT / HELD_BACK).items()}
    assert {intent for intent in intents if counts.get(intent, 0) < 10} == set()
    assert set(counts) <= intents
