"""In front of /graphql: persisted queries by hash, and whole answers of public reads from a cache.

A request is answered from the cache when it is a query whose root fields are all public reads (the
catalog, public projects), asked by an anonymous caller or a partner key, and its answer had no errors.
The key is (document hash, operation, variables, language, caller class, local date, versions):
- the caller class is anonymous, or partner with its scopes, and nothing else: signed-in people are
  never served from the cache (staff see drafts, budgets differ);
- the local date, because a scheduled price takes effect and a project's health moves with the day;
- the versions (app.cache_versions), read from the database on every request and bumped in the
  transaction of every change, so no process serves an answer older than the last committed change.
GET answers carry an ETag (the body's hash) and Cache-Control, and `If-None-Match` gets 304.
The same admitted reads, when their document is a registered one, are executed by the compiled executor
(app/api/compiled.py), with the cache or without it; strawberry answers whatever that leaves. So is
public tracking (FRESH_FIELDS), never cached: answered fresh, its attempt counted once per request.

Anything else passes through untouched (mutations, signed-in callers, multipart, batches)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

import msgspec
from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

from app import cache_versions, clock, once
from app.api import compiled, request_body, trusted_documents
from app.api.context import Context, Loaders, authenticated
from app.api.errors import QueryRefused, error_entry
from app.api.query_guard import Parsed, check_size, parse_checked, refusals, validation_errors
from app.api.response_store import Entry, Store
from app.api.schema import COST_MODEL, schema
from app.auth import service as auth
from app.auth.principal import ANONYMOUS, Principal
from app.auth.tokens import looks_like_api_key
from app.config import Settings, get_settings
from app.errors import DomainError
from app.i18n import negotiate_language
from graphql import FieldNode, OperationType, get_operation_ast

PATH = "/graphql"
# Root fields whose answer depends on nothing but the arguments, the language, the caller class and the
# date (catalog/api/queries.py, projects/api/queries.py). Add one only if that holds for it and every
# change to what it shows goes through a repository write marked with app.cache_versions.changes.
PUBLIC_FIELDS = frozenset({"services", "service", "categories", "departments", "publicProjects", "publicProject"})
# Public root fields answered fresh on every call, never from the cache (their answer depends on rows
# no version covers, and they count attempts), that the compiled executor may still run for a
# registered document. Their effects happen once per request (app.once): the standard executor, when it
# answers after the compiled one gave up, replays them.
FRESH_FIELDS = frozenset({"trackRequest"})
MAX_BODY = 1024 * 1024  # a JSON query body larger than this is left to Litestar and strawberry
VARY = b"Accept-Language, Authorization, X-API-Key"
# The HTTP scope and the ASGI channels read as plain mappings: Litestar's TypedDicts mix in WebSockets.
HTTPScope = Any
Channel = Any


CACHED, FRESH = "cached", "fresh"


@lru_cache(maxsize=256)
def public_operation(query: str, operation_name: str | None) -> str | None:
    """CACHED for a query (not a mutation) whose root selections are all public fields, FRESH when some
    of them are fresh ones (FRESH_FIELDS), None otherwise. Parsed through the guard's cache, so
    strawberry finds the document already parsed."""
    settings = get_settings()
    try:
        check_size(query, settings)
        parsed = parse_checked(query, settings.graphql_max_tokens, settings.graphql_max_selections)
    except QueryRefused:
        return None
    if parsed is None:
        return None
    operation = get_operation_ast(parsed.document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    selections = operation.selection_set.selections
    names = [s.name.value if isinstance(s, FieldNode) and not s.directives else None for s in selections]
    if not names or not all(name in PUBLIC_FIELDS or name in FRESH_FIELDS for name in names):
        return None
    return FRESH if any(name in FRESH_FIELDS for name in names) else CACHED


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _header(scope: HTTPScope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _caller(scope: HTTPScope) -> tuple[str, Principal] | None:
    """The caller class and principal, or None for callers whose answers are their own (or who fail to
    authenticate: strawberry then says why)."""
    api_key = _header(scope, b"x-api-key")
    authorization = _header(scope, b"authorization")
    if api_key is None and authorization is None:
        return "anonymous", ANONYMOUS
    if api_key is not None:
        credential = api_key.strip()
    else:
        scheme, _, credential = (authorization or "").strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not looks_like_api_key(credential):
            return None
    try:
        principal = await auth.principal_from_api_key(credential)
    except DomainError:
        return None
    return "partner:" + ",".join(sorted(scope.value for scope in principal.scopes)), principal


async def _read_body(receive: Channel) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None  # the client left
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Channel) -> Channel:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


@dataclass(frozen=True)
class Admitted:
    query: str
    parsed: Parsed
    operation_name: str | None
    variables: dict[str, Any]
    caller: tuple[str, Principal]
    cacheable: bool


class ReadCache:
    def __init__(self, settings: Settings, store: Store | None) -> None:
        self.settings = settings
        self.store = store

    async def close(self) -> None:
        if self.store is not None:
            await self.store.close()

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["path"] != PATH or scope.get("method") not in ("GET", "POST"):
                await app(scope, receive, send)
                return
            with once.request():  # the compiled run and the standard one after it are one request
                await self.handle(app, scope, receive, send)

        return middleware

    async def handle(self, app: ASGIApp, scope: HTTPScope, receive: Channel, send: Channel) -> None:
        request, body = await self._request(scope, receive)
        if body is not None:
            receive = _replay(body, receive)
        if request is None:
            await app(scope, receive, send)
            return
        lang = negotiate_language(_header(scope, b"accept-language"))
        try:
            query = trusted_documents.resolve(request)
        except QueryRefused as refusal:
            await _send(send, 200, _json({"data": None, "errors": [error_entry(refusal, lang)]}), [])
            return
        if query is not None and request.get("query") != query:
            scope, receive, request, body = self._rewritten(scope, receive, request, query)
        admitted = await self._admit(scope, request, query)
        if admitted is None:
            await _pass(app, scope, receive, send, request, body)
            return
        key = await self._key(admitted, lang) if self.store is not None and admitted.cacheable else None
        token = authenticated.set(admitted.caller[1])
        try:
            if key is not None and self.store is not None:
                entry = await self.store.get(key)
                if entry is not None:
                    await self._answer(scope, send, entry, admitted.caller, b"hit")
                    return
            answer = await self._compiled(admitted, lang, scope)
            if answer is None:
                if key is None:
                    await _pass(app, scope, receive, send, request, body)
                    return
                start, answer = await _capture(app, scope, receive, request, body)
                if not (start.get("status") == 200 and _without_errors(answer)):
                    await send(start)
                    await send({"type": "http.response.body", "body": answer})
                    return
            if key is None or self.store is None:
                await _send(send, 200, answer, [])
                return
            entry = Entry.of(answer)
            await self.store.put(key, entry)
            await self._answer(scope, send, entry, admitted.caller, b"miss")
        finally:
            authenticated.reset(token)

    async def _compiled(self, admitted: Admitted, lang: str, scope: HTTPScope) -> bytes | None:
        """The answer of a registered document by the compiled executor (app/api/compiled.py), or None:
        the standard executor answers then (whatever it could not do exactly, errors included)."""
        if not trusted_documents.is_registered(admitted.query):
            return None
        # the request, for resolvers that read the client's address (tracking's limits)
        context = Context(principal=admitted.caller[1], lang=lang, loaders=Loaders(), request=Request(scope))
        data = await compiled.execute(
            schema, admitted.query, admitted.parsed, admitted.operation_name, admitted.variables, context
        )
        return None if data is None else _json({"data": data})

    async def _request(self, scope: HTTPScope, receive: Channel) -> tuple[dict[str, Any] | None, bytes | None]:
        """The GraphQL request (query, variables, operationName, extensions) and the body read to get it."""
        if scope["method"] == "GET":
            params = dict(parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1")))
            if "query" not in params and "extensions" not in params:
                return None, None  # GraphiQL's page, or strawberry's own refusal
            try:
                request: dict[str, Any] = {
                    "query": params.get("query"),
                    "operationName": params.get("operationName"),
                    "variables": json.loads(params["variables"]) if params.get("variables") else None,
                    "extensions": json.loads(params["extensions"]) if params.get("extensions") else None,
                }
            except (ValueError, RecursionError):  # the endpoint answers malformed input (app/api/request_body.py)
                return None, None
            return request, None
        content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        length = _header(scope, b"content-length")
        if content_type != "application/json" or length is None or not length.isdecimal() or int(length) > MAX_BODY:
            return None, None
        body = await _read_body(receive)
        if body is None:
            return None, b""
        try:
            request = request_body.json_object(body)
        except request_body.BadRequest:  # the endpoint answers malformed input with its 400
            return None, body
        return request, body

    def _rewritten(
        self, scope: HTTPScope, receive: Channel, request: dict[str, Any], query: str
    ) -> tuple[HTTPScope, Channel, dict[str, Any], bytes | None]:
        """The request as strawberry must see it: with the registered document's text."""
        request = {**request, "query": query}
        if scope["method"] == "GET":
            params = dict(parse_qsl(bytes(scope.get("query_string", b"")).decode("latin-1")))
            params["query"] = query
            return {**scope, "query_string": urlencode(params).encode()}, receive, request, None
        body = _json(request)
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        return {**scope, "headers": headers}, _replay(body, receive), request, body

    async def _admit(self, scope: HTTPScope, request: Mapping[str, Any], query: str | None) -> Admitted | None:
        """A public read by an anonymous caller or a partner key that the guard lets through: what the
        cache and the compiled executor may answer. None for anything else (strawberry answers it)."""
        operation_name = request.get("operationName")
        variables = request.get("variables") or {}
        if (
            query is None
            or not isinstance(variables, dict)
            or not isinstance(operation_name, str | None)
            or (kind := public_operation(query, operation_name)) is None
        ):
            return None
        settings = self.settings
        parsed = parse_checked(query, settings.graphql_max_tokens, settings.graphql_max_selections)
        if parsed is None or validation_errors(schema._schema, parsed):
            return None  # validated once per document (cached with the parse)
        caller = await _caller(scope)
        if caller is None:
            return None
        if refusals(schema._schema, parsed, operation_name, variables, caller[1], COST_MODEL):
            return None  # refused by the guard: strawberry says so, without reading anything
        if (
            settings.partner_documents == "registered"
            and caller[1].api_key_id
            and not trusted_documents.is_registered(query)
        ):
            return None
        return Admitted(query, parsed, operation_name, variables, caller, cacheable=kind == CACHED)

    async def _key(self, admitted: Admitted, lang: str) -> str:
        parts = (
            trusted_documents.digest(admitted.query),
            admitted.operation_name or "",
            _canonical(admitted.variables),
            lang,
            admitted.caller[0],
            clock.local_today().isoformat(),
            await cache_versions.current(),
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    async def _answer(
        self, scope: HTTPScope, send: Channel, entry: Entry, caller: tuple[str, Principal], state: bytes
    ) -> None:
        headers = [(b"x-response-cache", state)]
        if scope["method"] == "GET":
            headers += [
                (b"etag", entry.etag.encode()),
                (b"cache-control", self._cache_control(caller)),
                (b"vary", VARY),
            ]
            if _matches(_header(scope, b"if-none-match"), entry.etag):
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        await _send(send, 200, entry.body, headers)

    def _cache_control(self, caller: tuple[str, Principal]) -> bytes:
        # Answers to partner keys are theirs: shared caches must not keep them. With max-age 0 every
        # use is revalidated (304 when unchanged), so no HTTP cache outlives a change either.
        audience = "public" if caller[0] == "anonymous" else "private"
        age = self.settings.response_max_age
        return f"{audience}, max-age={age}".encode() if age > 0 else f"{audience}, no-cache".encode()


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def _without_errors(body: bytes) -> bool:
    try:
        payload = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return False
    return isinstance(payload, dict) and "errors" not in payload and payload.get("data") is not None


def _json(value: Any) -> bytes:
    return msgspec.json.encode(value)  # compact, UTF-8 (not \u escapes), as the endpoint's answers


async def _pass(
    app: ASGIApp, scope: HTTPScope, receive: Channel, send: Channel, request: dict[str, Any], body: bytes | None
) -> None:
    """On to strawberry, with the body already parsed here handed over (it is not parsed twice)."""
    token = request_body.handed_over.set((body, request) if body is not None else None)
    try:
        await app(scope, receive, send)
    finally:
        request_body.handed_over.reset(token)


async def _capture(
    app: ASGIApp, scope: HTTPScope, receive: Channel, request: dict[str, Any], body: bytes | None
) -> tuple[dict[str, Any], bytes]:
    """The answer, held back: whether it may be kept is known only once it is whole."""
    start: dict[str, Any] = {"type": "http.response.start", "status": 500, "headers": []}
    chunks: list[bytes] = []

    async def capture(message: Any) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await _pass(app, scope, receive, capture, request, body)
    return start, b"".join(chunks)


async def _send(send: Channel, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
