import json

from gateway.replies import Replies, from_rasa


def test_rasa_messages_become_typed_messages():
    rasa = [
        {"recipient_id": "x", "text": "Hello", "buttons": [{"title": "A", "payload": "/a", "type": "postback"}]},
        {"recipient_id": "x", "custom": {"type": "call", "tel": "tel:+443001312789"}},
        {"recipient_id": "x", "custom": {"type": "something-else"}},
        {"recipient_id": "x", "image": "http://example/x.png"},
    ]
    assert from_rasa(rasa) == [
        {"type": "text", "text": "Hello", "buttons": [{"title": "A", "payload": "/a"}]},
        {"type": "call", "tel": "tel:+443001312789"},
    ]


def test_the_gateway_handoff_is_the_domain_handoff():
    replies = Replies()
    text, payload = replies.handoff()
    assert "0300 131 2789" in text["text"] and payload["type"] == "handoff"
    unavailable = replies.unavailable()
    assert "0300 131 2789" in unavailable[0]["text"] and unavailable[1]["type"] == "call"


def test_every_answer_is_already_what_the_documented_schema_would_send():
    # The chat route sends these as built, without FastAPI's response-model pass: that pass must
    # have nothing to change (no missing type, no None to drop, no field it would coerce).
    from gateway.routers.chat import ChatResponse, answer

    replies = Replies()
    rasa = [{"recipient_id": "x", "text": "Hi", "buttons": [{"title": "A", "payload": "/a"}]},
            {"recipient_id": "x", "custom": {"type": "handoff", "number": "0300 131 2789"}}]
    for messages in (replies.handoff(), replies.unavailable(), from_rasa(rasa)):
        body = {"session": "s", "messages": messages}
        assert ChatResponse(**body).dict(exclude_none=True) == body
        assert json.loads(answer("s", messages).body) == body
