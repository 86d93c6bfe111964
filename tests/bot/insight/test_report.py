"""Counts written by the counter, read back by day and site, and published by period."""

from __future__ import annotations

import datetime as dt

import fakeredis

from bot.insight import measures as m
from bot.insight.counter import Counter, day_key, today
from bot.insight.disclosure import SMALL, TOTAL
from bot.insight.report import ALL_SITES, build, clamp, period_start, periods_between, read_days

MONDAY = dt.date(2026, 11, 30)


def test_periods_start_on_the_day_the_monday_and_the_first():
    sunday = dt.date(2026, 12, 6)
    assert period_start(sunday, "day") == sunday
    assert period_start(sunday, "week") == MONDAY
    assert period_start(sunday, "month") == dt.date(2026, 12, 1)
    assert periods_between(dt.date(2026, 11, 29), sunday, "week") == [dt.date(2026, 11, 23), MONDAY]


def test_a_range_is_kept_within_what_is_kept():
    now = dt.date(2026, 12, 1)
    assert clamp(dt.date(2020, 1, 1), dt.date(2030, 1, 1), now) == (now - dt.timedelta(days=400), now)
    assert clamp(dt.date(2026, 12, 5), dt.date(2026, 11, 1), now) == (dt.date(2026, 11, 1), dt.date(2026, 11, 1))


async def test_counts_go_in_one_hash_per_day_and_site_and_come_back():
    redis = fakeredis.FakeAsyncRedis(decode_responses=True)
    counter = Counter(redis)
    for _ in range(3):
        counter.count("north", m.CONVERSATIONS, m.MESSAGES)
    counter.count("south", m.MESSAGES)
    await counter.drain()
    assert await redis.hgetall(day_key(today(), "north")) == {m.CONVERSATIONS: "3", m.MESSAGES: "3"}
    read = await read_days(redis, ["north", "south", "east"], today(), today())
    assert read == {(today(), "north"): {m.CONVERSATIONS: 3, m.MESSAGES: 3}, (today(), "south"): {m.MESSAGES: 1}}


def test_weeks_add_up_exact_daily_counts_before_the_rule():
    # 6 + 6 in one week is 12, shown as 10: each day alone would have been <10.
    counts = {(MONDAY, "north"): {m.MESSAGES: 6}, (MONDAY + dt.timedelta(days=2), "north"): {m.MESSAGES: 6},
              (MONDAY, "south"): {m.MESSAGES: 40}}
    daily = build(counts, ["north", "south"], MONDAY, MONDAY + dt.timedelta(days=6), "day")
    weekly = build(counts, ["north", "south"], MONDAY, MONDAY + dt.timedelta(days=6), "week")
    assert daily.value(m.MESSAGES, MONDAY, "north") == SMALL
    assert weekly.value(m.MESSAGES, MONDAY, "north") == "10"
    assert weekly.value(m.MESSAGES, TOTAL, TOTAL) == "50"


def test_the_csv_rows_name_each_period_the_range_and_all_sites():
    counts = {(MONDAY, "north"): {m.MESSAGES: 25}}
    report = build(counts, ["north", "south"], MONDAY, MONDAY + dt.timedelta(days=1), "day")
    rows = list(report.rows())
    assert len(rows) == 3 * 3 * len(m.ALL)  # two days and the range; two sites and all
    assert ("2026-11-30", "north", m.MESSAGES, "25") in rows
    assert ("2026-11-30/2026-12-01", ALL_SITES, m.MESSAGES, "25") in rows
    assert {site for _, site, _, _ in report.rows("south")} == {"south"}


def test_topics_are_the_catalogue_intents_less_risk():
    assert m.topic("money_worries") == m.TOPIC + "money_worries"
    assert m.topic("risk_crisis") is None and m.topic("nlu_fallback") is None and m.topic(None) is None
    assert m.label(m.TOPIC + "money_worries") == "Topic: money worries"
