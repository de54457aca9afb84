"""GraphiQL served whole by the app: the page and its scripts come from app/api/static/graphiql/ (pinned
copies, see SOURCES and LICENSES there), so it works on an intranet without a CDN."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from litestar import Response
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

ASSETS = Path(__file__).parent / "static" / "graphiql"
ASSETS_PATH = "/graphiql-assets"

# The page's own policy: scripts and styles only from this origin (GraphiQL sets inline styles at run
# time), requests only back to it; nothing may frame it.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@lru_cache(maxsize=1)
def _html() -> str:
    return (ASSETS / "index.html").read_text(encoding="utf-8")


def page() -> Response[str]:
    return Response(
        _html(), media_type="text/html", headers={"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-cache"}
    )


def assets_router() -> ControllerRouterHandler:
    # A day of caching: the files change only with an upgrade (and the page pins them by hash).
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS],
        include_in_schema=False,
        cache_control=CacheControlHeader(max_age=86_400),
        name="graphiql-assets",
    )
