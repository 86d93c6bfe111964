"""The site registry, as the gateway uses it: the schema and its checks are the shared core's
(bot/sites.py, no pydantic), so the action server reads the same file with the same rules."""

from bot.sites import SITE_ID, Contact, Registry, Site, SiteError, load_registry

__all__ = ["SITE_ID", "Contact", "Registry", "Site", "SiteError", "load_registry"]
