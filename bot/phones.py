"""UK phone numbers as people write them: their national digits, and the `tel:` link to dial them."""

from __future__ import annotations

import re


def national_digits(phone: str) -> str | None:
    """A UK number written as 0xxx, +44 xxx, +44 (0)xxx or 0044 xxx, as 0 and its national
    digits; None if it is written some other way."""
    if not re.fullmatch(r"\+?[0-9 ()\-.]+", phone):
        return None
    digits = re.sub(r"\D", "", phone)
    if phone.startswith("+"):
        if not digits.startswith("44"):
            return None
        digits = digits[2:]
    elif digits.startswith("0044"):
        digits = digits[4:]
    elif not digits.startswith("0"):
        return digits  # a short number such as 999: judged by the caller
    return "0" + digits.lstrip("0") if digits.lstrip("0") else digits


def tel_link(phone: str) -> str:
    digits = national_digits(phone) or re.sub(r"\D", "", phone)
    return "tel:+44" + digits[1:] if digits.startswith("0") else "tel:" + digits
