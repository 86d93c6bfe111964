import logging

import pytest
import rasa
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from backup_rasa import speedups


def as_held() -> dict:
    """Each attribute the speedups patch, as its class holds it."""
    return {(owner, name): owner.__dict__[name] for owner, name, _ in speedups.patches()}


def test_revert_puts_back_exactly_what_rasa_had():
    rasa_own = as_held()
    speedups.apply()
    speedups.apply()  # the second finds them applied, so one revert undoes both
    assert all(held is not rasa_own[key] for key, held in as_held().items())
    speedups.revert()
    assert all(held is rasa_own[key] for key, held in as_held().items())


def test_another_rasa_version_is_left_alone_with_one_warning(monkeypatch, caplog):
    rasa_own = as_held()
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with caplog.at_level(logging.WARNING, logger=speedups.__name__):
        speedups.apply()
    assert all(held is rasa_own[key] for key, held in as_held().items())
    assert [record.levelno for record in caplog.records] == [logging.WARNING]


def test_resolving_event_types_is_cached_and_still_right():
    speedups.apply()
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


def test_an_action_answer_is_judged_as_rasas_own_check_judges_it():
    action = RemoteAction("action_show_local_contacts", None)
    good = {"events": [], "responses": [{"json_message": {"type": "contacts"}}]}
    bad = {"events": [{"no_event_key": 1}], "responses": "not a list"}
    with pytest.raises(ValidationError) as rasas:
        action._validate_action_result(bad)
    speedups.apply()
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(bad)
    assert str(ours.value) == str(rasas.value)  # Rasa's message, with its pointer to the docs
