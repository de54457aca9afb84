"""GraphQL types of accounts, API keys and audit events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from app.auth import enums

# The domain's enums are the GraphQL enums: registered once here with their descriptions.
strawberry.enum(enums.AccountKind)
strawberry.enum(enums.CustomerKind, description="Citizen (CCCD), business (tax code) or state agency.")
strawberry.enum(enums.Role, description="Staff roles, granted by an admin.")
strawberry.enum(enums.Scope, description="What a partner API key may read.")


@strawberry.type
class Account:
    row: strawberry.Private[dict[str, Any]]
    role_values: strawberry.Private[list[str]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def email(self) -> str:
        return str(self.row["email"])

    @strawberry.field
    def full_name(self) -> str:
        return str(self.row["full_name"])

    @strawberry.field
    def phone(self) -> str:
        return str(self.row["phone"])

    @strawberry.field
    def kind(self) -> enums.AccountKind:
        return enums.AccountKind(self.row["kind"])

    @strawberry.field
    def customer_kind(self) -> enums.CustomerKind | None:
        return enums.CustomerKind(self.row["customer_kind"]) if self.row["customer_kind"] else None

    @strawberry.field(description="CCCD, citizens only.")
    def citizen_id(self) -> str | None:
        return self.row["citizen_id"] or None

    @strawberry.field
    def tax_code(self) -> str | None:
        return self.row["tax_code"] or None

    @strawberry.field
    def organization_name(self) -> str | None:
        return self.row["organization_name"] or None

    @strawberry.field
    def roles(self) -> list[enums.Role]:
        return sorted(enums.Role(r) for r in self.role_values)

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row["created_at"]


@strawberry.type(description="A partner API key. The key itself is shown once, when created.")
class ApiKey:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def name(self) -> str:
        return str(self.row["name"])

    @strawberry.field(description="Identifies the key in lists and logs (ttk_<prefix>_…).")
    def prefix(self) -> str:
        return str(self.row["prefix"])

    @strawberry.field
    def scopes(self) -> list[enums.Scope]:
        return [enums.Scope(s) for s in self.row["scopes"]]

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row["created_at"]

    @strawberry.field
    def revoked_at(self) -> datetime | None:
        return self.row["revoked_at"]

    @strawberry.field
    def last_used_at(self) -> datetime | None:
        return self.row["last_used_at"]


@strawberry.type(description="One recorded change: who, when, what, and the state before and after.")
class AuditEvent:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def at(self) -> datetime:
        return self.row["at"]

    @strawberry.field
    def actor(self) -> str:
        return str(self.row["actor_label"])

    @strawberry.field
    def action(self) -> str:
        return str(self.row["action"])

    @strawberry.field
    def entity_type(self) -> str:
        return str(self.row["entity_type"])

    @strawberry.field
    def entity_id(self) -> str:
        return str(self.row["entity_id"])

    @strawberry.field
    def before(self) -> JSON | None:
        return self.row["before"]

    @strawberry.field
    def after(self) -> JSON | None:
        return self.row["after"]

    @strawberry.field
    def request_id(self) -> str:
        return str(self.row["request_id"])
