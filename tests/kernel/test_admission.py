"""Bounded concurrency per worker: beyond the slots and the waiting line a request is answered at once
with 503 OVERLOADED and Retry-After; a waiter times out; a client that leaves while queued is never
started; /health is never queued. Driven at the ASGI level with an application that holds its slot."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from litestar.types import Receive, Scope, Send

from app.admission import Gate, admission_middleware
from app.config import get_settings

Held = dict[str, Any]


def _held_app() -> tuple[Any, Held]:
    """An application that answers 200 once `release` is set; it records which paths started."""
    state: Held = {"started": [], "release": asyncio.Event()}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        state["started"].append(scope["path"])
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        await state["release"].wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return app, state


def _scope(path: str, lang: str = "vi") -> dict[str, Any]:
    return {"type": "http", "path": path, "method": "POST", "headers": [(b"accept-language", lang.encode())]}


class _Client:
    """One ASGI call: what the client sends, and what it got back."""

    def __init__(self, body: bytes = b"{}", leave: asyncio.Event | None = None, chunks: int = 1) -> None:
        size = -(-len(body) // chunks)
        self.parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
        self.leave = leave or asyncio.Event()
        self.sent: list[dict[str, Any]] = []
        self.received = 0  # body messages handed out

    async def receive(self) -> dict[str, Any]:
        if self.received < len(self.parts):
            self.received += 1
            more = self.received < len(self.parts)
            return {"type": "http.request", "body": self.parts[self.received - 1], "more_body": more}
        await self.leave.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int | None:
        starts = [m for m in self.sent if m["type"] == "http.response.start"]
        return starts[0]["status"] if starts else None

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(next(m for m in self.sent if m["type"] == "http.response.start")["headers"])

    @property
    def json(self) -> Any:
        return json.loads(b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body"))


def _wrapped(app: Any, limit: int, queue: int, timeout: float) -> tuple[Any, Callable[[], Gate]]:
    gates: list[Gate] = []

    def gate() -> Gate:
        gates.append(Gate(limit, queue, timeout))
        return gates[0]

    return admission_middleware(gate, lambda: 3)(app), lambda: gates[0]


async def _settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_beyond_slots_and_line_a_request_is_shed_at_once_and_the_waiter_runs_later() -> None:
    app, state = _held_app()
    wrapped, gate = _wrapped(app, limit=1, queue=1, timeout=30)
    first, second, third = _Client(b"1"), _Client(b"2"), _Client(b"3")
    running = asyncio.create_task(wrapped(_scope("/graphql"), first.receive, first.send))
    await _settle()
    waiting = asyncio.create_task(wrapped(_scope("/graphql"), second.receive, second.send))
    await _settle()
    assert (gate().active, gate().waiting) == (1, 1)
    # the third finds the slot taken and the line full: answered without waiting
    await asyncio.wait_for(wrapped(_scope("/graphql", "en"), third.receive, third.send), 1)
    assert third.status == 503
    assert third.headers[b"retry-after"] == b"3"
    assert third.headers[b"content-type"] == b"application/json"
    [error] = third.json["errors"]
    assert third.json["data"] is None
    assert error["message"] == "The server is overloaded; the request was not processed, try again in a few seconds."
    assert (error["extensions"]["code"], error["extensions"]["field"], error["extensions"]["retryAfter"]) == (
        "OVERLOADED",
        None,
        3,
    )
    assert error["extensions"]["messageVi"] == (
        "Máy chủ đang quá tải; yêu cầu chưa được xử lý, hãy thử lại sau ít giây."
    )
    assert state["started"] == ["/graphql"]  # neither the waiter nor the shed request started
    state["release"].set()
    await asyncio.wait_for(asyncio.gather(running, waiting), 5)
    assert (first.status, second.status) == (200, 200)
    # the waiter's body, read while it watched for a disconnect, reached the application intact
    assert second.sent[1]["body"] == b"2"
    assert (gate().active, gate().waiting) == (0, 0)


async def test_a_waiter_reads_ahead_only_a_small_part_of_a_large_body() -> None:
    app, state = _held_app()
    wrapped, _ = _wrapped(app, limit=1, queue=5, timeout=30)
    first, large = _Client(), _Client(bytes(range(256)) * 1024, chunks=8)  # 256 KiB in 32 KiB parts
    running = asyncio.create_task(wrapped(_scope("/graphql"), first.receive, first.send))
    await _settle()
    waiting = asyncio.create_task(wrapped(_scope("/graphql"), large.receive, large.send))
    await _settle()
    assert large.received == 3  # read while waiting: up to just past 64 KiB, the rest left in the socket
    state["release"].set()
    await asyncio.wait_for(asyncio.gather(running, waiting), 5)
    assert large.sent[1]["body"] == bytes(range(256)) * 1024  # replayed, then read on: intact and in order


async def test_a_waiter_gives_up_after_the_queue_timeout() -> None:
    app, state = _held_app()
    wrapped, gate = _wrapped(app, limit=1, queue=5, timeout=0.05)
    first, second = _Client(), _Client()
    running = asyncio.create_task(wrapped(_scope("/graphql"), first.receive, first.send))
    await _settle()
    await asyncio.wait_for(wrapped(_scope("/graphql"), second.receive, second.send), 2)
    assert second.status == 503
    assert second.json["errors"][0]["message"].startswith("Máy chủ đang quá tải")
    assert (gate().active, gate().waiting) == (1, 0)
    state["release"].set()
    await running
    assert gate().active == 0


async def test_a_client_that_leaves_while_queued_is_never_started() -> None:
    app, state = _held_app()
    wrapped, gate = _wrapped(app, limit=1, queue=5, timeout=30)
    first, second = _Client(), _Client()
    running = asyncio.create_task(wrapped(_scope("/first"), first.receive, first.send))
    await _settle()
    abandoned = asyncio.create_task(wrapped(_scope("/second"), second.receive, second.send))
    await _settle()
    second.leave.set()
    await asyncio.wait_for(abandoned, 2)
    assert second.sent == []  # nothing answered: nobody is listening
    assert gate().waiting == 0
    state["release"].set()
    await running
    assert state["started"] == ["/first"]
    assert gate().active == 0


async def test_health_is_never_queued() -> None:
    app, state = _held_app()
    wrapped, _ = _wrapped(app, limit=1, queue=0, timeout=30)
    first, health = _Client(), _Client()
    running = asyncio.create_task(wrapped(_scope("/graphql"), first.receive, first.send))
    await _settle()
    state["release"].set()  # both may finish; /health passed the full gate
    await asyncio.wait_for(wrapped(_scope("/health"), health.receive, health.send), 2)
    await running
    assert (first.status, health.status) == (200, 200)


async def test_a_cancelled_waiter_that_was_just_granted_passes_its_slot_on() -> None:
    gate = Gate(limit=1, queue=5, timeout=30)
    assert gate.try_enter() is True
    first = asyncio.create_task(gate.wait())
    second = asyncio.create_task(gate.wait())
    await _settle()
    gate.leave()  # hands the slot to the first waiter…
    first.cancel()  # …which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await asyncio.wait_for(second, 1) is True
    assert (gate.active, gate.waiting) == (1, 0)
    gate.leave()
    assert gate.active == 0


@pytest.fixture
def no_slots(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("MAX_CONCURRENT_REQUESTS", "0")
    monkeypatch.setenv("MAX_QUEUED_REQUESTS", "0")
    monkeypatch.setenv("RETRY_AFTER_SECONDS", "7")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()  # monkeypatch then restores the suite's values (tests/conftest.py)


async def test_the_app_sheds_graphql_but_answers_health_when_it_has_no_slot(db: None, no_slots: None) -> None:
    from app.db import database_lifespan
    from app.main import create_app

    transport = httpx.ASGITransport(app=create_app())
    async with database_lifespan(), httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        refused = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Accept-Language": "en"})
        health = await http.get("/health")
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "7"
    assert refused.headers["x-request-id"] == refused.json()["errors"][0]["extensions"]["requestId"]
    assert refused.json()["errors"][0]["extensions"]["code"] == "OVERLOADED"
    assert (health.status_code, health.json()) == (200, {"status": "ok", "database": True})


async def test_a_request_cancelled_while_queued_leaves_no_slot_taken() -> None:
    app, state = _held_app()
    wrapped, gate = _wrapped(app, limit=1, queue=5, timeout=30)
    first, second = _Client(), _Client()
    running = asyncio.create_task(wrapped(_scope("/first"), first.receive, first.send))
    await _settle()
    queued = asyncio.create_task(wrapped(_scope("/second"), second.receive, second.send))
    await _settle()
    queued.cancel()  # e.g. the server shutting down
    with pytest.raises(asyncio.CancelledError):
        await queued
    await _settle()
    assert (gate().active, gate().waiting) == (1, 0)
    state["release"].set()
    await running
    assert (gate().active, state["started"]) == (0, ["/first"])
