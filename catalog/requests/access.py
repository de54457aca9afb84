"""Who may see and change a request: its customer, and operators of its department (admin: all).
A guest (no account) answers for a request with the secret link sent by e-mail (guest_links)."""

from __future__ import annotations

from typing import Any

from app.audit.service import Actor
from app.auth.enums import Role
from app.auth.principal import Principal
from app.errors import DomainError, PermissionDenied, not_found
from app.guards import require_person, require_staff
from app.input import lookup_code
from catalog.requests import repository
from catalog.requests.states import REQUEST


def request_not_found() -> DomainError:
    return not_found(REQUEST, "code")


def guest_actor(contact_email: str) -> Actor:
    """How a guest's steps are recorded (history and audit log): the e-mail given at submission."""
    return Actor(None, f"guest:{contact_email}")


def require_operator(principal: Principal) -> None:
    require_staff(principal, Role.OPERATOR)


async def staff_departments(principal: Principal) -> tuple[int, ...] | None:
    """None for admins (every department), else the departments the operator works in."""
    require_operator(principal)
    if Role.ADMIN in principal.roles:
        return None
    assert principal.account_id is not None
    return tuple(await repository.departments_of(principal.account_id))


def not_your_department() -> PermissionDenied:
    return PermissionDenied(
        "NOT_YOUR_DEPARTMENT",
        "Hồ sơ thuộc phòng khác; bạn không xử lý hồ sơ này.",
        "The request belongs to another department.",
    )


async def by_code(code: str) -> dict[str, Any]:
    row = await repository.request_by_code(lookup_code(code))
    if row is None:
        raise request_not_found()
    return row


async def readable(principal: Principal, code: str) -> dict[str, Any]:
    """The request for its customer or its department's operators (admin: all). Anyone else gets NOT_FOUND,
    exactly as for an unknown code, so a code's existence is never revealed (another customer's, or
    another department's to an operator)."""
    require_person(principal)
    if not principal.is_customer:
        require_operator(principal)
    row = await repository.request_by_code(lookup_code(code))
    if row is None:
        raise request_not_found()
    if principal.is_customer:
        if row["customer"] != principal.account_id:
            raise request_not_found()
        return row
    departments = await staff_departments(principal)
    if departments is not None and row["department"] not in departments:
        raise request_not_found()
    return row
