"""Who may act: one rule for every domain.

- Anonymous callers may read what is public and submit what the public may submit; anything that needs
  a person answers UNAUTHENTICATED.
- A partner API key authenticates a partner system, not a person: it may read what its scopes cover
  and nothing else. Everything else (every mutation, every staff or customer read) answers FORBIDDEN,
  the same in every domain.
- Customers act on their own things; staff act by role, and ADMIN holds every staff role.
"""

from __future__ import annotations

from app.auth.enums import Role, Scope
from app.auth.principal import Principal
from app.errors import forbidden, unauthenticated


def require_person(principal: Principal) -> None:
    """A signed-in account (customer or staff)."""
    if principal.api_key_id is not None:
        raise forbidden()
    if principal.account_id is None:
        raise unauthenticated()


def require_staff(principal: Principal, *roles: Role) -> None:
    """A staff account holding one of `roles` (any staff when none are named); admin holds them all."""
    require_person(principal)
    if not principal.is_staff or (roles and not principal.has_role(*roles)):
        raise forbidden()


def require_admin(principal: Principal) -> None:
    require_person(principal)
    if Role.ADMIN not in principal.roles:
        raise forbidden()


def require_customer(principal: Principal) -> int:
    """A signed-in customer; returns the account id."""
    require_person(principal)
    if not principal.is_customer or principal.account_id is None:
        raise forbidden()
    return principal.account_id


def require_public_caller(principal: Principal) -> None:
    """Someone acting for themselves as a member of the public: anonymous or a customer. Staff act
    through their own tools, partner keys never act."""
    if principal.api_key_id is not None or principal.is_staff:
        raise forbidden()


def require_scope(principal: Principal, scope: Scope) -> None:
    """Reading public data: open to people; a partner key needs the scope."""
    if principal.api_key_id is not None and scope not in principal.scopes:
        raise forbidden()


def is_admin(principal: Principal) -> bool:
    return principal.is_staff and Role.ADMIN in principal.roles


def holds(principal: Principal, *roles: Role) -> bool:
    """A signed-in staff member holding one of `roles` (admin holds all)."""
    return principal.is_staff and principal.account_id is not None and principal.has_role(*roles)
