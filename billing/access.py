"""Who may see and change quotes and invoices.

- Quotes: made by an operator of the request's department (admin: any); read by them, by finance, by
  the request's customer, and by a guest through the request's secret link; accepted or declined by the
  customer (or that guest).
- Invoices: made, issued and corrected by finance (admin: all); read by finance and by the customer
  billed (a guest through the request's link). Anyone else gets NOT_FOUND, as for an unknown id.
"""

from __future__ import annotations

from typing import Any

from app.auth.enums import Role
from app.auth.principal import Principal
from app.errors import Noun, not_found
from app.guards import holds, require_person, require_staff
from billing.states import INVOICE, QUOTE

QUOTE_NOUN = QUOTE
MILESTONE_NOUN = Noun("mốc", "milestone")
PAYMENT_NOUN = Noun("khoản thanh toán", "payment")


def require_finance(principal: Principal) -> None:
    require_staff(principal, Role.FINANCE)


def is_finance(principal: Principal) -> bool:
    return holds(principal, Role.FINANCE)


def quote_not_found() -> Exception:
    return not_found(QUOTE, "id")


def invoice_not_found(field: str = "id") -> Exception:
    return not_found(INVOICE, field)


def customer_owns(principal: Principal, row: dict[str, Any]) -> bool:
    return principal.is_customer and principal.account_id is not None and row["customer"] == principal.account_id


def require_invoice_reader(principal: Principal, row: dict[str, Any] | None) -> dict[str, Any]:
    require_person(principal)
    if row is None or not (is_finance(principal) or customer_owns(principal, row)):
        raise invoice_not_found()
    return row
