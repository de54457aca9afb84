"""Invoice numbers stay gapless and unique under concurrent issuing (real concurrent tasks on PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest

from app import clock
from app.auth.enums import AccountKind, Role
from app.auth.principal import Principal
from app.db import database_lifespan, is_sqlite
from app.money import VatRate
from billing import invoices, lines, repository
from billing.enums import BuyerKind, InvoiceKind, InvoiceSource, InvoiceStatus, LineSource
from billing.tables import Invoice

FINANCE = Principal(account_id=1, email="ke.toan@ttcntt.vn", kind=AccountKind.STAFF, roles=frozenset({Role.FINANCE}))


async def drafts(count: int) -> list[int]:
    line = lines.Priced(LineSource.MANUAL, "Dịch vụ", "", "", 1, 1_000_000, VatRate.RATE_10)
    values = {
        "kind": InvoiceKind.ORIGINAL.value, "source": InvoiceSource.QUOTE.value, "status": InvoiceStatus.DRAFT.value,
        "template": "1", "symbol": "", "buyer_kind": BuyerKind.INDIVIDUAL.value, "buyer_name": "Nguyễn Văn A",
        **lines.totals([line]),
    }  # fmt: skip
    return [
        await repository.insert_invoice({**values, "payment_reference": f"HDTEST{n:06d}"}, lines.rows([line]))
        for n in range(count)
    ]


async def test_fifty_concurrent_issuers_number_a_thousand_invoices_without_gap_or_duplicate(db: None) -> None:
    if is_sqlite():
        pytest.skip("concurrency is exercised on PostgreSQL (SQLite serialises writers)")

    async def issuer(mine: list[int]) -> None:
        for invoice_id in mine:
            await invoices.issue(FINANCE, invoice_id, 1)

    async with database_lifespan():  # the drafts too: without a pool each statement opens a connection
        ids = await drafts(1000)
        await asyncio.gather(*(issuer(ids[i::50]) for i in range(50)))
    numbers = sorted(row["number"] for row in await Invoice.select(Invoice.number))
    assert numbers == list(range(1, 1001))
    assert {row["symbol"] for row in await Invoice.select(Invoice.symbol)} == {invoices.symbol_for(clock.local_today())}
