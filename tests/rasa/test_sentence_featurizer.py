"""The sentence-encoder featurizer: what it adds to a message, and that Rasa's classifier reads it."""

import numpy as np
import pytest
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.message import Message

from backup_rasa import speedups
from backup_rasa.sentence_featurizer import SentenceEncoderFeaturizer
from bot.encoder import DIMENSIONS, STATIC_FILE, get_static_encoder

pytestmark = pytest.mark.skipif(not STATIC_FILE.exists(), reason="the static table is built by make")


def featurizer(**config) -> SentenceEncoderFeaturizer:
    return SentenceEncoderFeaturizer({**SentenceEncoderFeaturizer.get_default_config(), **config}, "encoder")


def tokenized(*texts: str) -> list[Message]:
    messages = [Message(data={TEXT: text}) for text in texts]
    return WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)


def features(message: Message, kind: str) -> np.ndarray:
    found = [f.features for f in message.features if f.type == kind and f.attribute == TEXT and not f.is_sparse()]
    assert len(found) == 1
    return found[0]


def test_one_sentence_vector_and_one_vector_a_token():
    [message] = featurizer().process(tokenized("cant sleep after nights"))
    sentence, sequence = features(message, FEATURE_TYPE_SENTENCE), features(message, FEATURE_TYPE_SEQUENCE)
    assert sentence.shape == (1, DIMENSIONS) and sentence.dtype == np.float32
    assert sequence.shape == (4, DIMENSIONS)
    assert np.linalg.norm(sentence) == pytest.approx(1.0, abs=1e-4)
    assert np.allclose(sentence[0], get_static_encoder().encode(["cant sleep after nights"])[0])


def test_the_same_text_gives_the_same_features_alone_or_in_a_batch():
    alone = featurizer().process(tokenized("who runs the line"))[0]
    batch = featurizer().process(tokenized("is it confidential", "who runs the line", "hi"))[1]
    for kind in (FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE):
        assert np.array_equal(features(alone, kind), features(batch, kind))


def test_scale_multiplies_the_sentence_vector_only():
    plain = featurizer().process(tokenized("money worries"))[0]
    scaled = featurizer(scale=3.0).process(tokenized("money worries"))[0]
    assert np.allclose(features(scaled, FEATURE_TYPE_SENTENCE), 3.0 * features(plain, FEATURE_TYPE_SENTENCE))
    assert np.array_equal(features(scaled, FEATURE_TYPE_SEQUENCE), features(plain, FEATURE_TYPE_SEQUENCE))


def test_meaning_not_form_is_what_it_adds():
    hours, when, dog = (features(m, FEATURE_TYPE_SENTENCE)[0] for m in featurizer().process(
        tokenized("what hours is the line open", "can i ring at 3am on a sunday", "my dog ate my homework")))
    assert hours @ when > hours @ dog


def test_messages_without_text_or_tokens_are_left_alone():
    empty, untokenized = Message(data={TEXT: ""}), Message(data={TEXT: "hello"})
    featurizer().process([empty, untokenized])
    assert not empty.features and not untokenized.features


@pytest.mark.parametrize("config", [{"encoder": "gpu"}, {"scale": 0}])
def test_a_bad_config_is_refused(config):
    with pytest.raises(InvalidConfigException):
        featurizer(**config)


def test_logistic_regression_reads_the_sentence_vector_with_and_without_the_speedups():
    rasa_own = getattr(LogisticRegressionClassifier._create_X, "__wrapped__", LogisticRegressionClassifier._create_X)
    patched = speedups.one_message_matrix(rasa_own)
    [message] = featurizer().process(tokenized("who answers when i call"))
    sentence = features(message, FEATURE_TYPE_SENTENCE)
    for create in (rasa_own, patched):
        row = create(None, [message])
        assert row.shape == (1, DIMENSIONS)
        assert np.allclose(row.toarray(), sentence)


def test_a_classifier_trained_on_these_features_alone_tells_intents_apart(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = {
        "sleep_problems": ["cant sleep", "awake all night", "insomnia after nights", "no sleep for days"],
        "money_worries": ["in debt", "cant pay the bills", "money is tight", "overdraft maxed out"],
    }
    messages = tokenized(*(text for texts in examples.values() for text in texts))
    for message, intent in zip(messages, [name for name, texts in examples.items() for _ in texts]):
        message.set("intent", intent)
    featurizer().process(messages)
    classifier = LogisticRegressionClassifier.create(
        {**LogisticRegressionClassifier.get_default_config(), "max_iter": 200},
        LocalModelStorage(tmp_path), Resource("lr"), ExecutionContext(GraphSchema({}), "lr"),
    )
    classifier.train(TrainingData(messages))
    new = featurizer().process(tokenized("lying awake every night", "bills i cannot pay"))
    classifier.process(new)
    assert [m.get("intent")["name"] for m in new] == ["sleep_problems", "money_worries"]
