"""The insight dashboard as one server-rendered page: charts as inline SVG, each with the same
figures as a data table beside it; only published cells (bot.insight.disclosure), never a count.

No inline script or style (the CSP allows neither): CSS and the small script come from /static.
Everything that is not the page's own words goes through html.escape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

from bot import crisis_line
from bot.insight.disclosure import SMALL, TOTAL, WITHHELD, is_hidden
from bot.insight.measures import (
    CALL_TAPS,
    CONVERSATIONS,
    CRISIS_HANDOFFS,
    QUICK_EXITS,
    REPLY_ANSWER,
    REPLY_FALLBACK,
    TOPIC,
    label,
)
from bot.insight.report import PERIODS, Report

TOP_TOPICS = 10
KEY_FIGURES = (CONVERSATIONS, CRISIS_HANDOFFS, CALL_TAPS, QUICK_EXITS)
CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 720, 220, 16, 28


def page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/static/insights.css">
</head>
<body>
  <header class="top"><p class="brand">Backup</p><h1>{escape(title)}</h1></header>
  <main id="main">
{body}
  </main>
  <footer><p>Need to talk? The police mental health crisis line is open 24/7:
    <a href="{crisis_line.TEL}">{crisis_line.NUMBER}</a>.</p></footer>
  <script src="/static/insights.js"></script>
</body>
</html>
"""


def sign_in() -> str:
    return page("Insight for service owners", """
    <form id="sign-in" class="card" novalidate>
      <h2>Sign in</h2>
      <p>Insight is for service owners. Enter the insights token you were given
        (<code>make run</code> says where to find it).</p>
      <label for="token">Insights token</label>
      <input id="token" name="token" type="password" autocomplete="off" required>
      <p id="sign-in-error" class="error" role="alert"></p>
      <button type="submit">Show insight</button>
    </form>""")


def number(text: str) -> int | None:
    """A published figure as a number; None when it is held back (or blank)."""
    return int(text) if text.isdigit() and not is_hidden(text) else None


def period_name(start: dt.date, period: str) -> str:
    if period == "month":
        return start.strftime("%b %Y")
    if period == "week":
        return "w/c " + start.strftime("%d %b").lstrip("0")
    return start.strftime("%d %b").lstrip("0")


def bar_chart(caption: str, categories: Sequence[str], series: Sequence[tuple[str, str, Sequence[str]]],
              table: bool = True) -> str:
    """Vertical bars, one group a category, one bar a series (name, CSS class, published texts).
    A hidden value has no bar: its text where there is room, else a short outlined stub; the
    table that follows has every figure."""
    values = [number(t) or 0 for _, _, texts in series for t in texts]
    top = max([*values, 10])
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    group = (CHART_WIDTH - 40) / max(len(categories), 1)
    bar = max(min(group / (len(series) + 1), 28), 2)
    step = max(1, len(categories) // 12)
    parts = [f'<line class="axis" x1="36" y1="{CHART_TOP + plot}" x2="{CHART_WIDTH}" y2="{CHART_TOP + plot}"/>',
             f'<text class="tick" x="32" y="{CHART_TOP + 4}" text-anchor="end">{top}</text>',
             f'<text class="tick" x="32" y="{CHART_TOP + plot}" text-anchor="end">0</text>']
    for i, category in enumerate(categories):
        x0 = 40 + i * group + (group - bar * len(series)) / 2
        for j, (_, css, texts) in enumerate(series):
            value, x = number(texts[i]), x0 + j * bar
            if value:
                height = plot * value / top
                parts.append(f'<rect class="{css}" x="{x:.1f}" y="{CHART_TOP + plot - height:.1f}" '
                             f'width="{bar - 1:.1f}" height="{height:.1f}"/>')
            elif value is None and not texts[i]:
                continue  # nothing to show (a rate with no replies)
            elif value is None and bar >= 18:
                parts.append(f'<text class="hidden-value" x="{x + bar / 2:.1f}" y="{CHART_TOP + plot - 4}" '
                             f'text-anchor="middle">{escape(texts[i])}</text>')
            elif value is None:
                parts.append(f'<rect class="stub {css}" x="{x:.1f}" y="{CHART_TOP + plot - 6}" '
                             f'width="{bar - 1:.1f}" height="5"/>')
        if i % step == 0:
            parts.append(f'<text class="tick" x="{40 + i * group + group / 2:.1f}" y="{CHART_HEIGHT - 8}" '
                         f'text-anchor="middle">{escape(category)}</text>')
    legend = "".join(f'<li><span class="key {css}"></span>{escape(name)}</li>' for name, css, _ in series)
    if any(t and number(t) is None for _, _, texts in series for t in texts):
        legend += '<li><span class="key stub"></span>Held back or blank (see the figures)</li>'
    figures = data_table(caption, ["", *[name for name, _, _ in series]],
                         [[category, *[texts[i] for _, _, texts in series]] for i, category in enumerate(categories)])
    return f"""
      <figure>
        <svg viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" aria-label="{alternative(caption)}">
          {"".join(parts)}
        </svg>
        <ul class="legend">{legend}</ul>
        {figures if table else ""}
      </figure>"""


def topic_chart(caption: str, rows: Sequence[tuple[str, str]]) -> str:
    """Horizontal bars for the top topics (label, published text)."""
    if not rows:
        return '<p class="none">No topics in this range.</p>'
    top = max([number(t) or 0 for _, t in rows] + [10])
    height = 26 * len(rows) + 8
    parts = []
    for i, (name, text) in enumerate(rows):
        y, value = 4 + 26 * i, number(text)
        parts.append(f'<text class="tick" x="236" y="{y + 16}" text-anchor="end">{escape(name)}</text>')
        if value:
            parts.append(f'<rect class="topic" x="244" y="{y + 3}" width="{420 * value / top:.1f}" height="18"/>')
        parts.append(f'<text class="tick" x="{248 + 420 * (value or 0) / top:.1f}" y="{y + 16}">{escape(text)}</text>')
    return f"""
      <figure>
        <svg viewBox="0 0 {CHART_WIDTH} {height}" role="img" aria-label="{alternative(caption)}">
          {"".join(parts)}
        </svg>
        {data_table(caption, ["Topic", "Messages"], [list(row) for row in rows])}
      </figure>"""


def alternative(caption: str) -> str:
    return escape(f"{caption}: a chart; the figures are in the table below it")


def data_table(caption: str, header: Sequence[str], rows: Sequence[Sequence[str]], shown: bool = False) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + f'<th scope="row">{escape(row[0])}</th>'
                   + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:]) + "</tr>" for row in rows)
    table = f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if shown:
        return table
    return f"""<details class="data"><summary>{escape(caption)}: the figures</summary>
        {table}
        </details>"""


def fallback_rate(fallback: str, answered: str) -> str:
    """From the published figures only (so it says no more than they do); blank where one is hidden."""
    f, a = number(fallback), number(answered)
    if f is None or not a:
        return "–"
    return f"{round(100 * f / a)}%"


def filters_form(report: Report, site: str | None, names: dict[str, str]) -> str:
    options = [f'<option value=""{"" if site else " selected"}>All sites</option>'] + [
        f'<option value="{escape(sid)}"{" selected" if sid == site else ""}>{escape(name)}</option>'
        for sid, name in names.items()]
    periods = "".join(f'<option value="{p}"{" selected" if p == report.period else ""}>{p.title()}</option>'
                      for p in PERIODS)
    return f"""
    <form id="filters" class="filters" action="/insights" method="get">
      <div><label for="site">Site</label><select id="site" name="site">{"".join(options)}</select></div>
      <div><label for="from">From</label><input id="from" name="from" type="date" value="{report.first.isoformat()}"></div>
      <div><label for="to">To</label><input id="to" name="to" type="date" value="{report.last.isoformat()}"></div>
      <div><label for="period">By</label><select id="period" name="period">{periods}</select></div>
      <div class="actions"><button type="submit">Show</button>
        <a id="csv" class="button" href="/insights.csv?{csv_query(report, site)}">Download CSV</a></div>
    </form>"""


def csv_query(report: Report, site: str | None) -> str:
    query = f"from={report.first.isoformat()}&amp;to={report.last.isoformat()}&amp;period={report.period}"
    return query + (f"&amp;site={escape(site)}" if site else "")


def dashboard(report: Report, site: str | None, names: dict[str, str]) -> str:
    column: Any = site or TOTAL
    where = escape(names.get(site, site)) if site else "all sites"
    categories = [period_name(p, report.period) for p in report.periods]

    def series(measure: str) -> list[str]:
        return [report.value(measure, p, column) for p in report.periods]

    figures = "".join(f'<div><dt>{escape(label(m))}</dt><dd>{escape(report.value(m, TOTAL, column))}</dd></div>'
                      for m in KEY_FIGURES)
    rate = fallback_rate(report.value(REPLY_FALLBACK, TOTAL, column), report.value(REPLY_ANSWER, TOTAL, column))
    figures += f"<div><dt>Fallback rate</dt><dd>{rate}</dd></div>"
    topics = sorted(((label(m).removeprefix("Topic: "), report.value(m, TOTAL, column)) for m in report.cells
                     if m.startswith(TOPIC) and report.value(m, TOTAL, column) != "0"),
                    key=lambda row: (-(number(row[1]) or 0), row[0]))[:TOP_TOPICS]
    rates = [fallback_rate(f, a) for f, a in zip(series(REPLY_FALLBACK), series(REPLY_ANSWER))]
    columns: list[Any] = [site] if site else [*report.sites, TOTAL]
    every = data_table("Every measure in this range", ["Measure", *[
        "All sites" if c is TOTAL else names.get(c, c) for c in columns]],
        [[label(m), *[report.value(m, TOTAL, c) for c in columns]] for m in report.cells], shown=True)
    over_time = bar_chart("Conversations and crisis handoffs", categories, [
        (label(CONVERSATIONS), "conversations", series(CONVERSATIONS)),
        (label(CRISIS_HANDOFFS), "handoffs", series(CRISIS_HANDOFFS))])
    taps = bar_chart("Call links tapped", categories, [(label(CALL_TAPS), "taps", series(CALL_TAPS))])
    fallback = bar_chart("Fallback rate, per cent", categories,
                         [("Fallback rate (%)", "fallback", ["" if a == "0" else r.removesuffix("%")
                                                              for r, a in zip(rates, series(REPLY_ANSWER))])],
                         table=False)
    fallback += data_table("Fallback rate", ["", "Fallback replies", "Replies", "Rate"],
                           [[c, f, a, r] for c, f, a, r in zip(categories, series(REPLY_FALLBACK),
                                                                 series(REPLY_ANSWER), rates)])
    period_range = f"{report.first.strftime('%d %b %Y')} to {report.last.strftime('%d %b %Y')}"
    return page("Insight for service owners", f"""
    {filters_form(report, site, names)}
    <p class="rule">Counts only, per UTC day and site: never who, when or what. <strong>0</strong> is none;
      <strong>{SMALL}</strong> is 1 to 9; other figures are rounded to the nearest 5, totals from the
      exact counts; <strong>{WITHHELD}</strong> is held back so that a small number cannot be worked out.</p>
    <section aria-labelledby="summary-heading">
      <h2 id="summary-heading">{period_range}, {where}</h2>
      <dl class="figures">{figures}</dl>
    </section>
    <section aria-labelledby="over-time">
      <h2 id="over-time">Conversations and crisis handoffs over time</h2>
      {over_time}
    </section>
    <section aria-labelledby="taps">
      <h2 id="taps">Call links tapped</h2>
      {taps}
    </section>
    <section aria-labelledby="topics">
      <h2 id="topics">Top topics</h2>
      {topic_chart("Top topics", topics)}
    </section>
    <section aria-labelledby="fallback">
      <h2 id="fallback">Fallback rate</h2>
      <p>Replies that were the fallback (not understood), as a share of Backup's replies, from the
        published figures; blank where either is held back.</p>
      {fallback}
    </section>
    <section aria-labelledby="every">
      <h2 id="every">Every measure</h2>
      {every}
    </section>""")
