"""The screen's behaviours, one at a time; the labelled sets are in test_evaluation.py."""

import pytest

from bot.risk import Level, get_screen


def level(text: str) -> Level:
    return get_screen().assess(text).level


@pytest.mark.parametrize("text", [
    "i want to kill myself",
    "I WANT TO KILL MYSELF",
    "i wanna kil myslef",
    "im gonna kms",
    "thinking about sewer slide",
    "want to unalive myself",
    "everyone would be better off without me",
    "ive got the pills ready",
    "this is goodbye",
    "i've been cutting again",
    "i dont feel safe with myself tonight",
    "tapping out for good after nights",
])
def test_crisis(text):
    assert level(text) is Level.CRISIS


@pytest.mark.parametrize("text", [
    "my mate said he wants to kill himself",         # third person
    "she keeps saying she wants to die",
    "colleague said 'i want to die', what do i say",  # reported speech
    "did a welfare check on a suicidal male",         # subject after the match
    "attended a hanging on nights",                   # policing
    "on a suicide prevention course next week",       # safe span
    "this shift is killing me",                       # idiom
    "dying for a brew",
    "we lost a colleague to suicide last year",       # bereavement
    "going to end it with my girlfriend",             # safe span
    "clocking out for the day",                       # not "for good"
    "checking out for the weekend",
])
def test_none(text):
    assert level(text) is Level.NONE


@pytest.mark.parametrize("text", ["i feel hopeless", "cant cope anymore", "at breaking point"])
def test_concern(text):
    assert level(text) is Level.CONCERN


def test_a_negated_crisis_phrase_is_still_concern_not_none():
    assert level("I'm not going to kill myself") is Level.CONCERN


def test_negation_is_judged_on_the_rest_of_the_message():
    assert level("I'm not suicidal but I've written a note") is Level.CRISIS
    assert level("not being dramatic but I want to die") is Level.CRISIS


def test_cannot_stop_is_not_a_negation():
    assert level("I can't stop thinking about suicide") is Level.CRISIS


def test_the_rules_that_fired_are_reported():
    result = get_screen().assess("gonna kms")
    assert result.as_dict() == {"level": "crisis", "rules": ["crisis.kill_myself"]}


def test_empty_and_whitespace_are_none():
    assert level("") is Level.NONE and level("   \n ") is Level.NONE
