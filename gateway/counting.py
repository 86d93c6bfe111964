"""What the gateway counts for service owners' insight (bot.insight), step by step of a message.

Only measure names from the closed vocabulary; never the text, the session or the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.insight.measures import (
    ANSWERED_NO,
    ANSWERED_YES,
    CONCERN_ASKED,
    CONVERSATIONS,
    MESSAGES,
    REPLY_ANSWER,
    REPLY_UNAVAILABLE,
)
from bot.risk.conversation import RiskState, Verdict

if TYPE_CHECKING:
    from bot.risk import Assessment

ANSWER_MEASURES = {"yes": ANSWERED_YES, "no": ANSWERED_NO}


def arrived(new_conversation: bool) -> tuple[str, ...]:
    """A message came; with a new session id, a conversation started too."""
    return (MESSAGES, CONVERSATIONS) if new_conversation else (MESSAGES,)


def answered(before: RiskState, assessment: Assessment) -> tuple[str, ...]:
    """The suicide question answered yes or no, on the turn right after it was asked."""
    measure = ANSWER_MEASURES.get(assessment.answer or "") if before.awaiting_answer else None
    return (measure,) if measure else ()


def replied(verdict: Verdict, messages: list[dict[str, Any]]) -> tuple[str, ...]:
    """Rasa's answer (with the suicide question, if it was put) or the gateway's unavailable reply."""
    if not messages:
        return (REPLY_UNAVAILABLE,)
    return (REPLY_ANSWER, CONCERN_ASKED) if verdict.ask else (REPLY_ANSWER,)
