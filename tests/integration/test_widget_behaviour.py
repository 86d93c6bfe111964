"""How the widget behaves for a person, in a real Chromium against the real stack: quick exit only
when the widget is in use, messages typed while waiting, the newest message in view, what a screen
reader hears, and the habits people expect of a chat (unread badge, starters, one greeting,
clearing asks first)."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bot.crisis_line import NUMBER
from bot.redis_keys import TRACKER

from .widget_tools import (
    CALL,
    CRISIS_MESSAGE,
    WCAG22_AA,
    WITH_BUTTONS,
    HeldChat,
    in_widget,
    open_widget,
    page_server,  # noqa: F401 (a fixture)
    send,
    submit,
    typing,
    wait_until,
)

STORE = "backup-widget:test-host"


def stored(page: Page) -> dict:
    return json.loads(page.evaluate(f"sessionStorage.getItem('{STORE}')") or "{}")


# ---- quick exit belongs to the widget

def test_escape_twice_on_the_page_leaves_it_alone_when_the_widget_is_not_in_use(page, host_origin):
    page.locator("main a").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    assert page.url == host_origin + "/index.html"
    # Opened and closed again, with the focus back on the page: still the page's own Escape.
    open_widget(page)
    page.get_by_role("button", name="Close chat").click()
    page.locator("main a").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    assert page.url == host_origin + "/index.html"
    # With the focus on the launcher, Escape twice is the quick exit.
    page.get_by_role("button", name="Need to talk?").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url("**/neutral")


def test_escape_twice_leaves_while_the_widget_is_open_even_with_focus_on_the_page(page):
    open_widget(page)
    page.locator("main a").focus()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Backup")).to_be_visible()   # one Escape on the page: nothing
    page.keyboard.press("Escape")
    page.wait_for_url("**/neutral")


# ---- typing while a reply is on its way

def test_messages_typed_while_waiting_are_queued_on_one_conversation(page, redis_client):
    held = HeldChat(page)
    open_widget(page)
    texts = ["is it confidential", "who runs the line", "what happens when I call", "will they follow up"]
    box = page.get_by_label("Your message")
    for text in texts:
        box.fill(text)
        box.press("Enter")
    held.wait_for(1)
    page.wait_for_timeout(300)
    assert len(held.bodies) == 1, "only one message may be on its way at a time"
    assert held.bodies[0]["session"] is None
    log = page.get_by_role("log", name="Conversation")
    for text in texts:
        expect(log).to_contain_text(text)                   # shown at once, in order
    expect(typing(page)).to_have_count(1)
    for sent in range(1, len(texts) + 1):
        held.release()
        if sent < len(texts):
            # The next message goes only once this reply has landed; more are owed, so the
            # indicator stays.
            held.wait_for(sent + 1)
            expect(typing(page)).to_have_count(1)
    expect(page.locator(".typing")).to_have_text("", timeout=15_000)
    session = held.bodies[1]["session"]
    assert session and all(body["session"] == session for body in held.bodies[1:]), held.bodies
    assert [body["message"] for body in held.bodies] == texts
    assert stored(page)["session"] == session and stored(page)["pending"] == []
    tracker = redis_client.get(f"{TRACKER}{session}")
    assert tracker and all(text in tracker for text in texts), "every message belongs to the one conversation"
    users = page.locator(".log .message.user")
    expect(users).to_have_count(len(texts))
    # So clearing deletes all of it.
    page.get_by_role("button", name="Clear conversation").click()
    page.get_by_role("button", name="Yes, clear it").click()
    wait_until(page, lambda: not redis_client.exists(f"{TRACKER}{session}"), what="the conversation deleted")


def test_a_message_still_waiting_survives_a_page_change(page, host_origin):
    held = HeldChat(page)
    open_widget(page)
    submit(page, "is it confidential")
    held.wait_for(1)
    assert stored(page)["pending"] == ["is it confidential"]
    page.unroute("**/api/chat")
    page.goto(host_origin + "/page-2.html")                 # the held request is abandoned
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("not shared", timeout=15_000)   # sent again from the new page, answered
    expect(page.locator(".typing")).to_have_text("")
    expect(page.locator(".log .message.user")).to_have_count(1)
    assert stored(page)["pending"] == [] and stored(page)["session"]


def test_the_typing_indicator_is_announced(page):
    held = HeldChat(page)
    open_widget(page)
    submit(page, "is it confidential")
    held.wait_for(1)
    status = typing(page)
    expect(status).to_have_text("Backup is typing\u2026")
    expect(status).to_have_attribute("role", "status")
    held.stop_holding()
    expect(page.locator(".typing")).to_have_text("", timeout=15_000)
    # The live region stays in the page, empty, so the next "typing" is announced too.
    expect(page.locator(".typing")).to_have_count(1)


# ---- the newest message in view

def newest_fully_in_view(page: Page) -> dict:
    return in_widget(page, """
      const panel = $('.panel'), top = $('.top');
      const stuck = getComputedStyle($('.bottom')).display === 'contents' ? $('.compose') : $('.bottom');
      const from = getComputedStyle(top).position === 'sticky' ? top.getBoundingClientRect().bottom
        : panel.getBoundingClientRect().top;
      const to = stuck.getBoundingClientRect().top;
      const b = newestBot().getBoundingClientRect();
      return {top: b.top >= from - 1, bottom: b.bottom <= to + 1, fits: b.height <= to - from,
              atStart: panel.scrollTop < 5};
    """)


def test_suggested_replies_do_not_push_the_reply_out_of_view(page):
    open_widget(page)
    for text in ("is it confidential", "who runs the line", "what happens when I call"):
        send(page, text)
    send(page, WITH_BUTTONS)
    expect(page.get_by_role("group", name="Suggested replies").get_by_role("button").first).to_be_visible()
    view = newest_fully_in_view(page)
    assert view["top"] and (view["bottom"] or not view["fits"]), view


@pytest.mark.parametrize("how", ["reload", "page change"])
def test_after_a_reload_or_a_page_change_the_newest_message_is_in_view(page, host_origin, how):
    open_widget(page)
    for text in ("is it confidential", "who runs the line", "what happens when I call", "will they follow up"):
        send(page, text)
    if how == "reload":
        page.reload()
    else:
        page.goto(host_origin + "/page-2.html")
    expect(page.get_by_role("dialog", name="Backup")).to_be_visible()
    page.wait_for_timeout(200)
    view = newest_fully_in_view(page)
    assert not view["atStart"] and view["top"] and view["bottom"], view
    assert in_widget(page, "return seen(newestBot());")


# ---- what a screen reader hears, and where focus goes

def test_the_crisis_card_is_announced_and_focus_moves_to_the_call(page):
    open_widget(page)
    expect(page.locator(".pinned")).to_have_attribute("aria-live", "assertive")   # live before anything is in it
    send(page, CRISIS_MESSAGE)
    card = page.get_by_role("region", name="Call the crisis line")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("aria-live", "assertive")
    focused = in_widget(page, "const a = r.activeElement;"
                              "return a && [a.tagName, a.getAttribute('href'), a.textContent];")
    assert focused == ["A", CALL, f"Call {NUMBER}"], focused
    # The card is not re-announced by every later reply that carries it again.
    page.get_by_label("Your message").fill("thanks")
    in_widget(page, "$('.pinned .pinned-title').__kept = true; return true;")
    page.get_by_label("Your message").press("Enter")
    expect(page.locator(".typing")).to_have_text("", timeout=15_000)
    assert in_widget(page, "return $('.pinned .pinned-title').__kept === true;")


def test_focus_stays_in_the_widget_after_a_suggested_reply(page):
    open_widget(page)
    send(page, WITH_BUTTONS)
    button = page.get_by_role("group", name="Suggested replies").get_by_role("button", name="What happens when I call?")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("purely as an assessment", timeout=15_000)
    expect(page.get_by_label("Your message")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "backup-widget"
    # With a mouse too.
    send(page, WITH_BUTTONS)
    page.get_by_role("group", name="Suggested replies").get_by_role("button").first.click()
    expect(page.get_by_label("Your message")).to_be_focused()


def test_the_widget_speaks_english_on_a_welsh_page(browser, stack, page_server):
    url = page_server.add("/cy.html", stack.settings.gateway_url, lang="cy", title="Lles", text="Croeso")
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Need to talk?").wait_for()
    assert page.evaluate("document.querySelector('main p').matches(':lang(cy)')")
    assert in_widget(page, "return [$('.launcher'), $('.panel'), $('.log')].every(e => e.matches(':lang(en-GB)'));")
    assert page.get_attribute("#backup-widget", "lang") == "en-GB"
    context.close()


# ---- habits people expect

def test_a_reply_that_lands_while_closed_puts_a_badge_on_the_launcher(page, host_origin):
    held = HeldChat(page)
    open_widget(page)
    submit(page, "is it confidential")
    held.wait_for(1)
    page.get_by_role("button", name="Close chat").click()
    launcher = page.get_by_role("button", name="Need to talk?")
    expect(page.locator(".badge")).to_be_hidden()
    held.release()
    expect(launcher).to_have_accessible_name("Need to talk? (1 new reply)", timeout=15_000)
    expect(page.locator(".badge")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="New reply from Backup")).to_have_count(1)
    page.goto(host_origin + "/page-2.html")                   # still there on the next page
    expect(page.get_by_role("button", name="Need to talk? (1 new reply)")).to_be_visible()
    page.get_by_role("button", name="Need to talk?").click()
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("not shared")
    page.get_by_role("button", name="Close chat").click()
    expect(page.get_by_role("button", name="Need to talk?")).to_have_accessible_name("Need to talk?")


def test_starter_suggestions_and_a_single_greeting(page):
    requests = []
    page.on("request", lambda r: requests.append(r) if r.url.endswith("/api/chat") else None)
    open_widget(page)
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("Hi from the test host.")
    starters = page.get_by_role("group", name="Suggested replies").get_by_role("button")
    expect(starters).to_have_text(["What is the crisis line?", "Is it confidential?", "I'm struggling"])
    send(page, "Hello!")
    # Greeted once by the widget: a "hello" back is not greeted again by the assistant.
    expect(log).not_to_contain_text("Hi, I'm Backup")
    expect(page.locator(".log .message.bot")).to_have_count(2)
    expect(starters).to_have_count(3)
    assert requests == []
    starters.nth(1).click()
    expect(log).to_contain_text("not shared", timeout=15_000)
    assert len(requests) == 1
    # Past the first words, a greeting is the assistant's to answer.
    send(page, "hello")
    assert len(requests) == 2


def test_clearing_asks_first(page, redis_client):
    open_widget(page)
    send(page, "is it confidential")
    session = stored(page)["session"]
    assert redis_client.exists(f"{TRACKER}{session}")
    page.get_by_role("button", name="Clear conversation").click()
    question = page.get_by_role("group", name="Clear this conversation?")
    expect(question).to_be_visible()
    expect(question.get_by_role("button", name="Cancel")).to_be_focused()
    assert Axe().run(page, options=WCAG22_AA).violations_count == 0
    question.get_by_role("button", name="Cancel").click()
    expect(question).to_be_hidden()
    expect(page.get_by_role("button", name="Clear conversation")).to_be_focused()
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("is it confidential")
    assert redis_client.exists(f"{TRACKER}{session}")
    page.get_by_role("button", name="Clear conversation").click()
    page.get_by_role("button", name="Yes, clear it").click()
    log = page.get_by_role("log", name="Conversation")
    expect(log).not_to_contain_text("is it confidential")
    expect(log).to_contain_text("Hi from the test host.")
    expect(page.get_by_role("status").filter(has_text="Conversation cleared.")).to_have_count(1)
    expect(page.get_by_label("Your message")).to_be_focused()
    wait_until(page, lambda: not redis_client.exists(f"{TRACKER}{session}"), what="the conversation deleted")


def test_unknown_message_types_are_ignored(page):
    """A later gateway may send new types: this widget shows what it knows and nothing else."""
    def reply(route):
        route.fulfill(json={"session": None, "messages": [
            {"type": "carousel", "text": "<b>should not show</b>", "items": []},
            {"type": "text", "text": "Known text."}]})
    page.route("**/api/chat", reply)
    open_widget(page)
    send(page, "is it confidential")
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("Known text.")
    expect(log).not_to_contain_text("should not show")
    expect(page.locator(".log .message.bot")).to_have_count(2)      # the greeting and the known text
