"""Content the actions and the gateway say, kept apart from the code that says it."""

from pathlib import Path

import yaml

from bot.crisis_line import NUMBER as CRISIS_NUMBER

DOMAIN_FILE = Path(__file__).resolve().parent.parent / "domain.yml"

# Short, practical, nothing clinical. Given one at a time, in order, per conversation.
SELF_HELP_TIPS: tuple[str, ...] = (
    "Try box breathing: in for four, hold for four, out for four, hold for four. "
    "A few rounds can take the edge off after a tough job.",
    "Before you head home, take two minutes in the car to decompress: radio off, "
    "notice five things you can see and three you can hear.",
    "Talk to someone you trust, in or out of the job. Saying it out loud often makes it lighter.",
    "Look after the basics where you can: a proper meal, water, daylight on rest days and "
    "a short walk. They matter more than they sound.",
    "Write down what's going round your head before you try to sleep, then put it aside "
    "for the morning.",
    "Go easy on alcohol and caffeine after shifts; both make sleep and mood worse.",
)

TIPS_EXHAUSTED = (
    "That's all the tips I have. Talking to someone can help more than any tip: "
    "Samaritans are free 24/7 on 116 123, and the police crisis line is "
    f"{CRISIS_NUMBER}."
)

TIP_FOLLOW_UP = "Would you like another?"


def domain_response(name: str, domain_file: Path = DOMAIN_FILE) -> dict:
    """A response from domain.yml (first variation): the one source of the handoff's words."""
    responses = yaml.safe_load(domain_file.read_text(encoding="utf-8"))["responses"]
    return responses[name][0]


# Said by the gateway itself when Rasa cannot answer in time; the call button comes with it.
UNAVAILABLE = (
    "Sorry, I can't answer properly right now. If you need to talk to someone, the police "
    f"mental health crisis line is open 24/7 on {CRISIS_NUMBER}. If you're in immediate danger, "
    "call 999."
)
TOO_LONG = (
    "That message is too long for me; could you shorten it? If you need to talk to someone now, "
    f"call the crisis line on {CRISIS_NUMBER}, 24/7."
)
TOO_FAST = (
    "You're sending messages faster than I can answer; please wait a moment. If you need to talk "
    f"to someone now, call the crisis line on {CRISIS_NUMBER}, 24/7."
)
GENERIC_ERROR = (
    "Sorry, something went wrong. If you need to talk to someone now, call the crisis line on "
    f"{CRISIS_NUMBER}, 24/7. If you're in immediate danger, call 999."
)
