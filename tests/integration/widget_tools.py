"""What the widget's browser tests share: driving the widget, measuring it, and holding its
requests to the gateway so a test decides when each reply lands."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, Route, expect

from bot.crisis_line import TEL as CALL

CRISIS_MESSAGE = "honestly i want to end my life"
WITH_BUTTONS = "will my sergeant find out if I ring them"   # answered with suggested replies
WCAG22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
             "resultTypes": ["violations"]}

# Functions the measurements below share, evaluated inside the page with r = the shadow root.
SHADOW = """
const r = document.querySelector('#backup-widget').shadowRoot;
const $ = s => r.querySelector(s);
const rect = e => { const b = e.getBoundingClientRect(); return {x: b.x, y: b.y, w: b.width, h: b.height,
  top: b.top, bottom: b.bottom, left: b.left, right: b.right}; };
const shown = e => e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
// Whether a person can see (and click) an element: a point on it is not covered by anything else
// and lies inside the viewport. Messages are tested on their first line.
const seen = e => {
  if (!shown(e)) return false;
  const b = e.getBoundingClientRect();
  const x = b.left + Math.min(b.width / 2, 40), y = b.top + Math.min(b.height / 2, 12);
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
  const at = r.elementFromPoint(x, y);
  return at === e || e.contains(at);
};
const newestBot = () => { const all = r.querySelectorAll('.log .message.bot'); return all[all.length - 1]; };
const callLinks = () => [...r.querySelectorAll('a.call')].filter(a => a.getAttribute('href') === '""" + CALL + """');
"""


def in_widget(page: Page, body: str, arg=None):
    """Evaluates `body` (a function body that returns) with the helpers above."""
    return page.evaluate(f"(arg) => {{ {SHADOW} {body} }}", arg)


def open_widget(page: Page) -> None:
    page.get_by_role("button", name="Need to talk?").click()
    expect(page.get_by_role("dialog", name="Backup")).to_be_visible()


def typing(page: Page):
    return page.get_by_role("status").filter(has_text="Backup is typing")


def submit(page: Page, text: str) -> None:
    """Types a message and presses Enter, without waiting for the reply."""
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")


def send(page: Page, text: str) -> None:
    submit(page, text)
    expect(page.locator(".typing")).to_have_text("", timeout=15_000)


def wait_until(page: Page, condition, timeout: float = 10.0, what: str = "condition") -> None:
    """Polls a Python condition while Playwright keeps dispatching events (route handlers too)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(50)


def rgb(colour: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = []
        for value in rgb(colour)[:3]:
            c = value / 255
            channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


class HeldChat:
    """Holds every POST /api/chat the page makes until the test releases it, and keeps its body."""

    def __init__(self, page: Page):
        self.page = page
        self.waiting: list[Route] = []
        self.bodies: list[dict] = []
        page.route("**/api/chat", self._hold)

    def _hold(self, route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        self.bodies.append(json.loads(route.request.post_data or "{}"))
        self.waiting.append(route)

    def wait_for(self, count: int) -> None:
        wait_until(self.page, lambda: len(self.bodies) >= count, what=f"{count} chat requests")

    def release(self) -> None:
        self.waiting.pop(0).continue_()

    def stop_holding(self) -> None:
        while self.waiting:
            self.release()
        self.page.unroute("**/api/chat")


WIDGET_PAGE = """<!doctype html>
<html lang="{lang}"{root_style}>
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="/own.css">
</head>
<body>
  <main><h1>{title}</h1><p>{text}</p></main>
  <script src="/own.js"></script>
  <script src="{gateway}/static/widget.js" data-site="{site}" async></script>
</body>
</html>
"""


class PageServer:
    """Web pages on an origin of the test's own (127.0.0.1, another port), each with the headers a
    test gives it: an intranet with its own Content-Security-Policy, a page in Welsh, and so on.
    Its own script and style are there so a test sees a fix for Backup keep the page working."""

    def __init__(self):
        from bot.stack import free_port

        self.pages: dict[str, tuple[str, dict[str, str]]] = {
            "/own.css": ("main { border-top: 7px solid rgb(1, 2, 3); }", {"Content-Type": "text/css"}),
            "/own.js": ("document.documentElement.dataset.ownScript = 'ran';", {"Content-Type": "text/javascript"}),
        }
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body, headers = pages.get(self.path.split("?")[0].split("#")[0], ("not here", {}))
                self.send_response(200 if body != "not here" else 404)
                self.send_header("Content-Type", headers.get("Content-Type", "text/html; charset=utf-8"))
                for name, value in headers.items():
                    if name != "Content-Type":
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path: str, gateway: str, site: str = "test-host", csp: str | None = None, lang: str = "en-GB",
            root_style: str = "", title: str = "Intranet page", text: str = "Welfare news.") -> str:
        html = WIDGET_PAGE.format(lang=lang, root_style=f' style="{root_style}"' if root_style else "",
                                  title=title, text=text, gateway=gateway, site=site)
        self.pages[path] = (html, {"Content-Security-Policy": csp} if csp else {})
        return self.origin + path

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def page_server():
    server = PageServer()
    yield server
    server.close()
