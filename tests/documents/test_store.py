"""The kernel's store: versions by data, one version number per generation even across processes (the
unique index), files checked against their hash, and the registry that decides who may read."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import pytest

from app.audit.service import Actor
from app.audit.tables import AuditEvent
from app.auth.principal import Principal
from app.documents import DocumentKind, store, subjects
from app.errors import DomainError
from app.tables import StoredDocument


def render(snapshot: dict[str, Any]) -> bytes:
    return f"{snapshot['version']}|{snapshot['data']}".encode()


def draft(data: dict[str, Any], subject_id: int = 7) -> store.Draft:
    return store.Draft(DocumentKind.SERVICE_CONTRACT, "test", subject_id, "Thử", "thu", data, render)


async def test_a_version_per_change_of_data_and_every_version_kept(db: None) -> None:
    actor = Actor(3, "ke.toan@ttcntt.vn")
    first, created = await store.save(draft({"a": 1}), actor)
    assert created and first["version"] == 1 and first["snapshot"]["data"] == {"a": 1}
    assert first["snapshot"]["issued_on"] and first["generated_by"] == "ke.toan@ttcntt.vn"
    assert first["generated_by_id"] == 3 and first["sha256"] == hashlib.sha256(b"1|{'a': 1}").hexdigest()
    same, created = await store.save(draft({"a": 1}), Actor.system())
    assert (created, same["id"]) == (False, first["id"])
    second, created = await store.save(draft({"a": 2}), actor)
    assert created and second["version"] == 2 and second["sha256"] != first["sha256"]
    back, created = await store.save(draft({"a": 1}), actor)  # back to the first data: still a new version
    assert created and back["version"] == 3
    other, _ = await store.save(draft({"a": 1}, subject_id=8), actor)  # another subject counts on its own
    assert other["version"] == 1
    assert [r["version"] for r in (await store.of_subjects("test", [7]))[7]] == [3, 2, 1]
    assert [await store.content(r) for r in (first, second)] == [b"1|{'a': 1}", b"2|{'a': 2}"]
    events = await AuditEvent.select().where(AuditEvent.action == "document.generate").output(load_json=True)
    assert len(events) == 4 and events[0]["after"]["sha256"] == first["sha256"]


async def test_concurrent_processes_never_share_a_version(db: None) -> None:
    # past the in-process turn-taking, as separate processes would be: the unique index decides
    results = await asyncio.gather(*[store._save(draft({"n": n}), Actor.system()) for n in range(8)])
    versions = sorted(row["version"] for row, created in results if created)
    assert versions == list(range(1, 9))
    assert await StoredDocument.count() == 8


async def test_a_file_changed_on_disk_is_never_served(db: None) -> None:
    row, _ = await store.save(draft({"a": 1}), Actor.system())
    from app import files

    files.path_of(row["stored_path"]).write_bytes(b"tampered")
    with pytest.raises(DomainError) as refused:
        await store.content(row)
    assert refused.value.code == "NOT_FOUND"


async def test_a_subject_nobody_registered_is_read_by_no_one() -> None:
    import billing.documents
    import projects.documents  # noqa: F401 - the domains register their subjects when imported

    assert billing.documents.SUBJECT == "quote"
    admin = Principal(account_id=1)
    assert not await subjects.may_read(admin, "nothing-registered", 1)
    assert {"quote", "project", "milestone"} <= subjects.registered()
