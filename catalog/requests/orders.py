"""What billing may know and do about service requests: the request as an order (what was asked for,
at the captured price), who may see it, and the step a customer's accepted quote takes. Billing calls
these functions; requests never import billing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import clock
from app.audit.service import Actor
from app.auth.principal import Principal
from app.guards import require_customer
from app.money import VatRate
from catalog.enums import Channel
from catalog.requests import access, guest_links, repository, workflow
from catalog.requests.enums import FINAL, RequestAction, RequestStatus

# A quote is made and accepted while the request is being handled, not after it ended or before reception.
QUOTABLE = frozenset({RequestStatus.RECEIVED, RequestStatus.PROCESSING, RequestStatus.RESUBMITTED})
# An accepted quote starts the work on a request waiting for it.
STARTS_ON_ACCEPTANCE = frozenset({RequestStatus.RECEIVED, RequestStatus.RESUBMITTED})


@dataclass(frozen=True)
class Order:
    """A service request as billing sees it."""

    id: int
    code: str
    status: RequestStatus
    customer_id: int | None  # None: a guest
    department_id: int
    service_id: int
    plan_id: int
    channel: Channel
    quantity: int
    unit_amount: int  # captured at submission, before VAT
    vat_rate: VatRate  # captured at submission
    fee_amount: int  # the channel's fee, captured
    contact_name: str
    contact_email: str
    contact_phone: str

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def is_quotable(self) -> bool:
        return self.status in QUOTABLE


def _order(row: dict[str, Any]) -> Order:
    return Order(
        id=row["id"],
        code=row["code"],
        status=RequestStatus(row["status"]),
        customer_id=row["customer"],
        department_id=row["department"],
        service_id=row["service"],
        plan_id=row["plan"],
        channel=Channel(row["channel"]),
        quantity=int(row["quantity"]),
        unit_amount=int(row["unit_amount"]),
        vat_rate=VatRate(row["vat_rate"]),
        fee_amount=int(row["fee_amount"]),
        contact_name=row["contact_name"],
        contact_email=row["contact_email"],
        contact_phone=row["contact_phone"],
    )


async def for_staff(principal: Principal, code: str) -> Order:
    """The request for an operator of its department (admin: any); NOT_FOUND for anyone else."""
    access.require_operator(principal)
    return _order(await access.readable(principal, code))


async def for_customer(principal: Principal, order_id: int) -> Order:
    """The signed-in customer's own request; NOT_FOUND for anyone else's."""
    customer = require_customer(principal)
    row = await repository.request_by_id(order_id)
    if row is None or row["customer"] != customer:
        raise access.request_not_found()
    return _order(row)


async def for_guest(token: str) -> Order:
    """The request a guest's secret link belongs to (LINK_INVALID, LINK_EXPIRED otherwise)."""
    return (await for_guest_step(token))[0]


async def for_guest_step(token: str) -> tuple[Order, int]:
    """As for_guest, with the link's id: a step taken through the link records its use (use_link)."""
    row, link_id = await guest_links.redeem(token)
    return _order(row), link_id


async def use_link(link_id: int) -> None:
    """Inside the caller's transaction: the link's last use, shown to staff (as the request's own steps do)."""
    await repository.touch_guest_link(link_id, clock.now())


async def by_ids(ids: list[int]) -> dict[int, Order]:
    return {row["id"]: _order(row) for row in await repository.requests_by_ids(ids)}


async def by_customer(customer_id: int) -> list[int]:
    """Ids of a customer's requests (billing lists their quotes and invoices)."""
    return await repository.request_ids_of_customer(customer_id)


async def start_on_acceptance(order_id: int, actor: Actor) -> int | None:
    """Inside the caller's transaction: a request waiting for its quote starts being processed (the
    `start` step, recorded as the customer who accepted). Returns the outbox message to deliver after
    commit, if any."""
    row = await repository.request_by_id(order_id)
    if row is None or RequestStatus(row["status"]) not in STARTS_ON_ACCEPTANCE:
        return None
    comment = "Khách hàng chấp nhận báo giá / The customer accepted the quote"
    _, message = await workflow.record_step(row, RequestAction.START, comment, actor)
    return message


async def guest_link(order: Order, purpose: str) -> str | None:
    """Inside the caller's transaction: a new secret link for a guest's request (None for an account's),
    e.g. to answer a quote without an account."""
    if order.customer_id is not None:
        return None
    token, _ = await guest_links.issue(order.id, purpose)
    return guest_links.url_of(token)


def guest_actor(order: Order) -> Actor:
    return access.guest_actor(order.contact_email)
