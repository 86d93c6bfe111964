"""All configuration, read once from the environment (and `.env` when present)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from urllib.parse import urlsplit

from pydantic import BaseSettings, Field


class Settings(BaseSettings):
    redis_url: str = "redis://127.0.0.1:6379/0"
    conversation_ttl_seconds: int = Field(1800, gt=0)

    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    # Protects Rasa's HTTP API; generated per run when not given.
    rasa_token: str = Field(default_factory=lambda: secrets.token_urlsafe(32))

    action_server_host: str = "127.0.0.1"
    action_server_port: int = 5055
    # Shared secret Rasa sends to the action server (see endpoints.yml).
    action_server_token: str = Field(default_factory=lambda: secrets.token_urlsafe(32))

    # The public gateway (api/gateway).
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    sites_file: str = "sites.yml"
    # Signs the session ids the gateway hands out, so only ids it made are accepted.
    session_secret: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    rasa_timeout_seconds: float = Field(5.0, gt=0)
    # Several Rasa replicas sharing the Redis stores, comma-separated; the gateway takes them in
    # turn, message by message. Empty: just rasa_host:rasa_port.
    rasa_replicas: str = ""
    # Sanic worker processes in each Rasa server (forked, sharing the model's memory pages); Rasa
    # allows more than one only with the Redis lock store, and uses one on its in-memory stores.
    rasa_workers: int = Field(2, ge=1)
    max_message_chars: int = Field(1000, gt=0)
    messages_per_minute_per_session: int = Field(20, gt=0)
    messages_per_minute_per_client: int = Field(60, gt=0)

    # The trainers' review queue (bot.review), off unless a deployment turns it on: redacted
    # copies of messages that fell to fallback or scored below the confidence, kept for some days.
    review_queue_enabled: bool = False
    review_queue_days: int = Field(14, gt=0)
    review_confidence_below: float = Field(0.5, gt=0, le=1)
    # A message is judged this long after it came, so that if its conversation turns to risk
    # meanwhile (or is cleared), nothing of it is kept.
    review_delay_seconds: float = Field(60.0, ge=0)

    class Config:
        env_file = ".env"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def rasa_urls(self) -> list[str]:
        return [url.strip().rstrip("/") for url in self.rasa_replicas.split(",") if url.strip()] or [self.rasa_url]

    @property
    def action_server_url(self) -> str:
        return f"http://{self.action_server_host}:{self.action_server_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://{self.gateway_host}:{self.gateway_port}"

    def endpoint_environment(self) -> dict[str, str]:
        """The variables `endpoints.yml` expands, so Rasa and this package agree."""
        redis = urlsplit(self.redis_url)
        return {
            "ACTION_SERVER_URL": f"{self.action_server_url}/webhook",
            "ACTION_SERVER_TOKEN": self.action_server_token,
            "REDIS_HOST": redis.hostname or "127.0.0.1",
            "REDIS_PORT": str(redis.port or 6379),
            "REDIS_DB": redis.path.lstrip("/") or "0",
            "REDIS_PASSWORD": redis.password or "",
            "CONVERSATION_TTL_SECONDS": str(self.conversation_ttl_seconds),
        }


@lru_cache
def get_settings() -> Settings:
    return Settings()


if __name__ == "__main__":
    # `eval "$(python -m bot.settings)"` gives a shell the variables endpoints.yml expands.
    import shlex

    for name, value in get_settings().endpoint_environment().items():
        print(f"export {name}={shlex.quote(value)}")
