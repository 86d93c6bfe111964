"""The static files and pages carry the crisis line from bot/crisis_line.py, served as before."""

import pytest
from fastapi.testclient import TestClient

from bot.crisis_line import NUMBER, TEL
from bot.settings import get_settings
from gateway.static_files import DEFINITION, SOURCE, STATIC, fill, filled_copy


@pytest.fixture(scope="module")
def client() -> TestClient:
    from gateway.app import create_app

    return TestClient(create_app(get_settings()))  # no lifespan: files and pages need no Redis or Rasa


def test_fill_puts_in_the_number_and_its_link():
    assert fill(b'<a href="__CRISIS_TEL__">__CRISIS_NUMBER__</a>') == f'<a href="{TEL}">{NUMBER}</a>'.encode()


def test_every_source_file_is_served_filled_in():
    served = {path.relative_to(STATIC) for path in STATIC.rglob("*") if path.is_file()}
    assert served == {path.relative_to(SOURCE) for path in SOURCE.rglob("*") if path.is_file()}
    for name in served:
        assert b"__CRISIS_" not in (STATIC / name).read_bytes(), name
    assert b"__CRISIS_NUMBER__" in (SOURCE / "widget.js").read_bytes()  # the sources hold the placeholders


def test_validators_are_the_same_in_every_worker_and_newer_when_the_number_changes():
    again = filled_copy()
    for name in ("widget.js", "demo.html"):
        first, second = (STATIC / name).stat(), (again / name).stat()
        assert (first.st_mtime_ns, first.st_size) == (second.st_mtime_ns, second.st_size)
        assert first.st_mtime_ns == max((SOURCE / name).stat().st_mtime_ns, DEFINITION.stat().st_mtime_ns)


def test_the_widget_is_served_with_the_number_and_its_usual_headers(client):
    widget = client.get("/static/widget.js")
    assert widget.status_code == 200 and f'number: "{NUMBER}", tel: "{TEL}"' in widget.text
    assert widget.headers["content-type"].startswith("text/javascript")
    assert widget.headers["cross-origin-resource-policy"] == "cross-origin"
    assert widget.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in widget.headers and "cache-control" not in widget.headers
    again = client.get("/static/widget.js", headers={"If-None-Match": widget.headers["etag"]})
    assert again.status_code == 304


def test_the_demo_page_links_the_number_under_the_strict_csp(client):
    page = client.get("/")
    assert f'<a href="{TEL}">{NUMBER}</a>' in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
