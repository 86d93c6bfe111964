"""Insight on the real stack: counts made by the real gateway and Rasa, published with small
numbers hidden, and a Redis outage during counting that costs no reply. A gateway of this module's
own keeps its counts in a private Redis (fresh, and stoppable); Rasa is the session's."""

from __future__ import annotations

import csv
import io
import re
import time
from collections import defaultdict

import httpx
import pytest
import redis

from bot.content import UNAVAILABLE
from bot.insight import measures as m
from bot.insight.counter import day_key, today
from bot.insight.disclosure import is_hidden, possible
from bot.insight.report import ALL_SITES
from bot.stack import Stack, free_port

from .conftest import chat_with

pytestmark = pytest.mark.integration
TOKEN = "integration-insights-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SMALL_SITE, BUSY_SITE = "test-host", "intranet-demo"


@pytest.fixture(scope="module")
def counting_gateway(stack, settings, private_redis, tmp_path_factory):
    own = settings.but(gateway_port=free_port(), redis_url=private_redis.url, insights_token=TOKEN)
    gateway = Stack(own, log_dir=tmp_path_factory.mktemp("insight-logs"))
    gateway.start_gateway()
    yield own.gateway_url
    gateway.stop()


def csv_rows(gateway: str, **params) -> list[dict[str, str]]:
    response = httpx.get(f"{gateway}/insights.csv", params=params, headers=AUTH, timeout=30)
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def eventually(check, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def test_a_site_with_three_conversations_one_a_crisis_shows_under_ten_and_no_total_gives_it_away(
        counting_gateway, private_redis):
    redis.Redis.from_url(private_redis.url).flushdb()
    for opening in ("hello", "what is the crisis line?", "i want to end my life"):
        chat_with(counting_gateway, SMALL_SITE)(opening)
    for _ in range(12):
        chat_with(counting_gateway, BUSY_SITE)("hello")
    assert eventually(lambda: any(r["measure"] == m.CRISIS_HANDOFFS and r["value"] != "0"
                                  for r in csv_rows(counting_gateway)))
    day = today().isoformat()
    rows = csv_rows(counting_gateway, **{"from": day, "to": day})
    page = httpx.get(f"{counting_gateway}/insights", headers=AUTH, timeout=30).text

    small = [r for r in rows if r["site"] == SMALL_SITE]
    assert {r["value"] for r in small} <= {"0", "<10"}
    assert {r["value"] for r in small if r["measure"] in (m.CONVERSATIONS, m.CRISIS_HANDOFFS)} == {"<10"}
    # In each group (the sites of one date and measure with their total), what the total and the
    # other site's figure allow for the small site is never fewer than three values.
    groups: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for r in rows:
        groups[(r["date"], r["measure"])][r["site"]] = r["value"]
    for (date, measure), cells in groups.items():
        if is_hidden(cells[SMALL_SITE]):
            total_low, total_high = possible(cells[ALL_SITES])
            other_low, other_high = possible(cells[BUSY_SITE])
            low, high = max(1, total_low - other_high), min(9, total_high - other_low)
            assert high - low + 1 >= 3, (date, measure, cells)
    assert "<10" in page and "Crisis handoffs" in page


def test_a_redis_outage_while_counting_loses_no_reply(counting_gateway, private_redis):
    send = chat_with(counting_gateway, SMALL_SITE)
    send("hello")
    private_redis.stop()  # this gateway's counts (and its limits and risk states) are gone for now
    try:
        answer = send("is it confidential")
        handoff = send("gonna kms")
    finally:
        private_redis.start()
    assert "not shared" in " ".join(msg.get("text", "") for msg in answer["messages"])  # Rasa's own answer
    assert UNAVAILABLE not in str(answer)
    assert [msg["type"] for msg in handoff["messages"]] == ["text", "handoff"]
    # Redis is back (empty: the private one keeps nothing on disk): counting goes on by itself.
    counts = redis.Redis.from_url(private_redis.url, decode_responses=True)
    assert eventually(lambda: send("hello") and counts.hget(day_key(today(), SMALL_SITE), m.MESSAGES))


def test_the_token_is_required_on_the_real_gateway(counting_gateway):
    for path in ("/insights", "/insights.csv"):
        response = httpx.get(f"{counting_gateway}{path}", timeout=10)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.headers["Cache-Control"] == "no-store"
        assert httpx.get(f"{counting_gateway}{path}", headers={"Authorization": "Bearer nope"},
                         timeout=10).status_code == 401


def test_rasa_counts_topics_and_fallbacks_for_the_site_of_the_message(stack, redis_client):
    key = day_key(today(), BUSY_SITE)
    before = {k: int(v) for k, v in redis_client.hgetall(key).items()}
    send = chat_with(stack.settings.gateway_url, BUSY_SITE)
    send("i'm behind on my mortgage payments")
    for text in ("zxqv blorf wuggle", "where do i park at headquarters", "qqq"):
        send(text)

    def grown():
        now = {k: int(v) for k, v in redis_client.hgetall(key).items()}
        return all(now.get(k, 0) > before.get(k, 0) for k in (m.TOPIC + "money_worries", m.REPLY_FALLBACK)) and now
    now = eventually(grown)
    assert now, redis_client.hgetall(key)
    assert set(now) <= m.KNOWN
    assert re.fullmatch(r"[\w-]+:insight:\d{4}-\d{2}-\d{2}:intranet-demo", key)


# ---- in a real Chromium ------------------------------------------------------------------------


def demo_traffic():
    """scripts/insight_demo.py's drive(), the scripted day the lead's screenshot comes from."""
    import importlib.util

    from bot.stack import ROOT

    spec = importlib.util.spec_from_file_location("insight_demo", ROOT / "scripts" / "insight_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.drive


def test_the_dashboard_in_chromium_asks_for_the_token_then_shows_the_charts_axe_clean(counting_gateway, browser):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    from bot.stack import ROOT

    from .widget_tools import WCAG22_AA

    demo_traffic()(counting_gateway, [BUSY_SITE, SMALL_SITE], busy=16, quiet=4)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    elsewhere = []
    page.on("request", lambda request: None if request.url.startswith((counting_gateway, "data:", "blob:"))
            else elsewhere.append(request.url))
    assert page.goto(f"{counting_gateway}/insights").status == 401
    page.get_by_label("Insights token").fill("not the token")
    page.get_by_role("button", name="Show insight").click()
    expect(page.get_by_role("alert")).to_contain_text("not accepted")
    page.get_by_label("Insights token").fill(TOKEN)
    page.get_by_role("button", name="Show insight").click()
    expect(page.get_by_role("heading", name="Conversations and crisis handoffs over time")).to_be_visible()
    for name in ("Call links tapped", "Top topics", "Fallback rate", "Every measure"):
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
    results = Axe().run(page, options=WCAG22_AA)
    assert results.violations_count == 0, results.generate_report()
    (ROOT / "reports").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "reports" / "insight-dashboard.png"), full_page=True)

    # The filter, fetched with the token the page holds in memory: the small site alone.
    page.get_by_label("Site", exact=True).select_option(SMALL_SITE)
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Test host site")
    assert "site=test-host" in page.url
    # The counts are small; the fallback rate (last) is worked out from published cells only: the
    # site's replies may be 10 or more, so it may be a percentage.
    *counts, rate = page.locator(".figures dd").all_inner_texts()
    assert counts and set(counts) <= {"0", "<10"}, counts
    assert rate == "–" or rate.removesuffix("%").isdigit(), rate
    assert Axe().run(page, options=WCAG22_AA).violations_count == 0
    page.screenshot(path=str(ROOT / "reports" / "insight-dashboard-small-site.png"), full_page=True)
    assert not elsewhere, f"third-party requests: {elsewhere}"
    context.close()


def counted(redis_client, measure: str) -> int:
    return int(redis_client.hget(day_key(today(), "test-host"), measure) or 0)


def test_the_widget_beacons_a_call_tap(page, stack, redis_client):
    from .widget_tools import open_widget, send, wait_until

    taps = counted(redis_client, m.CALL_TAPS)
    open_widget(page)
    send(page, "gonna kms")
    page.locator("#backup-widget a.call.big").click()
    wait_until(page, lambda: counted(redis_client, m.CALL_TAPS) > taps, what="the call tap counted")


def test_the_widget_beacons_a_quick_exit(page, stack, redis_client):
    from .widget_tools import open_widget

    exits = counted(redis_client, m.QUICK_EXITS)
    open_widget(page)
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url("**/neutral")
    assert eventually(lambda: counted(redis_client, m.QUICK_EXITS) > exits)
