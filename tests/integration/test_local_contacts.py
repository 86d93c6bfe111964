"""Local contacts on the real stack: the same conversation on two sites shows each its own
contacts after the national answer, never the other's; the widget's cards and the /embed
preview in Chromium, with axe."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from bot.crisis_line import NUMBER

from .conftest import HOST_CONTACTS, INTRANET_CONTACTS, chat_with
from .widget_tools import WCAG22_AA, open_widget, send

pytestmark = pytest.mark.integration
CONVERSATION = ["my dad passed away last month", "i'm behind on my mortgage payments",
                "i'm worried about a colleague on my team, he isn't himself"]
SITES = {"intranet-demo": INTRANET_CONTACTS, "test-host": HOST_CONTACTS}
# Where the closing note's artefacts go, when asked for (never into the repository).
ARTEFACTS = os.environ.get("BACKUP_ARTEFACTS")


def names(body: dict) -> list[str]:
    return [c["name"] for m in body["messages"] if m["type"] == "contacts" for c in m["contacts"]]


def expected(site: str, topic: str) -> list[str]:
    return [c["name"] for c in SITES[site] if topic in c["topics"]]


def test_the_same_conversation_shows_each_site_its_own_contacts(stack):
    for site, own in SITES.items():
        say = chat_with(stack.settings.gateway_url, site)
        others = {c["name"] for s, contacts in SITES.items() if s != site for c in contacts}
        for text, topic in zip(CONVERSATION, ("bereavement", "money", "colleague")):
            body = say(text)
            kinds = [m["type"] for m in body["messages"]]
            assert kinds[0] == "text" and "contacts" in kinds, (site, text, body)
            assert kinds.index("contacts") > 0  # the national answer first
            assert names(body) == expected(site, topic), (site, text)
            assert not set(names(body)) & others
            card = next(m for m in body["messages"] if m["type"] == "contacts")
            assert card["topic"] == topic and card["heading"].startswith("Local support from ")
            assert text not in json.dumps(card)
        assert own


def test_other_support_lists_every_local_contact_after_the_national_numbers(stack):
    body = chat_with(stack.settings.gateway_url, "test-host")("where else can i get support")
    assert NUMBER in body["messages"][0]["text"] and "116 123" in body["messages"][0]["text"]
    assert names(body) == [c["name"] for c in HOST_CONTACTS]


def test_the_cards_in_the_widget(page):
    open_widget(page)
    send(page, "i'm behind on my mortgage payments")
    group = page.get_by_role("group", name="Local support from Test host site")
    group.wait_for()
    fund = group.get_by_role("listitem")
    assert fund.count() == 1
    assert group.get_by_role("heading", name="Branch benevolent fund (test)").is_visible()
    call = group.get_by_role("link", name="Call Branch benevolent fund (test) on 07700 900111")
    assert call.get_attribute("href") == "tel:+447700900111"
    send(page, "my dad passed away last month")
    web = page.get_by_role("link", name="Website of Branch welfare lead (test) (opens in a new tab)")
    web.wait_for()
    assert web.get_attribute("target") == "_blank" and web.get_attribute("rel") == "noopener noreferrer"
    assert web.get_attribute("href") == "https://federation.example.org/test-branch/welfare"
    web.focus()
    outline = web.evaluate("a => getComputedStyle(a).outlineStyle")
    assert outline == "solid"
    assert page.get_by_text("Employee assistance").count() == 0  # never the other site's
    if ARTEFACTS:
        page.screenshot(path=str(Path(ARTEFACTS) / "cards.png"))
    results = Axe().run(page, options=WCAG22_AA)
    assert results.violations_count == 0, results.generate_report()


def test_the_embed_preview(browser, stack):
    context = browser.new_context(viewport={"width": 1024, "height": 1400})
    page = context.new_page()
    try:
        page.goto(stack.settings.gateway_url + "/embed")
        page.get_by_label("Site").select_option("test-host")
        preview = page.locator("#preview")
        preview.get_by_text("Hi from the test host.").wait_for()
        header = page.locator("#preview-header")
        assert header.evaluate("h => getComputedStyle(h).backgroundColor") == "rgb(0, 89, 79)"
        assert preview.get_by_text(NUMBER).is_visible()
        items = page.get_by_role("list", name="Your local contacts").get_by_role("listitem")
        assert items.count() == 2
        assert preview.get_by_role("link", name="Call Branch welfare lead (test) on 020 7946 0111").get_attribute(
            "href") == "tel:+442079460111"
        assert preview.get_by_text("Shown after Backup's answer on: other support, a colleague at risk, bereavement").count() == 1
        if ARTEFACTS:
            preview.screenshot(path=str(Path(ARTEFACTS) / "embed-preview.png"))
        results = Axe().run(page, options=WCAG22_AA)
        assert results.violations_count == 0, results.generate_report()
        page.get_by_label("Site").select_option("intranet-demo")
        preview.get_by_role("heading", name="Force employee assistance (test)").wait_for()
        assert preview.get_by_role("heading", name="Branch welfare lead (test)").count() == 0
    finally:
        context.close()
