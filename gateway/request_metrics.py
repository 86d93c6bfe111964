"""Times every request for /metrics: by its route's template, method and status class.

The template, never the path: a session id in DELETE /api/chat/{session} must not become a label,
and a scanner's made-up paths must not make new series (no route: "unrouted"). The time runs until
the response's last byte went: a background task after it (Rasa told of a handoff) is not part of
anyone's wait. A plain ASGI middleware, like gateway.security, for its small cost a request.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.metrics import UNROUTED, GatewayMetrics


def route_of(scope: Scope) -> str:
    """The template of the route that took the request. An API route leaves itself in the scope;
    a mount (the static files) only moves the scope's root_path on by its prefix."""
    route = scope.get("route")
    if route is not None:
        return route.path_format
    if "app_root_path" in scope:
        return scope["root_path"].removeprefix(scope["app_root_path"]) + "/{path}"
    return UNROUTED


class RequestMetrics:
    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, done = 500, False

        def record() -> None:
            nonlocal done
            done = True
            self.metrics.request_done(route_of(scope), scope["method"], status, time.perf_counter() - started)

        async def timed_send(message: Message) -> None:
            nonlocal status
            await send(message)
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                record()

        try:
            await self.app(scope, receive, timed_send)
        finally:
            if not done:  # an error before the response ended: the server answers 500
                record()
