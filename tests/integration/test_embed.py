"""What a web admin meets, in a real Chromium: the embed page's CSP lines and its "check my page",
the widget's own check on a page (#backup-check), a locked-down intranet, an unregistered origin."""

import httpx
import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bot.crisis_line import NUMBER
from bot.stack import Stack, free_port

from .widget_tools import (
    CALL,
    WCAG22_AA,
    in_widget,
    open_widget,
    page_server,  # noqa: F401 (a fixture)
    send,
)

STRICT = "default-src 'self'; script-src 'self'"          # a typical locked-down intranet


@pytest.fixture(scope="module")
def own_gateway(stack, page_server, tmp_path_factory) -> str:
    """A gateway (sharing the stack's Rasa and Redis) whose registry lists the test's own page origin."""
    path = tmp_path_factory.mktemp("own-sites") / "sites.yml"
    path.write_text(yaml.safe_dump({"default": "intranet", "sites": [
        {"id": "intranet", "name": "Strict intranet", "origins": [page_server.origin],
         "greeting": "Hi from the strict intranet."}]}))
    settings = stack.settings.but(gateway_port=free_port(), sites_file=str(path))
    gateway = Stack(settings, log_dir=tmp_path_factory.mktemp("own-gateway-logs"))
    gateway.start_gateway()
    yield settings.gateway_url
    gateway.stop()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    yield context
    context.close()


def check_box(page: Page):
    return page.get_by_role("region", name="Backup page check")


def embed_check(page: Page, gateway: str, address: str, policy: str = "") -> list[str]:
    page.goto(gateway + "/embed")
    expect(page.locator("#site option")).not_to_have_count(0)
    page.get_by_label("Your page's address").fill(address)
    page.get_by_label("Its Content-Security-Policy (optional)").fill(policy)
    page.get_by_role("button", name="Check my page").click()
    findings = page.locator("#findings li")
    expect(findings).not_to_have_count(0)
    return findings.all_inner_texts()


def test_the_check_route_says_whether_an_origin_is_registered(stack, host_origin):
    gateway = stack.settings.gateway_url
    registered = httpx.get(f"{gateway}/api/sites/test-host/check", params={"origin": host_origin + "/any/page"})
    assert registered.status_code == 200 and registered.headers["access-control-allow-origin"] == "*"
    assert registered.json() == {"site": "test-host", "known": True, "name": "Test host site",
                                 "origin": host_origin, "registered": True}
    elsewhere = httpx.get(f"{gateway}/api/sites/test-host/check", headers={"Origin": "https://elsewhere.example"})
    assert elsewhere.json()["origin"] == "https://elsewhere.example" and elsewhere.json()["registered"] is False
    assert elsewhere.headers["access-control-allow-origin"] == "*"    # readable where CORS refuses the chat
    unknown = httpx.get(f"{gateway}/api/sites/no-such-site/check", params={"origin": host_origin})
    assert unknown.status_code == 404 and unknown.json()["known"] is False and unknown.json()["registered"] is False
    odd = httpx.get(f"{gateway}/api/sites/test-host/check", params={"origin": "javascript:alert(1)"})
    assert odd.json()["origin"] is None and odd.json()["registered"] is False


def test_the_embed_page_gives_the_exact_csp_lines(context, own_gateway):
    page = context.new_page()
    page.goto(own_gateway + "/embed")
    expect(page.locator("#csp-lines")).to_have_text(f"script-src {own_gateway}\nconnect-src {own_gateway}")
    expect(page.get_by_label("Snippet")).to_have_value(
        f'<script src="{own_gateway}/static/widget.js" data-site="intranet" async></script>')
    embed_check(page, own_gateway, "https://intranet.example/wellbeing", STRICT)
    results = Axe().run(page, options=WCAG22_AA)
    assert results.violations_count == 0, results.generate_report()


def test_check_my_page_names_an_unregistered_address(context, own_gateway):
    page = context.new_page()
    findings = embed_check(page, own_gateway, "https://intranet.unregistered.example/wellbeing")
    assert findings[0] == (
        "Problem: https://intranet.unregistered.example is not registered for Strict intranet. Backup refuses "
        "messages from it, and the widget there says it can't reach Backup. Ask the Backup team to add "
        "https://intranet.unregistered.example to this site's origins (sites.yml).")
    assert not page.get_by_text("Your policy with Backup allowed:").is_visible()


def test_check_my_page_reads_policies_as_a_browser_does(context, own_gateway, page_server):
    page = context.new_page()
    address = page_server.origin + "/wellbeing"
    nonce = embed_check(page, own_gateway, address, "script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'")
    assert nonce[0] == f"Works: {page_server.origin} is registered for Strict intranet."
    assert "uses 'strict-dynamic', which ignores addresses" in nonce[1] and nonce[1].startswith("Problem:")
    assert nonce[2].startswith("Works: Nothing in your policy limits what scripts connect to")
    wildcard = embed_check(page, own_gateway, address, "default-src 'self' http://127.0.0.1:*; img-src *")
    assert [f.split(":")[0] for f in wildcard] == ["Works", "Works", "Works"], wildcard
    other_host = embed_check(page, own_gateway, address, "default-src https://cdn.example; connect-src 'none'")
    assert other_host[1] == (f"Problem: Your policy stops the widget loading: it has no script-src, so its default-src "
                             f"https://cdn.example applies, and that does not allow {own_gateway}. Add: script-src "
                             f"https://cdn.example {own_gateway}")
    assert other_host[2] == (f"Problem: Your policy stops the widget talking to Backup (and fetching its styles): "
                             f"connect-src 'none' does not allow {own_gateway}. Change it to: "
                             f"connect-src {own_gateway}")


def test_a_locked_down_intranet_is_told_what_to_change_and_the_fix_works(context, own_gateway, page_server):
    page = context.new_page()
    # 1. The intranet's policy lets Backup's script in, nothing else: what the officer and the web admin see.
    url = page_server.add("/strict.html", own_gateway, site="intranet", csp=f"{STRICT} {own_gateway}")
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.goto(url + "#backup-check")
    box = check_box(page)
    expect(box).to_contain_text("2 problems found on this page.")
    expect(box).to_contain_text(
        "Problem: This page's Content-Security-Policy stops the widget talking to Backup (connect-src), so every "
        f"reply would be \"can't reach Backup\". Add {own_gateway} to connect-src: {own_gateway}/embed gives the "
        "exact line.")
    expect(box).to_contain_text(f"Problem: The widget's styles could not load here, so it shows unstyled. Adding "
                                f"{own_gateway} to connect-src fixes this too.")
    assert any("stops the widget talking to Backup (connect-src)" in w for w in warnings), warnings
    assert Axe().run(page, options=WCAG22_AA).violations_count == 0
    page.get_by_role("button", name="Close the check").click()
    open_widget(page)
    send(page, "is it confidential")
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("can't reach Backup")                       # the officer still gets the line
    expect(log.get_by_role("link", name=f"Call {NUMBER}")).to_have_attribute("href", CALL)

    # 2. The web admin asks the embed page, pasting the policy the page sends.
    embed = context.new_page()
    findings = embed_check(embed, own_gateway, url, f"{STRICT} {own_gateway}")
    assert findings == [
        f"Works: {page_server.origin} is registered for Strict intranet.",
        f"Works: Your policy allows the widget loading: script-src allows {own_gateway}.",
        f"Problem: Your policy stops the widget talking to Backup (and fetching its styles): it has no connect-src, "
        f"so its default-src 'self' applies, and that does not allow {own_gateway}. Add: connect-src 'self' "
        f"{own_gateway}",
    ]
    fixed = embed.locator("#fixed-policy").inner_text()
    assert fixed == f"default-src 'self'; script-src 'self' {own_gateway}; connect-src 'self' {own_gateway}"

    # 3. With that policy the widget works, styled, and the page's own script and style still do.
    fixed_url = page_server.add("/fixed.html", own_gateway, site="intranet", csp=fixed)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(fixed_url + "#backup-check")
    expect(check_box(page)).to_contain_text("No problems found on this page.")
    expect(check_box(page)).to_contain_text(f"Works: This page's address, {page_server.origin}, is registered for "
                                            "Strict intranet.")
    page.get_by_role("button", name="Close the check").click()
    assert in_widget(page, "return getComputedStyle($('.launcher')).position;") == "fixed"
    open_widget(page)
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("Hi from the strict intranet.")
    send(page, "is it confidential")
    expect(page.get_by_role("log", name="Conversation")).to_contain_text("not shared")
    assert page.evaluate("document.documentElement.dataset.ownScript") == "ran"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).borderTopWidth") == "7px"
    assert violations == [], violations


def test_an_unregistered_origin_is_told_in_words(context, stack, page_server):
    """The page's origin is not registered for the site it names: the admin reads why, the officer gets the number."""
    gateway = stack.settings.gateway_url
    url = page_server.add("/unregistered.html", gateway, site="test-host")
    page = context.new_page()
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.goto(url)
    page.get_by_role("button", name="Need to talk?").wait_for()
    expected = (f"This page's address, {page_server.origin}, is not registered for Test host site, so Backup "
                f"refuses its messages and the widget says it can't reach Backup. Ask the Backup team to add "
                f"{page_server.origin} to this site's origins.")
    page.wait_for_timeout(500)
    assert f"Backup widget: {expected}" in warnings, warnings
    page = context.new_page()
    page.goto(url + "#backup-check")
    box = check_box(page)
    expect(box).to_contain_text("1 problem found on this page.")
    expect(box).to_contain_text("Problem: " + expected)
    expect(box).to_contain_text("Works: The widget's styles loaded.")
    page.get_by_role("button", name="Close the check").click()
    open_widget(page)
    send(page, "is it confidential")
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("can't reach Backup")
    expect(log.get_by_role("link", name=f"Call {NUMBER}")).to_have_attribute("href", CALL)
