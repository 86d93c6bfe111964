"""bot.sites: every refusal says where and what, the UK numbers, and the check command."""

import pytest
import yaml

from bot.crisis_line import NUMBER
from bot.sites import TOPICS, SiteError, load_registry, main, parse_registry, tel_link
from bot.stack import ROOT

SITE = {"id": "fed-west", "name": "Federation West", "origins": ["https://fed.example.org/"]}
CONTACT = {"name": "Branch welfare lead", "description": "For members.", "phone": "020 7946 0123",
           "url": "https://fed.example.org/welfare", "hours": "Mon to Fri, 9am to 5pm", "topics": ["money"]}


def refused(site_change=None, contact_change=None, drop=()):
    contact = {**CONTACT, **(contact_change or {})}
    for key in drop:
        contact.pop(key)
    site = {**SITE, "contacts": [contact], **(site_change or {})}
    with pytest.raises(SiteError) as error:
        parse_registry({"default": "fed-west", "sites": [{"id": "other", "name": "Other", "origins": ["https://o.example.org"]},
                                                         site]})
    return error.value.problems


def test_a_good_contact_keeps_its_display_and_derives_tel():
    registry = parse_registry({"default": "fed-west", "sites": [{**SITE, "contacts": [CONTACT]}]})
    contact = registry.get("fed-west").contacts[0]
    assert contact.phone == "020 7946 0123" and contact.tel == "tel:+442079460123"
    assert contact.card() == {"name": "Branch welfare lead", "description": "For members.", "phone": "020 7946 0123",
                              "tel": "tel:+442079460123", "url": "https://fed.example.org/welfare",
                              "hours": "Mon to Fri, 9am to 5pm"}
    contact = registry.get("fed-west").public()["contacts"][0]
    assert contact["topics"] == ["money"] and contact["shown_after"] == ["other support", "money"]


@pytest.mark.parametrize("phone, tel", [
    ("01632 960123", "tel:+441632960123"), ("+44 1632 960123", "tel:+441632960123"),
    ("+44 (0)20 7946 0123", "tel:+442079460123"), ("0044 7700 900123", "tel:+447700900123"),
    ("0300 123 4567", "tel:+443001234567"), ("0808 157 0123", "tel:+448081570123"), ("0800 123 456", "tel:+44800123456"),
    ("07700-900-123", "tel:+447700900123"),
])
def test_uk_numbers_are_accepted(phone, tel):
    registry = parse_registry({"default": "fed-west", "sites": [{**SITE, "contacts": [{**CONTACT, "phone": phone}]}]})
    assert registry.sites[0].contacts[0].tel == tel == tel_link(phone)


@pytest.mark.parametrize("phone, message", [
    (NUMBER, "the crisis line is always shown; it is not a local contact"),
    ("+44 " + NUMBER[1:], "the crisis line is always shown"),
    ("999", "'999' is 999, which Backup always gives; it is not a local contact"),
    ("112", "is 112, which Backup always gives"),
    ("111", "is NHS 111, which Backup always gives"),
    ("116 123", "is Samaritans (116 123), which Backup always gives"),
    ("85258", "is Shout (85258), which Backup always gives"),
    ("+1 202 555 0100", "is not a UK phone number"),
    ("0909 879 0000", "is not a UK phone number"),
    ("01632 9601", "is not a UK phone number"),
    ("call 01632 960123", "is not a UK phone number"),
])
def test_phone_refusals(phone, message):
    assert any(p.startswith("sites.1.contacts.0.phone: ") and message in p for p in refused(contact_change={"phone": phone}))


@pytest.mark.parametrize("change, where, message", [
    ({"url": "http://fed.example.org/welfare"}, "sites.1.contacts.0.url", "is not an https link"),
    ({"url": "javascript:alert(1)//x"}, "sites.1.contacts.0.url", "is not an https link"),
    ({"url": "https://user@fed.example.org/x"}, "sites.1.contacts.0.url", "is not an https link"),
    ({"topics": ["money", "parking"]}, "sites.1.contacts.0.topics.1", "unknown topic 'parking'; choose from: " + ", ".join(TOPICS)),
    ({"topics": "money"}, "sites.1.contacts.0.topics", "should be a list"),
    ({"name": "X"}, "sites.1.contacts.0.name", "should be 2 to 80 characters long"),
    ({"description": "a\nb"}, "sites.1.contacts.0.description", "should be one line"),
    ({"description": "x" * 201}, "sites.1.contacts.0.description", "0 to 200 characters"),
    ({"hours": "x" * 81}, "sites.1.contacts.0.hours", "should be 2 to 80 characters"),
    ({"email": "a@b.c"}, "sites.1.contacts.0.email", "unknown key"),
])
def test_contact_refusals(change, where, message):
    assert any(p.startswith(where + ": ") and message in p for p in refused(contact_change=change))


def test_name_is_required():
    assert "sites.1.contacts.0.name: is required" in refused(drop=("name",))


@pytest.mark.parametrize("change, where, message", [
    ({"colours": {"primary": "#ffff00"}}, "sites.1.colours.on_primary", "WCAG AA needs at least 4.5:1"),
    ({"colours": {"accent": "#ff9999"}}, "sites.1.colours.accent", "on white has contrast"),
    ({"colours": {"primary": "blue"}}, "sites.1.colours.primary", "not a colour"),
    ({"origins": []}, "sites.1.origins", "at least 1"),
    ({"greeting": "x" * 301}, "sites.1.greeting", "1 to 300"),
])
def test_site_refusals(change, where, message):
    assert any(p.startswith(where + ": ") and message in p for p in refused(site_change=change))


def test_every_problem_is_listed_at_once():
    problems = refused(contact_change={"phone": NUMBER, "url": "http://x.example.org", "topics": ["nope"]})
    assert len(problems) == 3


def test_topics_choose_contacts():
    other = {"name": "Chaplain", "topics": ["bereavement"]}
    plain = {"name": "Welfare team"}
    site = parse_registry({"default": "fed-west", "sites": [{**SITE, "contacts": [CONTACT, other, plain]}]}).sites[0]
    assert [c.name for c in site.contacts_for("money")] == ["Branch welfare lead"]
    assert [c.name for c in site.contacts_for("bereavement")] == ["Chaplain"]
    assert [c.name for c in site.contacts_for("sleep")] == []
    assert len(site.contacts_for("other_support")) == 3


def test_the_check_command(tmp_path, capsys):
    assert main(["check", str(ROOT / "sites.yml")]) == 0
    assert "fine. 2 site(s)" in capsys.readouterr().out
    bad = tmp_path / "sites.yml"
    bad.write_text(yaml.safe_dump({"default": "fed-west", "sites": [
        {**SITE, "contacts": [{**CONTACT, "phone": NUMBER, "url": "http://fed.example.org", "topics": ["pay"]}]}]}))
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "3 problem(s) to fix" in out and "sites.0.contacts.0.phone: the crisis line is always shown" in out
    with pytest.raises(SiteError, match="sites.0.contacts.0.url"):
        load_registry(bad)
