"""A message's level from its rule matches and what the grammar says about each: plain data in and
out, so every decision the screen takes about a match can be tested without spaCy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.risk.rules import Level, Rule


@dataclass(frozen=True)
class Match:
    """A rule matched on tokens [start, end), with the grammar's reading of it (bot.risk.grammar)."""

    rule: Rule
    start: int
    end: int
    reported: bool = False  # someone else's words: "my mate said kms"
    about_someone_else: bool = False  # a third-person subject: "my mate wants to die"
    negated: bool = False  # a negation just before: "I'm not going to kill myself"

    def overlaps(self, other: Match) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Decision:
    """What the screen's spaCy component sets on the Doc (its `risk_*` extensions)."""

    level: Level = Level.NONE
    rules: tuple[str, ...] = ()
    escalations: tuple[tuple[str, str], ...] = ()  # (rule, what must come before) for "after" rules
    someone_else: bool = False  # a risk phrase heard, but about someone else or in their words
    negated: bool = False
    context: bool = False  # policing context ("scope": "message"): the rules alone judge the message
    safe: bool = False  # a safe span matched ("suicide prevention course")


def decide(matches: Iterable[Match]) -> Decision:
    """Drops matches that a safe span overlaps, "together" matches in policing context and matches
    about someone else; a negated crisis is concern and a negated concern is dropped, except for
    "after" rules, which always count at their `alone` level and escalate later."""
    matches = list(matches)
    safe = [match for match in matches if match.rule.level is Level.NONE and match.rule.scope == "span"]
    context = any(match.rule.scope == "message" for match in matches)
    level, fired, escalations = Level.NONE, set(), set()
    someone_else = negated = False
    for match in matches:
        rule = match.rule
        if rule.level is Level.NONE or any(match.overlaps(span) for span in safe):
            continue
        if context and rule.together:
            continue
        if match.reported or (rule.person == "first" and match.about_someone_else):
            someone_else = True
            continue
        found: Level = rule.level
        if rule.after is not None:
            # Hedges are often worded as negations ("I don't know if I'd ever do it").
            escalations.add((rule.id, rule.after))
            found = rule.alone or Level.NONE  # rules.py requires `alone` beside `after`
        elif match.negated:
            negated = True
            found = Level.CONCERN if found is Level.CRISIS else Level.NONE
        if found is Level.NONE:
            continue
        fired.add(rule.id)
        if found.rank > level.rank:
            level = found
    return Decision(
        level, tuple(sorted(fired)), tuple(sorted(escalations)), someone_else=someone_else,
        negated=negated, context=context, safe=bool(safe),
    )
