"""Measured hot spots in Rasa 3.6, fixed where Rasa looks them up (profiles: BENCHMARKS.md).

Applied once, by the REST channel, in the Rasa process only; each keeps Rasa's behaviour. They
reach into Rasa's internals, so they are applied to Rasa 3.6 only (Rasa works without them), and
`revert` puts Rasa's own back (the tests do, so each sees Rasa as shipped).

- `Event.resolve_by_type` walks all of Event's subclasses (with `inspect.isabstract` on each) for
  every event read back from the tracker store. The answer for a type name never changes once
  Rasa is imported, so it is cached.
- The graph runner works out, on every NLU parse and every action prediction, which nodes its
  targets need, by a recursion that visits shared nodes again and again (~7% of Rasa's CPU). A
  loaded model's graph never changes, so the answer is cached per graph and target list.
- Every graph run (an NLU parse, each action prediction) goes through dask's scheduler, whose
  bookkeeping for a graph of ten nodes run one after another on one thread cost more than some of
  the nodes (~12%). The graph is run in the same order without it.
- scikit-learn scores a message as `X @ coef_.T`; with the row-major weights Rasa loads, scipy
  first copies the whole transposed weight matrix (vocabulary x intents), for every message. Column-
  major weights give the same numbers with no copy. And for one message, its matrix is its sentence
  features side by side (sparse, then dense, as Rasa orders them): Rasa's copy and join of the
  sequence features (unused by this classifier), hstack and vstack of one row, in scipy's general
  code, cost more than the scoring.
- A custom action's answer is checked against Rasa's response schema with jsonschema's
  `validate()`, which checks the schema itself and builds a validator on every call (~20% of
  Rasa's CPU in a run where one message in seven runs a custom action). The schema never changes:
  it is checked and compiled once; an answer that fails still goes through Rasa's own check, for
  Rasa's error.

The Redis tracker store's save is Backup's own class (backup_rasa.tracker_store), not a patch.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import jsonschema
import numpy as np
import rasa
from dask.core import istask
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.core.events import Event
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import coo_matrix, csr_matrix

logger = logging.getLogger(__name__)

# While applied: each patched attribute as its class held it (a staticmethod or classmethod as such).
ORIGINALS: dict[tuple[type, str], Any] = {}


def patches() -> list[tuple[type, str, Any]]:
    """Each patch: the class, the attribute, and what replaces it (built from Rasa's own)."""
    return [
        (Event, "resolve_by_type", staticmethod(functools.lru_cache(maxsize=256)(Event.resolve_by_type))),
        (GraphSchema, "minimal_graph_schema", cached_minimal_schema(GraphSchema.minimal_graph_schema)),
        (DaskGraphRunner, "run", run_without_scheduler),
        (LogisticRegressionClassifier, "load", with_column_major_weights(LogisticRegressionClassifier.load)),
        (LogisticRegressionClassifier, "_create_X", one_message_matrix(LogisticRegressionClassifier._create_X)),
        (RemoteAction, "_validate_action_result", with_compiled_schema(RemoteAction._validate_action_result)),
    ]


def apply() -> None:
    if ORIGINALS:
        return
    if rasa.__version__.split(".")[:2] != ["3", "6"]:
        logger.warning("Rasa %s is not 3.6: its hot spots are left as they are.", rasa.__version__)
        return
    for owner, name, patched in patches():
        ORIGINALS[owner, name] = owner.__dict__[name]
        setattr(owner, name, patched)


def revert() -> None:
    while ORIGINALS:
        (owner, name), original = ORIGINALS.popitem()
        setattr(owner, name, original)


def cached_minimal_schema(original):
    @functools.wraps(original)
    def minimal_graph_schema(self: GraphSchema, targets: list[str] | None = None) -> GraphSchema:
        if not targets:  # training prunes throwaway schemas this way: nothing worth keeping
            return original(self, targets)
        cache = self.__dict__.setdefault("_minimal_schemas", {})
        key = tuple(targets)
        if key not in cache:
            cache[key] = original(self, targets)
        return cache[key]

    return minimal_graph_schema


def run_in_order(graph: dict[str, Any], targets: list[str]) -> list[Any]:
    """What `dask.get` returns for the graphs Rasa builds: each task, a tuple of a callable and the
    names of the nodes it needs, is called once on their results; anything else is a value."""
    results: dict[str, Any] = {}

    def result(key: str) -> Any:
        if key not in results:
            task = graph[key]
            results[key] = task[0](*(result(need) for need in task[1:])) if istask(task) else task
        return results[key]

    return [result(target) for target in targets]


def run_without_scheduler(self: DaskGraphRunner, inputs: dict[str, Any] | None = None,
                          targets: list[str] | None = None) -> dict[str, Any]:
    """DaskGraphRunner.run, with run_in_order in place of dask.get."""
    targets = targets or self._graph_schema.target_names
    graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(targets))
    self._add_inputs_to_graph(inputs, graph)
    try:
        return dict(run_in_order(graph, targets))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error


def with_column_major_weights(load):
    """Wraps a component's `load` classmethod (bound, as read from the class)."""
    @functools.wraps(load.__func__)
    def loaded(cls, *args: Any, **kwargs: Any):
        component = load.__func__(cls, *args, **kwargs)
        classifier = getattr(component, "clf", None)
        if hasattr(classifier, "coef_"):
            classifier.coef_ = np.asfortranarray(classifier.coef_)
        return component

    return classmethod(loaded)


def one_row(blocks: list[coo_matrix]) -> csr_matrix:
    """One message's sentence features side by side, as one CSR row (each block is one row)."""
    offsets = np.cumsum([0] + [block.shape[1] for block in blocks])
    data = np.concatenate([block.data for block in blocks]).astype(np.float64)
    columns = np.concatenate([block.col + offset for block, offset in zip(blocks, offsets)])
    return csr_matrix((data, columns, np.array([0, len(data)])), shape=(1, offsets[-1]))


def one_message_matrix(create):
    @functools.wraps(create)
    def _create_X(self, messages: list[Message]) -> csr_matrix:
        if len(messages) == 1:
            sentence = [f for f in messages[0].features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
            if sentence:
                # Rasa's order: the sparse sentence features side by side, then the dense ones.
                sparse = [f.features.tocoo() for f in sentence if f.is_sparse()]
                dense = [coo_matrix(f.features) for f in sentence if not f.is_sparse()]
                return one_row(sparse + dense)
        return create(self, messages)

    return _create_X


@functools.lru_cache(maxsize=1)
def action_result_validator() -> Any:
    """What `jsonschema.validate(result, spec)` builds on each call, built once."""
    spec = RemoteAction.action_response_format_spec()
    validator = jsonschema.validators.validator_for(spec)
    validator.check_schema(spec)
    return validator(spec)


def with_compiled_schema(original):
    @functools.wraps(original)
    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if action_result_validator().is_valid(result):
            return True
        return original(self, result)  # Rasa's own check raises, with Rasa's message

    return _validate_action_result
