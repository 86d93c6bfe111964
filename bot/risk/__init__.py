"""The risk screen: every message gets crisis, concern or none, with the rules that fired."""

from bot.risk.rules import Level
from bot.risk.screen import Assessment, RiskScreen, get_screen

__all__ = ["Assessment", "Level", "RiskScreen", "get_screen"]
