"""The spaCy component that gives a Doc its risk level: `backup_risk_screen`.

(No `from __future__ import annotations` here: spaCy reads the factory's annotations at run time.)

It rewrites each token's NORM to its canonical spelling, runs the rules' Matcher on NORM,
then drops matches that a safe span overlaps, that are about someone else, or (for crisis,
downgraded to concern rather than dropped) that are negated just before.
"""


from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from bot.risk.normalise import Lexicon
from bot.risk.rules import Level, Rule, load_lexicon_entries, load_rules

FIRST_PERSON = {"i", "me", "myself", "im"}
THIRD_PERSON = {
    "he", "she", "they", "him", "her", "them", "his", "their", "himself", "herself", "themselves",
    "someone", "somebody", "anyone", "person", "people", "mate", "friend", "colleague",
    "crewmate", "oppo", "son", "daughter", "wife", "husband", "partner", "brother", "sister",
    "dad", "mum", "mother", "father", "uncle", "aunt", "male", "female", "man", "woman", "lad",
    "girl", "boy", "bloke", "guy", "suspect", "detainee", "prisoner", "dp", "patient", "victim",
    "deceased", "misper", "jumper", "flatmate", "teenager", "kid", "child", "sarge", "sergeant",
    "tutor", "starter", "probationer", "pcso", "officer", "team", "nan", "grandad", "cousin",
    "who", "nominal", "casualty", "offender", "inmate", "resident", "individual", "subject",
    "caller", "mop", "parents", "parent", "public", "colleagues", "ex", "member",
}
PRONOUNS = {"he", "she", "they", "him", "her", "them", "his", "their", "himself", "herself",
            "themselves", "who"}
# Someone else's words reported: "my mate said kms", "she texted 'i want to die'".
REPORTING = {"said", "says", "saying", "say", "texted", "posted", "wrote", "told", "messaged",
             "threatened", "threatening", "shouting", "shouted", "screaming", "keeps", "kept"}
QUOTES = {"'", '"'}
SENTENCE_ENDS = {".", "!", "?", "\n"}
# Words that end a clause when looking back for a negation.
CLAUSE_BREAKS = {".", "!", "?", ";", ",", ":", "but", "and", "so", "because", "-", "\n"}
NEGATIONS = {"not", "never", "no"}
NEGATION_WINDOW = 3
NOT_NEGATING = {"stop", "help", "quit"}
NEGATED_BY_NO = {"thoughts", "thought", "intention", "intentions", "plan", "plans", "desire", "urge", "wish"}

if not Doc.has_extension("risk_level"):
    Doc.set_extension("risk_level", default=Level.NONE)
    Doc.set_extension("risk_rules", default=[])
    Doc.set_extension("risk_negated", default=False)
    Doc.set_extension("risk_context", default=False)
    # Rules that mean more after distress earlier in the conversation ("after": "distress").
    Doc.set_extension("risk_escalations", default=[])
    # A risk phrase heard, but about someone else or in their words: the writer may be helping them.
    Doc.set_extension("risk_someone_else", default=False)
    # A safe span matched ("suicide prevention course", "end it with her").
    Doc.set_extension("risk_safe", default=False)


class RiskScreenComponent:
    def __init__(self, nlp: Language, rules: list[Rule], lexicon: Lexicon):
        self.lexicon = lexicon
        self.rules = {rule.id: rule for rule in rules}
        for rule in rules:
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
        return list(rule.pattern)

    def _rule_words(self, nlp: Language, rule: Rule) -> list[str]:
        if rule.phrase is not None:
            return [t.norm_ for t in nlp.make_doc(rule.phrase)]
        if rule.together:
            return [word for words in rule.together for word in words]
        words = []
        for token in rule.pattern:
            norm = token.get("NORM")
            if isinstance(norm, str):
                words.append(norm)
            elif isinstance(norm, dict):
                words.extend(norm.get("IN", []))
        return words

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            token.norm_ = self.lexicon.canonical(token.norm_)
        words = {token.norm_ for token in doc}
        matchers = [self.by_anchor[word] for word in words if word in self.by_anchor]
        if len(self.always):
            matchers.append(self.always)
        hits = {hit for matcher in matchers for hit in matcher(doc)}
        matches = [(self.rules[doc.vocab.strings[key]], doc[start:end]) for key, start, end in hits]
        matches += together_matches(doc, self.together)
        safe = [span for rule, span in matches if rule.level is Level.NONE and rule.scope == "span"]
        context = any(rule.scope == "message" for rule, _ in matches)
        level, fired, escalations = Level.NONE, [], []
        for rule, span in matches:
            if rule.level is Level.NONE or any(overlaps(span, s) for s in safe):
                continue
            if context and rule.together:
                continue
            if reported_speech(span) or (rule.person == "first" and about_someone_else(span)):
                doc._.risk_someone_else = True
                continue
            found = rule.level
            if rule.after is not None:
                # Hedges are often worded as negations ("I don't know if I'd ever do it").
                escalations.append((rule.id, rule.after))
                found = rule.alone
            elif negated(span):
                doc._.risk_negated = True
                found = Level.CONCERN if found is Level.CRISIS else Level.NONE
            if found is Level.NONE:
                continue
            fired.append(rule.id)
            if found.rank > level.rank:
                level = found
        doc._.risk_context = context
        doc._.risk_safe = bool(safe)
        doc._.risk_escalations = sorted(set(escalations))
        doc._.risk_level = level
        doc._.risk_rules = sorted(set(fired))
        return doc


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
        positions = [min((first[w] for w in words if w in first), default=None) for words in rule.together]
        if None not in positions:
            found.append((rule, doc[min(positions) : max(positions) + 1]))
    return found


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def clause_before(span: Span) -> list[Token]:
    """Tokens before the match, nearest first, back to the start of its clause."""
    before = []
    for token in reversed(span.doc[: span.start]):
        if token.norm_ in CLAUSE_BREAKS:
            break
        before.append(token)
    return before


def person_of(token: Token) -> str | None:
    if token.norm_ in FIRST_PERSON:
        return "first"
    if token.norm_ in THIRD_PERSON:
        return "third"
    return None


def nearest_person(tokens) -> str | None:
    """The nearest subject-like word looking back in this sentence; in a sentence without one
    ("Been planning it."), the first such word of the sentence before."""
    previous: list[Token] = []
    for token in tokens:
        if token.norm_ in SENTENCE_ENDS:
            if previous:
                break
            previous.append(token)
            continue
        if previous:
            previous.append(token)
        elif person := person_of(token):
            return person
    for token in reversed(previous):
        if person := person_of(token):
            return person
    return None


def said_by_someone_else(doc: Doc, verb: int) -> bool:
    return verb >= 0 and doc[verb].norm_ in REPORTING and (
        nearest_person(reversed(doc[:verb])) == "third"
    )


def reported_speech(span: Span) -> bool:
    """Someone else's words: "she texted 'i want to die'", "my mate said kms"."""
    doc = span.doc
    for index in range(span.start - 1, -1, -1):
        if doc[index].text in QUOTES:
            return any(said_by_someone_else(doc, verb) for verb in range(index - 1, -1, -1)
                       if doc[verb].norm_ in REPORTING)
        if doc[index].norm_ in SENTENCE_ENDS:
            break
    return said_by_someone_else(doc, span.start - 1)


def about_someone_else(span: Span) -> bool:
    """A third-person subject before the match ("my mate wants to die"), or right after it."""
    if any(token.norm_ in FIRST_PERSON for token in span):
        return False
    following = span.doc[span.end] if span.end < len(span.doc) else None
    if following is not None and following.norm_ in THIRD_PERSON - PRONOUNS:
        return True
    return nearest_person(reversed(span.doc[: span.start])) == "third"


def negated(span: Span) -> bool:
    """A negation just before the match, unless it says the opposite ("can't stop thinking").
    "no" negates only what it stands right before ("no seatbelt hoping..." is not negated)."""
    doc = span.doc
    for distance, token in enumerate(clause_before(span)[:NEGATION_WINDOW]):
        following = doc[token.i + 1].norm_
        if token.norm_ == "no" and distance > 0 and following not in NEGATED_BY_NO:
            continue
        if token.norm_ in NEGATIONS and following not in NOT_NEGATING:
            return True
    return False


@Language.factory("backup_risk_screen", default_config={"rules_dir": "data/risk"})
def make_risk_screen(nlp: Language, name: str, rules_dir: str) -> RiskScreenComponent:
    folder = Path(rules_dir)
    return RiskScreenComponent(nlp, load_rules(folder), Lexicon.from_entries(load_lexicon_entries(folder)))
