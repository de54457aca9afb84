"""Security headers on every HTTP response (the API, downloads, the GraphiQL page).

JSON, files and the Gantt SVG need no scripts: the default policy allows none and only inline styles
(the SVG's); the GraphiQL page sets its own, wider policy (app/api/graphiql.py), which is kept.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

DEFAULT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
}


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook: Litestar runs it for every response, unmatched routes' 404s included
    (route middleware never sees those)."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in HEADERS.items():
        headers[name] = value
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = DEFAULT_POLICY
    if "server" in headers:
        del headers["server"]
