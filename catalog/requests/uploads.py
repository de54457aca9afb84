"""Uploaded documents: size and type checks (declared type AND magic bytes), stored by content hash.

Files are written under UPLOAD_DIR/<aa>/<sha256> before the database transaction; a failed
transaction may leave an unreferenced file behind, which is harmless (same content, same name) and
never served: downloads go through a request_document row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from app.config import get_settings
from app.errors import ErrorDetail

MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


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
    settings = get_settings()
    field = f"documents.{index}.file"
    if len(file.data) > settings.max_upload_bytes:
        limit_mb = settings.max_upload_bytes / (1024 * 1024)
        return [
            ErrorDetail(
                "FILE_TOO_LARGE",
                f"Tệp lớn hơn {limit_mb:g} MB.",
                f"The file is larger than {limit_mb:g} MB.",
                field,
            )
        ]
    declared = file.content_type.split(";")[0].strip().lower()
    signatures = MAGIC.get(declared, ())
    if declared not in settings.upload_types or (signatures and not file.data.startswith(signatures)):
        return [
            ErrorDetail(
                "FILE_TYPE_NOT_ALLOWED",
                "Loại tệp không được chấp nhận (PDF, JPEG hoặc PNG).",
                "This file type is not accepted (PDF, JPEG or PNG).",
                field,
            )
        ]
    if not file.data:
        return [ErrorDetail("FILE_EMPTY", "Tệp rỗng.", "The file is empty.", field)]
    return []


def safe_filename(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')
    return cleaned[:200] or "document"


def store(file: IncomingFile) -> StoredFile:
    digest = hashlib.sha256(file.data).hexdigest()
    relative = f"{digest[:2]}/{digest}"
    target = get_settings().upload_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".part")
        temporary.write_bytes(file.data)
        temporary.replace(target)
    return StoredFile(
        file.requirement,
        safe_filename(file.filename),
        file.content_type.split(";")[0].strip().lower(),
        len(file.data),
        digest,
        relative,
    )


def path_of(stored_path: str) -> Path:
    return get_settings().upload_dir / stored_path
