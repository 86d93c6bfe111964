"""What the words around a match say about it: whose risk it is (the writer's or someone else's),
whether it is someone else's words reported, whether it is negated. Word lists on canonical NORMs:
the screen's pipeline is spaCy's blank English, with no tagger or parser."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

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


def nearest_person(tokens: Iterable[Token]) -> str | None:
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
