"""A linear model over words and characters that catches what no rule phrase covers.

It learns at start-up, in about a second, from the labelled messages in
data/risk/examples/*.jsonl and from the assistant's own NLU examples (data/nlu/: every
ordinary intent as `none`, risk_crisis and risk_concern as themselves), which teach it what
everyday chat looks like. It can only raise a level, never lower one the rules gave.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bot.risk.rules import Level, read_jsonl

# Measured on a fresh, independently written set and on held-out everyday chat (see the
# risk issue's closing note). On its own the model hands off only when it is sure; when it is
# less sure it asks the direct question instead, unless the rules already heard distress.
# (Its own `concern` class is not used: the rules judge distress better.)
SURE_CRISIS = 0.6
LIKELY_CRISIS = 0.4
RISK_INTENTS = {"risk_crisis": Level.CRISIS, "risk_concern": Level.CONCERN}


def read_examples(folder: Path) -> list[tuple[str, str]]:
    return [
        (row["text"], Level(row["level"]).value)
        for path in sorted(folder.glob("*.jsonl"))
        for _, row in read_jsonl(path)
    ]


def read_nlu_examples(folder: Path) -> list[tuple[str, str]]:
    examples = []
    for path in sorted(folder.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            level = RISK_INTENTS.get(block.get("intent"), Level.NONE).value
            for line in block.get("examples", "").splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    examples.append((text, level))
    return examples


class RiskModel:
    """Trained with scikit-learn, scored by hand on its fitted vocabulary and weights:
    sklearn's own predict_proba costs ~1.5 ms a message in overhead, this a tenth of that,
    with the same probabilities (tests/bot/risk/test_model.py)."""

    def __init__(self, texts: Iterable[str], levels: Iterable[str]):
        self.pipeline = Pipeline([
            ("features", FeatureUnion([
                ("words", TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True)),
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ])),
            ("classifier", LogisticRegression(C=10, max_iter=3000, class_weight="balanced", random_state=0)),
        ])
        self.pipeline.fit(list(texts), list(levels))
        classifier = self.pipeline.named_steps["classifier"]
        self.classes = [Level(name) for name in classifier.classes_]
        self.intercepts = classifier.intercept_
        # Per vectorizer: its analyzer, gram -> column, idf per column, weights per column.
        self.blocks = []
        offset = 0
        for _, vectorizer in self.pipeline.named_steps["features"].transformer_list:
            columns = slice(offset, offset + len(vectorizer.idf_))
            self.blocks.append((
                vectorizer.build_analyzer(),
                vectorizer.vocabulary_,
                vectorizer.idf_,
                np.ascontiguousarray(classifier.coef_[:, columns].T),
            ))
            offset += len(vectorizer.idf_)

    def probabilities(self, normalised: str) -> np.ndarray:
        scores = self.intercepts.copy()
        for analyse, vocabulary, idf, weights in self.blocks:
            counts = Counter(gram for gram in analyse(normalised) if gram in vocabulary)
            if not counts:
                continue
            columns = np.fromiter((vocabulary[gram] for gram in counts), dtype=np.intp, count=len(counts))
            values = (1 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * idf[columns]
            scores += values @ weights[columns] / np.sqrt(values @ values)
        exps = np.exp(scores - scores.max())
        return exps / exps.sum()

    def predict(self, normalised: str, rules_heard_distress: bool = False) -> Level:
        p = dict(zip(self.classes, self.probabilities(normalised)))
        crisis = p[Level.CRISIS]
        if crisis >= p[Level.CONCERN] and crisis >= (LIKELY_CRISIS if rules_heard_distress else SURE_CRISIS):
            return Level.CRISIS
        if crisis >= LIKELY_CRISIS:
            return Level.CONCERN
        return Level.NONE

