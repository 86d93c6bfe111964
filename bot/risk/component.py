"""The spaCy component that gives a Doc its risk level: `backup_risk_screen`.

(No `from __future__ import annotations` here: spaCy reads the factory's annotations at run time.)

Glue only: it rewrites each token's NORM to its canonical spelling, finds the rules' matches
(bot.risk.matching), reads the grammar around each (bot.risk.grammar), and sets on the Doc what
bot.risk.decision decides.
"""


from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.risk.decision import Match, decide
from bot.risk.grammar import (
    about_someone_else,
    negated,
    reported_speech,
)
from bot.risk.matching import RuleMatcher
from bot.risk.normalise import Lexicon
from bot.risk.rules import Level, Rule, load_lexicon_entries, load_rules

if not Doc.has_extension("risk_level"):
    Doc.set_extension("risk_level", default=Level.NONE)
    Doc.set_extension("risk_rules", default=[])
    Doc.set_extension("risk_negated", default=False)
    Doc.set_extension("risk_context", default=False)
    # Rules that mean more after distress earlier in the conversation ("after": "distress").
    Doc.set_extension("risk_escalations", default=[])
    # A risk phrase heard, but about someone else or in their words: the writer may be helping them.
    Doc.set_extension("risk_someone_else", default=False)
    # A safe span matched ("suicide prevention course", "end it with her").
    Doc.set_extension("risk_safe", default=False)


class RiskScreenComponent:
    def __init__(self, nlp: Language, rules: list[Rule], lexicon: Lexicon):
        self.lexicon = lexicon
        self.matcher = RuleMatcher(nlp, rules, lexicon)

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            token.norm_ = self.lexicon.canonical(token.norm_)
        decision = decide(read(rule, span) for rule, span in self.matcher(doc))
        doc._.risk_level = decision.level
        doc._.risk_rules = list(decision.rules)
        doc._.risk_escalations = list(decision.escalations)
        doc._.risk_someone_else = decision.someone_else
        doc._.risk_negated = decision.negated
        doc._.risk_context = decision.context
        doc._.risk_safe = decision.safe
        return doc


def read(rule: Rule, span: Span) -> Match:
    """A match as plain data, with the grammar's reading of its span."""
    return Match(
        rule, span.start, span.end, reported=reported_speech(span),
        about_someone_else=about_someone_else(span), negated=negated(span),
    )


@Language.factory("backup_risk_screen", default_config={"rules_dir": "data/risk"})
def make_risk_screen(nlp: Language, name: str, rules_dir: str) -> RiskScreenComponent:
    folder = Path(rules_dir)
    return RiskScreenComponent(nlp, load_rules(folder), Lexicon.from_entries(load_lexicon_entries(folder)))
