"""The Rasa server runs backup_rasa.speedups; its NLU must read every message exactly as Rasa's own
code does, so the evaluation numbers (measured by `rasa test`, without the speedups) hold for it."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.evaluation.__main__ import HELD_BACK
from bot.stack import ROOT

pytestmark = pytest.mark.integration

# Rasa's own code, in a process of its own: nothing here imports backup_rasa.speedups.
REFERENCE = """
import asyncio, json, logging, sys
from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog
configure_structlog(logging.WARNING)
agent = Agent.load(sys.argv[1])
texts = json.load(sys.stdin)
async def parse_all():
    return [await agent.parse_message(text) for text in texts]
parses = asyncio.run(parse_all())
print("PARSES " + json.dumps([parse["intent_ranking"] for parse in parses]))
"""


def test_the_server_reads_every_held_back_message_as_rasa_does(stack):
    texts = [message.get("text") for message in load_data(str(ROOT / HELD_BACK)).intent_examples]
    reference = subprocess.run(
        [sys.executable, "-c", REFERENCE, str(ROOT / "models" / "backup.tar.gz")], input=json.dumps(texts),
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=600,
    )
    expected = json.loads(next(line for line in reference.stdout.splitlines() if line.startswith("PARSES "))[7:])
    s = stack.settings
    with httpx.Client(base_url=s.rasa_url, params={"token": s.rasa_token}, timeout=30) as rasa:
        served = [rasa.post("/model/parse", json={"text": text}).json()["intent_ranking"] for text in texts]
    assert len(texts) > 400
    for text, ours, theirs in zip(texts, served, expected):
        assert [i["name"] for i in ours] == [i["name"] for i in theirs], text
        assert [i["confidence"] for i in ours] == pytest.approx([i["confidence"] for i in theirs], abs=1e-12), text
