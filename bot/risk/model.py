"""A linear model over words, characters and meaning that catches what no rule phrase covers.

Its features: word and character n-grams of the canonical text (form), and the sentence
encoder's static vectors of the same text (meaning, bot.encoder.StaticEncoder). It learns at
start-up, in a few seconds, from the labelled messages in data/risk/examples/*.jsonl and from the
assistant's own NLU examples (data/nlu/: every ordinary intent as `none`, risk_crisis and
risk_concern as themselves), which teach it what everyday chat looks like. A long message is also
read sentence by sentence, so one buried line counts. It can only raise a level, never lower one
the rules gave.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import sklearn
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from bot.encoder import STATIC_FILE, StaticEncoder, get_static_encoder
from bot.risk.rules import RISK_INTENTS, Level, read_jsonl

# Chosen by leaving each training writer out in turn (six writers, tests/data/risk/README.md), then
# measured on the sets never tuned on (the safety issue's closing note). On its own the model
# hands off only when it is sure; when it is less sure it asks the direct question instead, unless
# the rules already heard distress. Its own concern probability also asks: distress in words no
# concern rule has.
SURE_CRISIS = 0.6
SURE_AFTER_DISTRESS = 0.5
LIKELY_CRISIS = 0.3
LIKELY_CONCERN = 0.4
# Few words to go on: under FEW_WORDS canonical words the model alone hands off only when very sure
# ("checking out tonight, sorry" 0.997), else asks ("fair enough" 0.62, "that'd be good" 0.60).
FEW_WORDS = 5
SURE_ON_FEW_WORDS = 0.9
# A phrase the rules know is safe ("out for the weekend"): the model acts only above this.
SURE_WHEN_SAFE = 0.6
# Policing talk ("attended a hanging", "AFO here") or someone else only ("my mate wants to die"):
# the rules judge these, and the model may overrule them only when sure. Left to the rules alone,
# "AFO here, I keep picturing using my own weapon on myself" was missed.
SURE_IN_CONTEXT = 0.7
LIKELY_IN_CONTEXT = 0.4
# How much the meaning vector weighs beside the n-grams (each part has unit length).
MEANING_WEIGHT = 2.0
SENTENCE_ENDS = (" . ", " ! ", " ? ")
MIN_SENTENCE_WORDS = 3
# The fitted model, kept between runs: fitting takes 20-60 s here, loading well under one.
# One file per runtime: the gateway (Python 3.12) and Rasa (3.10, screening `make shell`'s messages)
# pickle with different scikit-learn releases.
CACHE = STATIC_FILE.parent / f"risk_model.py{sys.version_info.major}{sys.version_info.minor}.pkl"
logger = logging.getLogger(__name__)


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

    def __init__(self, texts: Iterable[str], levels: Iterable[str], encoder: StaticEncoder | None = None):
        texts = list(texts)
        self.encoder = encoder or get_static_encoder()
        self.features = FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ])
        grams = self.features.fit_transform(texts)
        meaning = csr_matrix(self.encoder.encode(texts) * MEANING_WEIGHT)
        # tol: fitted to the optimum, not to scikit-learn's default tolerance, so the gateway's and
        # Rasa's environments (different scikit-learn releases) fit the same model: at the default
        # 1e-4 their probabilities differed by up to 0.07 and two set levels differed.
        self.classifier = LogisticRegression(C=10, tol=1e-6, max_iter=5000, class_weight="balanced", random_state=0)
        self.classifier.fit(hstack([grams, meaning]).tocsr(), list(levels))
        classifier = self.classifier
        self.classes = [Level(name) for name in classifier.classes_]
        self.intercepts = classifier.intercept_
        # Per vectorizer: its analyzer, gram -> column, idf per column, weights per column.
        self.blocks = []
        offset = 0
        for _, vectorizer in self.features.transformer_list:
            columns = slice(offset, offset + len(vectorizer.idf_))
            self.blocks.append((
                vectorizer.build_analyzer(),
                vectorizer.vocabulary_,
                vectorizer.idf_,
                np.ascontiguousarray(classifier.coef_[:, columns].T),
            ))
            offset += len(vectorizer.idf_)
        self.meaning_weights = np.ascontiguousarray(classifier.coef_[:, offset:].T) * MEANING_WEIGHT

    def __getstate__(self) -> dict:
        return {**self.__dict__, "encoder": None}

    @classmethod
    def cached(cls, texts: list[str], levels: list[str], encoder: StaticEncoder | None = None) -> RiskModel:
        """The model for these examples, from the cache when it was fitted on exactly them, with
        this code and these encoder vectors; fitted (and cached) otherwise."""
        encoder = encoder or get_static_encoder()
        digest = hashlib.sha256(Path(__file__).read_bytes())
        digest.update(getattr(encoder, "fingerprint", type(encoder).__name__).encode())
        digest.update(sklearn.__version__.encode())
        digest.update("\n".join(f"{level}\t{text}" for text, level in zip(texts, levels)).encode())
        key = digest.hexdigest()
        try:
            with CACHE.open("rb") as handle:
                stored = pickle.load(handle)
            if stored["key"] == key:
                stored["model"].encoder = encoder
                return stored["model"]
        except (OSError, pickle.UnpicklingError, EOFError, KeyError, AttributeError):
            pass
        model = cls(texts, levels, encoder)
        try:
            partial = CACHE.with_suffix(f".{key[:8]}.tmp")
            with partial.open("wb") as handle:
                pickle.dump({"key": key, "model": model}, handle)
            partial.replace(CACHE)
        except OSError as error:
            logger.warning("Risk model not cached: %s", type(error).__name__)
        return model

    def probabilities(self, normalised: str) -> np.ndarray:
        """Scored by hand as the fitted pipeline would (tests/bot/risk/test_model.py)."""
        scores = self.intercepts + self.encoder.encode([normalised])[0] @ self.meaning_weights
        for analyse, vocabulary, idf, weights in self.blocks:
            counts = Counter(gram for gram in analyse(normalised) if gram in vocabulary)
            if not counts:
                continue
            columns = np.fromiter((vocabulary[gram] for gram in counts), dtype=np.intp, count=len(counts))
            values = (1 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * idf[columns]
            scores += values @ weights[columns] / np.sqrt(values @ values)
        exps = np.exp(scores - scores.max())
        return exps / exps.sum()

    def crisis_and_concern(self, normalised: str) -> tuple[float, float]:
        """The crisis probability of the message or of its likeliest sentence, and the message's
        concern probability."""
        crisis = self.classes.index(Level.CRISIS)
        whole = self.probabilities(normalised)
        best = whole[crisis]
        for sentence in sentences(normalised):
            best = max(best, self.probabilities(sentence)[crisis])
        return best, whole[self.classes.index(Level.CONCERN)]

    def predict(self, normalised: str, rules_heard_distress: bool = False, cautious: bool = False) -> Level:
        crisis, concern = self.crisis_and_concern(normalised)
        sure = SURE_AFTER_DISTRESS if rules_heard_distress else SURE_CRISIS
        likely_crisis, likely_concern = LIKELY_CRISIS, LIKELY_CONCERN
        if cautious:
            sure = likely_crisis = likely_concern = SURE_WHEN_SAFE
        if words(normalised) < FEW_WORDS:
            sure = max(sure, SURE_ON_FEW_WORDS)
        if crisis >= concern and crisis >= sure:
            return Level.CRISIS
        if crisis >= likely_crisis or concern >= likely_concern:
            return Level.CONCERN
        return Level.NONE

    def predict_in_context(self, normalised: str, someone_else_only: bool = False) -> Level:
        """For a message the rules read as policing talk or as about someone else only: crisis only
        when sure; someone else only, the model asks when sure ("wrote letters to both my girls,
        they're in the glovebox"), policing talk when likely."""
        crisis, _ = self.crisis_and_concern(normalised)
        if crisis >= SURE_IN_CONTEXT:
            return Level.CONCERN if someone_else_only else Level.CRISIS
        if crisis >= LIKELY_IN_CONTEXT and not someone_else_only:
            return Level.CONCERN
        return Level.NONE


def sentences(normalised: str) -> list[str]:
    """The sentences of a canonical text worth reading alone (none when there is only one)."""
    parts = [normalised]
    for end in SENTENCE_ENDS:
        parts = [piece for part in parts for piece in part.split(end)]
    parts = [part for part in parts if len(part.split()) >= MIN_SENTENCE_WORDS]
    return parts if len(parts) > 1 else []


def words(normalised: str) -> int:
    return sum(word.isalpha() for word in normalised.split())
