"""GET /documents/{id}: one version of a generated document, as a download.

Credentials as everywhere (`Authorization: Bearer …`); a guest adds `?token=` (the request's secret link).
No credentials: 401. A partner API key: 403 (keys read only what their scopes cover, and no scope covers
contracts). Anyone the subject's domain does not let see the subject, and an unknown id: 404, the same
answer, so a document's existence is never revealed.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from app.api.context import authenticate
from app.api.http import attachment, refusal
from app.auth.principal import Principal
from app.documents import store, subjects
from app.errors import DomainError, forbidden, not_found, unauthenticated
from app.i18n import negotiate_language
from app.input import parse_id


async def readable(principal: Principal, document_ref: object, token: str | None = None) -> dict[str, Any]:
    """The document's row for a caller who may see its subject; NOT_FOUND for anyone else."""
    if principal.api_key_id is not None:
        raise forbidden()
    if principal.account_id is None and not token:
        raise unauthenticated()
    row = await store.by_id(parse_id(document_ref))
    if row is None or not await subjects.may_read(principal, row["subject_type"], int(row["subject_id"]), token):
        raise not_found(store.DOCUMENT, "id")
    return row


@get("/documents/{document_id:str}", include_in_schema=False)
async def download(request: Request[Any, Any, Any], document_id: str) -> Response[bytes]:
    lang = negotiate_language(request.headers.get("accept-language"))
    try:
        principal = await authenticate(request.headers.get("authorization"), request.headers.get("x-api-key"))
        token = request.query_params.get("token") or None
        row = await readable(principal, document_id, token[:200] if token else None)
        content = await store.content(row)
    except DomainError as error:
        return refusal(error, lang)
    return attachment(content, row["filename"], row["media_type"])


ROUTES = [download]
