"""Domain errors: one base, one class per family, each instance with a stable code.

Every expected failure is a DomainError. The API turns it into a `UserError`
(field, code, message in Vietnamese and English); anything else is masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorDetail:
    code: str
    message_vi: str
    message_en: str
    field: str | None = None


class DomainError(Exception):
    """An expected failure; may carry several details (e.g. every invalid field of an input)."""

    default_code = "INVALID"

    def __init__(
        self,
        code: str,
        message_vi: str,
        message_en: str,
        field: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message_en}")
        self.details: list[ErrorDetail] = [ErrorDetail(code, message_vi, message_en, field)]

    @property
    def code(self) -> str:
        return self.details[0].code

    @property
    def field(self) -> str | None:
        return self.details[0].field

    @property
    def message_en(self) -> str:
        return self.details[0].message_en

    @property
    def message_vi(self) -> str:
        return self.details[0].message_vi

    @classmethod
    def many(cls, details: Sequence[ErrorDetail]) -> DomainError:
        first = details[0]
        error = cls(first.code, first.message_vi, first.message_en, first.field)
        error.details = list(details)
        return error


class ValidationFailed(DomainError):
    """Input does not satisfy the rules."""


class NotFound(DomainError):
    """The thing asked for does not exist, or the caller may not know it exists."""


class Unauthenticated(DomainError):
    """No valid credentials: missing, expired, revoked or wrong."""


class PermissionDenied(DomainError):
    """Authenticated, but the role or scope does not allow it."""


class Conflict(DomainError):
    """The change collides with the current state (duplicate, stale version, wrong status)."""


class RateLimited(DomainError):
    """Too many attempts; try again later."""


def not_found(entity_vi: str, entity_en: str, field: str | None = None) -> NotFound:
    return NotFound("NOT_FOUND", f"Không tìm thấy {entity_vi}.", f"{entity_en} not found.", field)


def forbidden() -> PermissionDenied:
    return PermissionDenied(
        "FORBIDDEN",
        "Bạn không có quyền thực hiện thao tác này.",
        "You are not allowed to do this.",
    )


def unauthenticated() -> Unauthenticated:
    return Unauthenticated(
        "UNAUTHENTICATED",
        "Bạn cần đăng nhập để thực hiện thao tác này.",
        "You must sign in to do this.",
    )
