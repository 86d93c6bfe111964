"""The screen's decisions about its matches, on plain data: no spaCy, no rule files."""

import pytest

from bot.risk.decision import Decision, Match, decide
from bot.risk.rules import Level, Rule

CRISIS = Rule(id="crisis.phrase", level=Level.CRISIS, catches="test", phrase="a b")
CONCERN = Rule(id="concern.phrase", level=Level.CONCERN, catches="test", phrase="c d")
ANYONE = Rule(id="crisis.any", level=Level.CRISIS, catches="test", phrase="e f", person="any")
TOGETHER = Rule(id="crisis.together", level=Level.CRISIS, catches="test",
                together=(frozenset({"g"}), frozenset({"h"})))
SAFE = Rule(id="safe.span", level=Level.NONE, catches="test", phrase="i j")
POLICING = Rule(id="safe.policing", level=Level.NONE, catches="test", phrase="k", scope="message")
HEDGE = Rule(id="crisis.hedge", level=Level.CRISIS, catches="test", phrase="l m",
             after="distress", alone=Level.CONCERN)
GOODBYE = Rule(id="crisis.goodbye", level=Level.CRISIS, catches="test", phrase="n",
               after="someone_else", alone=Level.NONE)


def at(rule: Rule, start: int = 0, end: int = 2, **grammar: bool) -> Match:
    return Match(rule, start, end, **grammar)


def test_no_matches_is_none():
    assert decide([]) == Decision()


def test_the_highest_level_wins_and_every_rule_is_named_once():
    decision = decide([at(CONCERN, 0, 2), at(CRISIS, 3, 5), at(CRISIS, 6, 8)])
    assert decision.level is Level.CRISIS
    assert decision.rules == ("concern.phrase", "crisis.phrase")


def test_a_safe_span_cancels_what_it_overlaps_only():
    assert decide([at(CRISIS, 2, 4), at(SAFE, 3, 6)]) == Decision(safe=True)
    # Touching is not overlapping: [0, 2) and [2, 4).
    assert decide([at(CRISIS, 0, 2), at(SAFE, 2, 4)]).level is Level.CRISIS


def test_a_safe_span_is_heard_before_the_grammar():
    decision = decide([at(CRISIS, 0, 2, reported=True, negated=True), at(SAFE, 0, 2)])
    assert (decision.someone_else, decision.negated) == (False, False)


def test_policing_context_cancels_together_rules_only():
    decision = decide([at(TOGETHER, 0, 4), at(POLICING, 6, 7)])
    assert decision == Decision(context=True)
    assert decide([at(CRISIS, 0, 2), at(POLICING, 6, 7)]).level is Level.CRISIS
    assert decide([at(TOGETHER, 0, 4)]).level is Level.CRISIS


def test_someone_elses_words_are_dropped_whoever_the_rule_is_about():
    for rule in (CRISIS, ANYONE):
        assert decide([at(rule, reported=True)]) == Decision(someone_else=True)


def test_a_third_person_subject_drops_first_person_rules_only():
    assert decide([at(CRISIS, about_someone_else=True)]) == Decision(someone_else=True)
    assert decide([at(ANYONE, about_someone_else=True)]).rules == ("crisis.any",)


def test_someone_else_does_not_cancel_the_writers_own_words():
    decision = decide([at(CRISIS, 0, 2, about_someone_else=True), at(CONCERN, 4, 6)])
    assert (decision.level, decision.someone_else) == (Level.CONCERN, True)


@pytest.mark.parametrize("rule, level, rules", [
    (CRISIS, Level.CONCERN, ("crisis.phrase",)),  # negated crisis still asks
    (CONCERN, Level.NONE, ()),                     # negated concern is dropped
])
def test_negation(rule, level, rules):
    decision = decide([at(rule, negated=True)])
    assert (decision.level, decision.rules, decision.negated) == (level, rules, True)


def test_an_after_rule_is_its_alone_level_with_an_escalation_even_when_negated():
    decision = decide([at(HEDGE, negated=True)])
    assert decision == Decision(
        level=Level.CONCERN, rules=("crisis.hedge",), escalations=(("crisis.hedge", "distress"),),
    )


def test_an_after_rule_alone_at_none_escalates_without_firing():
    decision = decide([at(GOODBYE, 0, 1), at(HEDGE, 3, 5)])
    assert decision.rules == ("crisis.hedge",)
    assert decision.escalations == (("crisis.goodbye", "someone_else"), ("crisis.hedge", "distress"))


def test_the_order_of_matches_does_not_matter():
    matches = [at(CRISIS, 0, 2, negated=True), at(CONCERN, 3, 5), at(HEDGE, 6, 8),
               at(SAFE, 9, 11), at(ANYONE, 12, 14, about_someone_else=True)]
    assert decide(matches) == decide(reversed(matches))
