import json

import pytest
from rasa.core.tracker_store import RedisTrackerStore
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from backup_rasa import speedups


DOMAIN = Domain.from_dict({"slots": {"tips_given": {"type": "float", "mappings": [{"type": "custom"}]}}})


def conversation(*events: Event) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("someone", list(events), slots=DOMAIN.slots)


class FakeRedis:
    def __init__(self):
        self.values, self.expiries = {}, {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, ex=None):
        self.values[key], self.expiries[key] = value.encode(), ex


def test_resolving_event_types_is_cached_and_still_right():
    speedups.apply()
    speedups.apply()  # idempotent
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("no-such-event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type.cache_info().currsize >= 3
    events = [Event.from_parameters({"event": "slot", "name": "x", "value": 1})]
    assert events == [SlotSet("x", 1)]


def node(needs: dict, is_target: bool = False) -> SchemaNode:
    return SchemaNode(needs=needs, uses=object, constructor_name="load", fn="run", config={}, is_target=is_target)


def test_the_nodes_a_target_needs_are_worked_out_once_and_right():
    speedups.apply()
    schema = GraphSchema({"a": node({}), "b": node({"x": "a"}), "c": node({"x": "a", "y": "b"}, True),
                          "d": node({})})
    first = schema.minimal_graph_schema(["c"])
    assert set(first.nodes) == {"a", "b", "c"}
    assert schema.minimal_graph_schema(["c"]) is first
    assert set(schema.minimal_graph_schema(["d"]).nodes) == {"d"}
    assert set(schema.minimal_graph_schema().nodes) == {"a", "b", "c"}  # the targets, uncached


def store_with(merges: list) -> RedisTrackerStore:
    async def merge(self, tracker, timeout=None):
        merges.append(tracker.sender_id)

    store = RedisTrackerStore(DOMAIN, record_exp=30)
    store.red = FakeRedis()
    store.save = speedups.save_without_replay(merge).__get__(store)
    return store


def a_turn(text: str) -> list[Event]:
    parse = {"text": text, "intent": {"name": "greet", "confidence": 0.912345678},
             "intent_ranking": [{"name": "greet", "confidence": 0.912345678}], "entities": []}
    return [UserUttered(text, parse["intent"], parse_data=parse, message_id="m" + text),
            ActionExecuted("utter_greet", policy="RulePolicy", confidence=1.0),
            BotUttered("Hello", {"buttons": [{"title": "Call", "payload": "/call"}]}, {"utter_action": "utter_greet"}),
            SlotSet("tips_given", 1.0), ActionExecuted("action_listen")]


async def test_a_conversation_read_back_and_extended_is_saved_without_a_merge():
    merges: list = []
    store = store_with(merges)
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
    store = store_with([])
    tracker = conversation(ActionExecuted("action_session_start"), SessionStarted(), *a_turn("hi"))
    await store.save(tracker)
    assert store.saved_events == {"mhi": tracker.as_dialogue().as_dict()["events"]}
    for index in range(speedups.SAVED_LIMIT + 5):  # nobody takes them: only the latest are kept
        await store.save(DialogueStateTracker.from_events(f"person {index}", a_turn(f"{index}"), slots=DOMAIN.slots))
    assert len(store.saved_events) == speedups.SAVED_LIMIT and "mhi" not in store.saved_events
    assert f"m{speedups.SAVED_LIMIT + 4}" in store.saved_events


async def test_a_stored_conversation_that_is_not_the_start_of_the_new_one_is_merged():
    merges: list = []
    store = store_with(merges)
    await store.save(conversation(*a_turn("from an earlier session")))
    await store.save(conversation(*a_turn("hi")))
    assert merges == ["someone"]
    assert list(store.saved_events) == ["mfrom an earlier session"]  # not the merged conversation's


@pytest.mark.parametrize("stored, name, events, expected", [
    ({"name": "a", "events": [{"e": 1}]}, "a", [{"e": 1}, {"e": 2}], True),
    ({"name": "a", "events": []}, "a", [{"e": 1}], True),
    ({"name": "a", "events": [{"e": 1}]}, "b", [{"e": 1}], False),
    ({"name": "a", "events": [{"e": 1}, {"e": 2}]}, "a", [{"e": 1}], False),
    ({"name": "a", "events": [{"e": 1.5}]}, "a", [{"e": 1.25}], False),
])
def test_starts(stored, name, events, expected):
    assert speedups.starts(json.dumps(stored), {"name": name, "events": events}) is expected


def test_graphs_run_in_order_give_what_dask_gives():
    import dask

    calls: list = []

    def node(name):
        def run(*needs):
            calls.append(name)
            return name, [value for _, value in needs] or [name]
        return run

    graph = {"a": (node("a"),), "b": (node("b"), "a", "__input__"), "c": (node("c"), "a", "b"),
             "__input__": ("__input__", "typed")}
    ours = speedups.run_in_order(graph, ["c", "b"])
    assert calls.count("a") == 1  # each node once, though two need it
    calls.clear()
    assert ours == list(dask.get(graph, ["c", "b"]))


def test_the_intent_classifier_scores_the_same_with_column_major_weights():
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = csr_matrix(rng.integers(0, 2, size=(60, 40)).astype(float))
    classifier = LogisticRegression(max_iter=200).fit(X, rng.integers(0, 3, size=60))
    before = classifier.predict_proba(X)

    class Component:
        @classmethod
        def load(cls):
            component = cls()
            component.clf = classifier
            return component

    Component.load = speedups.with_column_major_weights(Component.load)
    assert Component.load().clf.coef_.T.flags["C_CONTIGUOUS"]  # so scipy need not copy it
    assert np.array_equal(classifier.predict_proba(X), before)


def test_one_messages_matrix_is_the_one_rasa_builds():
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from scipy.sparse import coo_matrix

    rasa_own = getattr(LogisticRegressionClassifier._create_X, "__wrapped__", LogisticRegressionClassifier._create_X)
    ours = speedups.one_message_matrix(rasa_own)
    message = Message(data={TEXT: "cant sleep"})
    for origin, row in (("words", [0, 2, 0, 1]), ("chars", [1, 0, 0, 3, 0, 1])):
        message.add_features(Features(coo_matrix(np.array([row])), FEATURE_TYPE_SENTENCE, TEXT, origin))
        message.add_features(Features(coo_matrix(np.ones((2, len(row)))), FEATURE_TYPE_SEQUENCE, TEXT, origin))
    expected, got = rasa_own(None, [message]), ours(None, [message])
    assert got.shape == expected.shape == (1, 10) and got.dtype == expected.dtype
    assert (got != expected).nnz == 0 and got.format == "csr"
    two = [message, message]  # more than one message: Rasa's own code
    assert (ours(None, two) != rasa_own(None, two)).nnz == 0
    # Dense sentence features (the sentence encoder's) go after the sparse ones, as in Rasa's code.
    message.add_features(Features(np.array([[0.5, 0.0, 0.25]]), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
    message.add_features(Features(np.ones((2, 3)), FEATURE_TYPE_SEQUENCE, TEXT, "dense"))
    expected, got = rasa_own(None, [message]), ours(None, [message])
    assert got.shape == expected.shape == (1, 13) and got.format == "csr"
    assert np.array_equal(got.toarray(), expected.toarray())
    assert got.toarray()[0, 10:].tolist() == [0.5, 0.0, 0.25]
    only_dense = Message(data={TEXT: "cant sleep"})
    only_dense.add_features(Features(np.array([[0.1, 0.2]]), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
    assert np.array_equal(ours(None, [only_dense]).toarray(), rasa_own(None, [only_dense]).toarray())
