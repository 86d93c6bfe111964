"""Session ids: 144 random bits plus an HMAC tag, so only ids this gateway made are accepted.

Nothing is stored to check them, and an id cannot be guessed, listed or made up by a client.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

FORM = re.compile(r"^[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{22}$")


def _tag(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), nonce.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_session(secret: str) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_tag(secret, nonce)}"


def is_valid(session: str, secret: str) -> bool:
    if not FORM.match(session):
        return False
    nonce, tag = session.split(".")
    return hmac.compare_digest(tag, _tag(secret, nonce))
