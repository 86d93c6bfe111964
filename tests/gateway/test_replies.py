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
