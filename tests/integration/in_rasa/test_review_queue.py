"""The trainers' review queue on a real stack: what reaches it from a chat, and the export."""

from __future__ import annotations

import json
import os
import subprocess
import time

import httpx
import pytest
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.review.queue import PREFIX, SECONDS_A_DAY
from bot.stack import GATEWAY_BIN, ROOT

from ..conftest import REVIEW_DELAY, chat_with

pytestmark = pytest.mark.integration

# Unclear on purpose, and full of personal details.
UNCLEAR = [
    "Tell Sgt Okonkwo my collar number is 4521 and ring 07700 900123 about the Zorblax thing",
    "jamie.fox@example.org wants the Zorblax paperwork for NE1 4ST",
]
PERSONAL = ["Okonkwo", "4521", "07700", "900123", "jamie.fox", "example.org", "NE1 4ST"]


def review_items(client) -> dict[str, dict]:
    """What the queue holds once the channel has judged every message sent so far."""
    time.sleep(REVIEW_DELAY + 1.5)
    return {key: json.loads(client.get(key)) for key in client.scan_iter(PREFIX + "*")}


@pytest.fixture
def empty_queue(stack, redis_client):
    for key in redis_client.scan_iter(PREFIX + "*"):
        redis_client.delete(key)


def understood(stack, text: str) -> dict:
    response = httpx.post(f"{stack.settings.rasa_url}/model/parse", params={"token": stack.settings.rasa_token},
                          json={"text": text}, timeout=30)
    response.raise_for_status()
    return response.json()["intent"]


def test_the_unclear_messages_are_assumed_unclear_by_the_model(stack):
    for text in UNCLEAR:
        intent = understood(stack, text)
        assert intent["name"] == "nlu_fallback" or intent["confidence"] < stack.settings.review_confidence_below


def test_unclear_messages_are_kept_redacted_unlinked_and_expiring(stack, redis_client, empty_queue):
    send = chat_with(stack.settings.gateway_url)
    send("hello")
    for text in UNCLEAR:
        send(text)
    items = review_items(redis_client)

    assert len(items) == len(UNCLEAR)
    stored = " ".join(json.dumps(value) for value in items.values())
    for detail in PERSONAL:
        assert detail not in stored
    for placeholder in ("<name>", "<collar number>", "<phone>", "<email>", "<postcode>"):
        assert placeholder in stored
    assert send.session["id"] not in stored and not any(send.session["id"] in key for key in items)
    assert all(set(value) == {"text", "guess", "confidence"} for value in items.values())
    for key in items:
        assert 2 * SECONDS_A_DAY - 60 < redis_client.ttl(key) <= 2 * SECONDS_A_DAY


def test_nothing_from_a_conversation_about_risk_reaches_the_queue(stack, redis_client, empty_queue):
    concern = chat_with(stack.settings.gateway_url)
    concern("i can't cope anymore")
    concern(UNCLEAR[0])
    crisis = chat_with(stack.settings.gateway_url)
    crisis(f"i want to kill myself, {UNCLEAR[1]}")
    crisis(UNCLEAR[1])
    assert review_items(redis_client) == {}


def test_a_conversation_cleared_before_the_judgement_leaves_nothing(stack, redis_client, empty_queue):
    send = chat_with(stack.settings.gateway_url)
    send(UNCLEAR[0])
    assert httpx.delete(f"{stack.settings.gateway_url}/api/chat/{send.session['id']}").status_code == 204
    assert review_items(redis_client) == {}


def test_the_export_is_a_draft_nlu_file_and_empties_the_queue(stack, redis_client, empty_queue, tmp_path):
    send = chat_with(stack.settings.gateway_url)
    for text in UNCLEAR:
        send(text)
    kept = sorted(value["text"] for value in review_items(redis_client).values())
    draft = tmp_path / "draft.yml"

    subprocess.run([str(GATEWAY_BIN / "python"), "-m", "bot.review", "export", "--out", str(draft)], cwd=ROOT, check=True,
                   env={**os.environ, "REDIS_URL": stack.settings.redis_url}, capture_output=True)

    examples = RasaYAMLReader().read(str(draft)).intent_examples
    assert sorted(message.get("text") for message in examples) == kept
    assert all(message.get("intent") not in {"nlu_fallback", "risk_crisis", "risk_concern"} for message in examples)
    assert review_items(redis_client) == {}
