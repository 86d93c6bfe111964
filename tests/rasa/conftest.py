"""Shared fixtures: Rasa unpatched after every test, a CollectingDispatcher and trackers for action tests."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from backup_rasa import speedups


@pytest.fixture(autouse=True)
def rasa_unpatched():
    """A test that applies the speedups (or builds the channel, which does) leaves Rasa as shipped."""
    yield
    speedups.revert()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(slots: dict[str, Any] | None = None, text: str = "", intent: str = "") -> Tracker:
    return Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def tracker_factory():
    return make_tracker
