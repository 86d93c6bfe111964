"""The counts read back and published: per measure, a table of periods x sites with its totals,
every cell through bot.insight.disclosure.

Suppression is worked out on the table of every registered site, whatever the filter: a filtered
view only leaves columns out, so two views of the same range never show one cell two ways.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.insight.counter import KEEP_DAYS, day_key
from bot.insight.disclosure import TOTAL, Key, publish
from bot.insight.measures import ALL

PERIODS = ("day", "week", "month")
ALL_SITES = "all"
DailyCounts = dict[tuple[dt.date, str], dict[str, int]]


def period_start(day: dt.date, period: str) -> dt.date:
    if period == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
    if period == "month":
        return day.replace(day=1)
    return day


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def periods_between(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    return list(dict.fromkeys(period_start(day, period) for day in days_between(first, last)))


async def read_days(redis: Any, sites: Sequence[str], first: dt.date, last: dt.date) -> DailyCounts:
    """Every day's counts of every site in the range, in one round trip."""
    keys = [(day, site) for day in days_between(first, last) for site in sites]
    async with redis.pipeline(transaction=False) as pipe:
        for day, site in keys:
            pipe.hgetall(day_key(day, site))
        replies = await pipe.execute()
    return {key: {text(m): int(v) for m, v in reply.items()} for key, reply in zip(keys, replies) if reply}


def text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class Report:
    """What a service owner may see of one range: `cells[measure][(period start or TOTAL, site or
    TOTAL)]` is the published text."""

    first: dt.date
    last: dt.date
    period: str
    sites: tuple[str, ...]
    periods: tuple[dt.date, ...]
    cells: dict[str, dict[Key, str]]

    @property
    def range_label(self) -> str:
        return f"{self.first.isoformat()}/{self.last.isoformat()}"

    def value(self, measure: str, period: Any = TOTAL, site: Any = TOTAL) -> str:
        return self.cells[measure][(period, site)]

    def rows(self, site: str | None = None) -> Iterator[tuple[str, str, str, str]]:
        """(date, site, measure, value) for the CSV: each period, then the whole range; each chosen
        site, then all sites together when no site is chosen."""
        columns: list[Any] = [site] if site else [*self.sites, TOTAL]
        for row, date in [*((p, p.isoformat()) for p in self.periods), (TOTAL, self.range_label)]:
            for column in columns:
                for measure in self.cells:
                    yield date, ALL_SITES if column is TOTAL else column, measure, self.cells[measure][(row, column)]


def build(counts: DailyCounts, sites: Sequence[str], first: dt.date, last: dt.date, period: str) -> Report:
    periods = periods_between(first, last, period)
    cells = {}
    for measure in ALL:
        table: dict[Key, int] = {}
        for (day, site), day_counts in counts.items():
            if measure in day_counts and first <= day <= last:
                key = (period_start(day, period), site)
                table[key] = table.get(key, 0) + day_counts[measure]
        cells[measure] = publish(table, periods, sites)
    return Report(first, last, period, tuple(sites), tuple(periods), cells)


def clamp(first: dt.date, last: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """The range within what is kept (KEEP_DAYS back from today), first never after last."""
    last = min(last, today)
    first = max(first, today - dt.timedelta(days=KEEP_DAYS))
    return min(first, last), last
