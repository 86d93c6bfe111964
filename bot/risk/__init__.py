"""The risk screen: every message gets crisis, concern or none, with the rules that fired.

`Level` and the verdict types (bot.risk.conversation) are light; the screen itself (spaCy, the
model) is imported on first use, so Rasa, which only reads the gateway's verdict, never loads it.
"""

from typing import Any

from bot.risk.rules import Level

__all__ = ["Assessment", "Level", "RiskScreen", "get_screen"]
SCREEN_NAMES = {"Assessment", "RiskScreen", "get_screen"}


def __getattr__(name: str) -> Any:
    if name in SCREEN_NAMES:
        from bot.risk import screen

        return getattr(screen, name)
    raise AttributeError(f"module 'bot.risk' has no attribute {name!r}")
