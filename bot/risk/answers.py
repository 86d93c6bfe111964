"""Short answers to the suicide question, from data/risk/answers.jsonl: yes (or unsure), or no.

Read only on the turn right after the question (bot.risk.conversation). Unsure counts as yes: an
answer that is not a clear no gets the handoff, as the design asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.risk.rules import RuleError, read_jsonl

NEGATIONS = ("not", "never")


@dataclass(frozen=True)
class Answers:
    yes: tuple[tuple[str, ...], ...]
    no: tuple[tuple[str, ...], ...]
    max_words: int
    # "I am", "I have": a yes only as the answer's opening words, with no negation after them.
    opening: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def from_file(cls, path: Path) -> Answers:
        phrases: dict[str, tuple[tuple[str, ...], ...]] = {}
        opening: tuple[tuple[str, ...], ...] = ()
        max_words = 0
        for where, row in read_jsonl(path):
            if row.get("answer") not in ("yes", "no") or not row.get("phrases"):
                raise RuleError(f"{where}: give 'answer' (yes or no) and its 'phrases'")
            phrases[row["answer"]] = tuple(tuple(phrase.split()) for phrase in row["phrases"])
            if row["answer"] == "yes":
                opening = tuple(tuple(phrase.split()) for phrase in row.get("opening", ()))
            max_words = max(max_words, int(row.get("max_words", 12)))
        return cls(yes=phrases.get("yes", ()), no=phrases.get("no", ()), max_words=max_words, opening=opening)

    def read(self, doc) -> str | None:
        """'yes', 'no' or None, from the message's canonical words (a screened spaCy Doc)."""
        # By the canonical word: "'m" and "n't" are read as "am" and "not".
        words = tuple(token.norm_ for token in doc if token.norm_.isalpha())
        if not words or len(words) > self.max_words:
            return None
        if any(contains(words, phrase) for phrase in self.yes) or any(opens_with(words, phrase) for phrase in self.opening):
            return "yes"
        if any(words[: len(phrase)] == phrase for phrase in self.no):
            return "no"
        return None


def contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def opens_with(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """The words start with the phrase, and no negation follows it."""
    follows = words[len(phrase) : len(phrase) + 1]
    return words[: len(phrase)] == phrase and not (follows and follows[0] in NEGATIONS)
