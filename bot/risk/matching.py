"""Where the rules match in a Doc: phrase and pattern rules through spaCy Matchers on NORM,
"together" rules by their words anywhere in the message. Safe spans are level "none" rules and
come back like any other match; bot.risk.decision weighs them."""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from bot.risk.normalise import Lexicon
from bot.risk.rules import Rule


class RuleMatcher:
    """Every rule's matches in a Doc whose NORMs are already canonical (`Lexicon.canonical`)."""

    def __init__(self, nlp: Language, rules: list[Rule], lexicon: Lexicon):
        self.lexicon = lexicon
        self.rules = {rule.id: rule for rule in rules}
        for rule in rules:
            # A rule's own words are canonical as written: no fuzzy match may rewrite them.
            for word in self._rule_words(nlp, rule):
                lexicon.variants.setdefault(word, word)
        self.together = [rule for rule in rules if rule.together]
        # One Matcher per first word, run only when that word is in the message: a single
        # Matcher with every rule tries each rule at each token (~0.3 ms a message).
        self.by_anchor: dict[str, Matcher] = {}
        self.always = Matcher(nlp.vocab)
        for rule in rules:
            if not rule.together:
                pattern = self._token_pattern(nlp, rule)
                anchor = anchor_words(pattern)
                for matcher in [self.by_anchor.setdefault(w, Matcher(nlp.vocab)) for w in anchor] if anchor else [self.always]:
                    matcher.add(rule.id, [pattern])

    def _phrase_norms(self, nlp: Language, phrase: str) -> list[str]:
        return [self.lexicon.canonical(token.norm_) for token in nlp.make_doc(phrase)]

    def _token_pattern(self, nlp: Language, rule: Rule) -> list[dict]:
        if rule.phrase is not None:
            return [{"NORM": norm} for norm in self._phrase_norms(nlp, rule.phrase)]
        return list(rule.pattern or ())

    def _rule_words(self, nlp: Language, rule: Rule) -> list[str]:
        if rule.phrase is not None:
            return [t.norm_ for t in nlp.make_doc(rule.phrase)]
        if rule.together:
            return [word for words in rule.together for word in words]
        words = []
        for token in rule.pattern or ():
            norm = token.get("NORM")
            if isinstance(norm, str):
                words.append(norm)
            elif isinstance(norm, dict):
                words.extend(norm.get("IN", []))
        return words

    def __call__(self, doc: Doc) -> list[tuple[Rule, Span]]:
        words = {token.norm_ for token in doc}
        matchers = [self.by_anchor[word] for word in words if word in self.by_anchor]
        if len(self.always):
            matchers.append(self.always)
        hits = {hit for matcher in matchers for hit in matcher(doc)}
        matches = [(self.rules[doc.vocab.strings[key]], doc[start:end]) for key, start, end in hits]
        return matches + together_matches(doc, self.together)


def anchor_words(pattern: list[dict]) -> frozenset[str] | None:
    """The words a match must start with: the first required token's NORM (None: any word)."""
    for token in pattern:
        if token.get("OP") in ("?", "*"):
            return None
        norm = token.get("NORM")
        if isinstance(norm, str):
            return frozenset([norm])
        if isinstance(norm, dict) and "IN" in norm:
            return frozenset(norm["IN"])
        return None
    return None


def together_matches(doc: Doc, rules: list[Rule]) -> list[tuple[Rule, Span]]:
    """A span from the first to the last word found, when every list of a rule has a word here."""
    first: dict[str, int] = {}
    for token in doc:
        first.setdefault(token.norm_, token.i)
    found = []
    for rule in rules:
        hits = [[first[w] for w in words if w in first] for words in rule.together or ()]
        if all(hits):
            starts = [min(positions) for positions in hits]
            found.append((rule, doc[min(starts) : max(starts) + 1]))
    return found
