"""/metrics for operators, in-process: the real app on a fake Redis and a stub Rasa, scraped on its
own loopback port (a free one here). What each family counts, that labels stay bounded, that
nothing of a conversation reaches a scrape, and that the public port has no /metrics."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.metrics import REPLY_KINDS

from .conftest import ORIGIN, SITE

HELLO = "hello, my name is Sam Example"
CRISIS = "i'm going to kill myself tonight"


async def say(client, message, session=None):
    return await client.post("/api/chat", json={"site": SITE, "session": session, "message": message},
                             headers={"Origin": ORIGIN})


async def scrape_text(client) -> str:
    url = client.app.state.metrics_endpoint.url
    async with httpx.AsyncClient() as scraper:
        response = await scraper.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


def parse(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample as (name, labels) -> value."""
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


async def scrape(client) -> dict[tuple[str, frozenset], float]:
    return parse(await scrape_text(client))


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def label_values(samples, name: str, label: str) -> set[str]:
    return {dict(labels)[label] for sample, labels in samples if sample == name and label in dict(labels)}


async def test_the_public_port_has_no_metrics_and_the_metrics_port_has_every_family(gateway, rasa):
    async with gateway() as client:
        assert (await client.get("/metrics")).status_code == 404
        assert client.app.state.metrics_endpoint.url.startswith("http://127.0.0.1:")
        families = {family.name for family in text_string_to_metric_families(await scrape_text(client))}
    assert {
        "backup_gateway_request_duration_seconds", "backup_gateway_replies", "backup_gateway_rate_limited",
        "backup_gateway_rasa_errors", "backup_gateway_risk_screen_duration_seconds", "backup_gateway_rasa_up",
        "backup_gateway_redis_up", "process_resident_memory_bytes", "process_cpu_seconds", "python_gc_objects_collected",
    } <= families


async def test_replies_are_counted_by_kind_and_the_screen_is_timed(gateway, rasa):
    async with gateway() as client:
        before = await scrape(client)
        assert {kind: value(before, "backup_gateway_replies_total", kind=kind) for kind in REPLY_KINDS} == {
            "answer": 0, "handoff": 0, "unavailable": 0}
        session = (await say(client, HELLO)).json()["session"]
        await say(client, "what's the number", session)
        await say(client, CRISIS)
        await rasa.stop()
        await say(client, HELLO)
        after = await scrape(client)
    assert {kind: value(after, "backup_gateway_replies_total", kind=kind) for kind in REPLY_KINDS} == {
        "answer": 2, "handoff": 1, "unavailable": 1}
    assert value(after, "backup_gateway_risk_screen_duration_seconds_count") == 4


@pytest.mark.parametrize(("mode", "kind"), [("error", "error_status"), ("garbage", "bad_answer"),
                                            ("slow", "timeout"), ("down", "refused")])
async def test_rasa_errors_are_counted_by_how_rasa_failed(gateway, rasa, mode, kind):
    async with gateway(rasa_timeout_seconds=0.3) as client:
        if mode == "down":
            await rasa.stop()
        else:
            rasa.mode = mode
        await say(client, HELLO)
        samples = await scrape(client)
    errors = {labels: count for (name, labels), count in samples.items() if name == "backup_gateway_rasa_errors_total"}
    assert {dict(labels)["kind"]: count for labels, count in errors.items() if count} == {kind: 1}
    assert value(samples, "backup_gateway_replies_total", kind="unavailable") == 1


async def test_rate_limited_messages_are_counted(gateway, rasa):
    async with gateway(messages_per_minute_per_session=2) as client:
        session = (await say(client, HELLO)).json()["session"]
        statuses = [(await say(client, HELLO, session)).status_code for _ in range(3)]
        samples = await scrape(client)
    assert statuses == [200, 429, 429]
    assert value(samples, "backup_gateway_rate_limited_total") == 2


async def test_requests_are_timed_by_route_template_never_by_path(gateway, rasa):
    async with gateway() as client:
        session = (await say(client, HELLO)).json()["session"]
        assert (await client.delete(f"/api/chat/{session}")).status_code == 204
        await client.get(f"/no/such/page/{session}")
        await client.request("BREW", "/api/chat")
        await client.get("/static/widget.js")
        await client.get(f"/static/{session}.js")
        text = await scrape_text(client)
    samples = parse(text)
    count = "backup_gateway_request_duration_seconds_count"
    assert value(samples, count, route="/api/chat", method="POST", status="2xx") == 1
    assert value(samples, count, route="/api/chat/{session}", method="DELETE", status="2xx") == 1
    assert value(samples, count, route="unrouted", method="GET", status="4xx") == 1
    assert value(samples, count, route="/static/{path}", method="GET", status="2xx") == 1
    assert value(samples, count, route="/static/{path}", method="GET", status="4xx") == 1
    assert label_values(samples, count, "method") == {"POST", "DELETE", "GET", "other"}
    assert session not in text and HELLO not in text


async def test_a_handoff_is_timed_without_the_work_done_after_it(gateway, rasa):
    """Rasa hears of a crisis after the reply went (a background task, here a slow Rasa): the
    request is recorded when its last byte went, before that task even reached Rasa."""
    rasa.mode = "slow"
    async with gateway(rasa_timeout_seconds=0.3) as client:
        metrics = client.app.state.gateway.metrics
        recorded, record = [], metrics.request_done

        def noting_what_rasa_had(route, method, status, seconds):
            recorded.append((route, status, len(rasa.messages)))
            record(route, method, status, seconds)

        metrics.request_done = noting_what_rasa_had
        response = await say(client, CRISIS)
    assert [m["type"] for m in response.json()["messages"]] == ["text", "handoff"]
    assert len(rasa.messages) == 1  # told afterwards
    assert recorded == [("/api/chat", 200, 0)]


async def test_availability_is_checked_at_each_scrape(gateway, stub_rasa, fake_redis):
    first, second = await stub_rasa(), await stub_rasa()
    async with gateway(rasa_replicas=f"{first.url},{second.url}") as client:
        both = await scrape(client)
        await second.stop()
        one = await scrape(client)
        fake_redis.server.connected = False
        no_redis = await scrape(client)
    up = "backup_gateway_rasa_up"
    replicas = [f"127.0.0.1:{stub.port}" for stub in (first, second)]
    assert [value(both, up, replica=replica) for replica in replicas] == [1, 1]
    assert [value(one, up, replica=replica) for replica in replicas] == [1, 0]
    assert [value(s, "backup_gateway_redis_up") for s in (both, one, no_redis)] == [1, 1, 0]
    assert [r.path for r in first.requests] == ["/", "/", "/"]  # the scrapes' checks, no messages


async def test_a_metrics_port_in_use_leaves_the_gateway_serving_people(gateway, rasa, caplog):
    caplog.set_level(logging.WARNING)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with gateway(metrics_port=port) as client:
            assert client.app.state.metrics_endpoint.url is None
            response = await say(client, HELLO)
            assert response.status_code == 200 and response.json()["messages"][0]["text"] == "Hi, I'm Backup (stub)."
    assert f"No /metrics: 127.0.0.1 port {port} cannot be bound" in caplog.text


async def test_the_metrics_port_is_closed_when_the_gateway_stops(gateway, rasa):
    async with gateway() as client:
        url = client.app.state.metrics_endpoint.url
        port = int(url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))  # free again: nothing of the endpoint is left listening
