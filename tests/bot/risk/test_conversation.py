"""The conversation judge: a message read in the light of what came before it."""

import pytest

from bot.risk import Assessment, Level, get_screen
from bot.risk.conversation import ESCALATED, YES_TO_QUESTION, RiskState, Verdict, judge


def run(*messages: str) -> list[Verdict]:
    state, verdicts = RiskState(), []
    for text in messages:
        verdict = judge(get_screen().assess(text), state)
        state = verdict.state
        verdicts.append(verdict)
    return verdicts


@pytest.mark.parametrize("hedge", [
    "not going to do anything now but that could change",
    "can't guarantee anything",
    "I don't know if I'd ever actually do it",
])
def test_a_hedge_after_distress_hands_off(hedge):
    distress, after = run("i feel hopeless, i can't cope", hedge)
    assert distress.level is Level.CONCERN and distress.ask
    assert after.level is Level.CRISIS and after.hand_off


def test_an_after_rule_escalates_only_after_distress_or_talk_of_someone_else():
    hedge = Assessment(Level.CONCERN, (), escalations=(("after.could_change", "distress"),))
    same = Assessment(Level.CONCERN, (), escalations=(("after.same_here", "someone_else"),))
    assert judge(hedge, RiskState()).level is Level.CONCERN
    escalated = judge(hedge, RiskState(distress=True))
    assert escalated.hand_off and escalated.rules == ("after.could_change", ESCALATED)
    assert not judge(hedge, RiskState(someone_else=True)).hand_off
    assert judge(same, RiskState(someone_else=True)).hand_off


def test_the_same_hedge_after_small_talk_only_asks():
    _, hedge = run("what's the overtime rate on bank holidays", "can't guarantee anything")
    assert hedge.level is Level.CONCERN and not hedge.hand_off and hedge.ask


def test_a_goodbye_after_distress_hands_off_and_after_small_talk_does_not():
    assert run("i'm at breaking point", "thanks for everything, bye")[-1].hand_off
    assert run("is the line confidential", "thanks for everything, bye")[-1].level is Level.NONE


@pytest.mark.parametrize("answer", ["yes", "sometimes", "a bit", "not sure", "kind of, yeah"])
def test_a_yes_or_unsure_answer_to_the_question_hands_off(answer):
    _, reply = run("everything is falling apart and i feel hopeless", answer)
    assert reply.hand_off and YES_TO_QUESTION in reply.rules


@pytest.mark.parametrize("answer", ["no im not", "no. god no. ive got two kids", "no. i promise. im just gutted", "i'm not"])
def test_a_no_that_goes_on_is_still_a_no(answer):
    _, reply = run("everything is falling apart and i feel hopeless", answer)
    assert not reply.hand_off and reply.state.answered_no


@pytest.mark.parametrize("answer", ["i am", "i have, yeah", "i do sometimes"])
def test_i_am_or_i_have_opening_the_answer_is_a_yes(answer):
    _, reply = run("everything is falling apart and i feel hopeless", answer)
    assert reply.hand_off and YES_TO_QUESTION in reply.rules


def test_a_yes_with_no_question_asked_is_not_an_answer():
    assert run("is it confidential", "yes")[-1].level is Level.NONE


def test_a_no_is_remembered_and_the_question_is_not_asked_again():
    first, no, again = run("i can't cope anymore", "no", "still can't cope to be honest")
    assert first.ask and no.level is Level.NONE and no.state.answered_no
    assert again.level is Level.CONCERN and not again.ask


def test_a_no_does_not_silence_a_later_stronger_signal():
    *_, later = run("i can't cope anymore", "no", "actually i've been thinking about killing myself")
    assert later.hand_off


def test_someone_who_says_they_are_not_suicidal_is_not_asked():
    verdict = run("I'm not suicidal, I just can't cope with the workload")[0]
    assert verdict.level is Level.CONCERN and not verdict.ask


def test_after_a_handoff_the_conversation_stays_at_crisis_without_handing_off_again():
    crisis, question = run("i want to kill myself", "what happens when i ring them")
    assert crisis.hand_off
    assert question.level is Level.CRISIS and not question.hand_off


def test_talk_of_someone_else_then_the_same_for_me_hands_off():
    first, second = run("my mate says he wants to die", "honestly i feel the same")
    assert first.level is Level.NONE and first.someone_else
    assert second.hand_off


def test_the_state_round_trips_as_flags_only():
    state = run("i feel hopeless")[0].state
    stored = state.as_dict()
    assert all(isinstance(value, bool) for value in stored.values())
    assert RiskState.from_dict(stored) == state
    assert RiskState.from_dict(None) == RiskState()


def test_the_verdict_round_trips():
    verdict = run("i feel hopeless")[0]
    assert Verdict.from_dict(verdict.as_dict()) == verdict


def test_a_question_that_never_reached_the_person_is_not_counted():
    verdict = judge(Assessment(Level.CONCERN, ("concern.struggling",)), RiskState())
    assert verdict.ask and verdict.state.asked
    unasked = verdict.unasked()
    assert not unasked.ask and not unasked.state.asked and not unasked.state.awaiting_answer
    assert unasked.state.distress  # what the message said is still remembered
    handed_off = judge(Assessment(Level.CRISIS, ("crisis.kill_myself",)), RiskState())
    assert handed_off.unasked() == handed_off
