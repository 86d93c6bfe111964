import numpy as np
import pytest

from bot.risk import Level, get_screen
from bot.risk.model import RiskModel, read_nlu_examples
from bot.risk.screen import NLU_DIR

TEXTS = ["i want to die", "end it tonight", "feel hopeless", "cant cope", "hello there", "whats the number",
         "kill myself", "so low", "rota is out", "thanks"]
LEVELS = ["crisis", "crisis", "concern", "concern", "none", "none", "crisis", "concern", "none", "none"]


def test_hand_scoring_matches_scikit_learn():
    model = RiskModel(TEXTS, LEVELS)
    for text in ["i want to end it", "hello cope", "", "zzz qqq", "rota rota rota tonight"]:
        expected = model.pipeline.predict_proba([text])[0]
        assert np.allclose(model.probabilities(text), expected, atol=1e-9)


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
