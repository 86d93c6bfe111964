"""Replaces personal details in a chat message with placeholders, so a trainer can read it.

Rules, not a model: the pipeline is a blank spaCy English one with no named-entity recogniser.
Numbers, emails, postcodes and addresses are found by their shape. Names are found by context
(after a rank or title, after "my name is") or as a capitalised word mid-sentence that is not an
English word. When in doubt it redacts: a lost word costs a trainer less than a leaked name.
Placeholders use angle brackets because square brackets, braces and parentheses are entity syntax
in Rasa NLU training data, where a trainer may paste a reviewed message.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import cast

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.util import load_language_data
from spacy_lookups_data import en as english_lookups

from bot.crisis_line import is_crisis_line

PLACEHOLDERS = (
    "<name>", "<phone>", "<email>", "<postcode>", "<address>", "<date of birth>",
    "<collar number>", "<warrant number>",
)

DIGIT = re.compile(r"\d")

# The lookbehind makes every match start where a run of address characters starts, so a long
# run without an @ is scanned once, not once per character. For that reason addresses written
# back to back ("a@b.uk+c@d.uk") are taken as one.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?:[\w.+-]*@[\w-]+(?:\.[\w-]+)+)*")
# Digit groups as UK numbers are written, so dates ("01-02-2019 07:00"), times and years are not.
PHONE = re.compile(
    r"(?<![\w+])(?:\+44[ \t]?(?:\(0\)[ \t]?)?|\(?0)\d{2,4}\)?[ \t-]?\d{3,4}[ \t-]?\d{3,4}(?!\d)"
)

NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)"
WRITTEN_DATE = (
    r"\d{1,2}(?:st|nd|rd|th)?[ \t]+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,?"
    r"[ \t]+\d{4}(?!\d)"
)
DATE_OF_BIRTH = re.compile(
    r"(?P<context>\b(?:dob|d\.o\.b\.?|date of birth|born on|born)[ \t]*(?:is|was)?[ \t]*:?[ \t]*)"
    rf"(?:{NUMERIC_DATE}|{WRITTEN_DATE})",
    re.IGNORECASE,
)

# Collar (shoulder) numbers are worn on the uniform; warrant, payroll and staff numbers identify
# the person in the force's records.
COLLAR_WORDS = frozenset({"collar", "shoulder", "badge"})
# Not after "<": a placeholder such as <collar number> is not a mention.
STAFF_WORD = re.compile(
    r"(?<!<)\b(?P<kind>collar|shoulder|badge|warrant|payroll|staff|employee|personnel)\b", re.IGNORECASE
)
STAFF_ID = re.compile(
    rf"(?P<context>{STAFF_WORD.pattern}"
    r"(?:[ \t]+card\b(?:[ \t]+(?:number|num|no)\b\.?)?|[ \t]+(?:number|num|nbr|no|id)\b\.?|[ \t]*#)"
    r"(?:[ \t]*(?:is|was|'s|’s)\b)?[ \t]*[:#=-]?[ \t]*)"
    r"[a-z]{0,3}\d{2,9}[a-z]{0,2}\b",
    re.IGNORECASE,
)
# Only when the message has mentioned a collar, warrant or staff number: see redact().
MY_NUMBER = re.compile(
    r"(?P<context>\bmy[ \t]+number(?:[ \t]+is|'s|’s)?[ \t]*:?[ \t]*)\d{2,9}\b", re.IGNORECASE
)
# "PC 1234" is a collar number; "a sgt 10 years" is not.
RANK_NUMBER = re.compile(
    r"\b(?P<rank>pcso|pc|dci|dc|ds|di|sgt|insp|supt)\.?[ \t]*\d{2,7}\b"
    r"(?![ \t]*(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|mins?|minutes?)\b)",
    re.IGNORECASE,
)

# The inward code never uses C, I, K, M, O or V, so "2am" and "3pm" are not postcodes.
POSTCODE = re.compile(r"\b[a-pr-uwyz][a-hk-y]?\d[a-z\d]?[ \t]?\d[abd-hjlnp-uw-z]{2}\b", re.IGNORECASE)
ADDRESS = re.compile(
    r"\b\d{1,4}[a-z]?,?[ \t]+(?:[A-Z][a-z'’]+[ \t]+){1,3}"
    r"(?i:road|rd|street|st|avenue|ave|lane|close|drive|way|crescent|grove|terrace|gardens|place"
    r"|court)\b"
)

TITLES = (
    "superintendent|inspector|constable|sergeant|sarge|pcso|supt|insp|sgt|dci|dc|ds|di|pc"
    "|miss|mrs|mr|ms|dr"
)
# A name word: "Smith", "smith", "McDonald", "O'Neil", "Smith-Jones". A possessive 's is left out.
WORD = r"(?:[A-Z]['’])?[A-Za-z]+(?:-[A-Za-z]+)?"
NOT_A_TITLE = rf"(?!(?i:{TITLES})\b)"
SECOND_WORD = rf"(?:[ \t]+{NOT_A_TITLE}(?P<second>{WORD})\b)?"
TITLED = re.compile(rf"\b(?i:{TITLES})\.?[ \t]+{NOT_A_TITLE}(?P<first>{WORD})\b{SECOND_WORD}")
# "my name is" is followed by a name unless a stop word says otherwise ("my name is not ...");
# after "call me" and "this is" a word must look like a name ("call me back", "this is hard").
INTRODUCTION = re.compile(
    r"\b(?i:(?P<strong>my[ \t]+name[ \t]+is|my[ \t]+name['’]?s|name['’]s"
    r"|i['’]?m[ \t]+called|i[ \t]+am[ \t]+called)"
    r"|call[ \t]+me|this[ \t]+is)"
    rf"[ \t]+(?P<first>{WORD})\b{SECOND_WORD}"
)
# Mid-sentence: after a word, a comma or a placeholder on the same line.
CAPITALISED = re.compile(
    r"(?<=[\w,;&>)][ \t])(?:[A-Z]['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?\b"
)
# At the start of a sentence a capital says nothing, but a word no dictionary has ("Lorna said")
# is still most likely a name.
SENTENCE_START = re.compile(r"(?:^|(?<=[.!?][ \t]))(?:[A-Z]['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b", re.MULTILINE)

# Services and terms often capitalised mid-sentence that english_words() does not hold.
SERVICE_TERMS = frozenset(
    "oscar kilo tasc samaritans shout nhs psd cid federation fed met uk england wales scotland "
    "ireland britain gp ptsd ok okay covid backup health welfare wellbeing assistance".split()
)
CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december christmas easter".split()
)
# Chat words and contractions typed without apostrophes, which no dictionary has.
CHAT_WORDS = frozenset(
    "im ive id dont cant wont isnt wasnt didnt doesnt aint thats whats youre theyre hes shes "
    "lol tbh tho ngl idk omg asap pls plz yep yeah nope gonna wanna gotta dunno cos coz innit hiya "
    "alright".split()
)


@lru_cache(maxsize=1)
def never_names() -> frozenset[str]:
    """Words not taken for a name even right after "my name is"."""
    return frozenset(STOP_WORDS) | SERVICE_TERMS | CALENDAR | CHAT_WORDS | frozenset(TITLES.split("|"))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words from spacy-lookups-data, loaded once on first use.

    The lemma lookup holds inflected words and their lemmas; the WordNet index adds the adjectives
    and adverbs that never inflect ("difficult", "anxious"). Its nouns are left out: they include
    people's names, and so do capitalised lookup entries.
    """
    lookup = cast(dict[str, str], load_language_data(english_lookups["lemma_lookup"]))
    index = cast(dict[str, list[str]], load_language_data(english_lookups["lemma_index"]))
    words = {word for pair in lookup.items() for word in pair if word.islower()}
    words.update(*(index[pos] for pos in ("adj", "adv", "verb")))
    return frozenset(words) | never_names()


def is_name(word: str, after_title: bool = False) -> bool:
    """A capital is evidence of a name only after a title or introduction; elsewhere the word
    must also not be English, which misses names that are words (Mark, Grace, Smith)."""
    lower = word.lower()
    if lower in never_names():
        return False
    if after_title and word[0].isupper() and not word.isupper():
        return True
    return not all(part in english_words() for part in lower.split("-"))


def name_span(match: re.Match[str], first_is_name: bool) -> str:
    """Replaces the first word of the match, and the second too when it looks like a name."""
    if not first_is_name:
        return match.group()
    second = match["second"]
    end = match.end("second") if second and is_name(second, after_title=True) else match.end("first")
    text = match.string
    return text[match.start() : match.start("first")] + "<name>" + text[end : match.end()]


def titled_name(match: re.Match[str]) -> str:
    return name_span(match, is_name(match["first"], after_title=True))


def introduced_name(match: re.Match[str]) -> str:
    first = match["first"]
    if match["strong"]:
        return name_span(match, first.lower() not in never_names())
    return name_span(match, is_name(first, after_title=True))


def unknown_word(match: re.Match[str]) -> str:
    return "<name>" if is_name(match.group()) else match.group()


def phone(match: re.Match[str]) -> str:
    digits = "".join(char for char in match.group() if char.isdigit())
    if digits.startswith("44"):
        digits = "0" + digits[2:].lstrip("0")
    # 999, 111, 101, 116 123 and 85258 are too short to look like a phone number; the crisis line isn't.
    if is_crisis_line(digits) or not 10 <= len(digits) <= 11:
        return match.group()
    return "<phone>"


def staff_number(kind: str) -> str:
    return "<collar number>" if kind.lower() in COLLAR_WORDS else "<warrant number>"


def redact(text: str) -> str:
    """The message with names, contact details and staff numbers replaced by PLACEHOLDERS."""
    if "@" in text:
        text = EMAIL.sub("<email>", text)
    if DIGIT.search(text):  # most messages have none, and every pattern here needs one
        text = PHONE.sub(phone, text)
        text = DATE_OF_BIRTH.sub(r"\g<context><date of birth>", text)
        text = STAFF_ID.sub(lambda match: match["context"] + staff_number(match["kind"]), text)
        if mention := STAFF_WORD.search(text):
            text = MY_NUMBER.sub(rf"\g<context>{staff_number(mention['kind'])}", text)
        text = RANK_NUMBER.sub(r"\g<rank> <collar number>", text)
        text = POSTCODE.sub("<postcode>", text)
        text = ADDRESS.sub("<address>", text)
    text = TITLED.sub(titled_name, text)
    text = INTRODUCTION.sub(introduced_name, text)
    text = CAPITALISED.sub(unknown_word, text)
    return SENTENCE_START.sub(unknown_word, text)
