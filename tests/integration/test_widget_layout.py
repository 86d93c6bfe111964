"""The widget at the sizes people really use it, in a real Chromium: 200% zoom, a phone with its
keyboard up, WCAG's 320x256 reflow minimum, a big browser text size, forced colours."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from bot.crisis_line import NUMBER

from .widget_tools import (
    CRISIS_MESSAGE,
    WCAG22_AA,
    WITH_BUTTONS,
    contrast,
    in_widget,
    open_widget,
    page_server,  # noqa: F401 (a fixture)
    send,
)

SIZES = {
    "200% zoom 640x400": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
    "phone keyboard up 360x400": {"viewport": {"width": 360, "height": 400}, "device_scale_factor": 2,
                                  "is_mobile": True, "has_touch": True},
    "reflow 320x256": {"viewport": {"width": 320, "height": 256}},
    "desktop 1280x800": {"viewport": {"width": 1280, "height": 800}},
}
# The part of the panel left for reading messages once the call card shows (header, card and
# message box take the rest). Before this work: 24 px at 640x400, 151 px at 1280x800.
MIN_READING_PX = {"200% zoom 640x400": 200, "phone keyboard up 360x400": 200, "reflow 320x256": 100,
                  "desktop 1280x800": 240}

MEASURE = """
const panel = $('.panel'), top = $('.top'), form = $('.compose');
const stuckBottom = getComputedStyle($('.bottom')).display === 'contents' ? form : $('.bottom');
const topEdge = getComputedStyle(top).position === 'sticky' ? top.getBoundingClientRect().bottom
  : panel.getBoundingClientRect().top;
return {
  panel: rect(panel), panelScrollWidth: panel.scrollWidth, panelClientWidth: panel.clientWidth,
  pageScrollWidth: document.documentElement.scrollWidth,
  reading: stuckBottom.getBoundingClientRect().top - topEdge,
  input: seen($('textarea')), send: seen($('.send')),
  call: callLinks().some(seen), newest: seen(newestBot()),
};
"""


@pytest.fixture(params=list(SIZES))
def sized(request, browser, stack, host_origin):
    context = browser.new_context(**SIZES[request.param])
    page = context.new_page()
    page.goto(host_origin + "/index.html")
    page.get_by_role("button", name="Need to talk?").wait_for()
    yield request.param, page
    context.close()


def test_after_a_handoff_the_call_the_newest_message_and_the_input_are_all_there(sized):
    size, page = sized
    width, height = SIZES[size]["viewport"].values()
    open_widget(page)
    send(page, WITH_BUTTONS)
    send(page, CRISIS_MESSAGE)
    m = in_widget(page, MEASURE)
    box = m["panel"]
    assert box["left"] >= 0 and box["right"] <= width and box["top"] >= 0 and box["bottom"] <= height, m
    assert m["pageScrollWidth"] <= width and m["panelScrollWidth"] <= m["panelClientWidth"], m
    assert m["input"] and m["send"], f"the message box or Send is covered or clipped at {size}: {m}"
    assert m["call"], f"no call button in view after the handoff at {size}: {m}"
    assert m["newest"], f"the newest reply is out of view at {size}: {m}"
    assert m["reading"] >= MIN_READING_PX[size], m


def test_the_mouse_wheel_reaches_everything(sized):
    size, page = sized
    open_widget(page)
    send(page, WITH_BUTTONS)
    send(page, CRISIS_MESSAGE)
    box = in_widget(page, "return rect($('.panel'));")
    page.mouse.move(box["x"] + box["w"] / 2, box["y"] + box["h"] / 3)
    look = """return {card: seen($('.pinned a.call')), exit: seen($('.exit')), number: seen($('.crisis a')),
                      details: seen($('.on-the-call summary')), clear: seen($('.clear')), input: seen($('textarea')),
                      scrollTop: $('.panel').scrollTop};"""
    seen_on_the_way = {}
    for direction in (-1, 1):        # up to the top, then down to the end, a wheel notch at a time
        for _ in range(60):
            now = in_widget(page, look)
            assert now["input"], (size, now)         # the message box never leaves the view
            for name, visible in now.items():
                seen_on_the_way[name] = seen_on_the_way.get(name, False) or visible is True
            page.mouse.wheel(0, direction * 60)
            page.wait_for_timeout(60)
            if in_widget(page, "return $('.panel').scrollTop;") == now["scrollTop"]:
                break
    assert {k: v for k, v in seen_on_the_way.items() if k != "scrollTop"} == {
        "card": True, "exit": True, "number": True, "details": True, "clear": True, "input": True}, size


def test_axe_finds_nothing_at_each_size_after_a_handoff(sized):
    size, page = sized
    open_widget(page)
    send(page, CRISIS_MESSAGE)
    results = Axe().run(page, options=WCAG22_AA)
    assert results.violations_count == 0, results.generate_report()


def test_the_browsers_text_size_setting_scales_the_widget(browser, stack, host_origin):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    # Chromium's "font size" setting, as a person with low vision sets it: 32 px instead of 16.
    context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 32}})
    page.goto(host_origin + "/index.html")
    assert page.evaluate("getComputedStyle(document.querySelector('main p')).fontSize") == "32px"
    open_widget(page)
    send(page, CRISIS_MESSAGE)
    sizes = in_widget(page, """return {message: getComputedStyle(newestBot()).fontSize,
      input: seen($('textarea')),
      call: callLinks().some(seen), newest: seen(newestBot())};""")
    assert sizes["message"] == "32px", sizes
    assert sizes["input"] and sizes["call"] and sizes["newest"], sizes
    context.close()


def test_a_host_page_that_shrinks_its_root_font_does_not_shrink_the_widget(browser, stack, page_server):
    """rem would follow the host's html { font-size: 62.5% } down to 10 px; the widget keeps 16."""
    url = page_server.add("/small-root.html", stack.settings.gateway_url, root_style="font-size: 62.5%")
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    open_widget(page)
    sizes = in_widget(page, "return [$('.launcher'), $('textarea'), $('.bar h2')]"
                            ".map(e => getComputedStyle(e).fontSize);")
    assert sizes == ["16px", "16px", "18px"], sizes
    context.close()


def test_the_host_pages_fonts_do_not_reach_the_widget(page):
    """The host page sets Comic Sans and purple on everything, !important: none of it gets in."""
    def fonts():
        return in_widget(page, """
          return [...r.querySelectorAll('.launcher, .badge, .message, textarea, .quick button, .send')].filter(shown)
            .map(e => [e.className || e.tagName, getComputedStyle(e).fontFamily, getComputedStyle(e).color]);""")

    before = fonts()
    open_widget(page)
    send(page, WITH_BUTTONS)
    seen = before + fonts()
    assert {row[0] for row in seen} >= {"launcher", "message bot", "message user", "TEXTAREA", "send"}, seen
    for name, family, colour in seen:
        assert family.startswith("system-ui") and "Comic" not in family, (name, family)
        assert colour != "rgb(75, 0, 130)", (name, colour)


TARGETS = """
return [...r.querySelectorAll('button, a[href], summary, textarea')].filter(shown).map(e => {
  const b = e.getBoundingClientRect();
  return {name: (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40), w: Math.round(b.width * 10) / 10,
          h: Math.round(b.height * 10) / 10};
});
"""


def test_every_target_is_at_least_44_pixels_on_a_phone(browser, stack, host_origin):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(host_origin + "/index.html")
    page.get_by_role("button", name="Need to talk?").wait_for()
    measured = in_widget(page, TARGETS)
    open_widget(page)
    measured += in_widget(page, TARGETS)        # starter suggestions, header, message box, footer
    send(page, WITH_BUTTONS)
    measured += in_widget(page, TARGETS)        # the reply's suggested replies
    send(page, CRISIS_MESSAGE)
    in_widget(page, "$('.panel').scrollTop = 0; return true;")
    measured += in_widget(page, TARGETS)        # the call card: call, 999, what happens on the call
    page.get_by_role("button", name="Clear conversation").click()
    measured += in_widget(page, TARGETS)        # the confirmation
    names = {m["name"] for m in measured}
    for expected in ("Quick exit", "Close chat", NUMBER, f"Call {NUMBER}", "Call 999",
                     "What happens on the call", "Send", "Clear conversation", "Yes, clear it", "Cancel",
                     "Is it confidential?", "Need to talk?"):
        assert expected in names, (expected, sorted(names))
    small = [m for m in measured if m["w"] < 44 or m["h"] < 44]
    assert not small, small
    context.close()


def test_forced_colours_keep_every_button_outlined(browser, stack, host_origin):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, forced_colors="active")
    page = context.new_page()
    page.goto(host_origin + "/index.html")
    open_widget(page)
    send(page, CRISIS_MESSAGE)
    disabled = in_widget(page, "const s = getComputedStyle($('.send')); return [s.borderTopStyle, s.color];")
    page.get_by_label("Your message").fill("still here")
    borders = in_widget(page, """
      return ['.send', '.pinned a.call', '.message.user', '.exit', '.close', '.clear'].map(sel => {
        const s = getComputedStyle($(sel));
        return {sel, style: s.borderTopStyle, width: parseFloat(s.borderTopWidth), colour: s.borderTopColor,
                background: s.backgroundColor};
      });""")
    for border in borders:
        assert border["style"] != "none" and border["width"] >= 1, border
        assert contrast(border["colour"], border["background"]) >= 3, border
    enabled = in_widget(page, "const s = getComputedStyle($('.send')); return [s.borderTopStyle, s.color];")
    assert disabled[0] == "dashed" and enabled[0] == "solid" and disabled[1] != enabled[1], (disabled, enabled)
    page.get_by_label("Your message").press("Tab")
    ring = in_widget(page, "const s = getComputedStyle(r.activeElement);"
                           "return [r.activeElement.className, s.outlineStyle, parseFloat(s.outlineWidth)];")
    assert ring[0] == "send" and ring[1] == "solid" and ring[2] >= 2, ring
    context.close()


FOCUS_RING = """
const e = r.activeElement || document.activeElement;
const s = getComputedStyle(e);
// The ring lies outside the element (or inside it, for a negative offset): what is behind it there.
let node = parseFloat(s.outlineOffset) < 0 ? e : (e.parentElement || e.getRootNode().host);
let behind = 'rgb(255, 255, 255)';
while (node && node.nodeType === 1) {
  const bg = getComputedStyle(node).backgroundColor;
  if (bg && bg !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(bg)) { behind = bg; break; }
  node = node.parentElement || (node.getRootNode() && node.getRootNode().host) || null;
}
const name = e.tagName === 'TEXTAREA' || e.classList.contains('log') ? e.tagName + '.' + e.className
  : (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 30);
return {name, inside: document.activeElement && document.activeElement.id === 'backup-widget',
        style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor, behind};
"""


def test_the_focus_ring_has_3_to_1_contrast_on_everything_it_circles(browser, stack, host_origin):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(host_origin + "/index.html")
    page.get_by_role("button", name="Need to talk?").wait_for()
    open_widget(page)
    send(page, WITH_BUTTONS)
    send(page, CRISIS_MESSAGE)
    page.get_by_label("Your message").fill("x")
    page.get_by_role("button", name="Close chat").click()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")                    # the launcher, reached by keyboard
    rings = [in_widget(page, FOCUS_RING)]
    page.keyboard.press("Enter")                  # open: focus goes to the message box
    for key in ("Shift+Tab", "Tab"):              # backwards to the header, then forwards to the end
        page.get_by_label("Your message").focus()
        for _ in range(30):
            ring = in_widget(page, FOCUS_RING)
            if not ring["inside"]:
                break
            rings.append(ring)
            page.keyboard.press(key)
    names = {ring["name"] for ring in rings}
    expected = {"Need to talk?", "Quick exit", "Close chat", NUMBER, f"Call {NUMBER}", "Call 999",
                "What happens on the call", "Send", "Clear conversation", "TEXTAREA.", "DIV.log"}
    assert expected <= names, (expected - names, names)
    for ring in rings:
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        assert contrast(ring["colour"], ring["behind"]) >= 3, ring
    context.close()


def test_a_disabled_send_looks_disabled_and_does_nothing(page):
    open_widget(page)
    send_button = page.get_by_role("button", name="Send")
    expect(send_button).to_have_attribute("aria-disabled", "true")
    look = ("const s = getComputedStyle($('.send'));"
            "return {bg: s.backgroundColor, colour: s.color, border: s.borderTopStyle, cursor: s.cursor};")
    off = in_widget(page, look)
    send_button.click(force=True)          # Playwright itself would wait for it to be enabled
    page.keyboard.press("Enter")
    assert in_widget(page, "return r.querySelectorAll('.message.user').length;") == 0
    page.get_by_label("Your message").fill("is it confidential")
    expect(send_button).to_have_attribute("aria-disabled", "false")
    on = in_widget(page, look)
    assert off["border"] == "dashed" and on["border"] == "solid", (off, on)
    assert off["cursor"] == "not-allowed" and on["cursor"] == "pointer", (off, on)
    assert contrast(off["bg"], on["bg"]) >= 3, (off, on)   # filled in the site's colour only when it works
    page.get_by_label("Your message").fill("   ")
    expect(send_button).to_have_attribute("aria-disabled", "true")


