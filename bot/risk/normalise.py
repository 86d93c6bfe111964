"""Turns what people type into the canonical words the risk patterns are written in.

Two steps: `clean_text` works on the whole message (case, unicode tricks, leetspeak, stretched
letters, multi-word slang); `Lexicon.canonical` maps one token to its canonical spelling
(typos, slang, contractions without apostrophes). Both are driven by data/risk/lexicon.jsonl.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# Zero-width and bidirectional control characters hide words from simple matching.
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# Leetspeak only between letters, so numbers and prices are left alone.
LEET = {"1": "i", "!": "i", "|": "i", "3": "e", "0": "o", "4": "a", "@": "a", "$": "s", "5": "s"}
LEET_INSIDE_WORD = re.compile(r"(?<=[a-z])[1!|3045@$](?=[a-z])")
MASK_INSIDE_WORD = re.compile(r"(?<=[a-z])[*_.#](?=[a-z])")
STRETCHED = re.compile(r"([a-z])\1{2,}")


def clean_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(QUOTES)
    text = INVISIBLE.sub("", text)
    text = LEET_INSIDE_WORD.sub(lambda m: LEET[m.group()], text)
    text = MASK_INSIDE_WORD.sub("", text)
    return STRETCHED.sub(r"\1\1", text)


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass
class Lexicon:
    """Canonical spellings: exact variants, stretched letters and one-edit typos of chosen words."""

    variants: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    fuzzy: dict[str, str] = field(default_factory=dict)
    phrase_pattern: re.Pattern[str] | None = None

    @classmethod
    def from_entries(cls, entries: Iterable[dict]) -> Lexicon:
        lexicon = cls()
        for entry in entries:
            canonical = entry["canonical"]
            for variant in entry.get("variants", []):
                # Several words on either side are rewritten in the text, before tokenising.
                if any(mark in word for word in (variant, canonical) for mark in " -"):
                    lexicon.phrases[variant] = canonical
                else:
                    lexicon.variants[variant] = canonical
            if entry.get("fuzzy"):
                # Symmetric deletion: a typo one edit away shares a one-letter deletion.
                for key in deletions(canonical) | {canonical}:
                    lexicon.fuzzy.setdefault(key, canonical)
        if lexicon.phrases:
            # One alternation, longest first, so "self deleting" wins over "self delete".
            variants = sorted(lexicon.phrases, key=len, reverse=True)
            alternation = "|".join(re.escape(variant) for variant in variants)
            lexicon.phrase_pattern = re.compile(rf"(?<![a-z])(?:{alternation})(?![a-z])")
        return lexicon

    def rewrite_phrases(self, text: str) -> str:
        if self.phrase_pattern is None:
            return text
        return self.phrase_pattern.sub(lambda match: self.phrases[match.group()], text)

    def canonical(self, token: str) -> str:
        if token in self.variants:
            return self.variants[token]
        squeezed = re.sub(r"([a-z])\1", r"\1", token)
        if squeezed != token and squeezed in self.variants:
            return self.variants[squeezed]
        if len(token) >= 5:
            for candidate in (token, *deletions(token)):
                if candidate in self.fuzzy:
                    return self.fuzzy[candidate]
        return token
