"""Which messages the channel offers to the review queue, read from the conversation's tracker."""

from __future__ import annotations

import json
from types import SimpleNamespace

from rasa.core import tracker_store as rasa_stores
from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from backup_rasa.channel import authorised, handed_off, redis_store, review_item, session_events, this_session
from backup_rasa.tracker_store import RedisTrackerStore


def turn(text: str, intent: str, confidence: float, message_id: str) -> UserUttered:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "out_of_scope", "confidence": 0.1}]
    return UserUttered(text, {"name": intent, "confidence": confidence},
                       parse_data={"intent_ranking": ranking}, message_id=message_id)


def tracker(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("someone", list(events))


def test_a_fallback_message_is_offered_with_its_text_and_a_guess():
    item = review_item(tracker(turn("hi", "greet", 0.9, "a"), turn("parking?", "nlu_fallback", 0.7, "b")), "b", 0.5)
    assert item is not None and item.text == "parking?" and item.guess == "out_of_scope"


def test_only_the_message_just_handled_is_offered():
    conversation = tracker(turn("parking?", "nlu_fallback", 0.7, "a"), turn("hi", "greet", 0.9, "b"))
    assert review_item(conversation, "b", 0.5) is None


def test_nothing_from_a_conversation_that_touched_on_risk_is_offered():
    conversation = tracker(turn("i can't cope", "risk_concern", 1.0, "a"), turn("parking?", "nlu_fallback", 0.7, "b"))
    assert review_item(conversation, "b", 0.5) is None


def test_no_tracker_no_offer():
    assert review_item(None, "b", 0.5) is None


def stored(*events) -> list[dict]:
    """The events as the tracker store keeps them."""
    return tracker(*events).as_dialogue().as_dict()["events"]


def test_handed_off_once_the_handoff_was_uttered():
    assert not handed_off([])
    assert not handed_off(stored(turn("hi", "greet", 0.9, "a")))
    assert handed_off(stored(turn("x", "risk_crisis", 1.0, "a"), ActionExecuted("utter_handoff")))
    assert not handed_off(stored(turn("x", "risk_crisis", 1.0, "a"), ActionExecuted("utter_greet")))


def test_only_the_current_session_counts():
    earlier = stored(turn("x", "risk_crisis", 1.0, "a"), ActionExecuted("utter_handoff"))
    now = stored(ActionExecuted("action_session_start"), SessionStarted(), turn("hi", "greet", 0.9, "b"))
    assert this_session(earlier + now) == now[1:]
    assert this_session(earlier) == earlier
    assert not handed_off(this_session(earlier + now))


def test_backups_redis_store_is_found_inside_rasas_wrappers():
    inner = RedisTrackerStore(Domain.empty())
    assert redis_store(AwaitableTrackerStore(FailSafeTrackerStore(inner))) is inner
    assert redis_store(AwaitableTrackerStore(InMemoryTrackerStore(Domain.empty()))) is None
    assert redis_store(rasa_stores.RedisTrackerStore(Domain.empty())) is None  # no saved events to take


class CountingRedis:
    def __init__(self, value: str):
        self.value, self.reads = value, 0

    def get(self, key):
        self.reads += 1
        return self.value


async def test_the_handoff_is_looked_for_in_the_events_just_saved_else_in_redis():
    store = RedisTrackerStore(Domain.empty())
    store.red = CountingRedis(json.dumps({"name": "someone", "events": stored(turn("hi", "greet", 0.9, "a"))}))
    store.saved_events["b"] = stored(turn("x", "risk_crisis", 1.0, "b"), ActionExecuted("utter_handoff"))
    agent = SimpleNamespace(tracker_store=store)
    assert handed_off(await session_events(agent, "someone", "b")) and store.red.reads == 0
    assert not store.saved_events  # taken, so they do not pile up
    assert not handed_off(await session_events(agent, "someone", "b")) and store.red.reads == 1


def test_only_a_message_with_the_token_is_taken():
    assert authorised("Bearer s3cret", "s3cret")
    assert not authorised(None, "s3cret")
    assert not authorised("Bearer s3cre", "s3cret")
    assert not authorised("s3cret", "s3cret")
