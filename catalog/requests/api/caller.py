"""What the GraphQL layer knows about the caller's connection (the principal is in the context)."""

from __future__ import annotations

from strawberry.types import Info

from app import clients


def client_address(info: Info) -> str | None:
    """The client's address (app.clients: X-Forwarded-For only from TRUSTED_PROXIES): a key of the
    public tracking and guest submission limits."""
    request = getattr(info.context, "request", None)
    client = getattr(request, "client", None)
    headers = getattr(request, "headers", None)
    forwarded = headers.getall("x-forwarded-for", []) if headers is not None else []
    return clients.client_address(getattr(client, "host", None), forwarded, clients.trusted_proxies())
