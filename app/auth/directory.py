"""What other domains may know about accounts: who a person is and what they may be given. Other
domains call these functions; they never read the auth tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.auth import repository
from app.auth.enums import AccountKind, CustomerKind, Role
from app.errors import Noun

STAFF_ACCOUNT = Noun("tài khoản cán bộ", "staff account")


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    full_name: str
    phone: str
    kind: AccountKind
    customer_kind: CustomerKind | None
    citizen_id: str
    tax_code: str
    organization_name: str
    is_active: bool
    roles: frozenset[Role]

    @property
    def display_name(self) -> str:
        """An organization's name, else the person's."""
        return self.organization_name or self.full_name

    @property
    def is_staff(self) -> bool:
        return self.kind is AccountKind.STAFF

    def as_row(self) -> dict[str, Any]:
        return {
            "id": self.id, "email": self.email, "full_name": self.full_name, "phone": self.phone,
            "kind": self.kind.value, "customer_kind": self.customer_kind.value if self.customer_kind else "",
            "citizen_id": self.citizen_id, "tax_code": self.tax_code, "organization_name": self.organization_name,
        }  # fmt: skip


async def people(ids: list[int], *, with_roles: bool = False) -> dict[int, Person]:
    """The accounts among `ids` that exist (unknown ids are simply absent); staff roles when asked for
    (one more query)."""
    wanted = sorted(set(ids))
    rows = await repository.accounts_by_ids(wanted)
    staff = [r["id"] for r in rows if r["kind"] == AccountKind.STAFF.value]
    roles = await repository.roles_by_accounts(staff) if with_roles else {}
    return {
        row["id"]: Person(
            id=row["id"],
            email=row["email"],
            full_name=row["full_name"],
            phone=row["phone"],
            kind=AccountKind(row["kind"]),
            customer_kind=CustomerKind(row["customer_kind"]) if row["customer_kind"] else None,
            citizen_id=row["citizen_id"],
            tax_code=row["tax_code"],
            organization_name=row["organization_name"],
            is_active=bool(row["is_active"]),
            roles=frozenset(Role(r) for r in roles.get(row["id"], [])),
        )
        for row in rows
    }


async def person(account_id: int, *, with_roles: bool = False) -> Person | None:
    return (await people([account_id], with_roles=with_roles)).get(account_id)
