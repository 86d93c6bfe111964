"""The national 24/7 police mental health crisis line: written here once, derived everywhere else.

Python imports it; the gateway fills it into its static files at start-up (gateway.static_files);
domain.yml keeps it as words Rasa reads, and tests/bot/test_crisis_line.py fails if any copy in
the repository differs from NUMBER.
"""

import re

from bot.phones import tel_link

NUMBER = "0300 131 2789"
DIGITS = re.sub(r"\D", "", NUMBER)
TEL = tel_link(NUMBER)


def is_crisis_line(phone: str) -> bool:
    """Whether a phone number is the crisis line, however it is written in the UK or from abroad
    (0300 131 2789, 03001312789, +44 (0)300 131 2789, 0044 300 131 2789, tel:+443001312789)."""
    national = re.sub(r"\D", "", phone).lstrip("0").removeprefix("44").lstrip("0")
    return national == DIGITS.lstrip("0")
