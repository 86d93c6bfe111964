"""The level of a message in its conversation: what the reply to it must be, given what came before.

A message is screened alone first (bot.risk.screen); `judge` then reads it in the light of the
conversation's risk state, a few flags carried from turn to turn (never any text):

- after the writer's own distress, a hedge, a method question or a goodbye (rules marked
  `"after": "distress"`) is crisis;
- right after the suicide question, yes, maybe, sometimes or "not sure" is crisis; a no is
  remembered, and a later, stronger signal still counts;
- the question is asked once per conversation, never of someone who has just said they are not
  suicidal, and a concern message keeps its topic (Rasa answers it, then asks);
- after a handoff the conversation stays at crisis (the call stays pinned), but only a new signal
  hands off again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot.risk.rules import Level

if TYPE_CHECKING:
    from bot.risk.screen import Assessment

YES_TO_QUESTION = "conversation.yes_to_question"
ESCALATED = "conversation.after_distress"


@dataclass(frozen=True)
class RiskState:
    """What the conversation so far says about risk: flags only, never words."""

    distress: bool = False  # the writer showed concern or crisis earlier
    asked: bool = False  # the suicide question has been asked in this conversation
    awaiting_answer: bool = False  # ... on the turn just before this one
    answered_no: bool = False
    handed_off: bool = False
    someone_else: bool = False  # the writer has talked about someone else at risk

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RiskState:
        if not isinstance(data, dict):
            return cls()
        return cls(**{name: bool(data.get(name, False)) for name in cls.__dataclass_fields__})

    def as_dict(self) -> dict[str, bool]:
        return asdict(self)


@dataclass(frozen=True)
class Verdict:
    """The level in the conversation, whether to hand off or ask now, and the state after it."""

    level: Level
    rules: tuple[str, ...]
    hand_off: bool = False
    ask: bool = False
    someone_else: bool = False
    state: RiskState = field(default_factory=RiskState)

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.value, "rules": list(self.rules), "hand_off": self.hand_off,
            "ask": self.ask, "someone_else": self.someone_else, "state": self.state.as_dict(),
        }

    def unasked(self) -> Verdict:
        """This verdict when its reply never reached the person (Rasa down, or the rate limit):
        the question was not put, so it is neither counted as asked nor awaiting an answer."""
        if not self.ask:
            return self
        return replace(self, ask=False, state=replace(self.state, asked=False, awaiting_answer=False))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        return cls(
            level=Level(data["level"]), rules=tuple(data.get("rules", ())),
            hand_off=bool(data.get("hand_off")), ask=bool(data.get("ask")),
            someone_else=bool(data.get("someone_else")), state=RiskState.from_dict(data.get("state")),
        )


def escalations(assessment: Assessment, state: RiskState) -> tuple[str, ...]:
    """The message's "after" rules that what came before gives their full level."""
    return tuple(rule for rule, after in assessment.escalations
                 if state.distress or (after == "someone_else" and state.someone_else))


def judge(assessment: Assessment, state: RiskState) -> Verdict:
    level, rules = assessment.level, assessment.rules
    escalating = escalations(assessment, state)
    if level is not Level.CRISIS and state.awaiting_answer and assessment.answer == "yes":
        level, rules = Level.CRISIS, (*rules, YES_TO_QUESTION)
    elif level is not Level.CRISIS and escalating:
        level, rules = Level.CRISIS, (*dict.fromkeys((*rules, *escalating)), ESCALATED)
    answered = state.awaiting_answer and assessment.answer is not None
    answered_no = state.answered_no or (answered and assessment.answer == "no")
    after = replace(
        state,
        distress=state.distress or level is not Level.NONE,
        # An unanswered question stays open while the person goes on talking about how they feel.
        awaiting_answer=state.awaiting_answer and not answered and level is not Level.NONE,
        answered_no=answered_no,
        someone_else=state.someone_else or assessment.someone_else,
    )
    if level is Level.CRISIS:
        return Verdict(level, rules, hand_off=True, state=replace(after, handed_off=True))
    if state.handed_off:
        # The call stays pinned; the person is answered normally, not handed off again.
        return Verdict(Level.CRISIS, rules, state=after)
    ask = level is Level.CONCERN and not state.asked and not answered_no and not assessment.negated
    if ask:
        after = replace(after, asked=True, awaiting_answer=True)
    return Verdict(level, rules, ask=ask, someone_else=assessment.someone_else, state=after)
