"""Every Redis key prefix, from one place: the `key_prefix` in endpoints.yml, which Rasa's stores read.

Rasa's Redis tracker store keeps a conversation under `<key_prefix>:tracker:<sender id>`; the
gateway's own keys sit beside it under the same prefix, so one pattern finds everything Backup keeps.
"""

from __future__ import annotations

from pathlib import Path

import yaml

ENDPOINTS = Path(__file__).resolve().parent.parent / "endpoints.yml"


def read_prefix(endpoints: Path = ENDPOINTS) -> str:
    return str(yaml.safe_load(endpoints.read_text(encoding="utf-8"))["tracker_store"]["key_prefix"])


NAMESPACE = read_prefix()
TRACKER = f"{NAMESPACE}:tracker:"  # Rasa's RedisTrackerStore adds ":tracker:" to the prefix
RISK_STATE = f"{NAMESPACE}:risk:"
RATE_LIMITS = f"{NAMESPACE}:gw"
REVIEW = f"{NAMESPACE}:review:"
INSIGHT = f"{NAMESPACE}:insight:"  # one hash per UTC day and site: measure -> count (bot.insight)
EVERYTHING = f"{NAMESPACE}:*"
