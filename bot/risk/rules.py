"""Risk rules as data: one JSON object a line in data/risk/*.jsonl, checked when loaded.

A rule is {"id", "level", "catches", and one of "phrase" (plain words), "pattern" (a spaCy
Matcher token pattern on NORM) or "together" (lists of words: one from each list anywhere in
the same message, e.g. [["rope"], ["ready", "tied"]])}. Optional: "person": "any" when the words themselves say who
is at risk ("kms", "myself"); by default a third-person subject before the match cancels it.
"after": "distress" with "alone": LEVEL marks a phrase that means `level` only after the writer's
distress earlier in the conversation (a hedge, a method question, a goodbye) and `alone` otherwise;
"after": "someone_else" also after talk of someone else at risk (bot/risk/conversation.py reads it).
Level "none" rules mark safe spans ("suicide prevention course") that cancel what they overlap;
with "scope": "message" (policing context: "deceased", "coroner") they cancel every "together"
match in the message, since those are the loosest rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any


class Level(str, Enum):
    NONE = "none"
    CONCERN = "concern"
    CRISIS = "crisis"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


# The NLU intents that stand for a risk level (training data for the screen's model; Rasa's
# risk classifier sets them from the verdict).
RISK_INTENTS = {"risk_crisis": Level.CRISIS, "risk_concern": Level.CONCERN}

# Data files beside the rules that are not rules: spellings, and answers to the suicide question.
NOT_RULES = {"lexicon.jsonl", "answers.jsonl"}


# What must come earlier in the conversation for an "after" rule to mean its level: the writer's
# own distress, or that or talk of someone else at risk ("my mate wants to die" ... "same here").
AFTER = {"distress", "someone_else"}


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    catches: str
    phrase: str | None = None
    pattern: tuple[Any, ...] | None = None
    together: tuple[frozenset[str], ...] | None = None
    person: str = "first"
    scope: str = "span"
    after: str | None = None
    alone: Level | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> Rule:
        unknown = set(data) - {"id", "level", "catches", "phrase", "pattern", "together", "person", "scope", "after", "alone"}
        if unknown:
            raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("id", "level", "catches"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise RuleError(f"{where}: '{key}' must be a non-empty string")
        if sum(key in data for key in ("phrase", "pattern", "together")) != 1:
            raise RuleError(f"{where}: give exactly one of 'phrase', 'pattern' or 'together'")
        together = data.get("together")
        if together is not None and not (
            isinstance(together, list) and len(together) >= 2
            and all(isinstance(words, list) and words for words in together)
        ):
            raise RuleError(f"{where}: 'together' must be two or more non-empty lists of words")
        if "pattern" in data and not (isinstance(data["pattern"], list) and data["pattern"]):
            raise RuleError(f"{where}: 'pattern' must be a non-empty list of token patterns")
        if data.get("person", "first") not in ("first", "any"):
            raise RuleError(f"{where}: 'person' must be 'first' or 'any'")
        if data.get("scope", "span") not in ("span", "message") or (
            data.get("scope") == "message" and data["level"] != "none"
        ):
            raise RuleError(f"{where}: 'scope' must be 'span', or 'message' on a level none rule")
        try:
            level = Level(data["level"])
            alone = Level(data["alone"]) if "alone" in data else None
        except ValueError:
            raise RuleError(f"{where}: level must be crisis, concern or none (and so must alone)") from None
        if ("after" in data) != ("alone" in data) or data.get("after", "distress") not in AFTER:
            raise RuleError(f"{where}: 'after' must be one of {sorted(AFTER)}, and comes with 'alone'")
        if alone is not None and alone.rank >= level.rank:
            raise RuleError(f"{where}: 'alone' must be lower than 'level'")
        return cls(
            id=data["id"],
            level=level,
            catches=data["catches"],
            phrase=data.get("phrase"),
            pattern=tuple(data["pattern"]) if "pattern" in data else None,
            together=tuple(frozenset(words) for words in together) if together else None,
            person=data.get("person", "first"),
            scope=data.get("scope", "span"),
            after=data.get("after"),
            alone=alone,
        )


def read_jsonl(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(where, object) for every non-blank line that is not a // comment."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        where = f"{path.name}:{number}"
        try:
            rows.append((where, json.loads(stripped)))
        except json.JSONDecodeError as error:
            raise RuleError(f"{where}: not valid JSON ({error.msg})") from None
    return rows


def load_rules(folder: Path) -> list[Rule]:
    rules: list[Rule] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.jsonl")):
        if path.name in NOT_RULES:
            continue
        for where, data in read_jsonl(path):
            rule = Rule.from_dict(data, where)
            if rule.id in seen:
                raise RuleError(f"{where}: duplicate rule id '{rule.id}'")
            seen.add(rule.id)
            rules.append(rule)
    if not rules:
        raise RuleError(f"no risk rules found in {folder}")
    return rules


def load_lexicon_entries(folder: Path) -> list[dict[str, Any]]:
    return [data for _, data in read_jsonl(folder / "lexicon.jsonl")]
