import json

from bot.crisis_line import NUMBER, TEL
from gateway.replies import Replies, from_rasa


def test_rasa_messages_become_typed_messages():
    rasa = [
        {"recipient_id": "x", "text": "Hello", "buttons": [{"title": "A", "payload": "/a", "type": "postback"}]},
        {"recipient_id": "x", "custom": {"type": "call", "tel": TEL}},
        {"recipient_id": "x", "custom": {"type": "something-else"}},
        {"recipient_id": "x", "image": "http://example/x.png"},
    ]
    assert from_rasa(rasa) == [
        {"type": "text", "text": "Hello", "buttons": [{"title": "A", "payload": "/a"}]},
        {"type": "call", "tel": TEL},
    ]


def test_the_gateway_handoff_is_the_domain_handoff():
    replies = Replies()
    text, payload = replies.handoff()
    assert NUMBER in text["text"] and payload["type"] == "handoff"
    unavailable = replies.unavailable()
    assert NUMBER in unavailable[0]["text"] and unavailable[1]["type"] == "call"


def test_every_answer_is_already_what_the_documented_schema_would_send():
    # The chat route sends these as built, without FastAPI's response-model pass: that pass must
    # have nothing to change (no missing type, no None to drop, no field it would coerce).
    from gateway.routers.chat import ChatResponse, answer

    replies = Replies()
    rasa = [{"recipient_id": "x", "text": "Hi", "buttons": [{"title": "A", "payload": "/a"}]},
            {"recipient_id": "x", "custom": {"type": "handoff", "number": NUMBER}}]
    for messages in (replies.handoff(), replies.unavailable(), from_rasa(rasa)):
        body = {"session": "s", "messages": messages}
        assert ChatResponse(**body).dict(exclude_none=True) == body
        assert json.loads(answer("s", messages).body) == body


def contacts_site(contacts):
    from bot.sites import parse_registry

    site = {"id": "fed", "name": "Fed branch", "origins": ["https://fed.example.org"], "contacts": contacts}
    return parse_registry({"default": "fed", "sites": [site]}).sites[0]


LEAD = {"name": "Welfare lead", "description": "For members.", "phone": "020 7946 0123",
        "url": "https://fed.example.org/welfare", "hours": "Weekdays", "topics": ["money"]}
CARD = {"name": "Welfare lead", "description": "For members.", "phone": "020 7946 0123", "tel": "tel:+442079460123",
        "url": "https://fed.example.org/welfare", "hours": "Weekdays"}


def test_contacts_pass_only_as_the_sites_own():
    site = contacts_site([LEAD])
    good = {"type": "contacts", "topic": "money", "heading": "anything", "contacts": [CARD]}
    assert from_rasa([{"custom": good}], site) == [
        {"type": "contacts", "topic": "money", "heading": "Local support from Fed branch", "contacts": [CARD]}]
    assert from_rasa([{"custom": good}]) == []  # no site known: no cards
    for bad in (
        {**good, "contacts": [{**CARD, "url": "javascript:alert(1)"}]},
        {**good, "contacts": [{**CARD, "name": "Someone the person typed"}]},
        {**good, "contacts": [{**CARD, "onclick": "x"}]},
        {**good, "contacts": [CARD, {"name": "Another site's contact"}]},
        {**good, "topic": "parking"},
        {**good, "contacts": "Welfare lead"},
        {**good, "contacts": []},
    ):
        assert from_rasa([{"text": "National answer."}, {"custom": bad}], site) == [
            {"type": "text", "text": "National answer."}]


def test_a_contacts_answer_is_what_the_documented_schema_would_send():
    from gateway.routers.chat import ChatResponse, answer

    messages = from_rasa([{"text": "National."}, {"custom": {"type": "contacts", "topic": "money", "contacts": [CARD]}}],
                         contacts_site([LEAD]))
    body = {"session": "s", "messages": messages}
    assert ChatResponse(**body).model_dump(exclude_none=True) == body
    assert json.loads(answer("s", messages).body) == body
