"""The risk screen's public face: `RiskScreen().assess(text)` gives a level and the rules that fired."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

import spacy

from bot.encoder import StaticEncoder
from bot.risk.answers import Answers
from bot.risk.component import RiskScreenComponent  # registers the backup_risk_screen factory
from bot.risk.grammar import FIRST_PERSON
from bot.risk.model import RiskModel, read_examples, read_nlu_examples
from bot.risk.normalise import clean_text
from bot.risk.rules import Level

DATA = Path(__file__).resolve().parents[2] / "data"
RULES_DIR = DATA / "risk"
NLU_DIR = DATA / "nlu"


def norms(doc) -> str:
    """The canonical words of a screened message: what the model reads."""
    return " ".join(token.norm_ for token in doc)


@dataclass(frozen=True)
class Assessment:
    """The message alone: its level and rules, and what bot.risk.conversation reads in context."""

    level: Level
    rules: tuple[str, ...]
    escalations: tuple[tuple[str, str], ...] = ()  # (rule, what must come before) for "after" rules
    someone_else: bool = False  # a risk phrase about someone else, or in their words
    negated: bool = False  # "I'm not suicidal"
    answer: str | None = None  # "yes" or "no", read as an answer to the suicide question

    def as_dict(self) -> dict:
        return {"level": self.level.value, "rules": list(self.rules)}


class RiskScreen:
    def __init__(self, rules_dir: Path = RULES_DIR, nlu_dir: Path = NLU_DIR, encoder: StaticEncoder | None = None):
        self.nlp = spacy.blank("en")
        self.screen = cast(RiskScreenComponent, self.nlp.add_pipe("backup_risk_screen", config={"rules_dir": str(rules_dir)}))
        self.answers = Answers.from_file(rules_dir / "answers.jsonl")
        examples = read_examples(rules_dir / "examples") + read_nlu_examples(nlu_dir)
        self.model = RiskModel.cached(
            [self.normalised(text) for text, _ in examples], [level for _, level in examples], encoder
        )

    def _doc(self, text: str):
        cleaned = self.screen.lexicon.rewrite_phrases(clean_text(text))
        # A closing full stop lets a pattern anchor at the end of the message ("looked up how").
        return self.nlp(cleaned + " .")

    def normalised(self, text: str) -> str:
        return norms(self._doc(text))

    def assess(self, text: str) -> Assessment:
        doc = self._doc(text)
        answer = self.answers.read(doc)
        level, rules = self._level(doc, denial=answer == "no")
        return Assessment(
            level, rules, escalations=tuple(doc._.risk_escalations), someone_else=doc._.risk_someone_else,
            negated=doc._.risk_negated, answer=answer,
        )

    def _level(self, doc, denial: bool = False) -> tuple[Level, tuple[str, ...]]:
        level, rules = doc._.risk_level, tuple(doc._.risk_rules)
        if not any(token.is_alpha for token in doc):
            return level, rules
        about_others_only = doc._.risk_someone_else and not any(token.norm_ in FIRST_PERSON for token in doc)
        if doc._.risk_context or about_others_only:
            # Policing talk ("attended a hanging") or someone else only ("my mate wants to die"):
            # the rules judge it, unless the model is sure.
            model_level = self.model.predict_in_context(norms(doc), someone_else_only=about_others_only)
        else:
            model_level = self.model.predict(
                norms(doc), rules_heard_distress=level is Level.CONCERN,
                # A phrase the rules know is safe ("end it with my girlfriend"): the model asks only when sure.
                cautious=doc._.risk_safe and not rules,
            )
        if (doc._.risk_negated or doc._.risk_someone_else) and model_level is Level.CRISIS:
            # "I'm not going to kill myself", "my mate wants to die and so do I": the grammar
            # heard a negation or someone else; the model may ask, not hand off.
            model_level = Level.CONCERN
        if denial and model_level is Level.CONCERN:
            # "no, nothing like that": a plain no is not asked about again, even screened alone.
            model_level = Level.NONE
        if model_level.rank > level.rank:
            level, rules = model_level, (*rules, f"model.{model_level.value}")
        return level, rules


@lru_cache
def get_screen() -> RiskScreen:
    return RiskScreen()
