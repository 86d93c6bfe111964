"""All configuration, read once from the environment (and `.env` when present).

Plain dataclasses, not pydantic: both runtimes import this module, and Rasa's environment pins
pydantic 1 while the gateway's runs pydantic 2.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV_FILE = Path(".env")
# Where the gateway serves Prometheus metrics, on its own port (gateway/metrics_endpoint.py).
METRICS_PATH = "/metrics"


def token() -> str:
    return secrets.token_urlsafe(32)


def bounded(default: float, *, gt: float | None = None, ge: float | None = None, le: float | None = None) -> Any:
    return field(default=default, metadata={"gt": gt, "ge": ge, "le": le})


@dataclass(frozen=True)
class Settings:
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Redis Sentinel (production): "host:port,host:port,...". When given, every process finds the
    # master named redis_master_name through them, and finds it again after a failover; redis_url
    # then gives only the database and the password.
    redis_sentinels: str = ""
    redis_master_name: str = "backup"
    # How many replicas must confirm a conversation's save (Redis WAIT) before Rasa answers, so
    # that a failover never loses a turn the person saw answered. 0 (one Redis, development) skips
    # the wait; with Sentinel, 1 (and at least two replicas, so one may be down or promoted).
    redis_replicas_to_ack: int = bounded(0, ge=0)
    conversation_ttl_seconds: int = bounded(1800, gt=0)

    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    # Protects Rasa's HTTP API; generated per run when not given.
    rasa_token: str = field(default_factory=token)

    action_server_host: str = "127.0.0.1"
    action_server_port: int = 5055
    # Shared secret Rasa sends to the action server (see endpoints.yml).
    action_server_token: str = field(default_factory=token)

    # The public gateway (gateway/).
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    sites_file: str = "sites.yml"
    # Signs the session ids the gateway hands out, so only ids it made are accepted.
    session_secret: str = field(default_factory=token)
    # How long the gateway waits for Rasa's answer to a message, replicas tried included, before it
    # sends the kind message with the number instead: a person gets a reply within 2 s.
    rasa_timeout_seconds: float = bounded(1.5, gt=0)
    # A replica that does not take the connection in this long (a host gone silent) passes the
    # message to the next; one that gave no answer gets no messages for rasa_replica_rest_seconds.
    rasa_connect_timeout_seconds: float = bounded(0.25, gt=0)
    rasa_replica_rest_seconds: float = bounded(10.0, ge=0)
    # Several Rasa replicas sharing the Redis stores, comma-separated; the gateway takes them in
    # turn, message by message. Empty: just rasa_host:rasa_port.
    rasa_replicas: str = ""
    # Sanic worker processes in each Rasa server (forked, sharing the model's memory pages); Rasa
    # allows more than one only with the Redis lock store, and uses one on its in-memory stores.
    rasa_workers: int = bounded(2, ge=1)
    max_message_chars: int = bounded(1000, gt=0)
    messages_per_minute_per_session: int = bounded(20, gt=0)
    messages_per_minute_per_client: int = bounded(60, gt=0)

    # The trainers' review queue (bot.review), off unless a deployment turns it on: redacted
    # copies of messages that fell to fallback or scored below the confidence, kept for some days.
    review_queue_enabled: bool = False
    review_queue_days: int = bounded(14, gt=0)
    review_confidence_below: float = bounded(0.5, gt=0, le=1)
    # A message is judged this long after it came, so that if its conversation turns to risk
    # meanwhile (or is cleared), nothing of it is kept.
    review_delay_seconds: float = bounded(60.0, ge=0)

    # Service owners' insight (issue 18): counts only, per day and site, shown with small numbers
    # suppressed at /insights to whoever holds this token (generated per run when not given).
    insight_counting: bool = True
    insights_token: str = field(default_factory=token)
    # Prometheus /metrics for the platform's monitoring, on its own port (loopback unless a
    # deployment says otherwise); no per-site counts there.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9100

    def __post_init__(self) -> None:
        for spec in fields(self):
            value, limits = getattr(self, spec.name), spec.metadata
            if limits.get("gt") is not None and not value > limits["gt"]:
                raise ValueError(f"{spec.name.upper()} must be greater than {limits['gt']}, not {value}")
            if limits.get("ge") is not None and not value >= limits["ge"]:
                raise ValueError(f"{spec.name.upper()} must be at least {limits['ge']}, not {value}")
            if limits.get("le") is not None and not value <= limits["le"]:
                raise ValueError(f"{spec.name.upper()} must be at most {limits['le']}, not {value}")

    @classmethod
    def from_environment(cls, env_file: Path = ENV_FILE, **given: Any) -> Settings:
        """What is given, else the variable of the field's name in capitals, else `.env`, else the default."""
        environment = {**read_env_file(env_file), **os.environ}
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name in given:
                values[spec.name] = given[spec.name]
            elif spec.name.upper() in environment:
                values[spec.name] = parse(environment[spec.name.upper()], spec.type, spec.name)
        unknown = set(given) - set(values)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**values)

    def but(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def as_environment(self) -> dict[str, str]:
        """These settings as the variables `from_environment` reads, for a child process."""
        return {name.upper(): str(value).lower() if isinstance(value, bool) else str(value)
                for name, value in asdict(self).items()}

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def rasa_urls(self) -> list[str]:
        return [url.strip().rstrip("/") for url in self.rasa_replicas.split(",") if url.strip()] or [self.rasa_url]

    @property
    def rasa_headers(self) -> dict[str, str]:
        """What a message to Rasa's REST channel must carry (backup_rasa/channel.py checks it)."""
        return {"Authorization": f"Bearer {self.rasa_token}"}

    @property
    def action_server_url(self) -> str:
        return f"http://{self.action_server_host}:{self.action_server_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://{self.gateway_host}:{self.gateway_port}"

    @property
    def metrics_url(self) -> str:
        return f"http://{self.metrics_host}:{self.metrics_port}{METRICS_PATH}"

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
            "REDIS_SENTINELS": self.redis_sentinels,
            "REDIS_MASTER_NAME": self.redis_master_name,
            "REDIS_REPLICAS_TO_ACK": str(self.redis_replicas_to_ack),
            "CONVERSATION_TTL_SECONDS": str(self.conversation_ttl_seconds),
        }


def parse(text: str, kind: Any, name: str) -> Any:
    try:
        if kind == "bool":
            if text.strip().lower() not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
                raise ValueError(text)
            return text.strip().lower() in {"1", "true", "yes", "on"}
        return {"int": int, "float": float}.get(kind, str)(text)
    except ValueError:
        raise ValueError(f"{name.upper()}={text!r} is not a valid {kind}") from None


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines; blank lines and `#` comments skipped, surrounding quotes removed."""
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, equals, value = line.strip().removeprefix("export ").partition("=")
        if equals and name and not name.startswith("#"):
            values[name.strip()] = value.strip().strip("'\"")
    return values


@lru_cache
def get_settings() -> Settings:
    return Settings.from_environment()


if __name__ == "__main__":
    # `eval "$(python -m bot.settings)"` gives a shell the variables endpoints.yml expands.
    import shlex

    for name, value in get_settings().endpoint_environment().items():
        print(f"export {name}={shlex.quote(value)}")
