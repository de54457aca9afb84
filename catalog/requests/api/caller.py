"""What the GraphQL layer knows about the caller's connection (the principal is in the context)."""

from __future__ import annotations

from strawberry.types import Info


def client_address(info: Info) -> str | None:
    """The peer address of the HTTP request: one of the two keys of the tracking rate limit."""
    request = getattr(info.context, "request", None)
    client = getattr(request, "client", None)
    return getattr(client, "host", None)
