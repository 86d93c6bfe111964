"""The measures that may be counted: a closed set, written once.

A measure is a name, never a value taken from a message. Topics are the catalogue's intents
(domain.yml), less the risk intents (risk is counted as levels, not topics).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.content import DOMAIN_FILE
from bot.risk.rules import RISK_INTENTS

CONVERSATIONS = "conversations"
MESSAGES = "messages"
REPLY_ANSWER = "replies.answer"
REPLY_FALLBACK = "replies.fallback"
REPLY_UNAVAILABLE = "replies.unavailable"
CRISIS_HANDOFFS = "risk.crisis_handoffs"
CONCERN_ASKED = "risk.concern_asked"
ANSWERED_YES = "risk.answered_yes"
ANSWERED_NO = "risk.answered_no"
CALL_TAPS = "call_taps"
QUICK_EXITS = "quick_exits"
CLEARED = "conversations_cleared"
REVIEW_KEPT = "review_items_kept"
TOPIC = "topic."

# What the widget's beacon may report, and the measure each counts.
BEACON_EVENTS = {"call_tap": CALL_TAPS, "quick_exit": QUICK_EXITS}

LABELS = {
    CONVERSATIONS: "Conversations started",
    MESSAGES: "Messages",
    REPLY_ANSWER: "Replies from Backup",
    REPLY_FALLBACK: "Replies not understood (fallback)",
    REPLY_UNAVAILABLE: "Replies while Backup was unavailable",
    CRISIS_HANDOFFS: "Crisis handoffs",
    CONCERN_ASKED: "Suicide question asked (concern)",
    ANSWERED_YES: "Answered yes",
    ANSWERED_NO: "Answered no",
    CALL_TAPS: "Call links tapped",
    QUICK_EXITS: "Quick exits",
    CLEARED: "Conversations cleared",
    REVIEW_KEPT: "Review-queue items kept",
}


def catalogue_intents(domain_file: Path = DOMAIN_FILE) -> tuple[str, ...]:
    intents = yaml.safe_load(domain_file.read_text(encoding="utf-8"))["intents"]
    return tuple(str(i) for i in intents if i not in RISK_INTENTS)


TOPICS = catalogue_intents()
ALL = (*LABELS, *(TOPIC + intent for intent in TOPICS))
KNOWN = frozenset(ALL)


def topic(intent: str | None) -> str | None:
    """The topic measure of an intent, or None when the intent is not in the catalogue."""
    return TOPIC + intent if intent in TOPICS else None


def label(measure: str) -> str:
    if measure.startswith(TOPIC):
        return "Topic: " + measure.removeprefix(TOPIC).replace("_", " ")
    return LABELS[measure]
