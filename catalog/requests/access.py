"""Who may see and change a request: its customer, and operators of its department (admin: all).
A guest (no account) proves a request is theirs with receipt code + contact: tracking.prove."""

from __future__ import annotations

from typing import Any

from app.audit.service import Actor
from app.auth.enums import Role
from app.auth.principal import Principal
from app.errors import DomainError, PermissionDenied, forbidden, not_found, unauthenticated
from catalog.requests import repository


def request_not_found() -> DomainError:
    return not_found("hồ sơ", "Request", "code")


def guest_actor(contact_email: str) -> Actor:
    """How a guest's steps are recorded (events and audit log): the e-mail given at submission."""
    return Actor(None, f"guest:{contact_email}")


def require_staff(principal: Principal) -> None:
    if principal.is_anonymous:
        raise unauthenticated()
    if not (principal.is_staff and principal.has_role(Role.OPERATOR)):
        raise forbidden()


def require_admin(principal: Principal) -> None:
    if principal.is_anonymous:
        raise unauthenticated()
    if not (principal.is_staff and principal.has_role()):  # has_role() with nothing: admin only
        raise forbidden()


def require_customer(principal: Principal) -> int:
    if principal.is_anonymous:
        raise unauthenticated()
    if not principal.is_customer or principal.account_id is None:
        raise forbidden()
    return principal.account_id


async def staff_departments(principal: Principal) -> tuple[int, ...] | None:
    """None for admins (every department), else the departments the operator works in."""
    require_staff(principal)
    if Role.ADMIN in principal.roles:
        return None
    assert principal.account_id is not None
    return tuple(await repository.departments_of(principal.account_id))


async def require_staff_of(principal: Principal, row: dict[str, Any]) -> None:
    departments = await staff_departments(principal)
    if departments is not None and row["department"] not in departments:
        raise not_your_department()


def not_your_department() -> PermissionDenied:
    return PermissionDenied(
        "NOT_YOUR_DEPARTMENT",
        "Hồ sơ thuộc phòng khác; bạn không xử lý hồ sơ này.",
        "The request belongs to another department.",
    )


async def readable(principal: Principal, code: str) -> dict[str, Any]:
    """The request for its customer or its department's staff; NOT_FOUND for any other customer."""
    if principal.is_anonymous:
        raise unauthenticated()
    row = await repository.request_by_code(code.strip().upper())
    if principal.is_customer:
        if row is None or row["customer"] != principal.account_id:
            raise request_not_found()
        return row
    if row is None:
        raise request_not_found()
    await require_staff_of(principal, row)
    return row
