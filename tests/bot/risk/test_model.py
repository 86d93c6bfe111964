import numpy as np
import pytest
from scipy.sparse import csr_matrix, hstack

from bot.risk import Level, get_screen
from bot.risk import model as model_module
from bot.risk.model import MEANING_WEIGHT, RiskModel, read_nlu_examples, sentences
from bot.risk.screen import NLU_DIR

TEXTS = ["i want to die", "end it tonight", "feel hopeless", "cant cope", "hello there", "whats the number",
         "kill myself", "so low", "rota is out", "thanks"]
LEVELS = ["crisis", "crisis", "concern", "concern", "none", "none", "crisis", "concern", "none", "none"]


def test_hand_scoring_matches_scikit_learn():
    model = RiskModel(TEXTS, LEVELS)
    for text in ["i want to end it", "hello cope", "", "zzz qqq", "rota rota rota tonight"]:
        features = hstack([model.features.transform([text]), csr_matrix(model.encoder.encode([text]) * MEANING_WEIGHT)])
        expected = model.classifier.predict_proba(features)[0]
        assert np.allclose(model.probabilities(text), expected, atol=1e-6)


def test_the_meaning_vectors_count():
    # Same words, so the same n-grams; only the encoder's vectors tell these apart.
    model = RiskModel(TEXTS, LEVELS)
    plain = model.probabilities("kill myself")
    model.meaning_weights = np.zeros_like(model.meaning_weights)
    assert not np.allclose(model.probabilities("kill myself"), plain)


def test_a_long_message_is_read_sentence_by_sentence():
    model = RiskModel(TEXTS, LEVELS)
    buried = "rota is out . thanks . hello there . i want to die . whats the number ."
    crisis = model.classes.index(Level.CRISIS)
    assert model.crisis_and_concern(buried)[0] > model.probabilities(buried)[crisis]
    assert sentences("one two three . four five six .") == ["one two three", "four five six ."]
    assert sentences("just one sentence .") == []


def test_the_fitted_model_is_cached_and_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(model_module, "CACHE", tmp_path / "risk_model.pkl")
    first = RiskModel.cached(TEXTS, LEVELS)
    assert (tmp_path / "risk_model.pkl").exists()
    again = RiskModel.cached(TEXTS, LEVELS)
    assert again is not first and np.allclose(again.probabilities("kill myself"), first.probabilities("kill myself"))
    monkeypatch.setattr(RiskModel, "__init__", lambda *args: pytest.fail("fitted again"))
    RiskModel.cached(TEXTS, LEVELS)
    with pytest.raises(pytest.fail.Exception):
        RiskModel.cached(TEXTS, [*LEVELS[:-1], "crisis"])  # other examples: fitted again


def test_nlu_examples_are_none_except_the_risk_intents():
    examples = dict(read_nlu_examples(NLU_DIR))
    assert examples["i want to kill myself"] == "crisis"
    assert examples["i feel hopeless"] == "concern"
    levels = set(examples.values())
    assert levels == {"none", "concern", "crisis"}


@pytest.mark.parametrize("model_says", list(Level))
def test_the_model_never_lowers_what_the_rules_found(monkeypatch, model_says):
    screen = get_screen()
    monkeypatch.setattr(screen.model, "predict", lambda *args, **kwargs: model_says)
    assert screen.assess("honestly gonna kms").level is Level.CRISIS


def test_the_model_cannot_hand_off_over_a_negation(monkeypatch):
    screen = get_screen()
    monkeypatch.setattr(screen.model, "predict", lambda *args, **kwargs: Level.CRISIS)
    assert screen.assess("i'm not suicidal").level is Level.CONCERN
    assert screen.assess("what's the rota").level is Level.CRISIS


def fixed(crisis: float, concern: float):
    return lambda *args, **kwargs: (crisis, concern)


@pytest.mark.parametrize(("crisis", "concern", "level"), [
    (0.9, 0.05, Level.CRISIS), (0.35, 0.1, Level.CONCERN), (0.1, 0.45, Level.CONCERN), (0.1, 0.3, Level.NONE),
])
def test_the_models_own_concern_asks(monkeypatch, crisis, concern, level):
    model = RiskModel(TEXTS, LEVELS)
    monkeypatch.setattr(model, "crisis_and_concern", fixed(crisis, concern))
    assert model.predict("anything at all here") is level


@pytest.mark.parametrize(("crisis", "text", "level"), [
    (0.7, "that would be good .", Level.CONCERN), (0.95, "that would be good .", Level.CRISIS),
    (0.7, "that would be good , see you .", Level.CRISIS),
])
def test_on_a_few_words_the_model_alone_hands_off_only_when_very_sure(monkeypatch, crisis, text, level):
    model = RiskModel(TEXTS, LEVELS)
    monkeypatch.setattr(model, "crisis_and_concern", fixed(crisis, 0.0))
    assert model.predict(text) is level


@pytest.mark.parametrize(("crisis", "someone_else_only", "level"), [
    (0.9, False, Level.CRISIS), (0.5, False, Level.CONCERN), (0.2, False, Level.NONE),
    (0.9, True, Level.CONCERN), (0.5, True, Level.NONE),
])
def test_in_policing_context_or_about_someone_else_the_model_must_be_sure(monkeypatch, crisis, someone_else_only, level):
    model = RiskModel(TEXTS, LEVELS)
    monkeypatch.setattr(model, "crisis_and_concern", fixed(crisis, 0.0))
    assert model.predict_in_context("anything at all here", someone_else_only=someone_else_only) is level


def test_a_plain_no_is_never_concern_from_the_model_alone(monkeypatch):
    screen = get_screen()
    monkeypatch.setattr(screen.model, "crisis_and_concern", fixed(0.0, 0.9))
    assert screen.assess("no, nothing like that").level is Level.NONE
    assert screen.assess("nothing much, bit flat").level is Level.CONCERN


def test_policing_context_goes_to_the_model_in_context(monkeypatch):
    screen = get_screen()
    monkeypatch.setattr(screen.model, "predict", lambda *args, **kwargs: pytest.fail("read as ordinary talk"))
    monkeypatch.setattr(screen.model, "predict_in_context", lambda *args, someone_else_only: Level.CRISIS)
    assert screen.assess("attended a hanging on nights, paperwork question").level is Level.CRISIS
    monkeypatch.setattr(screen.model, "predict_in_context", lambda *args, someone_else_only: Level.NONE)
    assert screen.assess("attended a hanging on nights, paperwork question").level is Level.NONE
