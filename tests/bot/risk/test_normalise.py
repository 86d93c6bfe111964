import pytest

from bot.risk.normalise import Lexicon, clean_text


@pytest.mark.parametrize("raw, cleaned", [
    ("I WANT TO DIE", "i want to die"),
    ("su1c1dal", "suicidal"),
    ("k!ll", "kill"),
    ("s*icide", "sicide"),
    ("dieeeee", "diee"),
    ("kill\u200bmyself", "killmyself"),
    ("I\u2019m", "i'm"),
    ("costs £150 or 3 pints", "costs £150 or 3 pints"),
])
def test_clean_text(raw, cleaned):
    assert clean_text(raw) == cleaned


LEXICON = Lexicon.from_entries([
    {"canonical": "myself", "variants": ["meself"], "fuzzy": True},
    {"canonical": "kill myself", "variants": ["kms"]},
    {"canonical": "die", "variants": ["dei"]},
])


@pytest.mark.parametrize("token, canonical", [
    ("meself", "myself"),
    ("myslef", "myself"),   # transposition, one edit
    ("mysel", "myself"),    # deletion
    ("myyself", "myself"),  # insertion
    ("dei", "die"),
    ("hello", "hello"),
    ("shelf", "shelf"),     # not one edit from a fuzzy word
])
def test_canonical(token, canonical):
    assert LEXICON.canonical(token) == canonical


def test_multiword_canonical_rewrites_the_text():
    assert LEXICON.rewrite_phrases("honestly gonna kms tonight") == "honestly gonna kill myself tonight"
    assert LEXICON.rewrite_phrases("atkms") == "atkms"  # only whole words
