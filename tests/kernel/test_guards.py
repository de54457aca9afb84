"""Who may act: one rule everywhere, and one rule for partner keys (FORBIDDEN beyond their scopes)."""

from __future__ import annotations

import pytest

from app import guards
from app.auth.enums import AccountKind, Role, Scope
from app.auth.principal import ANONYMOUS, Principal
from app.errors import PermissionDenied, Unauthenticated

CITIZEN = Principal(account_id=1, email="a@b.vn", kind=AccountKind.CUSTOMER)
OPERATOR = Principal(account_id=2, email="o@b.vn", kind=AccountKind.STAFF, roles=frozenset({Role.OPERATOR}))
FINANCE = Principal(account_id=3, email="f@b.vn", kind=AccountKind.STAFF, roles=frozenset({Role.FINANCE}))
ADMIN = Principal(account_id=4, email="x@b.vn", kind=AccountKind.STAFF, roles=frozenset({Role.ADMIN}))
KEY = Principal(api_key_id=9, scopes=frozenset({Scope.CATALOG_READ}))

U, F, A = "UNAUTHENTICATED", "FORBIDDEN", None


def outcome(check: object, principal: Principal) -> str | None:
    try:
        check(principal)  # type: ignore[operator]
    except (Unauthenticated, PermissionDenied) as refused:
        return refused.code
    return None


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        #                                                  anonymous citizen operator finance admin key
        (guards.require_person,                             (U,       A,      A,       A,      A,    F)),
        (guards.require_staff,                              (U,       F,      A,       A,      A,    F)),
        (lambda p: guards.require_staff(p, Role.OPERATOR),  (U,       F,      A,       F,      A,    F)),
        (guards.require_admin,                              (U,       F,      F,       F,      A,    F)),
        (guards.require_customer,                           (U,       A,      F,       F,      F,    F)),
        (guards.require_public_caller,                      (A,       A,      F,       F,      F,    F)),
        (lambda p: guards.require_scope(p, Scope.CATALOG_READ),  (A, A, A, A, A, A)),
        (lambda p: guards.require_scope(p, Scope.PROJECTS_READ), (A, A, A, A, A, F)),
    ],
)  # fmt: skip
def test_each_guard_for_each_kind_of_caller(check: object, expected: tuple[str | None, ...]) -> None:
    callers = (ANONYMOUS, CITIZEN, OPERATOR, FINANCE, ADMIN, KEY)
    assert tuple(outcome(check, p) for p in callers) == expected


def test_holds_and_is_admin() -> None:
    assert guards.holds(OPERATOR, Role.OPERATOR) and guards.holds(ADMIN, Role.FINANCE)
    assert not guards.holds(FINANCE, Role.OPERATOR) and not guards.holds(CITIZEN) and not guards.holds(KEY)
    assert guards.is_admin(ADMIN) and not guards.is_admin(OPERATOR)
    assert guards.require_customer(CITIZEN) == 1
