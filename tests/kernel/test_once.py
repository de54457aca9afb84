"""app.once: an effect's outcome kept for the HTTP request and replayed, result or error."""

from __future__ import annotations

import pytest

from app import once
from app.errors import DomainError


async def test_within_a_request_the_outcome_is_replayed_outside_it_runs_each_time() -> None:
    calls: list[str] = []

    async def effect(name: str) -> str:
        calls.append(name)
        if name == "bad":
            raise DomainError("NOT_FOUND", "Không tìm thấy.", "Not found.")
        return name.upper()

    with once.request():
        assert [await once.once(("k", n), lambda n=n: effect(n)) for n in ("a", "b", "a")] == ["A", "B", "A"]
        for _ in range(2):
            with pytest.raises(DomainError) as raised:
                await once.once(("k", "bad"), lambda: effect("bad"))
            assert raised.value.code == "NOT_FOUND"
    assert calls == ["a", "b", "bad"]
    # a new request starts afresh, and outside one nothing is kept
    with once.request():
        assert await once.once(("k", "a"), lambda: effect("a")) == "A"
    assert await once.once(("k", "a"), lambda: effect("a")) == "A"
    assert calls == ["a", "b", "bad", "a", "a"]
