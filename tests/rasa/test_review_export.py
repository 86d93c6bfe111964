"""The exported draft is a Rasa NLU file a trainer can correct and merge."""

from __future__ import annotations

from datetime import date

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.review.__main__ import draft
from bot.review.queue import Item


def test_the_draft_is_valid_nlu_data_with_each_message_under_its_guess():
    items = [
        Item("parking at the nick", "out_of_scope", 0.2),
        Item("can't get to sleep after lates", "sleep_problems", 0.41),
        Item("parking at the nick", "out_of_scope", 0.3),
    ]
    data = RasaYAMLReader().reads(draft(items, date(2026, 11, 28)))
    examples = sorted((message.get("intent"), message.get("text")) for message in data.intent_examples)
    assert examples == [("out_of_scope", "parking at the nick"), ("sleep_problems", "can't get to sleep after lates")]


def test_entity_markup_in_a_message_cannot_turn_into_annotations():
    text = draft([Item("tell [my sarge](name) {now}", "out_of_scope", 0.2)], date(2026, 11, 28))
    data = RasaYAMLReader().reads(text)
    (message,) = data.intent_examples
    assert message.get("text") == "tell my sarge(name) now"
    assert not message.get("entities")


def test_the_header_says_how_many_and_that_it_is_a_draft():
    text = draft([Item("canteen hours", "out_of_scope", 0.2)], date(2026, 11, 28))
    assert "exported 2026-11-28: 1 message the assistant" in text
    assert "not training data until you do" in text
