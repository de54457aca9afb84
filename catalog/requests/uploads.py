"""Request documents: an uploaded file (checked and stored by app.files) for one required document."""

from __future__ import annotations

from dataclasses import dataclass

from app import files
from app.errors import ErrorDetail

path_of = files.path_of


@dataclass(frozen=True)
class IncomingFile:
    requirement: int  # index in the service's required_documents
    filename: str
    content_type: str
    data: bytes  # at most max_upload_bytes + 1 (the reader stops there)


@dataclass(frozen=True)
class StoredFile:
    requirement: int
    filename: str
    content_type: str
    size: int
    sha256: str
    stored_path: str


def check(file: IncomingFile, index: int) -> list[ErrorDetail]:
    return files.check(file, f"documents.{index}.file")


def store(file: IncomingFile) -> StoredFile:
    stored = files.store(file)
    return StoredFile(
        file.requirement, stored.filename, stored.content_type, stored.size, stored.sha256, stored.stored_path
    )
