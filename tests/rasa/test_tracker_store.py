import json
from pathlib import Path

import pytest
from rasa.core import tracker_store as rasa_stores
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from backup_rasa.tracker_store import SAVED_LIMIT, RedisTrackerStore, starts
from bot.redis_connection import REPLICA_ACK_TIMEOUT_MS, TIMEOUT_SECONDS, NotReplicated

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.from_dict({"slots": {"tips_given": {"type": "float", "mappings": [{"type": "custom"}]}}})


def conversation(*events: Event) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("someone", list(events), slots=DOMAIN.slots)


class FakeRedis:
    def __init__(self):
        self.values, self.expiries = {}, {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, ex=None):
        self.values[key], self.expiries[key] = value, ex


class ReplicatedRedis(FakeRedis):
    """Answers WAIT with how many replicas confirmed, as a master with `replicas` would."""

    def __init__(self, replicas: int):
        super().__init__()
        self.replicas, self.waits = replicas, []

    def wait(self, wanted, timeout_ms):
        self.waits.append((wanted, timeout_ms, dict(self.values)))
        return min(wanted, self.replicas)


@pytest.fixture
def merges(monkeypatch) -> list:
    """The conversations handed to Rasa's own save (its read, replay and merge)."""
    handed: list = []
    rasa_save = rasa_stores.RedisTrackerStore.save

    async def save(self, tracker, timeout=None):
        handed.append(tracker.sender_id)
        await rasa_save(self, tracker, timeout)

    monkeypatch.setattr(rasa_stores.RedisTrackerStore, "save", save)
    return handed


def a_store() -> RedisTrackerStore:
    store = RedisTrackerStore(DOMAIN, record_exp=30)
    store.red = FakeRedis()
    return store


def a_turn(text: str) -> list[Event]:
    parse = {"text": text, "intent": {"name": "greet", "confidence": 0.912345678},
             "intent_ranking": [{"name": "greet", "confidence": 0.912345678}], "entities": []}
    return [UserUttered(text, parse["intent"], parse_data=parse, message_id="m" + text),
            ActionExecuted("utter_greet", policy="RulePolicy", confidence=1.0),
            BotUttered("Hello", {"buttons": [{"title": "Call", "payload": "/call"}]}, {"utter_action": "utter_greet"}),
            SlotSet("tips_given", 1.0), ActionExecuted("action_listen")]


def test_rasa_builds_it_from_endpoints_yml_with_the_settings_of_its_own_redis_store(monkeypatch):
    for name, value in {"REDIS_HOST": "redis.internal", "REDIS_PORT": "6380", "REDIS_DB": "2",
                        "REDIS_PASSWORD": "not-a-secret", "CONVERSATION_TTL_SECONDS": "900",
                        "REDIS_SENTINELS": "", "REDIS_MASTER_NAME": "backup", "REDIS_REPLICAS_TO_ACK": "0",
                        "ACTION_SERVER_URL": "http://127.0.0.1:1/webhook", "ACTION_SERVER_TOKEN": "t"}.items():
        monkeypatch.setenv(name, value)
    endpoint = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    ours = rasa_stores.TrackerStore.create(endpoint, DOMAIN)
    assert type(ours) is RedisTrackerStore  # not the in-memory store Rasa falls back to on an import error
    endpoint.type = "redis"
    rasa_own = rasa_stores.TrackerStore.create(endpoint, DOMAIN)
    assert type(rasa_own) is rasa_stores.RedisTrackerStore

    def settings(store):
        connection = store.red.connection_pool.connection_kwargs
        return ({key: str(connection[key]) for key in ("host", "port", "db", "password")},
                store.record_exp, store.key_prefix, store.domain)

    assert settings(ours) == settings(rasa_own)
    assert settings(ours)[:3] == ({"host": "redis.internal", "port": "6380", "db": "2", "password": "not-a-secret"},
                                  "900", "backup:tracker:")
    assert ours.red.connection_pool.connection_kwargs["socket_timeout"] == TIMEOUT_SECONDS
    assert ours.replicas_to_ack == 0


async def test_a_conversation_read_back_and_extended_is_saved_without_a_merge(merges):
    store = a_store()
    tracker = conversation(ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                           *a_turn("hi"))
    await store.save(tracker)
    again = await store.retrieve("someone")  # what the processor does on the next message
    for event in a_turn("and again"):
        again.update(event)
    await store.save(again)
    assert merges == []
    key = store.key_prefix + "someone"
    saved = json.loads(store.red.get(key))
    assert saved == again.as_dialogue().as_dict()
    assert len(saved["events"]) == 13 and store.red.expiries[key] == 30


async def test_the_events_saved_are_kept_for_the_channel_by_message():
    store = a_store()
    tracker = conversation(ActionExecuted("action_session_start"), SessionStarted(), *a_turn("hi"))
    await store.save(tracker)
    assert store.saved_events == {"mhi": tracker.as_dialogue().as_dict()["events"]}
    assert store.take_saved_events("mhi") == tracker.as_dialogue().as_dict()["events"]
    assert store.take_saved_events("mhi") is None  # taken, so they do not pile up
    for index in range(SAVED_LIMIT + 5):  # nobody takes them: only the latest are kept
        await store.save(DialogueStateTracker.from_events(f"person {index}", a_turn(f"{index}"), slots=DOMAIN.slots))
    assert len(store.saved_events) == SAVED_LIMIT and "m0" not in store.saved_events
    assert f"m{SAVED_LIMIT + 4}" in store.saved_events


async def test_a_stored_conversation_that_is_not_the_start_of_the_new_one_is_merged_by_rasa(merges):
    store = a_store()
    await store.save(conversation(*a_turn("from an earlier session")))
    await store.save(conversation(*a_turn("hi")))
    assert merges == ["someone"]
    assert list(store.saved_events) == ["mfrom an earlier session"]  # not the merged conversation's
    assert store.red.expiries[store.key_prefix + "someone"] == 30


@pytest.mark.parametrize("stored, name, events, expected", [
    ({"name": "a", "events": [{"e": 1}]}, "a", [{"e": 1}, {"e": 2}], True),
    ({"name": "a", "events": []}, "a", [{"e": 1}], True),
    ({"name": "a", "events": [{"e": 1}]}, "b", [{"e": 1}], False),
    ({"name": "a", "events": [{"e": 1}, {"e": 2}]}, "a", [{"e": 1}], False),
    ({"name": "a", "events": [{"e": 1.5}]}, "a", [{"e": 1.25}], False),
])
def test_starts(stored, name, events, expected):
    assert starts(json.dumps(stored), {"name": name, "events": events}) is expected


async def test_with_replicas_to_ack_a_save_returns_once_a_replica_confirmed_what_it_wrote():
    store = RedisTrackerStore(DOMAIN, record_exp=30, replicas_to_ack="1")  # endpoints.yml gives a string
    store.red = ReplicatedRedis(replicas=1)
    tracker = conversation(*a_turn("hi"))
    await store.save(tracker)
    key = store.key_prefix + "someone"
    assert store.red.waits == [(1, REPLICA_ACK_TIMEOUT_MS, {key: json.dumps(tracker.as_dialogue().as_dict())})]


async def test_a_save_no_replica_confirmed_fails_so_nobody_is_told_it_was_kept(merges):
    store = RedisTrackerStore(DOMAIN, record_exp=30, replicas_to_ack=1)
    store.red = ReplicatedRedis(replicas=0)
    with pytest.raises(NotReplicated):
        await store.save(conversation(*a_turn("hi")))
    with pytest.raises(NotReplicated):  # Rasa's merge is waited for too
        await store.save(conversation(*a_turn("another session")))
    assert merges == ["someone"] and len(store.red.waits) == 2


async def test_a_failed_save_rasas_fail_safe_store_swallows_still_fails_the_channels_answer():
    store = RedisTrackerStore(DOMAIN, record_exp=30, replicas_to_ack=1)
    store.red = ReplicatedRedis(replicas=0)
    await rasa_stores.FailSafeTrackerStore(store).save(conversation(*a_turn("hi")))  # as Rasa's agent wraps it
    with pytest.raises(NotReplicated):
        store.take_saved_events("mhi")
    store.red = ReplicatedRedis(replicas=1)
    await rasa_stores.FailSafeTrackerStore(store).save(conversation(*a_turn("hi")))
    assert store.take_saved_events("mhi") is not None


async def test_without_replicas_to_ack_nothing_waits():
    store = RedisTrackerStore(DOMAIN, record_exp=30)
    store.red = ReplicatedRedis(replicas=0)
    await store.save(conversation(*a_turn("hi")))
    assert store.red.waits == []
