"""The site registry: which websites may embed the widget, how it looks and greets there, and the
local contacts it adds to the national answers.

Read from sites.yml and checked when the gateway and the action server start; a mistake stops them
with every problem and where it is (`sites.1.contacts.0.phone: ...`). Plain dataclasses and explicit
checks: both runtimes import this, and they pin different pydantic majors.

The crisis line, 999, NHS 111, Samaritans and Shout are not site settings: Backup always gives
them, and a site can add local contacts but never replace or hide them.

    python -m bot.sites check sites.yml     # what a site owner needs to fix (exit 1), or a summary
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.crisis_line import is_crisis_line
from bot.phones import national_digits, tel_link

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SITE_ID = r"^[a-z0-9][a-z0-9-]{1,39}$"
DEFAULT_GREETING = "Hi, I'm Backup. How can I help?"

# The topics where local help is shown, after the national answer (actions/local_contacts.py maps
# each answer to one). A contact with no topics appears only under other_support, which lists all.
TOPICS = {
    "other_support": "other support", "bereavement": "bereavement", "bereavement_by_suicide": "bereavement by suicide",
    "colleague": "a colleague at risk", "trauma": "trauma", "money": "money", "relationships": "relationships",
    "sleep": "sleep",
}
# National numbers Backup gives itself; a site cannot list them as its own.
NATIONAL = {"999": "999", "112": "112", "111": "NHS 111", "116123": "Samaritans (116 123)", "85258": "Shout (85258)"}
# Numbers a site may give: landlines (01, 02), non-geographic 03, mobiles (07), 08 (freephone and
# others). National significant form: the digits after the leading 0.
UK_NUMBER = re.compile(r"^0(?:1\d{8,9}|2\d{9}|3\d{9}|7\d{9}|80\d{7,8}|8[1-9]\d{8})$")


class SiteError(ValueError):
    """The registry cannot be used; `problems` lists each mistake with where it is."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class Colours:
    primary: str = "#1d3557"
    on_primary: str = "#ffffff"
    accent: str = "#b00020"

    def as_dict(self) -> dict[str, str]:
        return {"primary": self.primary, "on_primary": self.on_primary, "accent": self.accent}


@dataclass(frozen=True)
class Contact:
    name: str
    description: str = ""
    phone: str | None = None
    url: str | None = None
    hours: str | None = None
    topics: tuple[str, ...] = ()

    @property
    def tel(self) -> str | None:
        return tel_link(self.phone) if self.phone else None

    def serves(self, topic: str) -> bool:
        return topic == "other_support" or topic in self.topics

    def public(self) -> dict[str, Any]:
        """What the widget renders: the contact as written, and its tel: link."""
        return {"name": self.name, "description": self.description, "phone": self.phone, "tel": self.tel,
                "url": self.url, "hours": self.hours, "topics": list(self.topics),
                "shown_after": [TOPICS[topic] for topic in dict.fromkeys(("other_support", *self.topics))]}

    def card(self) -> dict[str, str]:
        """The contact as a card in a reply: only what the widget shows, only what is set."""
        fields = {"name": self.name, "description": self.description, "phone": self.phone, "tel": self.tel,
                  "url": self.url, "hours": self.hours}
        return {key: value for key, value in fields.items() if value}


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    origins: tuple[str, ...]
    colours: Colours = field(default_factory=Colours)
    greeting: str = DEFAULT_GREETING
    contacts: tuple[Contact, ...] = ()

    def public(self) -> dict[str, Any]:
        """What the widget may know about its site."""
        return {"id": self.id, "name": self.name, "colours": self.colours.as_dict(), "greeting": self.greeting,
                "contacts": [contact.public() for contact in self.contacts]}

    @property
    def contacts_heading(self) -> str:
        """Above the site's contacts in a reply (the action writes it; the gateway writes it again)."""
        return f"Local support from {self.name}"

    def contacts_for(self, topic: str) -> list[Contact]:
        return [contact for contact in self.contacts if contact.serves(topic)]


@dataclass(frozen=True)
class Registry:
    default: str
    sites: tuple[Site, ...]

    def get(self, site_id: str) -> Site | None:
        return next((site for site in self.sites if site.id == site_id), None)

    @property
    def origins(self) -> set[str]:
        return {origin for site in self.sites for origin in site.origins}


def phone_problem(phone: str) -> str | None:
    digits = national_digits(phone)
    if is_crisis_line(phone):
        return "the crisis line is always shown; it is not a local contact"
    plain = re.sub(r"\D", "", phone)
    if plain in NATIONAL or (digits and digits.lstrip("0") in NATIONAL):
        return f"'{phone}' is {NATIONAL.get(plain) or NATIONAL[(digits or '').lstrip('0')]}, which Backup always gives; " \
               "it is not a local contact"
    if digits is None or not UK_NUMBER.match(digits):
        return f"'{phone}' is not a UK phone number like 01632 960123, 0300 123 4567, 07700 900123 or +44 20 7946 0123 " \
               "(landline, mobile, 03 or 08; no premium or short numbers)"
    return None


def url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc or re.search(r"\s", url):
        return f"'{url}' is not an https link like https://www.example.org/welfare"
    return None


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


class Checker:
    """Collects every problem with where it is, rather than stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(self, where: str, value: Any, required: set[str], allowed: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(where, "should be a mapping of keys to values")
            return None
        for key in sorted(set(value) - allowed, key=str):
            self.problem(f"{where}.{key}", f"unknown key; a site entry may have only: {', '.join(sorted(allowed))}"
                         if where.count(".") == 1 else f"unknown key; allowed here: {', '.join(sorted(allowed))}")
        for key in sorted(required - set(value)):
            self.problem(f"{where}.{key}", "is required")
        return value

    def text(self, where: str, value: Any, low: int, high: int, one_line: bool = True) -> str | None:
        if not isinstance(value, str):
            self.problem(where, "should be text")
            return None
        value = value.strip()
        if not low <= len(value) <= high:
            self.problem(where, f"should be {low} to {high} characters long (it is {len(value)})")
        elif one_line and "\n" in value:
            self.problem(where, "should be one line")
        return value

    def items(self, where: str, value: Any, low: int = 0) -> Iterator[tuple[str, Any]]:
        if not isinstance(value, list):
            self.problem(where, "should be a list")
            return
        if len(value) < low:
            self.problem(where, f"should list at least {low}")
        for index, item in enumerate(value):
            yield f"{where}.{index}", item


CONTACT_KEYS = {"name", "description", "phone", "url", "hours", "topics"}
SITE_KEYS = {"id", "name", "origins", "colours", "greeting", "contacts"}


def origin_of(where: str, value: Any, check: Checker) -> str | None:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") \
            or parts.query or parts.fragment or "@" in parts.netloc:
        check.problem(where, f"'{value}' is not an origin like https://intranet.example.police.uk")
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def contact_of(where: str, value: Any, check: Checker) -> Contact | None:
    data = check.mapping(where, value, {"name"}, CONTACT_KEYS)
    if data is None:
        return None
    before = len(check.problems)
    name = check.text(f"{where}.name", data.get("name", "xx"), 2, 80)
    description = check.text(f"{where}.description", data.get("description", ""), 0, 200)
    hours = check.text(f"{where}.hours", data["hours"], 2, 80) if data.get("hours") is not None else None
    phone = url = None
    if data.get("phone") is not None:
        phone = check.text(f"{where}.phone", str(data["phone"]) if isinstance(data["phone"], int) else data["phone"], 3, 25)
        if phone and (problem := phone_problem(phone)):
            check.problem(f"{where}.phone", problem)
    if data.get("url") is not None:
        url = check.text(f"{where}.url", data["url"], 10, 300)
        if url and (problem := url_problem(url)):
            check.problem(f"{where}.url", problem)
    topics: list[str] = []
    for place, topic in check.items(f"{where}.topics", data.get("topics", [])):
        if topic not in TOPICS:
            check.problem(place, f"unknown topic '{topic}'; choose from: {', '.join(TOPICS)}")
        elif topic not in topics:
            topics.append(topic)
    if len(check.problems) > before or name is None:
        return None
    return Contact(name=name, description=description or "", phone=phone, url=url, hours=hours, topics=tuple(topics))


def colours_of(where: str, value: Any, check: Checker) -> Colours:
    data = check.mapping(where, value, set(), {"primary", "on_primary", "accent"}) or {}
    for key, colour in data.items():
        if key in ("primary", "on_primary", "accent") and not (isinstance(colour, str) and HEX_COLOUR.match(colour)):
            check.problem(f"{where}.{key}", f"'{colour}' is not a colour like #1d3557")
    colours = Colours(**{key: value for key, value in data.items()
                         if key in ("primary", "on_primary", "accent") and isinstance(value, str) and HEX_COLOUR.match(value)})
    ratio = contrast(colours.primary, colours.on_primary)
    if ratio < 4.5:
        check.problem(f"{where}.on_primary", f"text in {colours.on_primary} on {colours.primary} has contrast {ratio:.1f}:1; "
                      "WCAG AA needs at least 4.5:1")
    for key in ("primary", "accent"):
        ratio = contrast(getattr(colours, key), "#ffffff")
        if ratio < 4.5:
            check.problem(f"{where}.{key}", f"{getattr(colours, key)} on white has contrast {ratio:.1f}:1; WCAG AA needs 4.5:1 "
                          "(it colours links and text in the widget)")
    return colours


def site_of(where: str, value: Any, check: Checker) -> Site | None:
    data = check.mapping(where, value, {"id", "name", "origins"}, SITE_KEYS)
    if data is None:
        return None
    before = len(check.problems)
    site_id = data.get("id")
    if "id" in data and not (isinstance(site_id, str) and re.match(SITE_ID, site_id)):
        check.problem(f"{where}.id", f"'{site_id}' is not a site id: 2 to 40 lower-case letters, digits and hyphens")
    name = check.text(f"{where}.name", data.get("name", "xx"), 2, 80)
    origins = [origin_of(place, item, check) for place, item in check.items(f"{where}.origins", data.get("origins", []), 1)]
    colours = colours_of(f"{where}.colours", data.get("colours", {}), check)
    greeting = check.text(f"{where}.greeting", data.get("greeting", DEFAULT_GREETING), 1, 300, one_line=False)
    contacts = [contact_of(place, item, check) for place, item in check.items(f"{where}.contacts", data.get("contacts") or [])]
    if len(check.problems) > before:
        return None
    return Site(id=str(site_id), name=name or "", origins=tuple(o for o in origins if o), colours=colours,
                greeting=greeting or DEFAULT_GREETING, contacts=tuple(c for c in contacts if c))


def parse_registry(data: Any, source: str = "sites.yml") -> Registry:
    check = Checker()
    top = check.mapping("registry", data, {"default", "sites"}, {"default", "sites"}) if isinstance(data, dict) else None
    if top is None:
        raise SiteError(source, ["should have `default:` and `sites:` at the top"])
    sites = [site_of(place, item, check) for place, item in check.items("sites", top.get("sites", []), 1)]
    ids = [site.get("id") for site in top.get("sites") or [] if isinstance(site, dict)]
    duplicates = sorted({str(i) for i in ids if ids.count(i) > 1})
    if duplicates:
        check.problem("sites", f"site ids used twice: {', '.join(duplicates)}")
    if "default" in top and top["default"] not in ids:
        check.problem("default", f"default site '{top['default']}' is not one of the sites")
    if check.problems:
        raise SiteError(source, check.problems)
    return Registry(default=str(top["default"]), sites=tuple(site for site in sites if site))


def load_registry(path: Path) -> Registry:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SiteError(str(path), [f"cannot read the site registry ({error})"]) from None
    return parse_registry(data, str(path))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "check":
        print("usage: python -m bot.sites check sites.yml", file=sys.stderr)
        return 2
    try:
        registry = load_registry(Path(argv[1]))
    except SiteError as error:
        print(f"{argv[1]}: {len(error.problems)} problem(s) to fix:")
        for problem in error.problems:
            print(f"  {problem}")
        return 1
    print(f"{argv[1]}: fine. {len(registry.sites)} site(s), default '{registry.default}':")
    for site in registry.sites:
        topics = sorted({topic for contact in site.contacts for topic in contact.topics})
        print(f"  {site.id}: {len(site.origins)} origin(s), {len(site.contacts)} contact(s)"
              + (f" for {', '.join(topics)}" if topics else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
