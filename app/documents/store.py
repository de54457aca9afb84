"""Stored, versioned documents.

A domain hands `save` a `Draft`: what the document is about (kind, subject), the data it is made from, and
a pure `render` function (snapshot → .docx bytes). When the subject's latest version was made from the
same data, that version is returned and nothing is written; otherwise the next version is rendered (in a
worker thread: it is CPU work), its file stored by SHA-256 under UPLOAD_DIR (app.files), and its row
written with the snapshot, the hash, who generated it and when. Old versions are never changed.

The snapshot is the data plus the version number and the local date of the generation, and `render` uses
nothing else: rendering a stored snapshot again gives the same bytes. Two concurrent generations of one
subject never share a version number (a unique index; the loser looks again).

Call `save` after the business change committed (a mutation, or a subscriber of a domain event): a
failure to render never undoes that change.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import weakref
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app import clock, files
from app.audit import service as audit
from app.audit.service import Actor
from app.db import transaction
from app.documents import DOCX, DocumentKind
from app.errors import Conflict, Noun, not_found
from app.tables import StoredDocument

DOCUMENT = Noun("văn bản", "document")
ATTEMPTS = 10
# Generations of one subject's document in this process take turns (no work thrown away); across processes
# the unique index decides and the loser looks again. The lock is an economy, never the guarantee.
_turns: weakref.WeakValueDictionary[tuple[str, str, int], asyncio.Lock] = weakref.WeakValueDictionary()


@dataclass(frozen=True)
class Draft:
    kind: DocumentKind
    subject_type: str
    subject_id: int
    title: str  # e.g. "Hợp đồng cung cấp dịch vụ số 0007/2026/HĐDV-TTCNTT"
    filename: str  # without the version and extension, ASCII: "hop-dong-dich-vu-0007-2026"
    data: dict[str, Any]  # JSON-able: everything the document shows
    render: Callable[[dict[str, Any]], bytes]  # pure: the snapshot → .docx bytes


def jsonable(value: Any) -> Any:
    """As the database gives it back: dates as ISO strings, tuples as lists, keys sorted."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


def snapshot_of(draft: Draft, version: int, issued_on: str) -> dict[str, Any]:
    return {"kind": draft.kind.value, "version": version, "issued_on": issued_on, "data": jsonable(draft.data)}


async def latest(kind: DocumentKind, subject_type: str, subject_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await StoredDocument.select()
        .where(
            (StoredDocument.kind == kind.value)
            & (StoredDocument.subject_type == subject_type)
            & (StoredDocument.subject_id == subject_id)
        )
        .order_by(StoredDocument.version, ascending=False)
        .output(load_json=True)
        .first()
    )
    return row


async def save(draft: Draft, actor: Actor) -> tuple[dict[str, Any], bool]:
    """(the version, True when it was made now). Same data as the latest version: that version, False."""
    key = (draft.kind.value, draft.subject_type, draft.subject_id)
    lock = _turns.get(key)
    if lock is None:
        lock = _turns[key] = asyncio.Lock()
    async with lock:
        return await _save(draft, actor)


async def _save(draft: Draft, actor: Actor) -> tuple[dict[str, Any], bool]:
    data = jsonable(draft.data)
    for _ in range(ATTEMPTS):
        current = await latest(draft.kind, draft.subject_type, draft.subject_id)
        if current is not None and current["snapshot"].get("data") == data:
            return current, False
        version = (current["version"] if current else 0) + 1
        snapshot = snapshot_of(draft, version, clock.local_today().isoformat())
        content = await asyncio.to_thread(draft.render, snapshot)
        filename = f"{draft.filename}-v{version}.docx"
        stored = await asyncio.to_thread(files.store, files.IncomingFile(filename, DOCX, content))
        values: dict[str, Any] = {
            "kind": draft.kind.value,
            "subject_type": draft.subject_type,
            "subject_id": draft.subject_id,
            "version": version,
            "title": draft.title[:300],
            "filename": stored.filename,
            "media_type": DOCX,
            "size": stored.size,
            "sha256": stored.sha256,
            "stored_path": stored.stored_path,
            "snapshot": snapshot,
            "generated_by": actor.label,
            "generated_by_id": actor.id,
            "created_at": clock.now(),
        }
        async with transaction():
            rows = await (
                StoredDocument.insert(StoredDocument(**values))
                .on_conflict(action="DO NOTHING")
                .returning(StoredDocument.id)
            )
            if not rows:
                continue  # someone else took this version meanwhile: look again
            document_id = int(rows[0]["id"])
            await audit.record(
                actor, "document.generate", "document", document_id, None,
                {k: values[k] for k in ("kind", "subject_type", "subject_id", "version", "sha256")},
            )  # fmt: skip
        row = await by_id(document_id)
        assert row is not None
        return row, True
    raise Conflict(
        "DOCUMENT_BUSY",
        "Văn bản đang được tạo đồng thời; hãy thử lại.",
        "The document is being generated by someone else; try again.",
        None,
    )


async def by_id(document_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await StoredDocument.select().where(StoredDocument.id == document_id).output(load_json=True).first()
    )
    return row


async def of_subjects(subject_type: str, subject_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Every version of every document of these subjects, newest first (one query)."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if subject_ids:
        rows = await (
            StoredDocument.select()
            .where((StoredDocument.subject_type == subject_type) & StoredDocument.subject_id.is_in(list(subject_ids)))
            .order_by(StoredDocument.id, ascending=False)
            .output(load_json=True)
        )
        for row in rows:
            grouped[row["subject_id"]].append(row)
    return grouped


async def content(row: dict[str, Any]) -> bytes:
    """The stored file, checked against its recorded SHA-256 (a tampered file is never served)."""
    data = await asyncio.to_thread(files.path_of(row["stored_path"]).read_bytes)
    if hashlib.sha256(data).hexdigest() != row["sha256"]:
        raise not_found(DOCUMENT, "id")
    return data


def download_path(document_id: int) -> str:
    return f"/documents/{document_id}"
