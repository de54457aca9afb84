"""Domain errors: one base, one class per family, each instance with a stable code, and one
vocabulary of the refusals every domain shares (one wording each, in Vietnamese and English).

Every expected failure is a DomainError. The API turns it into a `UserError`
(field, code, message in Vietnamese and English); anything else is masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ErrorDetail:
    code: str
    message_vi: str
    message_en: str
    field: str | None = None
    retry_after: int | None = None  # seconds, on RATE_LIMITED-like refusals: when trying again may work


class DomainError(Exception):
    """An expected failure; may carry several details (e.g. every invalid field of an input)."""

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


# --- the shared vocabulary ------------------------------------------------------------------------


@dataclass(frozen=True)
class Noun:
    """How messages name a kind of thing: `Noun("hồ sơ", "request")`."""

    vi: str
    en: str


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def not_found(noun: Noun, field: str | None = "id") -> NotFound:
    return NotFound("NOT_FOUND", f"Không tìm thấy {noun.vi}.", f"{_capital(noun.en)} not found.", field)


def forbidden(field: str | None = None) -> PermissionDenied:
    return PermissionDenied(
        "FORBIDDEN",
        "Bạn không có quyền thực hiện thao tác này.",
        "You are not allowed to do this.",
        field,
    )


def unauthenticated() -> Unauthenticated:
    return Unauthenticated(
        "UNAUTHENTICATED",
        "Bạn cần đăng nhập để thực hiện thao tác này.",
        "You must sign in to do this.",
    )


def stale_version(noun: Noun, field: str = "version") -> Conflict:
    """Optimistic concurrency: the row changed since the caller read it."""
    return Conflict(
        "STALE_VERSION",
        f"{_capital(noun.vi)} vừa được người khác thay đổi; hãy tải lại rồi thử lại.",
        f"The {noun.en} was changed by someone else; reload it and try again.",
        field,
    )


def invalid_transition(noun: Noun, state: str, step: str, field: str = "action") -> Conflict:
    """A step the lifecycle's transition table does not allow from the current state. `step` is the
    action ("receive") or the target ("→ cancelled") the caller asked for."""
    return Conflict(
        "INVALID_TRANSITION",
        f"{_capital(noun.vi)} đang ở trạng thái '{state}' không thể thực hiện bước '{step}'.",
        f"A {noun.en} that is '{state}' cannot take the step '{step}'.",
        field,
    )


def required(field: str) -> ValidationFailed:
    return ValidationFailed("REQUIRED", "Trường này là bắt buộc.", "This field is required.", field)


def reason_required(field: str = "comment") -> ValidationFailed:
    return ValidationFailed("REASON_REQUIRED", "Hãy nêu lý do.", "A reason is required.", field)


def code_taken(noun: Noun, field: str = "code") -> Conflict:
    return Conflict(
        "CODE_TAKEN",
        f"Mã {noun.vi} đã tồn tại.",
        f"The {noun.en} code is already used.",
        field,
    )


def rate_limited(field: str | None = None, retry_after: int | None = None) -> RateLimited:
    """`retry_after`: seconds until the window that refused ends (clients show it, or wait that long)."""
    error = RateLimited(
        "RATE_LIMITED",
        "Bạn đã thử quá nhiều lần; hãy thử lại sau.",
        "Too many attempts; try again later.",
        field,
    )
    if retry_after is not None:
        error.details = [replace(error.details[0], retry_after=max(1, retry_after))]
    return error


def prefixed(error: DomainError, prefix: str) -> list[ErrorDetail]:
    """The details of a nested input's error, with their fields under `prefix` (e.g. milestones.2)."""
    return [
        ErrorDetail(d.code, d.message_vi, d.message_en, f"{prefix}.{d.field}" if d.field else prefix)
        for d in error.details
    ]
