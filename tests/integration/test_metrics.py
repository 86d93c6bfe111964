"""/metrics for operators through the real stack: the gateway's own port answers Prometheus's text
format with every family, counts a conversation's replies, sees Rasa and Redis up, and carries
nothing of the conversation (its words, its session id); the public port has no /metrics."""

import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.integration
FAMILIES = {
    "backup_gateway_request_duration_seconds", "backup_gateway_replies", "backup_gateway_rate_limited",
    "backup_gateway_rasa_errors", "backup_gateway_risk_screen_duration_seconds", "backup_gateway_rasa_up",
    "backup_gateway_redis_up", "process_cpu_seconds", "process_resident_memory_bytes", "process_open_fds",
    "python_gc_objects_collected", "python_info",
}


def scrape(stack) -> tuple[str, dict]:
    response = httpx.get(stack.settings.metrics_url, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = list(text_string_to_metric_families(response.text))
    samples = {(s.name, frozenset(s.labels.items())): s.value for family in families for s in family.samples}
    return response.text, {"families": {family.name for family in families}, "samples": samples}


def value(scraped: dict, name: str, **labels: str) -> float:
    return scraped["samples"].get((name, frozenset(labels.items())), 0.0)


def test_a_conversation_is_counted_on_the_metrics_port_and_nothing_of_it_is_there(stack):
    settings = stack.settings
    _, before = scrape(stack)
    assert before["families"] >= FAMILIES
    marker = f"zebra{uuid.uuid4().hex[:8]}"  # a word nobody else's test sends
    with httpx.Client(base_url=settings.gateway_url, timeout=30) as gateway:
        assert gateway.get("/metrics").status_code == 404  # never on the public port
        body = gateway.post("/api/chat", json={"site": "test-host", "message": f"hello, I'm {marker}"}).json()
        session = body["session"]
        gateway.post("/api/chat", json={"site": "test-host", "session": session,
                                        "message": f"{marker} says i'm going to kill myself tonight"})
        assert gateway.delete(f"/api/chat/{session}").status_code == 204
    text, after = scrape(stack)

    assert marker not in text and session not in text
    grew = {kind: value(after, "backup_gateway_replies_total", kind=kind)
            - value(before, "backup_gateway_replies_total", kind=kind) for kind in ("answer", "handoff")}
    assert grew == {"answer": 1, "handoff": 1}
    count = "backup_gateway_request_duration_seconds_count"
    assert value(after, count, route="/api/chat", method="POST", status="2xx") - value(
        before, count, route="/api/chat", method="POST", status="2xx") == 2
    assert value(after, count, route="/api/chat/{session}", method="DELETE", status="2xx") - value(
        before, count, route="/api/chat/{session}", method="DELETE", status="2xx") == 1
    assert value(after, "backup_gateway_risk_screen_duration_seconds_count") - value(
        before, "backup_gateway_risk_screen_duration_seconds_count") == 2
    assert value(after, "backup_gateway_rasa_up", replica=f"{settings.rasa_host}:{settings.rasa_port}") == 1
    assert value(after, "backup_gateway_redis_up") == 1
    assert value(after, "process_resident_memory_bytes") > 0
