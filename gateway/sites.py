"""The site registry: which websites may embed the widget, and how it looks and greets there.

Read from sites.yml and checked at start-up; a mistake stops the gateway with the file's line of
thought in the message. The crisis line is not a site setting: it cannot be changed or hidden.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.crisis_line import is_crisis_line

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
SITE_ID = r"^[a-z0-9][a-z0-9-]{1,39}$"


class SiteError(ValueError):
    pass


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Colours(Strict):
    primary: str = "#1d3557"
    on_primary: str = "#ffffff"
    accent: str = "#b00020"

    @field_validator("*")
    @classmethod
    def hex_colour(cls, value: str) -> str:
        if not HEX_COLOUR.match(value):
            raise ValueError(f"'{value}' is not a colour like #1d3557")
        return value


class Contact(Strict):
    name: str = Field(..., min_length=2, max_length=80)
    description: str = Field("", max_length=200)
    phone: str | None = Field(None, pattern=r"^[0-9 +]{3,20}$")

    @field_validator("phone")
    @classmethod
    def not_the_crisis_line(cls, value: str | None) -> str | None:
        if value and is_crisis_line(value):
            raise ValueError("the crisis line is always shown; it is not a local contact")
        return value

    @property
    def tel(self) -> str | None:
        return "tel:" + re.sub(r"[^0-9+]", "", self.phone) if self.phone else None


def origin(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") \
            or parts.query or parts.fragment:
        raise ValueError(f"'{value}' is not an origin like https://intranet.example.police.uk")
    return f"{parts.scheme}://{parts.netloc}".lower()


class Site(Strict):
    id: str = Field(..., pattern=SITE_ID)
    name: str = Field(..., min_length=2, max_length=80)
    origins: list[Annotated[str, AfterValidator(origin)]] = Field(..., min_length=1)
    colours: Colours = Colours()
    greeting: str = Field("Hi, I'm Backup. How can I help?", max_length=300)
    contacts: list[Contact] = []

    def public(self) -> dict:
        """What the widget may know about its site."""
        return {
            "id": self.id,
            "name": self.name,
            "colours": self.colours.model_dump(),
            "greeting": self.greeting,
            "contacts": [{**contact.model_dump(), "tel": contact.tel} for contact in self.contacts],
        }


class Registry(Strict):
    default: str
    sites: list[Site] = Field(..., min_length=1)

    @field_validator("sites")
    @classmethod
    def unique_ids(cls, sites: list[Site]) -> list[Site]:
        ids = [site.id for site in sites]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"site ids used twice: {', '.join(duplicates)}")
        return sites

    @model_validator(mode="after")
    def default_exists(self) -> Registry:
        if self.default not in {site.id for site in self.sites}:
            raise ValueError(f"default site '{self.default}' is not one of the sites")
        return self

    def get(self, site_id: str) -> Site | None:
        return next((site for site in self.sites if site.id == site_id), None)

    @property
    def origins(self) -> set[str]:
        return {origin for site in self.sites for origin in site.origins}


def load_registry(path: Path) -> Registry:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SiteError(f"{path}: cannot read the site registry ({error})") from None
    try:
        return Registry.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise SiteError(f"{path}: {problems}") from None
