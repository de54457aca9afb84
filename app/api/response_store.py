"""Where cached GraphQL answers live: a bounded LRU in this process, or Redis shared by every worker
and instance. Keys are exact (versions and the local date are part of them), so neither store needs
to be told about changes; a TTL or the byte bound only reclaims space."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from app.config import Settings

log = logging.getLogger("app.cache")


@dataclass(frozen=True)
class Entry:
    etag: str  # a strong validator: the body's SHA-256, quoted
    body: bytes

    @classmethod
    def of(cls, body: bytes) -> Entry:
        return cls(f'"{hashlib.sha256(body).hexdigest()[:40]}"', body)


class Store(Protocol):
    async def get(self, key: str) -> Entry | None: ...
    async def put(self, key: str, entry: Entry) -> None: ...
    async def close(self) -> None: ...


class MemoryStore:
    """Least recently used entries go first once the bodies pass `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, Entry] = OrderedDict()

    async def get(self, key: str) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    async def put(self, key: str, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self.entries[key] = entry
        self.size += len(entry.body)
        while self.size > self.max_bytes:
            _, evicted = self.entries.popitem(last=False)
            self.size -= len(evicted.body)

    async def close(self) -> None:
        self.entries.clear()
        self.size = 0


class RedisStore:
    """Shared by every process. A Redis that fails or is slow costs a miss, never a failed request."""

    def __init__(self, url: str, prefix: str, ttl: int) -> None:
        from redis.asyncio import Redis

        # Short timeouts: a cache that waits longer than the query it saves is not worth waiting for.
        self.redis = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix
        self.ttl = ttl

    async def get(self, key: str) -> Entry | None:
        try:
            raw = await self.redis.get(self.prefix + key)
        except Exception as error:  # any failure of the cache is a miss
            log.warning("response cache unavailable", extra={"error": repr(error)})
            return None
        if raw is None:
            return None
        etag, _, body = (raw if isinstance(raw, bytes) else raw.encode()).partition(b"\n")
        return Entry(etag.decode(), body)

    async def put(self, key: str, entry: Entry) -> None:
        try:
            await self.redis.set(self.prefix + key, entry.etag.encode() + b"\n" + entry.body, ex=self.ttl)
        except Exception as error:
            log.warning("response cache unavailable", extra={"error": repr(error)})

    async def close(self) -> None:
        await self.redis.aclose()


def build_store(settings: Settings) -> Store | None:
    if settings.response_cache == "off":
        return None
    if settings.response_cache == "redis":
        if not settings.redis_url:
            raise ValueError("RESPONSE_CACHE=redis needs REDIS_URL")
        return RedisStore(settings.redis_url, settings.response_cache_prefix, settings.response_cache_ttl)
    return MemoryStore(settings.response_cache_bytes)
