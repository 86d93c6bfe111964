from api.gateway.replies import Replies, from_rasa


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
