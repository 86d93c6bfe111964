"""Service owners' insight in the gateway, in-process (fake Redis, stub Rasa): what each message,
clear and beacon counts, that counting never costs a reply, and who may see /insights(.csv)."""

from __future__ import annotations

import asyncio
import csv
import io
import logging

import fakeredis
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot import crisis_line
from bot.insight import measures as m
from bot.insight.counter import Counter, day_key, expires_at, today
from bot.insight.report import ALL_SITES
from gateway.replies import Replies

from .conftest import ORIGIN, OTHER_ORIGIN, OTHER_SITE, SITE

TOKEN = "unit-test-insights-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CONCERN = "i'm at breaking point"
CRISIS = "i'm going to kill myself tonight"


async def say(client, message, session=None, site=SITE):
    response = await client.post("/api/chat", json={"site": site, "session": session, "message": message},
                                 headers={"Origin": ORIGIN if site == SITE else OTHER_ORIGIN})
    return response.json()


async def counts(redis, site=SITE) -> dict[str, int]:
    return {k: int(v) for k, v in (await redis.hgetall(day_key(today(), site))).items()}


async def settled(client) -> None:
    await client.app.state.gateway.insight.drain()


async def test_a_conversation_is_counted_by_measure_only(gateway, rasa, fake_redis):
    async with gateway(insights_token=TOKEN) as client:
        first = await say(client, "hello")
        await say(client, "what is the number?", first["session"])
        await say(client, CRISIS, first["session"])
        await say(client, "hello", site=OTHER_SITE)
        await settled(client)
    assert await counts(fake_redis) == {m.CONVERSATIONS: 1, m.MESSAGES: 3, m.REPLY_ANSWER: 2, m.CRISIS_HANDOFFS: 1}
    assert await counts(fake_redis, OTHER_SITE) == {m.CONVERSATIONS: 1, m.MESSAGES: 1, m.REPLY_ANSWER: 1}
    ttl = await fake_redis.ttl(day_key(today(), SITE))
    assert 399 * 86400 < ttl <= 401 * 86400


async def test_the_suicide_question_asked_and_its_answers_are_counted(gateway, fake_redis):
    async with gateway() as client:
        no = await say(client, CONCERN)
        await say(client, "no", no["session"])
        yes = await say(client, CONCERN)
        await say(client, "yes", yes["session"])
        await settled(client)
    found = await counts(fake_redis)
    assert (found[m.CONCERN_ASKED], found[m.ANSWERED_NO], found[m.ANSWERED_YES], found[m.CRISIS_HANDOFFS]) == (2, 1, 1, 1)


async def test_rasa_down_is_counted_as_unavailable_and_the_question_as_not_asked(gateway, rasa, fake_redis):
    await rasa.stop()
    async with gateway() as client:
        body = await say(client, CONCERN)
        await settled(client)
    assert body["messages"] == Replies().unavailable()
    assert await counts(fake_redis) == {m.CONVERSATIONS: 1, m.MESSAGES: 1, m.REPLY_UNAVAILABLE: 1}


async def test_with_counting_off_nothing_is_counted(gateway, fake_redis):
    async with gateway(insight_counting=False) as client:
        await say(client, "hello")
        await settled(client)
    assert not [key async for key in fake_redis.scan_iter(day_key(today(), "*"))]


async def test_a_clear_is_counted_only_when_the_widget_names_its_site(gateway, fake_redis):
    async with gateway() as client:
        session = (await say(client, "hello"))["session"]
        assert (await client.delete(f"/api/chat/{session}", params={"site": SITE})).status_code == 204
        assert (await client.delete(f"/api/chat/{session}")).status_code == 204  # a quick exit's delete
        assert (await client.delete("/api/chat/made-up", params={"site": SITE})).status_code == 204
        await settled(client)
    assert (await counts(fake_redis))[m.CLEARED] == 1


async def test_the_beacon_counts_call_taps_and_quick_exits_and_nothing_else(gateway, fake_redis):
    async with gateway() as client:
        for event in ("call_tap", "call_tap", "quick_exit"):
            response = await client.post(f"/api/insight/{event}", params={"site": SITE}, headers={"Origin": ORIGIN})
            assert response.status_code == 204
        assert (await client.post("/api/insight/messages", params={"site": SITE})).status_code == 404
        assert (await client.post("/api/insight/call_tap", params={"site": "nowhere"})).status_code == 404
        refused = await client.post("/api/insight/call_tap", params={"site": SITE}, headers={"Origin": OTHER_ORIGIN})
        assert refused.status_code == 403
        await settled(client)
    assert await counts(fake_redis) == {m.CALL_TAPS: 2, m.QUICK_EXITS: 1}


async def test_the_beacon_cannot_flood_the_counts(gateway, fake_redis):
    async with gateway(messages_per_minute_per_client=5) as client:
        for _ in range(12):
            await client.post("/api/insight/call_tap", params={"site": SITE})
        await settled(client)
    assert (await counts(fake_redis))[m.CALL_TAPS] == 5


class BrokenPipeline:
    async def __aenter__(self):
        raise RedisConnectionError("Redis went away")

    async def __aexit__(self, *exc):
        return False


class BrokenRedis:
    def pipeline(self, **_):
        return BrokenPipeline()


async def test_a_redis_outage_while_counting_loses_a_count_never_a_reply(gateway, rasa, fake_redis, caplog):
    async with gateway() as client:
        client.app.state.gateway.insight.redis = BrokenRedis()
        with caplog.at_level(logging.INFO):
            first = await say(client, "hello")
            handoff = await say(client, CRISIS, first["session"])
            await settled(client)
    assert first["messages"] and first["messages"][0]["type"] == "text"
    assert handoff["messages"] == Replies().handoff()
    assert "Insight counts lost: ConnectionError" in caplog.text
    assert CRISIS not in caplog.text and "hello" not in caplog.text


async def test_the_counter_pauses_after_a_failure_and_skips_unknown_measures(caplog):
    counter = Counter(BrokenRedis())
    counter.count(SITE, m.MESSAGES)
    await counter.drain()
    assert counter.paused_until > 0
    counter.count(SITE, m.MESSAGES)
    assert not counter.tally  # paused: nothing even kept for later
    counter.paused_until = 0
    counter.count(SITE, "free text")
    assert not counter.tally


async def test_counts_are_tallied_and_written_together_within_the_flush_interval():
    redis = fakeredis.FakeAsyncRedis(decode_responses=True)
    counter = Counter(redis, flush_seconds=0.05)
    for _ in range(3):
        counter.count(SITE, m.MESSAGES)
    counter.count(OTHER_SITE, m.MESSAGES, m.CONVERSATIONS)
    assert await redis.hgetall(day_key(today(), SITE)) == {}  # nothing written yet: no Redis call a message
    await asyncio.sleep(0.2)
    assert await redis.hgetall(day_key(today(), SITE)) == {m.MESSAGES: "3"}
    assert await redis.hgetall(day_key(today(), OTHER_SITE)) == {m.MESSAGES: "1", m.CONVERSATIONS: "1"}
    assert await redis.expiretime(day_key(today(), SITE)) == expires_at(today())


def test_a_day_key_expires_four_hundred_days_after_its_day():
    day = today()
    assert expires_at(day) - int(__import__("time").time()) > 400 * 86400 - 60


# --- who sees it -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/insights", "/insights.csv"])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", TOKEN])
async def test_insight_needs_the_bearer_token(gateway, path, authorization):
    async with gateway(insights_token=TOKEN) as client:
        response = await client.get(path, headers={"Authorization": authorization} if authorization else {})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.headers["Cache-Control"] == "no-store"
    assert crisis_line.NUMBER in response.text
    assert "date,site" not in response.text and "<table" not in response.text


async def test_the_sign_in_page_asks_for_the_token_and_shows_no_figures(gateway):
    async with gateway(insights_token=TOKEN) as client:
        response = await client.get("/insights")
    assert 'id="sign-in"' in response.text and 'type="password"' in response.text
    assert "<table" not in response.text


async def test_the_dashboard_and_csv_are_never_cached_nor_framed(gateway):
    async with gateway(insights_token=TOKEN) as client:
        for path in ("/insights", "/insights.csv"):
            response = await client.get(path, headers=AUTH)
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "no-store"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def csv_rows(client, **params) -> list[dict[str, str]]:
    response = await client.get("/insights.csv", params=params, headers=AUTH)
    assert response.status_code == 200
    assert response.text.splitlines()[0] == "date,site,measure,value"
    return list(csv.DictReader(io.StringIO(response.text)))


async def test_a_site_with_three_conversations_one_a_crisis_shows_under_ten_everywhere(gateway, fake_redis):
    async with gateway(insights_token=TOKEN) as client:
        for _ in range(2):
            await say(client, "hello")
        await say(client, CRISIS)
        for _ in range(25):
            await say(client, "hello", site=OTHER_SITE)
        await settled(client)
        rows = await csv_rows(client)
        page = (await client.get("/insights", headers=AUTH)).text
        site_page = (await client.get("/insights", params={"site": SITE}, headers=AUTH)).text
    ours = [r for r in rows if r["site"] == SITE and r["measure"] in (m.CONVERSATIONS, m.CRISIS_HANDOFFS)]
    assert {r["value"] for r in ours if r["value"] != "0"} == {"<10"}
    assert any(r["measure"] == m.CONVERSATIONS and r["value"] == "<10" for r in ours)
    # The total (28) is rounded: with the other site's 25, it says only that ours was 1 to 5.
    totals = {r["value"] for r in rows if r["site"] == ALL_SITES and r["measure"] == m.CONVERSATIONS and r["value"] != "0"}
    assert totals == {"30"}
    for exact in ("3", "2", "1", "28", "27"):
        assert not [r for r in rows if r["value"] == exact]
    assert "<10" in page and "<10" in site_page


async def test_the_csv_filters_by_site_date_and_period(gateway, fake_redis):
    async with gateway(insights_token=TOKEN) as client:
        await say(client, "hello")
        await settled(client)
        day = today().isoformat()
        rows = await csv_rows(client, site=SITE, **{"from": day, "to": day}, period="month")
        assert (await client.get("/insights.csv", params={"site": "nowhere"}, headers=AUTH)).status_code == 404
        assert (await client.get("/insights.csv", params={"period": "hour"}, headers=AUTH)).status_code == 422
    assert {r["site"] for r in rows} == {SITE}
    assert {r["date"] for r in rows} == {today().replace(day=1).isoformat(), f"{day}/{day}"}
    assert {r["measure"] for r in rows} == set(m.ALL)
