"""Redaction for the trainers' review queue: what is replaced, what is kept, and that it never fails."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.crisis_line import NUMBER, TEL
from bot.review.redact import PLACEHOLDERS, redact


@pytest.mark.parametrize("text, redacted", [
    ("text me on 07700 900123 please", "text me on <phone> please"),
    ("07700900123", "<phone>"),
    ("my mobile is 07700-900-123", "my mobile is <phone>"),
    ("call +44 7700 900123", "call <phone>"),
    ("or +447700900123", "or <phone>"),
    ("+44 (0)7700 900123", "<phone>"),
    ("home is 0191 498 0000", "home is <phone>"),
    ("home is (0191) 498 0000", "home is <phone>"),
    ("office 020 7946 0000", "office <phone>"),
    ("office 02079460000", "office <phone>"),
    ("landline 01632 960001", "landline <phone>"),
    ("freephone 0800 123 4567", "freephone <phone>"),
])
def test_phone_numbers(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize("text, redacted", [
    ("email me at dave.smith@police.uk", "email me at <email>"),
    ("j_o+wellbeing@example.co.uk.", "<email>."),
    ("A.N.Other@Force.Police.UK is mine", "<email> is mine"),
    ("a@b.uk+c@d.uk or e@f.uk.g@h.uk", "<email> or <email>"),
    ("x@y+a@b.uk", "x@<email>"),
])
def test_email_addresses(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize("text, redacted", [
    ("I live in SW1A 1AA", "I live in <postcode>"),
    ("near ne1 4st now", "near <postcode> now"),
    ("M1 1AE", "<postcode>"),
    ("postcode is sw1a1aa", "postcode is <postcode>"),
    ("B33 8TH, up north", "<postcode>, up north"),
])
def test_postcodes(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize("text, redacted", [
    ("I'm PC 1234", "I'm PC <collar number>"),
    ("it was DC1234 who rang", "it was DC <collar number> who rang"),
    ("PCSO 5678 here", "PCSO <collar number> here"),
    ("ask Sgt 123", "ask Sgt <collar number>"),
    ("DS 99 was on", "DS <collar number> was on"),
    ("pc 4321 in lowercase", "pc <collar number> in lowercase"),
    ("my collar number is 4567", "my collar number is <collar number>"),
    ("collar number 4567", "collar number <collar number>"),
    ("shoulder no. 1234", "shoulder no. <collar number>"),
    ("badge number: 2211", "badge number: <collar number>"),
    ("my collar number's 4567", "my collar number's <collar number>"),
    ("warrant card 123456", "warrant card <warrant number>"),
    ("warrant no. AB12345", "warrant no. <warrant number>"),
    ("my warrant number is 987654", "my warrant number is <warrant number>"),
    ("payroll number 112233", "payroll number <warrant number>"),
    ("staff no 55443", "staff no <warrant number>"),
    ("they want my collar number. my number is 1234", "they want my collar number. my number is <collar number>"),
])
def test_collar_and_warrant_numbers(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize("text, redacted", [
    ("Sgt John Smith shouted at me", "Sgt <name> shouted at me"),
    ("spoke to PC Jones about it", "spoke to PC <name> about it"),
    ("DS Smith-Jones again", "DS <name> again"),
    ("DCI O'Neil called", "DCI <name> called"),
    ("my Inspector McDonald said", "my Inspector <name> said"),
    ("Ch Insp Patel", "Ch Insp <name>"),
    ("Mrs Khan from HR", "Mrs <name> from HR"),
    ("Dr. Evans signed me off", "Dr. <name> signed me off"),
    ("sgt dave is ok", "sgt <name> is ok"),           # lowercase, not an English word
    ("my sergeant Mark", "my sergeant <name>"),        # a word, but capitalised after a rank
    ("PC Smith's car", "PC <name>'s car"),
    ("PC Jones Monday", "PC <name> Monday"),
])
def test_names_after_a_rank_or_title(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize("text, redacted", [
    ("my name is Dave", "my name is <name>"),
    ("my name is mark", "my name is <name>"),          # "mark" is a word, the context says name
    ("hi my name is John Smith and I work nights", "hi my name is <name> and I work nights"),
    ("My name's Priya", "My name's <name>"),
    ("name's sarah by the way", "name's <name> by the way"),
    ("i'm called kev", "i'm called <name>"),
    ("call me Gaz", "call me <name>"),            # "gaz" is in the lemma table
    ("this is dave from response", "this is <name> from response"),
    ("This is Priya Patel", "This is <name>"),
])
def test_self_introductions(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize("text, redacted", [
    ("I told Dave about it", "I told <name> about it"),
    ("me and Sarah split up", "me and <name> split up"),
    ("honestly, Priya was great", "honestly, <name> was great"),
    ("Kerry-Ann and I", "<name> and I"),                # sentence-initial, not a word
    ("Lorna from HR said to email me", "<name> from HR said to email me"),
    ("it was fine. Siobhan said so", "it was fine. <name> said so"),
    ("Dave said hello", "<name> said hello"),
    ("went out with Kerry-Ann", "went out with <name>"),
    ("hi Kev, thanks", "hi <name>, thanks"),
])
def test_capitalised_words_that_are_not_english(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize("text, redacted", [
    ("I live at 12 Acacia Road", "I live at <address>"),
    ("flat 3, 221b Baker Street", "flat 3, <address>"),
    ("it's 4 Mill Lane, NE1 4ST", "it's <address>, <postcode>"),
    ("8 Long Meadow close", "<address>"),
    ("dob 01/02/1985", "dob <date of birth>"),
    ("my DOB is 1.2.85", "my DOB is <date of birth>"),
    ("date of birth: 3rd March 1979", "date of birth: <date of birth>"),
    ("I was born on 12-03-1990", "I was born on <date of birth>"),
])
def test_addresses_and_dates_of_birth(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize("text", [
    f"the crisis line is {NUMBER}",
    TEL,
    "+44 " + NUMBER[1:],
    "if in danger call 999",
    "ring 111 and choose option 2",
    "non-emergency 101",
    "Samaritans on 116 123",
    "text SHOUT to 85258",
    "I work nights",
    "my sergeant is ok",
    "talk to my sergeant tho",
    "Oscar Kilo and TASC run the line",
    "rang Oscar Kilo, then the Samaritans",
    "I've been on response for 12 years",
    "been a sgt 10 years",
    "on shift 2 this week",
    "start at 0700 and finish at 1900",
    "started 01-02-2019 07:00",
    "since 2019",
    "see you Monday",
    "back in March",
    "Honestly I'm fine",
    "Tbh it's the rota",
    "Hiya, quick one",
    "Smith is my sarge",
    "I'm tired",
    "I'm not ok",
    "call me back",
    "call me later",
    "this is really hard",
    "this is difficult",
    "this is hopeless",
    "my name is not important",
    "went to the GP about PTSD",
    "referred to Occupational Health by my Inspector",
    "PSD and the Fed are involved",
    "the Met, NHS and CID",
    "I moved from England to Wales",
    "see you at 2pm, not 3am",
    "I did 3 hours on the road",
    "I've had 2 Big Macs",
    "collar was too tight",
])
def test_kept_as_written(text):
    assert redact(text) == text


def test_a_message_with_several_details():
    text = (
        "Hi, my name is Gaz Evans (PC 4321), DOB 02/03/1984. Sgt Patel keeps on at me. "
        "Ring me on 07700 900123 or email gaz.evans@force.police.uk, I'm at 7 Elm Grove, M1 1AE. "
        f"Not sure if I should ring {NUMBER} or 116 123."
    )
    assert redact(text) == (
        "Hi, my name is <name> (PC <collar number>), DOB <date of birth>. Sgt <name> keeps on at me. "
        "Ring me on <phone> or email <email>, I'm at <address>, <postcode>. "
        f"Not sure if I should ring {NUMBER} or 116 123."
    )


def test_placeholders_are_not_rasa_entity_syntax():
    assert len(set(PLACEHOLDERS)) == len(PLACEHOLDERS)
    for placeholder in PLACEHOLDERS:
        assert re.fullmatch(r"<[a-z ]+>", placeholder)


@pytest.mark.parametrize("text", ["", " ", "\n\n", "é", "🙂🙂", "<name>", "x" * 100_000])
def test_edge_inputs(text):
    assert redact(text) == text


def test_placeholders_are_stable():
    text = " ".join(PLACEHOLDERS) + " PC <collar number>, my name is <name>, dob <date of birth>"
    assert redact(text) == text


EMAIL_LIKE = re.compile(r"[\w.+-]+@[\w-]+\.[\w-]+")
EMAILS = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,15}@[a-z0-9-]{1,12}(\.[a-z]{2,6}){1,2}", fullmatch=True)
MOBILES = st.from_regex(r"07[0-9]{9}", fullmatch=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.text(max_size=200), email=EMAILS, mobile=MOBILES, after=st.text(max_size=200))
def test_never_raises_and_never_leaks_an_email_or_mobile(before, email, mobile, after):
    redacted = redact(f"{before} {email} {mobile} {after}")
    assert not EMAIL_LIKE.search(redacted)
    assert mobile not in redacted


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_redacted_idempotently(text):
    once = redact(text)
    assert redact(once) == once


WORDS = ["my", "name", "is", "call", "me", "this", "PC", "Sgt", "Dave", "Smith", "mark", "1234", "07700",
         "900123", "NE1", "4ST", "12", "Acacia", "Road", "dob", "01/02/1985", "collar", "number", "warrant",
         "no.", "AB123", "@", "x.com", "a@b.c", ".", ",", "+", "\n", "(0)", "+44", "<name>", "I'm", "O'Neil", "-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.sampled_from([" ", "", "  "]))
def test_likely_words_in_any_order_are_redacted_idempotently(words, separator):
    once = redact(separator.join(words))
    assert redact(once) == once
    assert not EMAIL_LIKE.search(once)
