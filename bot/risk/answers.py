"""Short answers to the suicide question, from data/risk/answers.jsonl: yes (or unsure), or no.

Read only on the turn right after the question (bot.risk.conversation). Unsure counts as yes: an
answer that is not a clear no gets the handoff, as the design asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.risk.rules import RuleError, read_jsonl


@dataclass(frozen=True)
class Answers:
    yes: tuple[tuple[str, ...], ...]
    no: tuple[tuple[str, ...], ...]
    max_words: int

    @classmethod
    def from_file(cls, path: Path) -> Answers:
        phrases: dict[str, tuple[tuple[str, ...], ...]] = {}
        max_words = 0
        for where, row in read_jsonl(path):
            if row.get("answer") not in ("yes", "no") or not row.get("phrases"):
                raise RuleError(f"{where}: give 'answer' (yes or no) and its 'phrases'")
            phrases[row["answer"]] = tuple(tuple(phrase.split()) for phrase in row["phrases"])
            max_words = max(max_words, int(row.get("max_words", 12)))
        return cls(yes=phrases.get("yes", ()), no=phrases.get("no", ()), max_words=max_words)

    def read(self, doc) -> str | None:
        """'yes', 'no' or None, from the message's canonical words (a screened spaCy Doc)."""
        words = tuple(token.norm_ for token in doc if token.is_alpha or token.norm_ in ("not",))
        if not words or len(words) > self.max_words:
            return None
        if any(contains(words, phrase) for phrase in self.yes):
            return "yes"
        if any(words[: len(phrase)] == phrase for phrase in self.no):
            return "no"
        return None


def contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))
