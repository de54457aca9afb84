"""Who is calling: resolved once per request from the bearer token or API key."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.audit.service import Actor
from app.auth.enums import AccountKind, Role, Scope


@dataclass(frozen=True)
class Principal:
    account_id: int | None = None
    email: str = ""
    kind: AccountKind | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    api_key_id: int | None = None
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    session_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.account_id is None and self.api_key_id is None

    @property
    def is_customer(self) -> bool:
        return self.kind is AccountKind.CUSTOMER

    @property
    def is_staff(self) -> bool:
        return self.kind is AccountKind.STAFF

    def has_role(self, *roles: Role) -> bool:
        """Admin holds every staff role."""
        return Role.ADMIN in self.roles or any(role in self.roles for role in roles)

    def as_actor(self) -> Actor:
        if self.account_id is not None:
            return Actor(self.account_id, self.email)
        if self.api_key_id is not None:
            return Actor(None, f"api-key:{self.api_key_id}")
        return Actor(None, "anonymous")


ANONYMOUS = Principal()
