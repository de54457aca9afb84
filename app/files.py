"""Uploaded files: size and type checks (declared type AND magic bytes), stored by content hash.

Shared by service-request documents and milestone evidence. Files are written under
UPLOAD_DIR/<aa>/<sha256> before the database transaction; a failed transaction may leave an
unreferenced file behind, which is harmless (same content, same name) and never served: downloads
go through a database row that names the file and says who may read it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.config import get_settings
from app.errors import ErrorDetail

MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


class Incoming(Protocol):
    @property
    def filename(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def data(self) -> bytes: ...  # at most max_upload_bytes + 1 (the reader stops there)


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Stored:
    filename: str
    content_type: str
    size: int
    sha256: str
    stored_path: str


async def read_upload(upload: Any) -> IncomingFile:
    """At most max_upload_bytes + 1 bytes: enough to refuse a larger file without reading it all."""
    data = await upload.read(get_settings().max_upload_bytes + 1)
    return IncomingFile(upload.filename or "document", upload.content_type or "", data)


def media_type(file: Incoming) -> str:
    return file.content_type.split(";")[0].strip().lower()


def check(file: Incoming, field: str) -> list[ErrorDetail]:
    settings = get_settings()
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
    declared = media_type(file)
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


# The extensions a file of each type may carry when downloaded (the first is added when it has none of
# them): a PDF named `x.html` must not become an HTML page once saved on the caller's machine.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
}


def safe_filename(name: str, media_type: str) -> str:
    """The caller's file name without folders or characters that break a header, its extension one that
    matches the type we detected and serve (`x.html` holding a PDF becomes `x.pdf`)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?;')
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or not stem.strip(". "):
        stem, extension = cleaned, ""
    stem = stem.strip(". ")[:180] or "document"
    allowed = EXTENSIONS.get(media_type, (".bin",))
    if f".{extension.lower()}" in allowed:
        return f"{stem}.{extension}"
    return f"{stem}{allowed[0]}"


def store(file: Incoming) -> Stored:
    """Blocking (disk); call through asyncio.to_thread."""
    digest = hashlib.sha256(file.data).hexdigest()
    relative = f"{digest[:2]}/{digest}"
    target = get_settings().upload_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # A temporary name of this writer's own: two uploads of the same file at once each write their
        # copy, and the second rename replaces the first with the same bytes (a shared `.part` was
        # renamed away under the other writer, who then failed).
        temporary = target.with_name(f"{digest}.{secrets.token_hex(8)}.part")
        temporary.write_bytes(file.data)
        temporary.replace(target)
    kind = media_type(file)
    return Stored(safe_filename(file.filename, kind), kind, len(file.data), digest, relative)


def path_of(stored_path: str) -> Path:
    return get_settings().upload_dir / stored_path
