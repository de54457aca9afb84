"""The per-request GraphQL context: who is calling, in which language, and fresh DataLoaders."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from litestar import Request
from strawberry.litestar import BaseContext

from app.api.documents import DocumentLoaders
from app.auth import service as auth
from app.auth.principal import ANONYMOUS, Principal
from app.auth.tokens import looks_like_api_key
from app.errors import DomainError, Unauthenticated
from app.i18n import negotiate_language
from billing.api.loaders import BillingLoaders
from catalog.api.loaders import CatalogLoaders
from catalog.requests.api.loaders import RequestsLoaders
from projects.api.loaders import ProjectsLoaders

# Set by the read cache (app/api/read_cache.py) when it has already authenticated the request's API key.
authenticated: ContextVar[Principal | None] = ContextVar("authenticated", default=None)


class Loaders:
    """One set per request: batching and caching must never leak between callers."""

    def __init__(self) -> None:
        self.catalog = CatalogLoaders()
        self.projects = ProjectsLoaders()
        self.requests = RequestsLoaders()
        self.billing = BillingLoaders()
        self.documents = DocumentLoaders()


class Context(BaseContext, kw_only=True):
    principal: Any = ANONYMOUS
    auth_error: Any = None
    lang: str = "vi"
    loaders: Any = None


async def authenticate(authorization: str | None, api_key: str | None) -> Principal:
    if api_key:
        return await auth.principal_from_api_key(api_key.strip())
    if not authorization:
        return ANONYMOUS
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise Unauthenticated(
            "TOKEN_INVALID",
            "Tiêu đề Authorization phải có dạng 'Bearer <mã>'.",
            "The Authorization header must be 'Bearer <token>'.",
        )
    if looks_like_api_key(credentials):
        return await auth.principal_from_api_key(credentials)
    return await auth.principal_from_token(credentials)


async def context_getter(request: Request[Any, Any, Any]) -> Context:
    principal, error = authenticated.get(), None
    if principal is None:
        try:
            principal = await authenticate(request.headers.get("authorization"), request.headers.get("x-api-key"))
        except DomainError as refused:
            principal, error = ANONYMOUS, refused
    return Context(
        principal=principal,
        auth_error=error,
        lang=negotiate_language(request.headers.get("accept-language")),
        loaders=Loaders(),
    )
