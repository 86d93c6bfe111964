"""Security headers on everything the gateway serves, a strict CSP on its pages, and a cap on
request bodies before anything reads them."""

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.content import GENERIC_ERROR

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
PAGES = {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY", "Cache-Control": "no-store"}
MAX_BODY_BYTES = 16 * 1024


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            response: Response = JSONResponse(
                {"detail": "request too large", "messages": [{"type": "text", "text": GENERIC_ERROR}]},
                status_code=413,
            )
        else:
            response = await call_next(request)
        response.headers.update(ALWAYS)
        if request.url.path.startswith("/static/"):
            # Other sites embed the widget's files.
            response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        else:
            response.headers.update(PAGES)
        return response
