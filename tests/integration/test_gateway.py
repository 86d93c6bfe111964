"""The public gateway against the real stack: chat, handoff, CORS, limits, sessions, DELETE."""

import time

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.crisis_line import NUMBER, TEL
from bot.redis_keys import TRACKER
from gateway.app import create_app
from gateway.sessions import new_session

pytestmark = pytest.mark.integration


@pytest.fixture
def gateway(stack) -> httpx.Client:
    with httpx.Client(base_url=stack.settings.gateway_url, timeout=30) as client:
        yield client


def chat(gateway, message, session=None, site="test-host", origin=None):
    headers = {"Origin": origin} if origin else {}
    return gateway.post("/api/chat", json={"site": site, "session": session, "message": message}, headers=headers)


def texts(body) -> str:
    return " ".join(m.get("text", "") for m in body["messages"])


def test_a_conversation_keeps_its_session(gateway, host_origin):
    first = chat(gateway, "hello", origin=host_origin).json()
    assert "Backup" in texts(first)
    second = chat(gateway, "whats the number", first["session"], origin=host_origin).json()
    assert second["session"] == first["session"]
    assert NUMBER in texts(second)
    assert any(m["type"] == "call" and m["tel"] == TEL for m in second["messages"])


def test_crisis_is_handed_off_by_the_gateway_and_rasa_is_told(gateway, redis_client):
    body = chat(gateway, "i'm going to kill myself tonight").json()
    assert [m["type"] for m in body["messages"]] == ["text", "handoff"]
    key = f"{TRACKER}{body['session']}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "utter_handoff" not in (redis_client.get(key) or ""):
        time.sleep(0.2)
    assert "utter_handoff" in redis_client.get(key)
    later = chat(gateway, "thanks", body["session"]).json()
    assert any(m.get("pinned") for m in later["messages"] if m["type"] == "handoff")


def test_only_registered_origins_get_cors(gateway, host_origin):
    allowed = gateway.options("/api/chat", headers={
        "Origin": host_origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == host_origin
    refused = gateway.options("/api/chat", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


def test_a_post_from_another_origin_is_refused_kindly(gateway, host_origin):
    response = chat(gateway, "hi", origin="https://evil.example")
    assert response.status_code == 403 and NUMBER in texts(response.json())
    # An origin registered for one site cannot use another site's id.
    assert chat(gateway, "hi", site="intranet-demo", origin=host_origin).status_code == 403


def test_too_long_a_message_gets_a_kind_error(gateway, stack):
    response = chat(gateway, "a" * (stack.settings.max_message_chars + 1))
    assert response.status_code == 413
    assert "too long" in texts(response.json()) and NUMBER in texts(response.json())


def test_huge_bodies_are_refused_before_they_are_read(gateway):
    response = gateway.post("/api/chat", content=b"{" + b" " * 100_000 + b"}",
                            headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and NUMBER in texts(response.json())


def test_the_rate_per_session_is_limited(gateway, stack):
    session = chat(gateway, "/greet").json()["session"]
    codes = [chat(gateway, "/thank", session).status_code for _ in range(stack.settings.messages_per_minute_per_session)]
    assert codes[-1] == 429 and codes.count(200) == stack.settings.messages_per_minute_per_session - 1
    assert NUMBER in texts(chat(gateway, "/thank", session).json())
    crisis = chat(gateway, "i'm going to kill myself tonight", session)  # past the limit: still the handoff, at once
    assert crisis.status_code == 200 and [m["type"] for m in crisis.json()["messages"]] == ["text", "handoff"]


def test_sessions_are_made_by_the_server_only(gateway, stack):
    made_up = new_session("not the gateway's secret")
    body = chat(gateway, "hi", made_up).json()
    assert body["session"] != made_up
    assert len(body["session"]) >= 40


def test_delete_removes_the_conversation_at_once(gateway, redis_client):
    session = chat(gateway, "hello").json()["session"]
    key = f"{TRACKER}{session}"
    assert redis_client.exists(key)
    assert gateway.delete(f"/api/chat/{session}").status_code == 204
    assert not redis_client.exists(key)
    assert gateway.delete("/api/chat/not-a-session").status_code == 204


def test_health_and_readiness(gateway):
    assert gateway.get("/healthz").json() == {"status": "ok"}
    assert gateway.get("/readyz").json() == {"status": "ready", "rasa": True, "redis": True}


def test_pages_carry_a_strict_csp(gateway):
    page = gateway.get("/")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    widget = gateway.get("/static/widget.js")
    assert widget.headers["cross-origin-resource-policy"] == "cross-origin"


def test_the_site_registry_is_public_but_the_crisis_line_is_fixed(gateway):
    site = gateway.get("/api/sites/test-host").json()
    assert site["crisis"]["tel"] == TEL and site["colours"]["primary"] == "#00594f"
    assert gateway.get("/api/sites/nope").status_code == 404


def test_rasa_down_still_gives_the_number(settings, redis_client):
    down = settings.but(rasa_port=1, rasa_timeout_seconds=1.0)
    with TestClient(create_app(down)) as client:
        started = time.perf_counter()
        body = client.post("/api/chat", json={"site": "test-host", "message": "hello"}).json()
        elapsed = time.perf_counter() - started
        assert NUMBER in texts(body) and any(m["type"] == "call" for m in body["messages"])
        assert elapsed < 3
        crisis = client.post("/api/chat", json={"site": "test-host", "message": "gonna kms"}).json()
        assert crisis["messages"][1]["type"] == "handoff"
        assert client.get("/readyz").status_code == 503


def test_every_error_a_person_can_see_has_the_number(gateway):
    for response in (gateway.get("/nowhere"), gateway.put("/api/chat"),
                     gateway.post("/api/chat", json={"site": "test-host"})):
        assert response.status_code in (404, 405, 422)
        assert NUMBER in texts(response.json())
    assert gateway.get("/openapi.json").json()["paths"]["/api/chat"]["post"]
