"""What the platform's monitoring scrapes from the gateway (issue 18): Prometheus families whose
labels take a few fixed values only. No label carries a site, a session, a client's address or
anything a person typed; per-site counts are the service owners' insight (/insights), not these.

Each app has its own registry (not prometheus_client's global one), so the tests can make many
apps in one process; the process, platform and garbage-collector collectors are added to it.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import aiohttp
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from gateway.availability import Availability

REPLY_KINDS = ("answer", "handoff", "unavailable")
# Checked in order: aiohttp's timeouts are connection errors too, and a wrong content type is a
# response error too.
RASA_ERRORS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (asyncio.TimeoutError, "timeout"),
    (aiohttp.ClientConnectorError, "refused"),
    (aiohttp.ClientConnectionError, "disconnected"),
    ((aiohttp.ContentTypeError, aiohttp.ClientPayloadError, ValueError), "bad_answer"),
    (aiohttp.ClientResponseError, "error_status"),
)
OTHER = "other"
# A client chooses the method; anything else is one value, so no client can make new series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# No route: a 404, a CORS preflight answered by the middleware, a body refused before routing.
UNROUTED = "unrouted"
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SCREEN_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1)
# A `_created` series beside every counter and histogram doubles each scrape and says only when the
# process started, which process_start_time_seconds says once.
disable_created_metrics()


def rasa_error_kind(error: BaseException) -> str:
    return next((kind for kinds, kind in RASA_ERRORS if isinstance(error, kinds)), OTHER)


def replica_label(url: str) -> str:
    """host:port of a replica's URL (RASA_REPLICAS, the operators' own setting), without any password."""
    return urlsplit(url).netloc.rpartition("@")[2]


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        for collector in (ProcessCollector, PlatformCollector, GCCollector):
            collector(registry=registry)
        self.requests = Histogram(
            "backup_gateway_request_duration_seconds", "Time to answer a request, until its last byte was sent",
            ["route", "method", "status"], buckets=REQUEST_BUCKETS, registry=registry)
        self.replies = Counter("backup_gateway_replies", "Chat replies by kind", ["kind"], registry=registry)
        self.rate_limited = Counter("backup_gateway_rate_limited", "Messages refused by the rate limit (429)",
                                    registry=registry)
        self.rasa_errors = Counter("backup_gateway_rasa_errors", "Calls to Rasa that failed, by how", ["kind"],
                                   registry=registry)
        self.risk_screen = Histogram("backup_gateway_risk_screen_duration_seconds",
                                     "Time to screen one message for risk", buckets=SCREEN_BUCKETS, registry=registry)
        self.rasa_up = Gauge("backup_gateway_rasa_up", "Whether the Rasa replica answered, checked at each scrape",
                             ["replica"], registry=registry)
        self.redis_up = Gauge("backup_gateway_redis_up", "Whether Redis answered, checked at each scrape",
                              registry=registry)
        # Every series from the start at 0, so that rate() and absent() work from the first scrape.
        for kind in REPLY_KINDS:
            self.replies.labels(kind)
        for kind in (*(kind for _, kind in RASA_ERRORS), OTHER):
            self.rasa_errors.labels(kind)

    def replied(self, kind: str) -> None:
        self.replies.labels(kind).inc()

    def rasa_failed(self, error: BaseException) -> None:
        self.rasa_errors.labels(rasa_error_kind(error)).inc()

    def request_done(self, route: str, method: str, status: int, seconds: float) -> None:
        method = method if method in METHODS else "other"
        self.requests.labels(route, method, f"{status // 100}xx").observe(seconds)

    def saw(self, now: Availability) -> None:
        for url, up in now.rasa.items():
            self.rasa_up.labels(replica_label(url)).set(up)
        self.redis_up.set(now.redis)

    def exposition(self, accept: str) -> tuple[bytes, str]:
        """Everything, in the format the scraper asks for (Prometheus's text format unless it asks
        for OpenMetrics), and its content type."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type
