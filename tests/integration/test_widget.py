"""The widget in a real Chromium (Debian's, driven by Playwright), on a page of another origin."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bot.crisis_line import NUMBER
from bot.crisis_line import TEL as CALL
from bot.redis_keys import TRACKER

pytestmark = pytest.mark.integration


def send(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".typing")).to_have_text("", timeout=15_000)


def test_a_full_conversation_from_another_origin(page):
    page.get_by_role("button", name="Need to talk?").click()
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("Hi from the test host.")
    expect(page.get_by_label("Your message")).to_be_focused()
    send(page, "will my sergeant find out if I ring them")
    expect(log).to_contain_text("not shared")
    page.get_by_role("button", name="What happens when I call?").click()
    expect(log).to_contain_text("purely as an assessment", timeout=15_000)
    # The header always shows the crisis line as a tel: link.
    expect(page.get_by_role("link", name=NUMBER)).to_have_attribute("href", CALL)
    # The host page's hostile CSS (buttons hidden, magenta Comic Sans) does not reach the widget.
    expect(page.get_by_role("button", name="Send")).to_be_visible()


def test_crisis_gives_a_pinned_call_button_that_stays(page, host_origin):
    page.get_by_role("button", name="Need to talk?").click()
    send(page, "honestly i want to end my life")
    call = page.get_by_role("region", name="Call the crisis line").get_by_role("link", name=f"Call {NUMBER}")
    expect(call).to_have_attribute("href", CALL)
    send(page, "thanks")
    expect(call).to_be_visible()
    # Another page of the same site, same tab: the transcript and the pinned button come along.
    page.goto(host_origin + "/page-2.html")
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("end my life")
    expect(call).to_be_visible()


def test_quick_exit_with_escape_twice(page, host_origin):
    page.get_by_role("button", name="Need to talk?").click()
    send(page, "hello")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url("**/neutral")
    expect(page).to_have_title("Weather")
    page.goto(host_origin + "/index.html")
    assert page.evaluate("sessionStorage.length") == 0
    page.get_by_role("button", name="Need to talk?").click()
    expect(page.get_by_role("log", name="Conversation")).not_to_contain_text("hello")


def test_quick_exit_button_and_clear_conversation(page, stack, redis_client):
    page.get_by_role("button", name="Need to talk?").click()
    send(page, "is it confidential")
    session = page.evaluate("JSON.parse(sessionStorage.getItem('backup-widget:test-host')).session")
    assert redis_client.exists(f"{TRACKER}{session}")
    page.get_by_role("button", name="Clear conversation").click()
    page.get_by_role("button", name="Yes, clear it").click()
    expect(page.get_by_role("log", name="Conversation")).not_to_contain_text("is it confidential")
    page.wait_for_timeout(500)
    assert not redis_client.exists(f"{TRACKER}{session}")
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url("**/neutral")


def test_html_and_script_are_shown_as_text(page):
    attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    page.get_by_role("button", name="Need to talk?").click()
    send(page, attack)
    message = page.locator(".message.user").last
    expect(message).to_contain_text(attack)
    assert page.locator("#backup-widget").evaluate("h => h.shadowRoot.querySelectorAll('img, script').length") == 0
    assert page.evaluate("window.__pwned") is None


@pytest.mark.parametrize("opened", [False, True], ids=["closed", "open"])
def test_axe_finds_no_violations(page, opened):
    if opened:
        page.get_by_role("button", name="Need to talk?").click()
        send(page, "will my sergeant find out if I ring them")
    # Every rule axe has (best practices included), and then WCAG 2.2 AA's rules by name.
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
    assert results.violations_count == 0, results.generate_report()


def test_fits_a_360_pixel_phone(browser, stack, host_origin):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(host_origin + "/index.html")
    page.get_by_role("button", name="Need to talk?").click()
    box = page.get_by_role("dialog", name="Backup").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] <= 640
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    send(page, "hello")
    expect(page.get_by_role("button", name="Send")).to_be_in_viewport()
    context.close()


def test_rasa_down_the_widget_still_shows_the_number(browser, rasa_down_gateway, host_origin):
    context = browser.new_context()
    page = context.new_page()
    page.goto(host_origin + "/down.html")
    page.get_by_role("button", name="Need to talk?").click()
    send(page, "is it confidential")
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text(NUMBER)
    expect(log.get_by_role("link", name=f"Call {NUMBER}")).to_have_attribute("href", CALL)
    context.close()
