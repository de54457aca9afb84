"""Bounded concurrency per worker, with load shedding.

At most MAX_CONCURRENT_REQUESTS requests run at once in a worker; up to MAX_QUEUED_REQUESTS more wait
for a slot, each at most QUEUE_TIMEOUT_MS. Anything beyond is answered at once with 503, Retry-After
and the API's error shape (code OVERLOADED): under overload some callers are refused quickly instead of
thousands sharing one core until every one of them times out. /health is never queued, so a load
balancer still sees the worker alive.

A request that waited is started only if its client is still there: a waiter listens for
`http.disconnect` and gives up its place when the client leaves (the body it read meanwhile is replayed
to the application).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, ReceiveMessage, Scope, Send

from app.errors import overloaded
from app.i18n import negotiate_language
from app.requestid import current_request_id

log = logging.getLogger("app.admission")

EXEMPT_PATHS = frozenset({"/health"})
READ_AHEAD_BYTES = 64 * 1024  # what a waiter may read of its body while it watches for a disconnect


@dataclass
class Gate:
    """Slots and a bounded, first-come first-served waiting line, for one event loop (one worker)."""

    limit: int
    queue: int
    timeout: float  # seconds a request may wait for a slot
    active: int = 0
    _waiters: deque[asyncio.Future[None]] = field(default_factory=deque)

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def try_enter(self) -> bool | None:
        """True: admitted now; False: shed (line full); None: may wait."""
        if self.active < self.limit and not self._waiters:
            self.active += 1
            return True
        return False if len(self._waiters) >= self.queue else None

    async def wait(self) -> bool:
        """Wait for a slot, at most `timeout`; False when the time ran out. A slot is handed over by
        `leave()` (so `active` already counts it)."""
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(granted)
        try:
            async with asyncio.timeout(self.timeout):
                await granted
        except TimeoutError:
            return granted.done() and not granted.cancelled()  # handed over in the same instant
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self.leave()  # pass the slot on: nobody will use it here
            raise
        finally:
            if not granted.done():
                granted.cancel()
            if granted in self._waiters:
                self._waiters.remove(granted)
        return True

    def leave(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.active -= 1


def _body(lang: str, retry_after: int) -> bytes:
    error = overloaded()
    detail = error.details[0]
    extensions = {
        "code": detail.code,
        "field": None,
        "messageVi": detail.message_vi,
        "messageEn": detail.message_en,
        "errors": [
            {"code": detail.code, "field": None, "messageVi": detail.message_vi, "messageEn": detail.message_en}
        ],
        "requestId": current_request_id(),
        "retryAfter": retry_after,
    }
    message = detail.message_en if lang == "en" else detail.message_vi
    return json.dumps({"data": None, "errors": [{"message": message, "extensions": extensions}]}).encode()


async def _shed(scope: Scope, send: Send, retry_after: int) -> None:
    headers = dict(scope["headers"])
    lang = negotiate_language(headers.get(b"accept-language", b"").decode("latin-1") or None)
    body = _body(lang, retry_after)
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 503,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(retry_after).encode()),
            (b"cache-control", b"no-store"),
        ],
    }
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)


async def _wait_watching(gate: Gate, receive: Receive) -> tuple[bool | None, list[ReceiveMessage]]:
    """Wait for a slot while reading what the client sends: (admitted, or None when the client left;
    the messages read, to replay)."""
    read: list[ReceiveMessage] = []
    left = asyncio.Event()

    async def listen() -> None:
        buffered = 0
        # Only a small body is read ahead: a large upload stays in the socket (flow control) rather than
        # in memory for every waiter; its waiter then cannot see a disconnect, but waits QUEUE_TIMEOUT_MS at most.
        while buffered <= READ_AHEAD_BYTES:
            message = await receive()
            read.append(message)
            if message["type"] == "http.disconnect":
                left.set()
                return
            if message["type"] == "http.request":
                buffered += len(message["body"])

    listener = asyncio.create_task(listen())
    waiter = asyncio.create_task(gate.wait())
    gone = asyncio.create_task(left.wait())
    try:
        await asyncio.wait({waiter, gone}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # the server stops this request: a slot it was granted must not leak
        waiter.cancel()
        if waiter.done() and not waiter.cancelled() and waiter.result():
            gate.leave()
        raise
    finally:
        listener.cancel()
        gone.cancel()
    if not waiter.done():
        waiter.cancel()
        try:
            admitted = await waiter
        except asyncio.CancelledError:
            admitted = False
        if admitted:  # granted in the same instant the client left
            gate.leave()
        return None, read
    admitted = waiter.result()
    if admitted and left.is_set():
        gate.leave()
        return None, read
    return admitted, read


def _replaying(read: list[ReceiveMessage], receive: Receive) -> Receive:
    pending = [m for m in read if m["type"] != "http.disconnect"]

    async def replay() -> ReceiveMessage:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


def admission_middleware(gate_for: Callable[[], Gate], retry_after: Callable[[], int]) -> Callable[[ASGIApp], ASGIApp]:
    """Litestar middleware factory; the gate is made lazily, inside the worker's own event loop."""

    def wrap(app: ASGIApp) -> ASGIApp:
        gate: Gate | None = None

        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            nonlocal gate
            if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
                await app(scope, receive, send)
                return
            if gate is None:
                gate = gate_for()
            entered = gate.try_enter()
            if entered is None:
                admitted, read = await _wait_watching(gate, receive)
                if admitted is None:
                    log.info("abandoned while queued", extra={"path": scope["path"]})
                    return
                receive = _replaying(read, receive)
                entered = admitted
            if not entered:
                log.info("shed", extra={"path": scope["path"], "active": gate.active, "waiting": gate.waiting})
                await _shed(scope, send, retry_after())
                return
            try:
                await app(scope, receive, send)
            finally:
                gate.leave()

        return middleware

    return wrap
