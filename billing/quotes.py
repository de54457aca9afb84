"""Quotes: an operator prices a service request (its captured price and quantity, the channel fee, and
extra lines from other active plans at the price in force, each with a discount never above its line);
the customer accepts or declines before the validity date. A new revision supersedes the open ones;
at most one quote of a request is accepted, and its acceptance starts the work on the request in the
same transaction."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app import clock, events, outbox
from app.audit import service as audit
from app.audit.service import Actor
from app.auth.principal import Principal
from app.config import get_settings
from app.db import transaction
from app.errors import Conflict, DomainError, ValidationFailed, stale_version
from app.guards import require_customer, require_person, require_public_caller
from app.input import MAX_AMOUNT, Checker, check_amount, check_date, clean_optional, parse_id
from app.states import apply_transition
from billing import access, lines, notices, repository
from billing.enums import LineSource, QuoteAction, QuoteStatus
from billing.states import QUOTE, QUOTE_LIFECYCLE
from catalog import offers
from catalog.requests import orders

ENTITY = "quote"
MAX_EXTRA_LINES = 20
MAX_QUANTITY = 100_000


@dataclass
class ExtraLine:
    """Another active plan added to the quote, at its price in force."""

    plan_id: object  # as the client sent it
    quantity: int
    discount_amount: int = 0


@dataclass
class QuoteFields:
    valid_until: date | None = None  # default: today + QUOTE_VALID_DAYS
    note: str | None = None
    request_discount_amount: int = 0  # discount on the request's own line
    extra_lines: Sequence[ExtraLine] = field(default_factory=list)


def _discount(c: Checker, amount: int, line: lines.Priced, where: str) -> int:
    if c.check(check_amount, amount, where) is None:
        return 0
    if amount > line.quantity * line.unit_amount:
        c.fail(where, "DISCOUNT_TOO_LARGE", "Chiết khấu lớn hơn giá trị dòng.", "The discount exceeds the line.")
        return 0
    return amount


async def _lines(order: orders.Order, f: QuoteFields, today: date, c: Checker) -> list[lines.Priced]:
    """The request's line, its channel fee, then the extra plans; every bad field reported."""
    wanted = [c.check(parse_id, extra.plan_id, f"extraLines.{i}.planId") for i, extra in enumerate(f.extra_lines)]
    terms = await offers.plan_terms([order.plan_id, *[w for w in wanted if w is not None]], today)
    own = terms[order.plan_id]
    base = lines.Priced(
        LineSource.REQUEST,
        f"{own.service_name_vi} – {own.plan_name_vi}",
        f"{own.service_name_en} – {own.plan_name_en}",
        own.unit.value,
        order.quantity,
        order.unit_amount,
        order.vat_rate,
        0,
        order.plan_id,
    )
    result = [
        lines.Priced(
            **{
                **base.__dict__,
                "discount_amount": _discount(c, f.request_discount_amount, base, "requestDiscountAmount"),
            }
        )
    ]
    if order.fee_amount:
        # Surcharges and fees the seller keeps are part of the taxable price (VAT law, art. 7): the
        # request's rate applies.
        result.append(
            lines.Priced(
                LineSource.FEE,
                f"Phí kênh tiếp nhận ({order.channel.value})",
                f"Channel fee ({order.channel.value})",
                "",
                1,
                order.fee_amount,
                order.vat_rate,
            )
        )
    if len(f.extra_lines) > MAX_EXTRA_LINES:
        c.fail("extraLines", "TOO_MANY", f"Tối đa {MAX_EXTRA_LINES} dòng.", f"At most {MAX_EXTRA_LINES} lines.")
        return result
    for index, (extra, plan_id) in enumerate(zip(f.extra_lines, wanted, strict=True)):
        where = f"extraLines.{index}"
        plan = terms.get(plan_id) if plan_id is not None else None
        if plan_id is not None and (plan is None or not plan.offered or plan.price is None):
            c.fail(
                f"{where}.planId",
                "PLAN_NOT_AVAILABLE",
                "Gói không còn cung cấp hoặc chưa có giá.",
                "The plan is not offered or has no price in force.",
            )
        minimum = plan.min_quantity if plan else 1
        if not minimum <= extra.quantity <= MAX_QUANTITY:
            c.fail(
                f"{where}.quantity",
                "INVALID_QUANTITY",
                f"Số lượng phải từ {minimum} đến {MAX_QUANTITY}.",
                f"The quantity must be {minimum} to {MAX_QUANTITY}.",
            )
            continue
        if plan is None or plan.price is None or not plan.offered:
            continue
        line = lines.Priced(
            LineSource.PLAN,
            f"{plan.service_name_vi} – {plan.plan_name_vi}",
            f"{plan.service_name_en} – {plan.plan_name_en}",
            plan.unit.value,
            extra.quantity,
            plan.price.amount,
            plan.price.vat_rate,
            0,
            plan.plan_id,
        )
        result.append(
            lines.Priced(
                **{
                    **line.__dict__,
                    "discount_amount": _discount(c, extra.discount_amount, line, f"{where}.discountAmount"),
                }
            )
        )
    return result


async def create_quote(principal: Principal, request_code: str, f: QuoteFields) -> dict[str, Any]:
    """An operator of the request's department quotes it; earlier open revisions are superseded."""
    order = await orders.for_staff(principal, request_code)
    today = clock.local_today()
    c = Checker()
    valid_until = f.valid_until or today + timedelta(days=get_settings().quote_valid_days)
    if c.check(check_date, valid_until, "validUntil") is not None and valid_until < today:
        c.fail("validUntil", "DATE_IN_PAST", "Hạn hiệu lực đã qua.", "The validity date is in the past.")
    note = c.check(clean_optional, f.note, "note", max_length=2000, multiline=True)
    priced = await _lines(order, f, today, c)
    c.done()
    lines.check_rates(priced, today)
    totals = lines.totals(priced)
    if totals["total_amount"] > MAX_AMOUNT:
        raise ValidationFailed(
            "AMOUNT_TOO_LARGE",
            "Tổng tiền vượt quá mức cho phép.",
            "The total exceeds the allowed maximum.",
            "extraLines",
        )
    if not order.is_quotable:
        raise Conflict(
            "REQUEST_NOT_QUOTABLE",
            "Hồ sơ không ở trạng thái có thể báo giá.",
            "The request is not in a state that can be quoted.",
            "requestCode",
        )
    actor = principal.as_actor()
    async with transaction():
        if await repository.accepted_quote_of(order.id) is not None:
            raise Conflict(
                "QUOTE_ALREADY_ACCEPTED",
                "Hồ sơ đã có báo giá được chấp nhận.",
                "The request already has an accepted quote.",
                "requestCode",
            )
        for old in await repository.open_quotes_of(order.id):
            await _move(old, QuoteAction.SUPERSEDE, actor, "")
        values = {
            "request": order.id,
            "revision": await repository.next_revision(order.id),
            "department": order.department_id,
            "customer": order.customer_id,
            "status": QuoteStatus.SENT.value,
            "valid_until": valid_until,
            "note": note or "",
            "created_by": principal.account_id,
            **totals,
        }
        quote_id = await repository.insert_quote(values, lines.rows(priced))
        quote = await repository.quote_by_id(quote_id)
        assert quote is not None
        await events.record(actor, ENTITY, quote_id, "quote.send", to_status=QuoteStatus.SENT.value)
        await audit.record(
            actor,
            "quote.create",
            "quote",
            quote_id,
            None,
            {k: quote[k] for k in ("request", "revision", "total_amount")},
        )
        link = await orders.guest_link(order, "quote")
        message = await notices.quote_sent(quote, order.contact_email, order.code, link)
    await outbox.deliver([message])
    return quote


async def _move(quote: dict[str, Any], action: QuoteAction, actor: Actor, comment: str) -> dict[str, Any]:
    """Inside a transaction: one step of the quote's table, its history and audit record."""
    current = QuoteStatus(quote["status"])
    target = apply_transition(QUOTE_LIFECYCLE, current, action=action).target
    values: dict[Any, Any] = {"status": target.value}
    if action in (QuoteAction.ACCEPT, QuoteAction.DECLINE):
        values.update(decided_at=clock.now(), decided_by=actor.label)
    if not await repository.update_quote(quote["id"], quote["version"], values):
        raise stale_version(QUOTE)
    await events.record(
        actor,
        ENTITY,
        quote["id"],
        f"quote.{action.value}",
        from_status=current.value,
        to_status=target.value,
        comment=comment,
    )
    await audit.record(
        actor, f"quote.{action.value}", "quote", quote["id"], {"status": current.value}, {"status": target.value}
    )
    after = await repository.quote_by_id(quote["id"])
    assert after is not None
    return after


def _expired() -> Conflict:
    return Conflict(
        "QUOTE_EXPIRED",
        "Báo giá đã hết hạn; hãy đề nghị báo giá mới.",
        "The quote has expired; ask for a new one.",
        "id",
    )


async def _answer(
    order: orders.Order,
    quote_ref: object,
    action: QuoteAction,
    actor: Actor,
    comment: str | None,
    link_id: int | None = None,
) -> dict[str, Any]:
    quote = await repository.quote_by_id(parse_id(quote_ref))
    if quote is None or quote["request"] != order.id:
        raise access.quote_not_found()
    text = clean_optional(comment, "comment", max_length=2000, multiline=True)
    if QuoteStatus(quote["status"]) is QuoteStatus.SENT and quote["valid_until"] < clock.local_today():
        raise _expired()  # the nightly sweep may not have run yet: the date decides
    messages: list[int | None] = []
    async with transaction():
        after = await _move(quote, action, actor, text)
        if link_id is not None:
            await orders.use_link(link_id)
        if action is QuoteAction.ACCEPT:
            messages.append(await orders.start_on_acceptance(order.id, actor))
    await outbox.deliver(messages)
    return after


async def answer_as_customer(
    principal: Principal, quote_ref: object, action: QuoteAction, comment: str | None
) -> dict[str, Any]:
    require_customer(principal)  # first: whether a quote id exists is no one else's business
    quote = await repository.quote_by_id(parse_id(quote_ref))
    if quote is None:
        raise access.quote_not_found()
    try:
        order = await orders.for_customer(principal, quote["request"])
    except DomainError as refused:
        if refused.code == "NOT_FOUND":
            raise access.quote_not_found() from None  # another customer's quote is an unknown one
        raise
    return await _answer(order, quote["id"], action, principal.as_actor(), comment)


async def answer_as_guest(
    principal: Principal, token: str, quote_ref: object, action: QuoteAction, comment: str | None
) -> dict[str, Any]:
    require_public_caller(principal)
    order, link_id = await orders.for_guest_step(token)
    return await _answer(order, quote_ref, action, orders.guest_actor(order), comment, link_id)


async def expire_quotes() -> list[int]:
    """Quotes past their validity date, not answered: expired (the mark-overdue command runs it daily)."""
    expired = []
    for quote in await repository.expired_quotes(clock.local_today()):
        try:
            async with transaction():
                await _move(quote, QuoteAction.EXPIRE, Actor.system(), "")
        except DomainError:
            continue  # answered meanwhile
        expired.append(int(quote["id"]))
    return expired


async def readable(principal: Principal, quote_ref: object) -> dict[str, Any]:
    """A quote for its customer, the request's department's operators, and finance; NOT_FOUND otherwise."""
    require_person(principal)
    quote = await repository.quote_by_id(parse_id(quote_ref))
    if quote is None:
        raise access.quote_not_found()
    if access.customer_owns(principal, quote) or access.is_finance(principal):
        return quote
    try:
        orders_of_staff = await orders.by_ids([quote["request"]])
        await orders.for_staff(principal, orders_of_staff[quote["request"]].code)
    except DomainError:
        raise access.quote_not_found() from None
    return quote
