"""Dense features from the pinned sentence encoder (bot/encoder.py), beside the count features.

Word and character n-grams see a message's form; these vectors carry its meaning, so a phrasing
the training examples never used can still land near the ones they did. For each message's text:

- a sentence feature: the message's vector, unit length, times `scale` (the classifiers read it
  next to the counts, whose values are whole numbers, so a unit vector alone would weigh little);
- a sequence feature: each token's own static vector (what DIETClassifier reads token by token).

`encoder: static` (the default) reads the distilled static table, ~0.02 ms a message; `encoder:
full` runs the whole network for the sentence feature, 6-15 ms a message. Both load the encoder
through bot/encoder.py, which checks the pinned files' SHA-256. No message text is logged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder import SentenceEncoder, get_static_encoder

ENCODERS = ("static", "full")
BATCH = 64


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "encoder": "static", "scale": 1.0}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if config.get("encoder") not in ENCODERS:
            raise InvalidConfigException(f"encoder must be one of {ENCODERS}, not {config.get('encoder')!r}")
        if not float(config.get("scale", 0)) > 0:
            raise InvalidConfigException("scale must be a positive number")

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.scale = float(config["scale"])
        self.static = get_static_encoder()
        self.full = SentenceEncoder() if config["encoder"] == "full" else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        if not todo:
            return messages
        texts = [m.get(TEXT) for m in todo]
        encoder = self.full or self.static
        # In batches: the full pass pads a batch to its longest message and holds its attention.
        sentences = np.concatenate([encoder.encode(texts[i:i + BATCH]) for i in range(0, len(texts), BATCH)]) * self.scale
        for message, sentence in zip(todo, sentences):
            tokens = [token.text for token in message.get(TOKENS_NAMES[TEXT])]
            sequence = self.static.encode(tokens)
            self.add_features_to_message(sequence, sentence[None, :].astype(np.float32), TEXT, message)
        return messages
